// Check-ins in process, each beside the bare storage operation it is built
// on, in one binary so that results are ratios (STYLE.md point 10).
//
//   BM_CheckInSqlite/threads:T  CheckIns::check_in_for: an enrollment
//                              officer records the check-in of one of 4,096
//                              holders at an office (no card, so no photo
//                              and no signature check: the path of a
//                              check-in an officer records), exactly as
//                              sdcd runs it: the holder and office looked
//                              up, the day's appointments matched, the
//                              check-in row and its audit event committed
//                              in one durable transaction. A fresh SQLite
//                              store in a temporary folder (WAL,
//                              synchronous=FULL, as sdcd runs it). Half the
//                              holders have an appointment booked in one of
//                              today's next four slots (UTC), so both
//                              outcomes (on_time, no_appointment) are
//                              written. Items: check-ins committed.
//   BM_BareDurableInsertSqlite/threads:T  baseline: one INSERT in a
//                              transaction of its own, on a bare connection
//                              with the same settings, in the same folder.
//   BM_CheckInPg/threads:T     the same check-in on a PostgreSQL store (its
//                              pool of 8 connections), when $SDC_BENCH_PG
//                              or $SDC_TEST_PG names a server (a libpq
//                              conninfo without dbname; a database is
//                              created for the run and dropped at exit).
//   BM_BarePgDurableInsert/threads:T  baseline: one INSERT committed on its
//                              own through one bare libpq connection to the
//                              same database.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.h"
#include "sdc/crypto/crypto.h"
#include "sdc/registry/check_ins.h"
#include "sdc/registry/offices.h"
#include "sdc/registry/registry.h"
#include "sdc/registry/scheduling.h"
#include "sdc/store_postgres/postgres_store.h"
#include "sdc/store_sqlite/sqlite_store.h"
#include "support/test_issuer.h"

namespace {

using namespace sdc;
using bench::die;
using registry::Role;
using registry::User;

constexpr int kHolders = 4096;

// A store with a registry, one office open all day every day and holders
// reporting there, half of them with an appointment booked today.
struct World {
  testing::TestIssuer issuer = testing::TestIssuer::make();
  registry::PiiCipher cipher{registry::PiiKeys::generate(crypto::system_random())};
  SystemClock clock;
  registry::ZoneinfoTimeZones zones;
  std::unique_ptr<registry::Store> store;
  std::optional<registry::Registry> reg;
  std::optional<registry::Offices> offices;
  std::optional<registry::Scheduling> scheduling;
  std::optional<registry::CheckIns> check_ins;
  User officer{"u-bench-officer", "bench officer", Role::enrollment_officer};
  registry::OfficeRow office;
  std::vector<std::string> holders;
  std::atomic<std::uint64_t> next{0};

