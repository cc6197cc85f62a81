// backup_sqlite_database: SQLite's online backup API, from a read-only
// connection on the live file into a fresh file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sdc/store_sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_handle.h"

namespace sdc::registry {
namespace {

namespace fs = std::filesystem;
using sqlite::Db;

Result<Db> open_file(const fs::path& path, int flags, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK)
    return fail(Errc::io, "sqlite: cannot open " + path.string() + ": " +
                              (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  return db;
}

// The first column of the first row of `sql`.
Result<std::string> query_text(sqlite3* db, const char* sql) {
  auto s = sqlite::Stmt::prepare(db, sql);
  if (!s) return std::unexpected(s.error());
  if (s->step() != SQLITE_ROW)
    return fail(Errc::io, std::string("sqlite: ") + sql + ": " + sqlite3_errmsg(db));
  return s->text(0);
}

Result<void> copy(const fs::path& from, const fs::path& to, int busy_timeout_ms) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return fail(Errc::io, "no database at " + from.string());
  // Query-only on the source: the backup never writes the live database.
  // (Opened read-write all the same, as WAL's -shm may need making when no
  // sdcd has the file open.)
  auto src = open_file(from, SQLITE_OPEN_READWRITE, busy_timeout_ms);
  if (!src) return std::unexpected(src.error());
  if (sqlite3_exec(src->get(), "PRAGMA query_only = ON", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(Errc::io, std::string("sqlite: ") + sqlite3_errmsg(src->get()));
  // Checks that it is a database at all before anything is made.
  if (auto q = query_text(src->get(), "PRAGMA schema_version"); !q)
    return fail(Errc::io, from.string() + " is not a SQLite database: " + q.error().message);

  int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(Errc::conflict, to.string() + " exists");
    return fail(Errc::io, "cannot create " + to.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  auto dst = open_file(to, SQLITE_OPEN_READWRITE, busy_timeout_ms);
  if (!dst) return std::unexpected(dst.error());

  sqlite3_backup* b = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (!b) return fail(Errc::io, std::string("sqlite: backup: ") + sqlite3_errmsg(dst->get()));
  // All pages in one step: one read transaction, so one snapshot. A writer
  // holding the lock a moment (rollback journal mode, or a checkpoint) is
  // waited out.
  int rc = SQLITE_OK;
  for (int waited = 0;; waited += 50) {
    rc = sqlite3_backup_step(b, -1);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= busy_timeout_ms) break;
    sqlite3_sleep(50);
  }
  int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    return fail(Errc::io,
                std::string("sqlite: backup of ") + from.string() + ": " + sqlite3_errstr(rc));
  if (finish != SQLITE_OK)
    return fail(Errc::io, std::string("sqlite: backup: ") + sqlite3_errmsg(dst->get()));

  // One file, no -wal beside it; synced by the journal mode change.
  if (auto m = query_text(dst->get(), "PRAGMA journal_mode = DELETE"); !m)
    return std::unexpected(m.error());
  auto check = query_text(dst->get(), "PRAGMA integrity_check");
  if (!check) return std::unexpected(check.error());
  if (*check != "ok")
    return fail(Errc::io, "sqlite: the copy fails its integrity check: " + *check);
  return {};
}

}  // namespace

Result<void> backup_sqlite_database(const fs::path& from, const fs::path& to, int busy_timeout_ms) {
  auto r = copy(from, to, busy_timeout_ms);
  if (!r && r.error().code != Errc::conflict) {
    std::error_code ec;
    fs::remove(to, ec);
    for (const char* side : {"-journal", "-wal", "-shm"}) {
      auto p = to;
      p += side;
      fs::remove(p, ec);
    }
  }
  return r;
}

}  // namespace sdc::registry
