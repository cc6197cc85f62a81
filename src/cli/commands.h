// The sdc command line. Each command group registers its subcommands on the
// top-level app; main() runs the one chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "sdc/util/error.h"

namespace sdc::cli {

// Exit statuses shared by every command.
enum Exit : int {
  kOk = 0,
  kNegative = 1,   // a card that does not verify, a portrait refused
  kUsage = 2,      // bad arguments or unreadable input
  kUnchecked = 3,  // authentic, but validity could not be checked
};

using Run = std::function<int()>;

// Registers `run` as the action of `sub`.
void on_run(CLI::App* sub, Run run);
// Runs the action of the subcommand that was parsed.
int run_selected();

// Prints JSON to stdout, pretty.
void print_json(const nlohmann::json& j);
// Prints "sdc: <message>" to stderr and returns kUsage.
int usage_error(const std::string& message);
int usage_error(const Error& error);

void register_pki(CLI::App& app);
void register_issue(CLI::App& app);
void register_verify(CLI::App& app);
void register_sync(CLI::App& app);  // sync: an offline copy for verify --synced
void register_status(CLI::App& app);
void register_mrz(CLI::App& app);
void register_demo(CLI::App& app);
void register_portrait(CLI::App& app);  // portrait check
void register_render(CLI::App& app);    // render, render-batch
void register_audit(CLI::App& app);     // audit verify
void register_hearings(CLI::App& app);  // hearings import

}  // namespace sdc::cli
