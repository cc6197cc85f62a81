// Move-only owners of sqlite3* and sqlite3_stmt*, and the binding helpers
// the store uses. Internal to store/sqlite.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry::sqlite {

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;

// Finalizes a statement of its own; hands a cached one back to its cache
// (reset, bindings cleared) for the next use.
struct StmtRelease {
  bool* in_use = nullptr;  // the cache entry's flag; null when not cached
  void operator()(sqlite3_stmt* s) const {
    if (!in_use) {
      sqlite3_finalize(s);
      return;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    *in_use = false;
  }
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
  friend class StmtCache;
  explicit Stmt(sqlite3_stmt* s, bool* in_use = nullptr) : stmt_(s, StmtRelease{in_use}) {}
  std::unique_ptr<sqlite3_stmt, StmtRelease> stmt_;
};

// The statements one connection has prepared, kept for reuse: parsing and
// planning SQL costs more than running the small statements the store
// uses. Used only by the thread that holds the connection. A statement
// still in use when the same SQL is asked for again is not shared: the
// second one is prepared afresh and finalized after use.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache();
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;

  Result<Stmt> prepare(const std::string& sql);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  // Bounds the cache should a caller ever build SQL with values in it.
  static constexpr std::size_t kMaxEntries = 256;
  sqlite3* db_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace sdc::registry::sqlite
