// What the in-process benchmarks share: stopping on a failed set-up, a
// temporary folder for a fresh store, percentiles of measured latencies,
// and for PostgreSQL a database of their own and a bare durable INSERT
// beside the store (STYLE.md point 10: a result is a ratio to it).
#pragma once

#include <errno.h>
#include <libpq-fe.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace sdc::bench {

[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "%s setup: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

// A new folder under $SDC_BENCH_TMP (default /tmp), named after the binary.
inline std::filesystem::path temp_folder() {
  const char* base = std::getenv("SDC_BENCH_TMP");
  std::string templ =
      std::string(base && *base ? base : "/tmp") + "/" + program_invocation_short_name + "-XXXXXX";
  if (!mkdtemp(templ.data())) die("cannot create a temporary folder under " + templ);
  return templ;
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// The PostgreSQL server the benchmarks use: a libpq conninfo without a
// dbname in $SDC_BENCH_PG, else $SDC_TEST_PG (the test cluster); empty
// when neither is set, and the PostgreSQL benchmarks are then left out.
inline std::string postgres_server() {
  for (const char* name : {"SDC_BENCH_PG", "SDC_TEST_PG"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return {};
}

// A database created for the run and dropped at exit.
class TempPgDatabase {
 public:
  explicit TempPgDatabase(std::string server) : server_(std::move(server)) {
    std::random_device rd;
    name_ = "sdc_bench_" + std::to_string(rd() % 1000000000u);
    run("CREATE DATABASE " + name_);
  }
  ~TempPgDatabase() { run("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", false); }
  TempPgDatabase(const TempPgDatabase&) = delete;
  TempPgDatabase& operator=(const TempPgDatabase&) = delete;

  std::string conninfo() const { return server_ + " dbname=" + name_; }

 private:
  void run(const std::string& sql, bool must = true) const {
    PGconn* c = PQconnectdb((server_ + " dbname=postgres").c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string why = PQerrorMessage(c);
      PQfinish(c);
      if (must) die("postgres (" + server_ + "): " + why);
      return;
    }
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string why = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok && must) die(sql + ": " + why);
  }

  std::string server_;
  std::string name_;
};

// The baseline for a PostgreSQL store: one INSERT of a small row in a
// transaction of its own (autocommit), committed durably (the server's
// fsync and synchronous_commit as they are), on one bare libpq connection
// to the same database. Thread-safe: callers share the connection, as
// writers on a bare SQLite connection do.
class BarePgInsert {
 public:
  explicit BarePgInsert(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(c_) != CONNECTION_OK) die(std::string("postgres: ") + PQerrorMessage(c_));
    exec(
        "CREATE TABLE bare_insert (id BIGINT PRIMARY KEY, holder_id TEXT NOT NULL, at BIGINT "
        "NOT NULL)");
    PGresult* r =
        PQprepare(c_, "ins", "INSERT INTO bare_insert VALUES ($1, 'h-bench', $1)", 1, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) die(std::string("postgres prepare: ") + PQerrorMessage(c_));
  }
  ~BarePgInsert() { PQfinish(c_); }
  BarePgInsert(const BarePgInsert&) = delete;
  BarePgInsert& operator=(const BarePgInsert&) = delete;

  bool insert_one() {
    std::lock_guard lock(mu_);
    const std::string id = std::to_string(next_++);
    const char* values[] = {id.c_str()};
    PGresult* r = PQexecPrepared(c_, "ins", 1, values, nullptr, nullptr, 0);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
  }

 private:
  void exec(const char* sql) {
    PGresult* r = PQexec(c_, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) die(std::string("postgres: ") + sql + ": " + PQerrorMessage(c_));
  }

  PGconn* c_;
  std::mutex mu_;
  std::int64_t next_ = 0;
};

}  // namespace sdc::bench
