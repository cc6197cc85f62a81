#include "unit/store/store_env.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sdc/crypto/crypto.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"

namespace sdc::testing {
namespace {

namespace fs = std::filesystem;

std::string random_suffix() {
  Bytes b(8);
  crypto::system_random().fill(b);
  return hex_encode(b);
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class SqliteEnv final : public StoreEnv {
 public:
  SqliteEnv() : dir_(fs::temp_directory_path() / ("sdc-store-test-" + random_suffix())) {
    fs::create_directories(dir_);
  }
  ~SqliteEnv() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Result<std::unique_ptr<registry::Store>> open() override {
    return registry::open_sqlite_store({dir_ / "registry.db", 10000});
  }

  std::string raw_dump() override {
    // The main file and the write-ahead log: a thief takes both.
    std::string out;
    for (const char* name : {"registry.db", "registry.db-wal"}) {
      if (fs::exists(dir_ / name)) out += read_all(dir_ / name);
    }
    return out;
  }

  void exec(const std::string& sql) override {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "registry.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* msg = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
    std::string m = msg ? msg : "";
    sqlite3_free(msg);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << m << "\n" << sql;
  }

  std::string blob_literal(ByteView bytes) const override {
    return "X'" + hex_encode(bytes) + "'";
  }

 private:
  fs::path dir_;
};

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class PostgresEnv final : public StoreEnv {
 public:
  static std::unique_ptr<PostgresEnv> create(const std::string& admin, std::string& why) {
    PgConn c(PQconnectdb((admin + " dbname=postgres").c_str()));
    if (PQstatus(c.get()) != CONNECTION_OK) {
      why = "cannot connect to SDC_TEST_PG (" + admin + "): " + PQerrorMessage(c.get());
      return nullptr;
    }
    std::string name = "sdc_test_" + random_suffix();
    PgResult r(PQexec(c.get(), ("CREATE DATABASE " + name).c_str()));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      why = std::string("CREATE DATABASE failed: ") + PQerrorMessage(c.get());
      return nullptr;
    }
    return std::unique_ptr<PostgresEnv>(new PostgresEnv(admin, name, std::move(c)));
  }

  ~PostgresEnv() override {
    PgResult r(PQexec(admin_conn_.get(), ("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str()));
  }

  Result<std::unique_ptr<registry::Store>> open() override {
    return registry::open_postgres_store({conninfo(), 8});
  }

  std::string raw_dump() override {
    PgConn c(PQconnectdb(conninfo().c_str()));
    std::string out;
    for (const char* table : {"holders", "cards", "case_status", "audit_log", "status_list",
                              "users", "audit_head"}) {
      std::string sql = std::string("SELECT row_to_json(t)::text FROM ") + table + " t";
      PgResult r(PQexec(c.get(), sql.c_str()));
      EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(c.get());
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        out += PQgetvalue(r.get(), i, 0);
        out += '\n';
      }
    }
    return out;
  }

  void exec(const std::string& sql) override {
    PgConn c(PQconnectdb(conninfo().c_str()));
    PgResult r(PQexec(c.get(), sql.c_str()));
    auto st = PQresultStatus(r.get());
    ASSERT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        << PQerrorMessage(c.get()) << "\n" << sql;
  }

  std::string blob_literal(ByteView bytes) const override {
    return "'\\x" + hex_encode(bytes) + "'::bytea";
  }

 private:
  PostgresEnv(std::string admin, std::string name, PgConn c)
      : admin_(std::move(admin)), name_(std::move(name)), admin_conn_(std::move(c)) {}
  std::string conninfo() const { return admin_ + " dbname=" + name_; }

  std::string admin_;
  std::string name_;
  PgConn admin_conn_;
};

}  // namespace

std::unique_ptr<StoreEnv> make_store_env(const std::string& backend, std::string& why) {
  if (backend == "sqlite") return std::make_unique<SqliteEnv>();
  const char* pg = std::getenv("SDC_TEST_PG");
  if (!pg || !*pg) {
    why = "SDC_TEST_PG is not set: start a cluster with scripts/pg-test-cluster.sh start and "
          "set SDC_TEST_PG to the conninfo it prints";
    return nullptr;
  }
  return PostgresEnv::create(pg, why);
}

void StoreTestBase::SetUp() {
  std::string why;
  env_ = make_store_env(GetParam(), why);
  if (!env_) {
    const char* require = std::getenv("SDC_REQUIRE_PG");
    if (require && std::string(require) == "1")
      FAIL() << "PostgreSQL is required (SDC_REQUIRE_PG=1) but unavailable: " << why;
    GTEST_SKIP() << "PostgreSQL tests skipped: " << why;
  }
  auto s = env_->open();
  ASSERT_TRUE(s) << s.error().message;
  store_ = std::move(*s);
  auto m = store_->migrate();
  ASSERT_TRUE(m) << m.error().message;
}

void StoreTestBase::TearDown() {
  store_.reset();
  env_.reset();
}

}  // namespace sdc::testing
