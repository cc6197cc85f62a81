// The Store on PostgreSQL. A small pool of connections; each transaction
// runs on one at READ COMMITTED, and the rows every writer must take turns
// on (the audit head, the published list) are locked with FOR UPDATE.
// This file connects, migrates and runs transactions; the operations of
// one are PostgresTx (postgres_tx.h).
#include "sdc/store_postgres/postgres_store.h"

#include <mutex>

#include "store/postgres/pg_handle.h"
#include "store/postgres/postgres_tx.h"
#include "store/schema/schema.h"

namespace sdc::registry {
namespace {

using pg::Conn;
using pg::Params;
using pg::PostgresTx;
using pg::Statement;

constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7263001)";

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PostgresOptions o) : o_(std::move(o)) {}

  std::string backend() const override { return "postgres"; }

  Result<void> migrate() override {
    auto conn = acquire();
    if (!conn) return std::unexpected(conn.error());
    auto r = [&]() -> Result<void> {
      if (auto b = simple(conn->get(), "BEGIN"); !b) return b;
      if (auto l = simple(conn->get(), kMigrationLock); !l) return l;
      if (auto c = simple(conn->get(),
                          "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
          !c)
        return c;
      auto v = current_version(conn->get());
      if (!v) return std::unexpected(v.error());
      for (const Migration& m : schema_migrations(SqlDialect::postgres)) {
        if (m.version <= *v) continue;
        for (const std::string& stmt : m.statements)
          if (auto e = simple(conn->get(), stmt); !e) return e;
        if (m.fill) {
          PostgresTx tx(conn->get());
          if (auto f = m.fill(tx); !f) return f;
        }
        if (auto e = simple(conn->get(),
                            "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                                std::to_string(m.version) + ", extract(epoch from now())::bigint)");
            !e)
          return e;
      }
      return simple(conn->get(), "COMMIT");
    }();
    if (!r) (void)simple(conn->get(), "ROLLBACK");
    release(std::move(*conn));
    return r;
  }

  Result<int> schema_version() override {
    auto conn = acquire();
    if (!conn) return std::unexpected(conn.error());
    bool retry = false;
    auto exists = Statement::exec(
        conn->get(), "SELECT to_regclass('schema_migrations') IS NOT NULL", Params(), retry);
    Result<int> out = 0;
    if (!exists)
      out = std::unexpected(exists.error());
    else if (exists->text(0, 0) == "t")
      out = current_version(conn->get());
    release(std::move(*conn));
    return out;
  }

 protected:
  Result<void> run_transaction(const std::function<Result<void>(Tx&)>& body) override {
    auto conn = acquire();
    if (!conn) return std::unexpected(conn.error());
    Error last{Errc::conflict, "postgres: transaction kept conflicting"};
    Result<void> out = std::unexpected(last);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto b = simple(conn->get(), "BEGIN ISOLATION LEVEL READ COMMITTED"); !b) {
        out = b;
        break;
      }
      PostgresTx tx(conn->get());
      auto r = body(tx);
      if (r) {
        bool retry = false;
        auto c = Statement::exec(conn->get(), "COMMIT", Params(), retry);
        if (c) {
          out = {};
          break;
        }
        (void)simple(conn->get(), "ROLLBACK");
        out = std::unexpected(c.error());
        if (retry) continue;
        break;
      }
      (void)simple(conn->get(), "ROLLBACK");
      out = r;
      if (!tx.retry_requested()) break;
    }
    release(std::move(*conn));
    return out;
  }

 private:
  static Result<void> simple(PGconn* conn, const std::string& sql) {
    bool retry = false;
    auto r = Statement::exec(conn, sql, Params(), retry);
    if (!r) return std::unexpected(r.error());
    return {};
  }

  static Result<int> current_version(PGconn* conn) {
    bool retry = false;
    auto r = Statement::exec(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                             Params(), retry);
    if (!r) return std::unexpected(r.error());
    return static_cast<int>(r->i64(0, 0));
  }

  Result<Conn> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        Conn c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return connect(o_.conninfo);
  }

  void release(Conn c) {
    if (PQstatus(c.get()) != CONNECTION_OK || PQtransactionStatus(c.get()) != PQTRANS_IDLE)
      return;  // broken or mid-transaction: drop it
    std::lock_guard lock(mutex_);
    if (idle_.size() < o_.max_connections) idle_.push_back(std::move(c));
  }

 public:
  static Result<Conn> connect(const std::string& conninfo) {
    Conn c(PQconnectdb(conninfo.c_str()));
    if (!c) return fail(Errc::io, "postgres: out of memory");
    if (PQstatus(c.get()) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(c.get());
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return fail(Errc::io, "postgres: cannot connect: " + msg);
    }
    // Server notices ("already exists, skipping") are not errors: keep them
    // off stderr.
    PQsetNoticeProcessor(
        c.get(), [](void*, const char*) {}, nullptr);
    return c;
  }

 private:
  PostgresOptions o_;
  std::mutex mutex_;
  std::vector<Conn> idle_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const PostgresOptions& options) {
  auto c = PostgresStore::connect(options.conninfo);
  if (!c) return std::unexpected(c.error());
  auto store = std::make_unique<PostgresStore>(options);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sdc::registry
