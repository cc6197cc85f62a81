// The embedded store (default): one SQLite file in WAL mode with
// synchronous=FULL, so a committed transaction survives a power loss.
#pragma once

#include <filesystem>
#include <memory>

#include "sdc/registry/store.h"

namespace sdc::registry {

struct SqliteOptions {
  std::filesystem::path path;
  int busy_timeout_ms = 10000;
};

// Opens (creating if needed) the database file; does not migrate.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

}  // namespace sdc::registry