  explicit World(Result<std::unique_ptr<registry::Store>> s) {
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
    check_ins.emplace(*store, reg->audit_batcher(), clock, crypto::system_random(), zones);

    // Open around the clock in UTC, so that today has slots whenever the
    // benchmark runs; the slots of the coming hours are booked.
    registry::OfficeInput in{"Check-in office", "1 Main St", "UTC", ""};
    for (auto& d : in.hours) d = registry::DayHours{0, 24 * 60};
    in.slot_minutes = 30;
    in.slot_capacity = 1000;
    auto o = offices->create(in);
    if (!o) die(o.error().message);
    office = *o;
    const UnixTime now = clock.now();
    char today[16];
    int y = 0;
    unsigned mo = 0, d = 0;
    civil_from_days(now / 86400, y, mo, d);
    std::snprintf(today, sizeof today, "%04d-%02u-%02u", y, mo, d);
    auto slots = scheduling->free_slots(office.id, today, today);
    if (!slots) die(slots.error().message);
    std::vector<UnixTime> soon;  // the next slots not yet begun, up to four
    for (const auto& slot : *slots)
      if (slot.starts_at > now && soon.size() < 4) soon.push_back(slot.starts_at);
    for (int i = 0; i < kHolders; ++i) {
      registry::HolderInput h{
          std::to_string(710000000 + i), "BENCHMARK", "CHECKIN", "1980-06-15", "F", "MEX",
          Bytes{0xFF, 0xD8, 0xFF, 0xE0}, "GENERATED", "es"};
      auto e = reg->enroll(officer, h);
      if (!e) die(e.error().message);
      if (i % 2 == 0 && !soon.empty()) {
        auto req = scheduling->set_reporting(officer, e->id, {office.id, 365, 15, today});
        if (!req) die(req.error().message);
        // Late in the day fewer slots remain: a full one leaves the holder
        // without an appointment.
        auto b =
            scheduling->book(officer, e->id, soon[static_cast<std::size_t>(i / 2) % soon.size()]);
        if (!b && b.error().code != Errc::conflict) die("book: " + b.error().message);
      }
      holders.push_back(e->id);
    }
  }
};

void check_in(benchmark::State& state, World& w) {
  for (auto _ : state) {
    const std::string& h = w.holders[w.next++ % w.holders.size()];
    auto c = w.check_ins->check_in_for(w.officer, h, w.office.id);
    if (!c) {
      state.SkipWithError(("check_in_for: " + c.error().message).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// --- SQLite --------------------------------------------------------------------

void exec(sqlite3* db, const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
    die(std::string("sqlite: ") + sql + ": " + (msg ? msg : "?"));
}

struct SqliteWorld {
  std::filesystem::path dir = bench::temp_folder();
  World world{registry::open_sqlite_store({dir / "registry.db"})};
};

SqliteWorld& sqlite_world() {
  static SqliteWorld w;
  return w;
}

struct BareSqlite {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::mutex mu;
  std::int64_t next = 0;
  BareSqlite() {
    if (sqlite3_open((sqlite_world().dir / "bare.db").c_str(), &db) != SQLITE_OK)
      die("sqlite open");
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db,
         "CREATE TABLE t (id INTEGER PRIMARY KEY, holder_id TEXT NOT NULL, at INTEGER NOT NULL)");
    if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, 'h-bench', ?1)", -1, &insert, nullptr) !=
        SQLITE_OK)
      die("prepare");
  }
  bool insert_one() {
    std::lock_guard lock(mu);
    exec(db, "BEGIN IMMEDIATE");
    sqlite3_bind_int64(insert, 1, next++);
    const int rc = sqlite3_step(insert);
    sqlite3_reset(insert);
    exec(db, "COMMIT");
    return rc == SQLITE_DONE;
  }
};

void BM_CheckInSqlite(benchmark::State& state) {
  check_in(state, sqlite_world().world);
}
BENCHMARK(BM_CheckInSqlite)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_BareDurableInsertSqlite(benchmark::State& state) {
  static BareSqlite b;
  for (auto _ : state)
    if (!b.insert_one()) {
      state.SkipWithError("bare insert failed");
      break;
    }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareDurableInsertSqlite)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// --- PostgreSQL ----------------------------------------------------------------

struct PgWorld {
  bench::TempPgDatabase db;
  World world;
  bench::BarePgInsert bare;
  explicit PgWorld(const std::string& server)
      : db(server), world(registry::open_postgres_store({db.conninfo(), 8})), bare(db.conninfo()) {}
};

PgWorld& pg_world() {
  static PgWorld w(bench::postgres_server());
  return w;
}

void BM_CheckInPg(benchmark::State& state) {
  check_in(state, pg_world().world);
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
    for (auto* b : {benchmark::RegisterBenchmark("BM_CheckInPg", BM_CheckInPg),
                    benchmark::RegisterBenchmark("BM_BarePgDurableInsert", BM_BarePgDurableInsert)})
      b->Threads(1)->Threads(2)->Threads(4)->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
