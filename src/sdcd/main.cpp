// sdcd: the registry service. `init` creates a data folder, `serve` serves
// it, `demo` does both and seeds demo users and specimen holders.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

#include "sdc/http/server.h"
#include "sdc/portrait.h"

std::string_view sdcd_openapi_yaml();

namespace {

using sdc::http::Server;
using sdc::registry::Role;

bool split_listen(const std::string& listen, std::string& host, int& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return port >= 0 && port <= 65535 && !host.empty();
}

// Signals are waited for on a normal thread (sigwait), which then stops the
// server: nothing async-signal-unsafe runs in a handler.
int serve(Server& server, const std::string& listen_arg) {
  std::string listen = listen_arg.empty() ? server.configured_listen() : listen_arg;
  std::string host;
  int port = 0;
  if (!split_listen(listen, host, port)) {
    std::fprintf(stderr, "sdcd: --listen: expected HOST:PORT\n");
    return 2;
  }
  auto bound = server.bind(host, port);
  if (!bound) {
    std::fprintf(stderr, "sdcd: %s\n", bound.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "sdcd: listening on http://%s:%d (API description: /openapi.yaml)\n",
               host.c_str(), *bound);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != 0) std::fprintf(stderr, "sdcd: stopping\n");
    server.stop();
  });
  bool ok = server.run();
  // If the listener ended by itself, wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::fprintf(stderr, "sdcd: stopped\n");
  return ok ? 0 : 1;
}

sdc::Result<void> seed_demo(Server& server) {
  struct DemoUser {
    const char* name;
    const char* password;
    Role role;
  };
  static constexpr DemoUser users[] = {
      {"officer", "demo-officer-pass", Role::enrollment_officer},
      {"field", "demo-field-pass", Role::field_officer},
      {"screener", "demo-screener-pass", Role::checkpoint_screener},
      {"kiosk", "demo-kiosk-pass", Role::kiosk},
      {"auditor", "demo-auditor-pass", Role::auditor},
      {"demoadmin", "demo-admin-pass", Role::administrator},
  };
  sdc::registry::User officer;
  for (const auto& u : users) {
    auto made = server.add_user(u.name, u.password, u.role);
    if (!made) return std::unexpected(made.error());
    if (u.role == Role::enrollment_officer) officer = *made;
  }
  auto portrait = sdc::specimen_portrait();
  struct Specimen {
    const char *a, *family, *given, *dob, *sex, *nat, *lang;
  };
  static constexpr Specimen specimens[] = {
      {"A201-555-001", "SPECIMEN", "ANNA MARIA", "1974-08-12", "F", "UTO", "sv"},
      {"A201-555-002", "MUSTERMANN", "ERIKA", "1988-03-XX", "F", "UTO", "de"},
      {"A201-555-003", "PUBLIC", "JOHN Q", "1990-11-30", "M", "UTO", "es"},
  };
  for (const auto& s : specimens) {
    sdc::registry::HolderInput in{s.a,   s.family, s.given,       s.dob,
                                  s.sex, s.nat,    portrait.jpeg, "SPECIMEN - not a real person",
                                  s.lang};
    auto h = server.registry().enroll(officer, in);
    if (!h) return std::unexpected(h.error());
    auto c = server.registry().issue_card(officer, h->id);
    if (!c) return std::unexpected(c.error());
  }
  std::fprintf(stderr, "sdcd demo: logins (username / password):\n");
  for (const auto& u : users)
    std::fprintf(stderr, "  %-10s %-20s %s\n", u.name, u.password,
                 sdc::registry::to_string(u.role));
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals in every thread; one thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"sdcd: the SDC registry service"};
  app.require_subcommand(1);
  std::string data, base_url = "http://127.0.0.1:8080", admin = "admin", listen;
  int threads = 16;

  auto* init = app.add_subcommand("init", "create a data folder");
  init->add_option("--data", data, "data folder")->required();
  init->add_option("--base-url", base_url, "public base URL (status uri = URL/status/validity)");
  init->add_option("--admin", admin, "first administrator's username");
  init->add_option("--listen", listen, "default HOST:PORT for serve");

  auto* srv = app.add_subcommand("serve", "serve a data folder");
  srv->add_option("--data", data, "data folder")->required();
  srv->add_option("--listen", listen, "HOST:PORT (default from config.json)");
  srv->add_option("--threads", threads, "worker threads");

  auto* demo =
      app.add_subcommand("demo", "init and seed a demo data folder on first start, then serve");
  demo->add_option("--data", data, "data folder")->required();
  demo->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");

  CLI11_PARSE(app, argc, argv);

  auto do_init = [&](const std::string& listen_default) -> int {
    sdc::http::InitOptions o;
    o.data_dir = data;
    o.base_url = base_url;
    o.admin = admin;
    o.listen = listen_default;
    auto r = sdc::http::init_data_dir(o);
    if (!r) {
      std::fprintf(stderr, "sdcd init: %s\n", r.error().message.c_str());
      return 1;
    }
    std::fprintf(stderr, "sdcd init: created %s\nadministrator: %s\npassword (shown once): %s\n",
                 data.c_str(), admin.c_str(), r->admin_password.c_str());
    return 0;
  };

  if (*init) return do_init(listen.empty() ? "127.0.0.1:8080" : listen);

  bool fresh = false;
  if (*demo && !sdc::http::data_dir_initialised(data)) {
    std::string l = listen.empty() ? "127.0.0.1:8080" : listen;
    base_url = "http://" + l;
    if (int rc = do_init(l); rc != 0) return rc;
    fresh = true;
  }
  sdc::http::ServeOptions so;
  so.data_dir = data;
  so.openapi_yaml = std::string(sdcd_openapi_yaml());
  so.threads = threads;
  auto server = Server::open(so);
  if (!server) {
    std::fprintf(stderr, "sdcd: %s\n", server.error().message.c_str());
    return 1;
  }
  if (fresh) {
    if (auto r = seed_demo(**server); !r) {
      std::fprintf(stderr, "sdcd demo: %s\n", r.error().message.c_str());
      return 1;
    }
  } else if (*demo) {
    std::fprintf(stderr,
                 "sdcd demo: using existing data in %s (demo logins as printed at first start)\n",
                 data.c_str());
  }
  return serve(**server, listen);
}
