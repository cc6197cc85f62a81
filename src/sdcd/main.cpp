// sdcd: the registry service. `init` creates a data folder, `serve` serves
// it, `demo` does both and seeds demo users and specimen holders; `backup`
// and `restore` copy a data folder and its database (docs/BACKUP.md). Settings
// (sdc/http/config.h): flags, then SDCD_* variables, then DATA/sdcd.toml.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

#include "sdc/crypto/crypto.h"
#include "sdc/http/backup.h"
#include "sdc/http/demo_seed.h"
#include "sdc/http/server.h"

std::string_view sdcd_openapi_yaml();

namespace {

using sdc::http::ConfigOverrides;
using sdc::http::Server;

// The world sdcd runs in: the system's clock, CSPRNG and time-zone database.
struct World {
  sdc::SystemClock clock;
  sdc::Random& random = sdc::crypto::system_random();
  sdc::registry::ZoneinfoTimeZones zones;
};

// The settings given as flags; each is unset unless it was given.
struct Flags {
  std::string listen, store, postgres, tls_cert, tls_key;
  int threads = 0;
  bool insecure_http = false;
  CLI::Option* insecure_http_opt = nullptr;
  CLI::Option *listen_opt = nullptr, *store_opt = nullptr, *postgres_opt = nullptr,
              *tls_cert_opt = nullptr, *tls_key_opt = nullptr, *threads_opt = nullptr;

  void add_to(CLI::App& app) {
    listen_opt = app.add_option("--listen", listen, "HOST:PORT to serve on [SDCD_LISTEN]");
    threads_opt = app.add_option("--threads", threads, "worker threads [SDCD_THREADS]")
                      ->check(CLI::Range(1, 1024));
    store_opt = app.add_option("--store", store, "sqlite or postgres [SDCD_STORE]")
                    ->check(CLI::IsMember({"sqlite", "postgres"}));
    postgres_opt = app.add_option("--postgres", postgres,
                                  "libpq conninfo of the PostgreSQL database [SDCD_POSTGRES]");
    tls_cert_opt = app.add_option("--tls-cert", tls_cert,
                                  "PEM certificate (chain): serve HTTPS [SDCD_TLS_CERT]");
    tls_key_opt = app.add_option("--tls-key", tls_key, "PEM private key, mode 0600 [SDCD_TLS_KEY]");
    insecure_http_opt = app.add_flag(
        "--insecure-http", insecure_http,
        "serve plain HTTP on a non-loopback address too (behind a proxy that terminates TLS) "
        "[SDCD_INSECURE_HTTP]");
  }

