// Reporting appointments in process, each beside the bare storage operation
// it is built on, in one binary so that results are ratios (STYLE.md
// point 10). A fresh SQLite store in a temporary folder (WAL,
// synchronous=FULL, as sdcd runs it).
//
//   BM_BookAndCancel/threads:T  Scheduling::book of a random slot of one
//                              office (8 slots a day over 4 weeks, capacity
//                              2) by one of 4,096 holders, then cancel when
//                              it was booked: each a durable transaction with
//                              its audit event. T threads contend for the
//                              same slots. Items: transactions committed.
//   BM_BareDurableInsert/threads:T  baseline: one INSERT in a transaction of
//                              its own, on a connection with the same
//                              settings.
//   BM_FreeSlotSearch          Scheduling::free_slots for 7 days of one of
//                              200 offices (24 slots a weekday), with every
//                              slot of the coming year partly taken
//                              (~1.25M slot rows). Counters p50_us, p99_us.
//   BM_BareSlotRangeSelect     baseline: the SELECT of the taken places of
//                              those 7 days alone, through a bare connection.
//
// On PostgreSQL, when $SDC_BENCH_PG or $SDC_TEST_PG names a server (a
// libpq conninfo without dbname; a database is created for the run and
// dropped at exit), the same booking beside a bare durable INSERT:
//
//   BM_BookAndCancelPg/threads:T     as BM_BookAndCancel, on a PostgreSQL
//                              store (its pool of 8 connections).
//   BM_BarePgDurableInsert/threads:T baseline: one INSERT committed on its
//                              own through one bare libpq connection to the
//                              same database.
//
// The search reads no holder row: the number of holders does not enter it.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "sdc/crypto/crypto.h"
#include "sdc/registry/offices.h"
#include "sdc/registry/registry.h"
#include "sdc/registry/scheduling.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"
#include "support/test_issuer.h"

