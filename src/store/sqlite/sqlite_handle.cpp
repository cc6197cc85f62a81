#include "store/sqlite/sqlite_handle.h"

namespace sdc::registry::sqlite {

Result<Stmt> Stmt::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK)
    return fail(Errc::internal,
                std::string("sqlite: cannot prepare a statement: ") + sqlite3_errmsg(db));
  return Stmt(s);
}

StmtCache::~StmtCache() {
  for (auto& [sql, e] : entries_) sqlite3_finalize(e.stmt);
}

Result<Stmt> StmtCache::prepare(const std::string& sql) {
  auto it = entries_.find(sql);
  if (it != entries_.end()) {
    if (it->second.in_use) return Stmt::prepare(db_, sql);
    it->second.in_use = true;
    return Stmt(it->second.stmt, &it->second.in_use);
  }
  auto fresh = Stmt::prepare(db_, sql);
  if (!fresh || entries_.size() >= kMaxEntries) return fresh;
  sqlite3_stmt* raw = fresh->stmt_.release();
  Entry& e = entries_[sql];  // node-based: &e.in_use stays valid
  e.stmt = raw;
  e.in_use = true;
  return Stmt(raw, &e.in_use);
}

Stmt& Stmt::bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int i, ByteView blob) {
  // A zero-length blob, not NULL, when empty.
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob(stmt_.get(), i, blob.empty() ? &kEmpty : blob.data(),
                    static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int i, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), i, value);
  return *this;
}

int Stmt::step() {
  return sqlite3_step(stmt_.get());
}

std::string Stmt::text(int col) const {
  auto* p = sqlite3_column_text(stmt_.get(), col);
  int n = sqlite3_column_bytes(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}

Bytes Stmt::blob(int col) const {
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), col));
  int n = sqlite3_column_bytes(stmt_.get(), col);
  return p ? Bytes(p, p + n) : Bytes();
}

}  // namespace sdc::registry::sqlite
