// Backing up and restoring an sdcd data folder (docs/BACKUP.md).
//
// A backup is one file, a POSIX tar archive (`tar tvf` lists it) whose first
// member, sdc-backup.json, names every other member with its size and
// SHA-256; a backup is read in full and every member checked before anything
// is changed. A data backup holds what the registry needs to answer the same
// but its private keys:
//
//   sdcd.toml, pki/*.pem, pki/issuer.json, audit.checkpoints
//   registry.db      the SQLite database, copied with the online backup API
//   registry.pgdump  or the PostgreSQL database, pg_dump --format=custom
//
// The keys (pii.keys, checkpoint.key, pki/signer.key) go in a keys backup of
// their own (kind "keys"), kept apart; the data backup records each key
// file's SHA-256, so a restore refuses keys of another registry. root.key is
// never in a data folder, so never in either.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sdc/http/config.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::http {

enum class BackupKind { data, keys };
enum class Overwrite { no, yes };

struct BackupOptions {
  std::filesystem::path data_dir;
  std::filesystem::path out;
  BackupKind kind = BackupKind::data;
  Overwrite overwrite = Overwrite::no;  // no: an existing `out` is Errc::conflict
  ConfigOverrides overrides;            // over DATA/sdcd.toml: the PostgreSQL conninfo
  const Clock* clock = nullptr;         // required: the manifest's created_at
};

struct BackupEntry {
  std::string path;  // relative to the data folder, '/'-separated
  std::uint64_t size = 0;
  std::string sha256;  // hex
};

struct BackupManifest {
  BackupKind kind = BackupKind::data;
  UnixTime created_at = 0;
  std::string store;  // "sqlite" or "postgres"
  std::vector<BackupEntry> files;
  std::vector<BackupEntry> keys;  // the key files this backup needs (size 0 in a data backup)
};

// Writes a backup of a serving or stopped data folder to `out`, atomically
// (a temporary file in out's folder, fsynced, then linked into place), mode
// 0600. The database is copied as of one commit while sdcd goes on writing;
// audit.checkpoints is read under the checkpoint lock first, so each of its
// checkpoints is of a chain the copy holds. Needs pg_dump on PATH for
// PostgreSQL. Never changes the data folder or the database.
Result<BackupManifest> backup_data_dir(const BackupOptions& options);

// Reads a backup file and checks it whole (format, every member's size and
// SHA-256, nothing missing, cut short or added) without writing anything.
// Errc::not_found for a missing file, Errc::parse for anything else wrong.
Result<BackupManifest> check_backup(const std::filesystem::path& file);

struct RestoreOptions {
  std::filesystem::path from;      // a data backup
  std::filesystem::path keys;      // its keys backup
  std::filesystem::path data_dir;  // must not exist, or be empty
  // PostgreSQL: the empty database to restore into. Unset: the one sdcd.toml
  // names (with SDCD_POSTGRES over it). `postgres_to_file` writes the given
  // conninfo into the restored sdcd.toml (a password left out).
  ConfigOverrides overrides;
  bool postgres_to_file = false;
};

struct RestoreResult {
  BackupManifest manifest;
  std::uint64_t audit_records = 0;
  std::uint64_t audit_checkpoints = 0;
};

// Restores a data folder from a data backup and its keys backup. Both are
// checked whole first; the keys must be the backup's. The folder is built
// beside `data_dir` and renamed into place only when complete, after its
// audit trail verifies against its checkpoints. With PostgreSQL the target
// database must hold no registry; pg_restore (on PATH) loads it in one
// transaction. On failure nothing is left behind (Errc::conflict: a folder
// that is not empty, a database that is not).
Result<RestoreResult> restore_data_dir(const RestoreOptions& options);

}  // namespace sdc::http
