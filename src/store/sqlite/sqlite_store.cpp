// The Store on one SQLite file. Changes go through one writing connection,
// used by one transaction at a time (a mutex); other processes on the same
// file wait on BEGIN IMMEDIATE for up to the busy timeout. Read-only
// transactions run on a small pool of reading connections, which WAL lets
// proceed while a commit is being written. Each connection keeps its
// prepared statements. This file opens connections, migrates and runs
// transactions; the operations of one are SqliteTx (sqlite_tx.h).
#include "sdc/store_sqlite/sqlite_store.h"

#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/schema/schema.h"
#include "store/sqlite/sqlite_handle.h"
#include "store/sqlite/sqlite_tx.h"

namespace sdc::registry {
namespace {

using sqlite::Db;
using sqlite::sqlite_error;
using sqlite::SqliteTx;
using sqlite::Stmt;

Result<void> exec_script(sqlite3* db, const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return fail(Errc::io, "sqlite: " + m);
  }
  return {};
}

// One open connection and the statements prepared on it.
struct Connection {
  explicit Connection(Db d) : db(std::move(d)), statements(db.get()) {}
  Db db;
  sqlite::StmtCache statements;  // destroyed before db
};

Result<Db> open_connection(const SqliteOptions& options, bool reader) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK)
    return fail(Errc::io, "sqlite: cannot open " + options.path.string() + ": " +
                              (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  // WAL with synchronous=FULL: a commit is on disk when COMMIT returns.
  // A reading connection refuses any write.
  std::vector<const char*> pragmas = {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                                      "PRAGMA foreign_keys = ON"};
  if (reader) pragmas.push_back("PRAGMA query_only = ON");
  for (const char* pragma : pragmas) {
    auto s = Stmt::prepare(db.get(), pragma);
    if (!s) return std::unexpected(s.error());
    int step = s->step();
    if (step != SQLITE_ROW && step != SQLITE_DONE)
      return fail(Errc::io, "sqlite: " + std::string(pragma) + ": " + sqlite3_errmsg(db.get()));
    if (std::string_view(pragma).find("journal_mode") != std::string_view::npos &&
        s->text(0) != "wal")
      return fail(Errc::io, "sqlite: " + options.path.string() + " cannot use WAL mode");
  }
  return db;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions options, Db db)
      : options_(std::move(options)), writer_(std::move(db)), db_(writer_.db) {}

  std::string backend() const override { return "sqlite"; }

  Result<void> migrate() override {
    std::lock_guard lock(mutex_);
    if (auto b = exec_script(db_.get(), "BEGIN IMMEDIATE"); !b) return b;
    auto r = [&]() -> Result<void> {
      if (auto c = exec_script(db_.get(),
                               "CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
          !c)
        return c;
      auto v = current_version();
      if (!v) return std::unexpected(v.error());
      for (const Migration& m : schema_migrations(SqlDialect::sqlite)) {
        if (m.version <= *v) continue;
        for (const std::string& stmt : m.statements)
          if (auto e = exec_script(db_.get(), stmt); !e) return e;
        if (m.fill) {
          SqliteTx tx(db_.get(), writer_.statements);
          if (auto f = m.fill(tx); !f) return f;
        }
        if (auto e = exec_script(db_.get(),
                                 "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                                     std::to_string(m.version) + ", unixepoch())");
            !e)
          return e;
      }
      return exec_script(db_.get(), "COMMIT");
    }();
    if (!r) (void)exec_script(db_.get(), "ROLLBACK");
    return r;
  }

  Result<int> schema_version() override {
    std::lock_guard lock(mutex_);
    auto exists = Stmt::prepare(
        db_.get(),
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists) return std::unexpected(exists.error());
    if (exists->step() != SQLITE_ROW) return 0;
    return current_version();
  }

 protected:
  Result<void> run_transaction(const std::function<Result<void>(Tx&)>& body) override {
    std::lock_guard lock(mutex_);
    Error last{Errc::conflict, "sqlite: transaction kept conflicting"};
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto b = exec_script(db_.get(), "BEGIN IMMEDIATE"); !b) {
        last = b.error();
        continue;  // busy past the timeout: try again
      }
      SqliteTx tx(db_.get(), writer_.statements);
      auto r = body(tx);
      if (r) {
        if (auto c = exec_script(db_.get(), "COMMIT"); !c) {
          (void)exec_script(db_.get(), "ROLLBACK");
          return c;
        }
        return {};
      }
      (void)exec_script(db_.get(), "ROLLBACK");
      if (!tx.retry_requested()) return r;
      last = r.error();
    }
    return std::unexpected(last);
  }

  Result<void> run_read_transaction(const std::function<Result<void>(Tx&)>& body) override {
    auto conn = take_reader();
    if (!conn) return std::unexpected(conn.error());
    struct Return {
      SqliteStore* store;
      std::unique_ptr<Connection>& c;
      ~Return() { store->give_back(std::move(c)); }
    } back{this, *conn};
    sqlite3* db = (*conn)->db.get();
    Error last{Errc::conflict, "sqlite: read transaction kept failing"};
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto b = exec_script(db, "BEGIN"); !b) {
        last = b.error();
        continue;
      }
      SqliteTx tx(db, (*conn)->statements);
      auto r = body(tx);
      (void)exec_script(db, "COMMIT");  // ends the read; nothing to write
      if (r || !tx.retry_requested()) return r;
      last = r.error();
    }
    return std::unexpected(last);
  }

 private:
  // At most this many reading connections; more readers wait for one.
  static constexpr std::size_t kMaxReaders = 4;

  Result<std::unique_ptr<Connection>> take_reader() {
    std::unique_lock lock(readers_mutex_);
    for (;;) {
      if (!idle_readers_.empty()) {
        auto c = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return c;
      }
      if (open_readers_ < kMaxReaders) break;
      reader_free_.wait(lock);
    }
    ++open_readers_;
    lock.unlock();
    auto db = open_connection(options_, true);
    if (!db) {
      lock.lock();
      --open_readers_;
      reader_free_.notify_one();
      return std::unexpected(db.error());
    }
    return std::make_unique<Connection>(std::move(*db));
  }

  void give_back(std::unique_ptr<Connection> c) {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(c));
    reader_free_.notify_one();
  }

  Result<int> current_version() {
    auto s = Stmt::prepare(db_.get(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s) return std::unexpected(s.error());
    if (s->step() != SQLITE_ROW) return std::unexpected(sqlite_error(db_.get(), "schema version"));
    return static_cast<int>(s->i64(0));
  }

  SqliteOptions options_;
  std::mutex mutex_;  // the writing connection's
  Connection writer_;
  Db& db_;  // writer_.db
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  std::size_t open_readers_ = 0;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options) {
  auto db = open_connection(options, false);
  if (!db) return std::unexpected(db.error());
  return std::unique_ptr<Store>(new SqliteStore(options, std::move(*db)));
}

}  // namespace sdc::registry
