// sdcd's data folder (server.h lists what it holds): making one, opening
// its store, and signing audit checkpoints into it. Internal to the http
// module.
#pragma once

#include <filesystem>
#include <memory>
#include <utility>

#include "sdc/http/config.h"
#include "sdc/registry/audit.h"
#include "sdc/registry/store.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::http {

// Where each file of a data folder is.
struct DataPaths {
  std::filesystem::path dir;
  std::filesystem::path db() const { return dir / "registry.db"; }
  std::filesystem::path pki() const { return dir / "pki"; }
  std::filesystem::path pii() const { return dir / "pii.keys"; }
  std::filesystem::path checkpoint_key() const { return dir / "checkpoint.key"; }
  std::filesystem::path checkpoints() const { return dir / "audit.checkpoints"; }
  std::filesystem::path checkpoint_lock() const { return dir / "audit.checkpoints.lock"; }
};

// An exclusive flock(2) on a file (made if missing, mode 0600), released
// when destroyed.
class FileLock {
 public:
  static Result<FileLock> acquire(const std::filesystem::path& path);
  FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// The store the settings name: SQLite in the folder, or PostgreSQL.
Result<std::unique_ptr<registry::Store>> open_store(const Config& c, const DataPaths& p);

// Signs a checkpoint of the audit chain's head into the folder. Several
// sdcd may share one folder: under an exclusive lock each reads the head
// and appends, so lines stay in chain order.
Result<void> checkpoint_audit(registry::Store& store, const DataPaths& p,
                              const registry::CheckpointKey& key, UnixTime now);

}  // namespace sdc::http
