// Each command group registers its subcommands on the top-level app. The
// callbacks set the process exit status through the returned int.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace sdc::cli {

// The exit status of a command: 0 success, 1 a negative answer (a card that
// does not verify, a portrait refused), 2 a usage error, 3 authentic but
// unchecked status.
using Run = std::function<int()>;

// Registers `sub` with `run` as its action; main() runs the one chosen.
void on_run(CLI::App* sub, Run run);

void register_pki(CLI::App& app);
void register_issue(CLI::App& app);
void register_verify(CLI::App& app);
void register_status(CLI::App& app);
void register_mrz(CLI::App& app);
void register_demo(CLI::App& app);
void register_portrait(CLI::App& app);  // portrait check
void register_render(CLI::App& app);    // render, render-batch

}  // namespace sdc::cli
