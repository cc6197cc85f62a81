#include <iostream>
#include <map>

#include "cli/commands.h"

namespace sdc::cli {
namespace {
std::map<CLI::App*, Run>& actions() {
  static std::map<CLI::App*, Run> a;
  return a;
}
}  // namespace

void on_run(CLI::App* sub, Run run) { actions()[sub] = std::move(run); }

int run_selected() {
  for (auto& [sub, run] : actions())
    if (sub->parsed()) {
      // The deepest parsed subcommand wins (e.g. "pki init" over "pki").
      bool deeper = false;
      for (CLI::App* child : sub->get_subcommands())
        if (actions().count(child)) deeper = true;
      if (!deeper) return run();
    }
  return usage_error("no command given; see --help");
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int usage_error(const std::string& message) {
  std::cerr << "sdc: " << message << "\n";
  return kUsage;
}

int usage_error(const Error& error) { return usage_error(error.message); }

}  // namespace sdc::cli
