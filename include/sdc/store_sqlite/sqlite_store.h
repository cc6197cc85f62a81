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

// Copies the database file `from` into a new file `to` (created with mode
// 0600; an existing `to` is Errc::conflict) with SQLite's online backup API,
// in one step under one read transaction: the copy is the database as of one
// commit, even while other connections or processes write (WAL lets them go
// on). The copy is checked (PRAGMA integrity_check) and left in rollback-
// journal mode, one self-contained file. A missing `from`, or one that is not
// a SQLite database, is Errc::io; `to` is removed on any failure.
Result<void> backup_sqlite_database(const std::filesystem::path& from,
                                    const std::filesystem::path& to, int busy_timeout_ms = 10000);

}  // namespace sdc::registry
