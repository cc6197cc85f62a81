// sdc: issue, print and verify Secure Docket Cards from the command line.
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sdc: issue, print and verify Secure Docket Cards"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  sdc::cli::register_pki(app);
  sdc::cli::register_issue(app);
  sdc::cli::register_verify(app);
  sdc::cli::register_sync(app);
  sdc::cli::register_status(app);
  sdc::cli::register_mrz(app);
  sdc::cli::register_demo(app);
  sdc::cli::register_portrait(app);
  sdc::cli::register_render(app);
  sdc::cli::register_audit(app);
  sdc::cli::register_hearings(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    return sdc::cli::run_selected();
  } catch (const std::exception& e) {
    std::cerr << "sdc: " << e.what() << "\n";
    return 2;
  }
}