namespace {

using namespace sdc;
using registry::Role;
using registry::User;

using bench::die;
using bench::percentile;
using bench::temp_folder;

void exec(sqlite3* db, const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
    die(std::string("sqlite: ") + sql + ": " + (msg ? msg : "?"));
}

std::string date_after(UnixTime t, int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(t / 86400 + days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

// A store with a registry, one contended office and holders reporting
// there: what booking under contention needs, on either store.
struct Booking {
  testing::TestIssuer issuer = testing::TestIssuer::make();
  registry::PiiCipher cipher{registry::PiiKeys::generate(crypto::system_random())};
  SystemClock clock;
  registry::ZoneinfoTimeZones zones;
  std::unique_ptr<registry::Store> store;
  std::optional<registry::Registry> reg;
  std::optional<registry::Offices> offices;
  std::optional<registry::Scheduling> scheduling;
  User officer{"u-bench-officer", "bench officer", Role::enrollment_officer};
  User admin{"u-bench-admin", "bench admin", Role::administrator};
  registry::OfficeRow busy;                // the contended office
  std::vector<registry::Slot> busy_slots;  // its slots, days 2 to 27
  std::vector<std::string> holders;        // reporting there

  explicit Booking(Result<std::unique_ptr<registry::Store>> s) {
    if (!s) die(s.error().message);
    store = std::move(*s);
    if (auto m = store->migrate(); !m) die(m.error().message);
    registry::RegistryOptions ro;
    ro.store = store.get();
    ro.cipher = &cipher;
    ro.signer = &issuer.signer;
    ro.clock = &clock;
    ro.random = &crypto::system_random();
    auto r = registry::Registry::create(ro);
    if (!r) die(r.error().message);
    reg.emplace(std::move(*r));
    offices.emplace(*store, clock, crypto::system_random(), zones);
    scheduling.emplace(*store, reg->audit_batcher(), clock, crypto::system_random(), zones);

    registry::OfficeInput in{"Busy office", "1 Main St", "America/New_York", ""};
    for (auto& d : in.hours) d = registry::DayHours{9 * 60, 13 * 60};
    in.slot_minutes = 30;
    in.slot_capacity = 2;
    auto o = offices->create(in);
    if (!o) die(o.error().message);
    busy = *o;
    const UnixTime now = clock.now();
    auto slots = scheduling->free_slots(busy.id, date_after(now, 2), date_after(now, 27));
    if (!slots) die(slots.error().message);
    busy_slots = *slots;
    for (int i = 0; i < 4096; ++i) {
      registry::HolderInput h{
          std::to_string(700000000 + i), "BENCHMARK", "BOOKING", "1980-06-15", "F", "MEX",
          Bytes{0xFF, 0xD8, 0xFF, 0xE0}, "GENERATED", "es"};
      auto e = reg->enroll(officer, h);
      if (!e) die(e.error().message);
      // Due in 15 days, ±15: every slot of the coming four weeks is in the window.
      auto req = scheduling->set_reporting(officer, e->id, {busy.id, 365, 15, date_after(now, 15)});
      if (!req) die(req.error().message);
      holders.push_back(e->id);
    }
  }
};

// SQLite: the booking world in a temporary folder, and the 200 offices of
// the search.
struct World : Booking {
  std::filesystem::path dir;
  std::vector<registry::OfficeRow> many;  // the 200 offices of the search

  explicit World(std::filesystem::path folder = temp_folder())
      : Booking(registry::open_sqlite_store({folder / "registry.db"})), dir(std::move(folder)) {
    const UnixTime now = clock.now();
    // 200 offices with every weekday slot of the coming year partly taken.
    registry::OfficeInput mi{"", "", "America/Chicago", ""};
    for (std::size_t d = 0; d < 5; ++d) mi.hours[d] = registry::DayHours{8 * 60, 16 * 60};
    mi.slot_minutes = 20;
    mi.slot_capacity = 3;
    for (int i = 0; i < 200; ++i) {
      mi.name = "Office " + std::to_string(i);
      auto m = offices->create(mi);
      if (!m) die(m.error().message);
      many.push_back(*m);
    }
    sqlite3* db = nullptr;
    if (sqlite3_open((dir / "registry.db").c_str(), &db) != SQLITE_OK) die("sqlite open");
    exec(db, "BEGIN");
    sqlite3_stmt* ins = nullptr;
    if (sqlite3_prepare_v2(
            db, "INSERT INTO slot_places (office_id, starts_at, taken) VALUES (?1, ?2, 1)", -1,
            &ins, nullptr) != SQLITE_OK)
      die("prepare");
    for (const auto& m : many) {
      for (int week = 0; week < 53; ++week) {
        auto week_slots =
            scheduling->free_slots(m.id, date_after(now, week * 7), date_after(now, week * 7 + 6));
        if (!week_slots) die(week_slots.error().message);
        for (const auto& slot : *week_slots) {
          sqlite3_bind_text(ins, 1, m.id.c_str(), -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64(ins, 2, slot.starts_at);
          if (sqlite3_step(ins) != SQLITE_DONE) die("insert slot");
          sqlite3_reset(ins);
        }
      }
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");
    sqlite3_close(db);
  }
};

World& world() {
  static World w;
  return w;
}

std::atomic<std::uint64_t> next_holder{0};

void book_and_cancel(benchmark::State& state, Booking& w) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(state.thread_index()) + 1);
  std::int64_t commits = 0, full = 0;
  for (auto _ : state) {
    const std::string& h = w.holders[next_holder++ % w.holders.size()];
    const auto& slot = w.busy_slots[rng() % w.busy_slots.size()];
    auto b = w.scheduling->book(w.officer, h, slot.starts_at);
    if (b) {
      ++commits;
      auto c = w.scheduling->cancel(w.officer, b->id);
      if (!c) {
        state.SkipWithError(("cancel: " + c.error().message).c_str());
        break;
      }
      ++commits;
    } else if (b.error().code == Errc::conflict) {
      ++full;  // full, or this holder's other thread got there first: audited, no change
    } else {
      state.SkipWithError(("book: " + b.error().message).c_str());
      break;
    }
  }
  state.SetItemsProcessed(commits);
  state.counters["refused"] = static_cast<double>(full);
}

void BM_BookAndCancel(benchmark::State& state) {
  book_and_cancel(state, world());
}
BENCHMARK(BM_BookAndCancel)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

struct BareDb {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::mutex mu;
  std::int64_t next = 0;
  BareDb() {
    if (sqlite3_open((world().dir / "bare.db").c_str(), &db) != SQLITE_OK) die("sqlite open");
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db,
         "CREATE TABLE t (id INTEGER PRIMARY KEY, office_id TEXT NOT NULL, starts_at INTEGER NOT "
         "NULL)");
    if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, 'o-bench', ?1)", -1, &insert, nullptr) !=
        SQLITE_OK)
      die("prepare");
  }
  bool insert_one() {
    std::lock_guard lock(mu);
    exec(db, "BEGIN IMMEDIATE");
    sqlite3_bind_int64(insert, 1, next++);
    int rc = sqlite3_step(insert);
    sqlite3_reset(insert);
    exec(db, "COMMIT");
    return rc == SQLITE_DONE;
  }
};

