// What every aggregate of SqliteTx shares: stepping statements and turning
// SQLite's failures into errors and retries.
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry::sqlite {

Error sqlite_error(sqlite3* db, std::string_view what) {
  return Error{Errc::io, "sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db)};
}

Result<void> SqliteTx::done(Stmt& s, std::string_view what) {
  int rc = s.step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
  return step_error(rc, what);
}

std::unexpected<Error> SqliteTx::step_error(int rc, std::string_view what) {
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    request_retry();
    return std::unexpected(Error{
        Errc::conflict, "sqlite: " + std::string(what) + ": a unique value is already taken"});
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) request_retry();
  return std::unexpected(sqlite_error(db_, what));
}

}  // namespace sdc::registry::sqlite
