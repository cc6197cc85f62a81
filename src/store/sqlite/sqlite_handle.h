// Move-only owners of sqlite3* and sqlite3_stmt*, and the binding helpers
// the store uses. Internal to store/sqlite.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sdc/bytes.h"
#include "sdc/error.h"

namespace sdc::registry::sqlite {

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;

struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// One prepared statement. Binding indexes start at 1, columns at 0.
class Stmt {
 public:
  static Result<Stmt> prepare(sqlite3* db, std::string_view sql);

  Stmt& bind(int i, std::string_view text);
  Stmt& bind(int i, ByteView blob);
  Stmt& bind(int i, std::int64_t value);
  Stmt& bind(int i, std::uint64_t value) { return bind(i, static_cast<std::int64_t>(value)); }

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step();

  std::string text(int col) const;
  Bytes blob(int col) const;
  std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  std::uint64_t u64(int col) const { return static_cast<std::uint64_t>(i64(col)); }

 private:
  explicit Stmt(sqlite3_stmt* s) : stmt_(s) {}
  std::unique_ptr<sqlite3_stmt, StmtFinalize> stmt_;
};

}  // namespace sdc::registry::sqlite