  sdc::Result<ConfigOverrides> overrides() const {
    ConfigOverrides o;
    if (listen_opt->count() > 0) {
      if (auto l = sdc::http::parse_listen(listen); !l)
        return sdc::fail(sdc::Errc::invalid_argument, "--" + l.error().message);
      o.listen = listen;
    }
    if (threads_opt->count() > 0) o.threads = threads;
    if (store_opt->count() > 0) {
      auto k = sdc::http::parse_store_kind(store);
      if (!k) return std::unexpected(k.error());
      o.store = *k;
    }
    if (postgres_opt->count() > 0) o.postgres = postgres;
    if (tls_cert_opt->count() > 0) o.tls_cert = tls_cert;
    if (tls_key_opt->count() > 0) o.tls_key = tls_key;
    if (insecure_http_opt->count() > 0) o.insecure_http = insecure_http;
    return o;
  }
};

// The environment under the flags.
sdc::Result<ConfigOverrides> environment_and(const Flags& flags) {
  auto env = sdc::http::overrides_from_environment(sdc::http::process_environment());
  if (!env) return std::unexpected(env.error());
  auto given = flags.overrides();
  if (!given) return std::unexpected(given.error());
  return sdc::http::merge(*env, *given);
}

// Signals are waited for on a normal thread (sigwait), which then stops the
// server: nothing async-signal-unsafe runs in a handler.
int serve(Server& server) {
  const auto& config = server.config();
  auto bound = server.bind();
  if (!bound) {
    std::fprintf(stderr, "sdcd: %s\n", bound.error().message.c_str());
    return 1;
  }
  auto listen = sdc::http::parse_listen(config.listen);
  std::fprintf(stderr,
               "sdcd: listening on %s://%s:%d (API description: /openapi.yaml; store: %s)\n",
               config.tls() ? "https" : "http", listen->host.c_str(), *bound,
               sdc::http::to_string(config.store));
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

// Seeds the demo registry and prints its logins.
sdc::Result<void> seed_demo_and_show_logins(Server& server) {
  auto logins = sdc::http::seed_demo(server);
  if (!logins) return std::unexpected(logins.error());
  std::fprintf(stderr, "sdcd demo: logins (username / password):\n");
  for (const auto& l : *logins)
    std::fprintf(stderr, "  %-10s %-20s %s\n", l.username.c_str(), l.password.c_str(),
                 sdc::registry::to_string(l.role));
  for (const auto& l : *logins)
    if (l.role == sdc::registry::Role::holder)
      std::fprintf(stderr,
                   "sdcd demo: a holder signs in at POST /v1/me/login with document number %s "
                   "and PIN %s\n",
                   l.username.c_str(), l.password.c_str());
  return {};
}

// The environment's settings with --postgres over them, for backup and restore.
sdc::Result<ConfigOverrides> postgres_overrides(const CLI::Option* opt,
                                                const std::string& conninfo) {
  auto env = sdc::http::overrides_from_environment(sdc::http::process_environment());
  if (!env) return std::unexpected(env.error());
  if (opt->count() > 0) env->postgres = conninfo;
  return env;
}

std::string size_text(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  static World world;
  // Block the stop signals in every thread; one thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{
      "sdcd: the SDC registry service. Settings: flags, then the environment (SDCD_*), then "
      "the data folder's sdcd.toml, then defaults."};
  app.require_subcommand(1);
  std::string data, base_url, admin = "admin", config_file;
  Flags init_flags, serve_flags, demo_flags;

  auto* init = app.add_subcommand("init", "create a data folder (and migrate the store)");
  init->add_option("--data", data, "data folder")->required();
  auto* base_url_opt = init->add_option(
      "--base-url", base_url,
      "public base URL, fixed for life: cards carry URL/status/validity (default: from --listen)");
  init->add_option("--admin", admin, "first administrator's username");
  std::string existing_pki;
  init->add_option("--pki", existing_pki,
                   "take the issuer keys of this folder (made by `sdc pki init`) instead of "
                   "making new ones; root.key is not copied");
  init_flags.add_to(*init);

  auto* srv = app.add_subcommand("serve", "serve a data folder");
  srv->add_option("--data", data, "data folder")->required();
  srv->add_option("--config", config_file, "settings file (default: DATA/sdcd.toml)");
  serve_flags.add_to(*srv);

  auto* demo =
      app.add_subcommand("demo", "init and seed a demo data folder on first start, then serve");
  demo->add_option("--data", data, "data folder")->required();
  demo_flags.add_to(*demo);

  std::string out, from, keys_file, backup_pg;
  bool keys_only = false, force = false;
  auto* bak = app.add_subcommand(
      "backup",
      "write a backup of a data folder, serving or not, to one file (mode 0600): its database "
      "as of one commit (SQLite online backup, or pg_dump), settings, certificates and audit "
      "checkpoints; no private keys unless --keys (docs/BACKUP.md)");
  bak->add_option("--data", data, "data folder")->required();
  bak->add_option("--out", out, "the backup file to write (refused if it exists, unless --force)")
      ->required();
  bak->add_flag("--keys", keys_only,
                "write the private keys instead (pii.keys, checkpoint.key, pki/signer.key): keep "
                "this file apart from the data backups, offline");
  bak->add_flag("--force", force, "replace --out if it exists");
  auto* bak_pg = bak->add_option("--postgres", backup_pg,
                                 "libpq conninfo of the database to dump [SDCD_POSTGRES] "
                                 "(default: from DATA/sdcd.toml)");

  auto* rst = app.add_subcommand(
      "restore",
      "make a new data folder from a data backup and its keys backup; both are checked whole "
      "first, and the folder appears only once its audit trail verifies");
  rst->add_option("--from", from, "the data backup (sdcd backup)")->required();
  rst->add_option("--keys", keys_file, "the keys backup of the same registry (sdcd backup --keys)")
      ->required();
  rst->add_option("--data", data, "the data folder to make: new or empty")->required();
  auto* rst_pg = rst->add_option(
      "--postgres", backup_pg,
      "PostgreSQL: the empty database to restore into, written into the restored sdcd.toml "
      "(default: the one the backup's sdcd.toml names) [SDCD_POSTGRES]");

  CLI11_PARSE(app, argc, argv);

  if (*bak) {
    auto o = postgres_overrides(bak_pg, backup_pg);
    if (!o) {
      std::fprintf(stderr, "sdcd backup: %s\n", o.error().message.c_str());
      return 2;
    }
    sdc::http::BackupOptions bo;
    bo.data_dir = data;
    bo.out = out;
    bo.kind = keys_only ? sdc::http::BackupKind::keys : sdc::http::BackupKind::data;
    bo.overwrite = force ? sdc::http::Overwrite::yes : sdc::http::Overwrite::no;
    bo.overrides = *o;
    bo.clock = &world.clock;
    auto r = sdc::http::backup_data_dir(bo);
    if (!r) {
      std::fprintf(stderr, "sdcd backup: %s\n", r.error().message.c_str());
      return 1;
    }
    std::uint64_t total = 0;
    for (const auto& f : r->files) total += f.size;
    std::fprintf(stderr, "sdcd backup: wrote %s (%s backup, store %s, %zu files, %s)\n",
                 out.c_str(), keys_only ? "keys" : "data", r->store.c_str(), r->files.size(),
                 size_text(total).c_str());
    if (keys_only)
      std::fprintf(stderr,
                   "sdcd backup: it holds the private keys: keep it offline, apart from the data "
                   "backups\n");
    return 0;
  }
  if (*rst) {
    auto o = postgres_overrides(rst_pg, backup_pg);
    if (!o) {
      std::fprintf(stderr, "sdcd restore: %s\n", o.error().message.c_str());
      return 2;
    }
    sdc::http::RestoreOptions ro;
    ro.from = from;
    ro.keys = keys_file;
    ro.data_dir = data;
    ro.overrides = *o;
    ro.postgres_to_file = rst_pg->count() > 0;
    auto r = sdc::http::restore_data_dir(ro);
    if (!r) {
      std::fprintf(stderr, "sdcd restore: %s\n", r.error().message.c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "sdcd restore: restored %s (store %s, backup of %lld); audit trail intact: %llu "
                 "records, %llu checkpoints\n",
                 data.c_str(), r->manifest.store.c_str(),
                 static_cast<long long>(r->manifest.created_at),
                 static_cast<unsigned long long>(r->audit_records),
                 static_cast<unsigned long long>(r->audit_checkpoints));
    return 0;
  }

  const Flags& flags = *init ? init_flags : *srv ? serve_flags : demo_flags;
  auto overrides = environment_and(flags);
  if (!overrides) {
    std::fprintf(stderr, "sdcd: %s\n", overrides.error().message.c_str());
    return 2;
  }

  auto do_init = [&]() -> int {
    auto config = sdc::http::resolve_config(sdc::http::Config{}, *overrides);
    if (!config) {
      std::fprintf(stderr, "sdcd init: %s\n", config.error().message.c_str());
      return 2;
    }
    if (base_url_opt->count() > 0) {
      config->base_url = base_url;
    } else {
      auto l = sdc::http::parse_listen(config->listen);
      if (l->host == "0.0.0.0" || l->host == "::" || l->port == 0) {
        std::fprintf(stderr, "sdcd init: give --base-url: %s is no address for cards to carry\n",
                     config->listen.c_str());
        return 2;
      }
      config->base_url = std::string(config->tls() ? "https://" : "http://") + config->listen;
    }
    sdc::http::InitOptions o;
    o.data_dir = data;
    o.admin = admin;
    o.config = *config;
    o.existing_pki = existing_pki;
    o.clock = &world.clock;
    o.random = &world.random;
    auto r = sdc::http::init_data_dir(o);
    if (!r) {
      std::fprintf(stderr, "sdcd init: %s\n", r.error().message.c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "sdcd init: created %s (settings in sdcd.toml, store: %s)\n"
                 "administrator: %s\npassword (shown once): %s\n",
                 data.c_str(), sdc::http::to_string(config->store), admin.c_str(),
                 r->admin_password.c_str());
    if (config->store == sdc::http::StoreKind::postgres &&
        sdc::http::conninfo_has_password(config->postgres))
      std::fprintf(stderr,
                   "sdcd init: the conninfo holds a password, so it is not in sdcd.toml: give it "
                   "to serve as SDCD_POSTGRES or --postgres\n");
    return 0;
  };

  if (*init) return do_init();

  bool fresh = false;
  if (*demo && !sdc::http::data_dir_initialised(data)) {
    std::error_code ec;
    if (std::filesystem::exists(data, ec) && !std::filesystem::is_empty(data, ec)) {
      std::fprintf(stderr,
                   "sdcd demo: %s holds no sdcd.toml (made by an older sdcd?): remove it for "
                   "fresh demo data\n",
                   data.c_str());
      return 1;
    }
    if (int rc = do_init(); rc != 0) return rc;
    fresh = true;
  }
  sdc::http::ServeOptions so;
  so.data_dir = data;
  so.config_file = config_file;
  so.overrides = *overrides;
  // The demo serves plain HTTP wherever it is told to (its data is specimens).
  if (*demo) so.overrides.insecure_http = true;
  so.openapi_yaml = std::string(sdcd_openapi_yaml());
  so.clock = &world.clock;
  so.random = &world.random;
  so.time_zones = &world.zones;
  auto server = Server::open(so);
  if (!server) {
    std::fprintf(stderr, "sdcd: %s\n", server.error().message.c_str());
    return 1;
  }
  if (fresh) {
    if (auto r = seed_demo_and_show_logins(**server); !r) {
      std::fprintf(stderr, "sdcd demo: %s\n", r.error().message.c_str());
      return 1;
    }
  } else if (*demo) {
    std::fprintf(stderr,
                 "sdcd demo: using existing data in %s (demo logins as printed at first start)\n",
                 data.c_str());
  }
  return serve(**server);
}