BareDb& bare() {
  static BareDb b;
  return b;
}

void BM_BareDurableInsert(benchmark::State& state) {
  BareDb& b = bare();
  for (auto _ : state)
    if (!b.insert_one()) {
      state.SkipWithError("bare insert failed");
      break;
    }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareDurableInsert)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_FreeSlotSearch(benchmark::State& state) {
  World& w = world();
  std::mt19937_64 rng(7);
  const UnixTime now = w.clock.now();
  std::vector<double> us;
  for (auto _ : state) {
    const auto& o = w.many[rng() % w.many.size()];
    const int day = static_cast<int>(rng() % 300);
    auto t0 = std::chrono::steady_clock::now();
    auto s = w.scheduling->free_slots(o.id, date_after(now, day), date_after(now, day + 6));
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!s || s->empty()) {
      state.SkipWithError("search found nothing");
      break;
    }
  }
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}
BENCHMARK(BM_FreeSlotSearch)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_BareSlotRangeSelect(benchmark::State& state) {
  World& w = world();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((w.dir / "registry.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK)
    die("sqlite open");
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT starts_at, taken FROM slot_places WHERE office_id = ?1 AND"
                         " starts_at >= ?2 AND starts_at < ?3 AND taken > 0 ORDER BY starts_at",
                         -1, &q, nullptr) != SQLITE_OK)
    die("prepare");
  std::mt19937_64 rng(7);
  const UnixTime now = w.clock.now();
  std::vector<double> us;
  for (auto _ : state) {
    const auto& o = w.many[rng() % w.many.size()];
    const UnixTime from = now + static_cast<UnixTime>(rng() % 300) * 86400;
    auto t0 = std::chrono::steady_clock::now();
    sqlite3_bind_text(q, 1, o.id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, from);
    sqlite3_bind_int64(q, 3, from + 7 * 86400);
    std::int64_t rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) rows += sqlite3_column_int64(q, 1);
    sqlite3_reset(q);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(rows);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}
BENCHMARK(BM_BareSlotRangeSelect)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// --- PostgreSQL ----------------------------------------------------------------

struct PgWorld {
  bench::TempPgDatabase db;
  Booking booking;
  bench::BarePgInsert bare;
  explicit PgWorld(const std::string& server)
      : db(server),
        booking(registry::open_postgres_store({db.conninfo(), 8})),
        bare(db.conninfo()) {}
};

PgWorld& pg_world() {
  static PgWorld w(bench::postgres_server());
  return w;
}

void BM_BookAndCancelPg(benchmark::State& state) {
  book_and_cancel(state, pg_world().booking);
}

void BM_BarePgDurableInsert(benchmark::State& state) {
  bench::BarePgInsert& b = pg_world().bare;
  for (auto _ : state)
    if (!b.insert_one()) {
      state.SkipWithError("bare insert failed");
      break;
    }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
  if (!bench::postgres_server().empty()) {
    for (auto* b : {benchmark::RegisterBenchmark("BM_BookAndCancelPg", BM_BookAndCancelPg),
                    benchmark::RegisterBenchmark("BM_BarePgDurableInsert", BM_BarePgDurableInsert)})
      b->Threads(1)->Threads(2)->Threads(4)->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
