// sdcd: the registry service over HTTP (cpp-httplib). The data folder holds
// everything the service needs:
//
//   registry.db        SQLite database (personal data sealed, pii.h)
//   pki/               issuer keys and certificates (pki.h)
//   pii.keys           PII keys, mode 0600
//   checkpoint.key     audit checkpoint key, mode 0600
//   audit.checkpoints  signed checkpoints of the audit chain
//   users.json         service accounts: Argon2id password hashes, mode 0600
//   config.json        base URL, status URI, listen address, list size
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "sdc/error.h"
#include "sdc/registry.h"

namespace sdc::http {

struct InitOptions {
  std::filesystem::path data_dir;
  std::string base_url = "http://127.0.0.1:8080";
  std::string admin = "admin";
  std::string listen = "127.0.0.1:8080";
  std::uint64_t status_list_size = kDefaultStatusListSize;
};

struct InitResult {
  std::string admin_password;  // shown once; only its hash is kept
};

// Creates a fresh data folder. Refuses (Errc::conflict) one that exists and
// is not empty.
Result<InitResult> init_data_dir(const InitOptions& options);

// True when `dir` holds a config.json written by init_data_dir.
bool data_dir_initialised(const std::filesystem::path& dir);

struct ServeOptions {
  std::filesystem::path data_dir;
  std::string openapi_yaml;  // served at /openapi.yaml; config "openapi_path" overrides
  int threads = 16;
  bool log_requests = true;  // method, route template, status, latency: no personal data
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> open(const ServeOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: any free port) and returns the bound port.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop(); returns false if the listener failed.
  bool run();
  // Thread-safe and async-signal-unsafe: call from a normal thread.
  void stop();
  bool running() const;

  // Adds a service account (username unique; password of 12+ characters).
  Result<registry::User> add_user(const std::string& username, const std::string& password,
                                  registry::Role role);
  registry::Registry& registry();
  // The listen address from config.json.
  const std::string& configured_listen() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sdc::http
