// sdcd: the registry service over HTTP (src/http/event_server.h; HTTPS
// through cpp-httplib when given a certificate). The data folder holds
// everything the service needs but the PostgreSQL database:
//
//   sdcd.toml          settings (config.h); base_url is fixed here at init
//   registry.db        SQLite database when store = "sqlite" (personal data
//                      sealed, pii.h); with store = "postgres" the database
//                      named by the conninfo holds the same tables instead
//                      (both also hold the service accounts with their
//                      Argon2id hashes, bearer sessions as SHA-256 digests,
//                      login throttling and offices)
//   pki/               issuer keys and certificates (pki.h)
//   pii.keys           PII keys, mode 0600
//   checkpoint.key     audit checkpoint key, mode 0600
//   audit.checkpoints  signed checkpoints of the audit chain (its .lock file
//                      orders writers from several processes)
//
// Several sdcd may serve one PostgreSQL database, each from this folder or
// from a copy of it: the keys must be the same, everything that changes is in
// the database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sdc/http/config.h"
#include "sdc/registry/hearings.h"
#include "sdc/registry/holder_logins.h"
#include "sdc/registry/offices.h"
#include "sdc/registry/registry.h"
#include "sdc/registry/scheduling.h"
#include "sdc/registry/time_zones.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::http {

struct InitOptions {
  std::filesystem::path data_dir;
  std::string admin = "admin";
  // Written to sdcd.toml; with store = postgres the database is migrated and
  // must not already hold a registry.
  Config config;
  // A key folder made by `sdc pki init` to take instead of making new keys:
  // its signer key and certificate, root certificate and signer bundle are
  // copied (never root.key, which belongs offline). Empty: make new keys.
  std::filesystem::path existing_pki;
  // The world, from the caller (not owned; used only during the call):
  // certificate times and the first administrator's password come from them.
  const Clock* clock = nullptr;
  Random* random = nullptr;
};

struct InitResult {
  std::string admin_password;  // shown once; only its hash is kept
};

// Creates a fresh data folder (and migrates the store). Refuses
// (Errc::conflict) a folder that exists and is not empty, and a PostgreSQL
// database that already holds a registry (copy that registry's data folder
// instead: its keys seal the data).
Result<InitResult> init_data_dir(const InitOptions& options);

// True when `dir` holds the sdcd.toml written by init_data_dir.
bool data_dir_initialised(const std::filesystem::path& dir);

struct ServeOptions {
  std::filesystem::path data_dir;
  std::filesystem::path config_file;  // empty: default_config_path(data_dir)
  ConfigOverrides overrides;          // environment and flags, over the file
  std::string openapi_yaml;           // served at /openapi.yaml; config "openapi_path" overrides
  bool log_requests = true;           // method, route template, status, latency: no personal data
  // The world, from the caller; not owned, must outlive the Server, and
  // thread-safe. All three are required.
  const Clock* clock = nullptr;
  Random* random = nullptr;                         // ids, tokens, status indexes
  const registry::TimeZones* time_zones = nullptr;  // the zones offices may name
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> open(const ServeOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: any free port) and returns the bound port. Plain
  // HTTP is refused on a non-loopback host unless insecure_http is set.
  Result<int> bind(const std::string& host, int port);
  // Binds the configured listen address.
  Result<int> bind();
  // Serves until stop(); returns false if the listener failed.
  bool run();
  // Thread-safe and async-signal-unsafe: call from a normal thread.
  void stop();
  bool running() const;

  // Adds a service account (username unique; password of 12+ characters).
  Result<registry::User> add_user(const std::string& username, const std::string& password,
                                  registry::Role role, const std::string& office_id = {});
  // Adds an office (name unique; time_zone an IANA name, e.g.
  // "America/Chicago"). Errc::invalid_argument names the bad field.
  Result<registry::OfficeRow> add_office(const std::string& name, const std::string& address,
                                         const std::string& time_zone, const std::string& phone);
  // The same with hours, slot length and capacity (registry/offices.h).
  Result<registry::OfficeRow> add_office(const registry::OfficeInput& in);
  registry::Registry& registry();
  registry::Scheduling& scheduling();
  registry::Hearings& hearings();
  registry::HolderLogins& holder_logins();
  const registry::TimeZones& time_zones() const;
  // The clock the server was given (ServeOptions).
  const Clock& clock() const;
  // The settings in force (file, environment and flags resolved).
  const Config& config() const;
  // Every route as (method, template), e.g. ("GET", "/v1/holders/{id}"):
  // the paths docs/openapi.yaml describes.
  std::vector<std::pair<std::string, std::string>> routes() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sdc::http
