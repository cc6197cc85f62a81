// The registry in process, each path beside the bare storage or library
// operation it is built on, in one binary so that results are ratios
// (STYLE.md point 10). HTTP is measured by scripts/bench-sdcd.sh.
//
// Always run (a fresh SQLite store in a temporary folder):
//   BM_RegistryEnroll          Registry::enroll: validation, sealing, lookup
//                              hashes, the holder row and its audit event in
//                              one durable transaction (WAL, synchronous=FULL).
//   BM_BareDurableInsert       baseline: one INSERT of a row of the same size
//                              and indexes, in a transaction of its own, on a
//                              connection with the same settings.
//   BM_StatusListToken/N       build and sign the validity Status List Token
//                              for N cards (list of the smallest power of two
//                              entries holding 2N): StatusList::create, set,
//                              build_status_list_token. Counter: token bytes.
//   BM_BareZlibStatusBits/cards:N/level:L  baseline: zlib compress2 of the
//                              same packed 2-bit array at every level 1..9
//                              (the registry publishes at level 3).
//   BM_CardChangeLargeList     Registry::suspend_card of one valid card among
//                              1M (list of 2^21 entries), with what every
//                              card change does: the card read, the stored
//                              list entries read, one entry set, deflate,
//                              sign, token and entries saved, the audit
//                              event, one durable commit. Counter: token
//                              bytes.
//   BM_BareCardStateUpdate     baseline: the same card UPDATE alone in its
//                              own durable transaction on the same store.
//   BM_RepublishLargeList      Registry::publish_status_list on that store:
//                              the full rebuild from every card (the repair
//                              path; what every change did before the
//                              entries were stored).
//   BM_RevocationBurst         1,000 suspensions from 4 threads through a
//                              registry with publish_interval 1 s and a
//                              StatusListPublisher: time until the published
//                              list covers them all (run alone).
//   BM_BareUpdateBurst         baseline: the same 1,000 card UPDATEs alone,
//                              each durable, from 4 threads.
//   BM_BareEs256Verify         baseline: raw EVP ECDSA P-256 verify.
//   BM_LoadStatusListToken/E   load_status_list_token of a list of E entries
//                              (signature check and inflate), which sdcd's
//                              verify handler does on every request.
//   BM_RecordVerification      Registry::record_verification, 1/4/16 threads.
//
// With SDC_BENCH_DATA=<a data folder filled by sdc_registry_gen>:
//   BM_FindByANumber           Registry::find_by_a_number of a random
//                              generated holder (lookup hash, indexed
//                              SELECT, opening identity and portrait, the
//                              audit event). Counters p50_us, p99_us.
//   BM_BareSelectByHash        baseline: the indexed SELECT of the same row
//                              by a precomputed hash on a raw connection.
//   BM_PublishStatusListStore  Registry::publish_status_list on that store:
//                              every card's state read, list built, signed,
//                              saved. Registry::issue_card and every state
//                              change do this inside their transaction.
//   BM_EnrollAndIssueLargeStore  enroll plus issue_card on that store.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "registry_folder.h"
#include "sdc/card/portrait.h"
#include "sdc/credential/trust.h"
#include "sdc/crypto/crypto.h"
#include "sdc/registry/status_list_publisher.h"
#include "support/test_issuer.h"

namespace {

using namespace sdc;
using registry::Role;
using registry::User;

using bench::die;
using bench::percentile;
using bench::temp_folder;

void latency_counters(benchmark::State& state, const std::vector<double>& us) {
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}

registry::HolderInput holder_input(std::uint64_t n, const Bytes& portrait) {
  return registry::HolderInput{std::to_string(900000000 + n % 100000000),
                               "BENCHMARK",
                               "ENROLLMENT",
                               "1980-06-15",
                               "F",
                               "MEX",
                               portrait,
                               "GENERATED",
                               "es"};
}

// --- enrollment on a fresh store ---------------------------------------------

struct EnrollWorld {
  std::filesystem::path dir = temp_folder();
  testing::TestIssuer issuer = testing::TestIssuer::make();
  registry::PiiCipher cipher{registry::PiiKeys::generate(crypto::system_random())};
  SystemClock clock;
  std::unique_ptr<registry::Store> store;
  std::optional<registry::Registry> reg;
  Bytes portrait = specimen_portrait().jpeg;
  User officer{"u-bench-officer", "bench officer", Role::enrollment_officer};
  std::atomic<std::uint64_t> next{0};
  std::size_t sealed_identity_size = 0;
  std::size_t sealed_portrait_size = 0;

  EnrollWorld() {
    auto s = registry::open_sqlite_store({dir / "registry.db"});
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
    // Sizes of one enrolled holder's sealed blobs, for the bare row.
    auto h = reg->enroll(officer, holder_input(next++, portrait));
    if (!h) die("enroll: " + h.error().message);
    auto row = store->in_transaction<registry::HolderRow>(
        [&](registry::Tx& tx) -> Result<registry::HolderRow> {
          auto got = tx.get_holder(h->id);
          if (!got) return std::unexpected(got.error());
          return **got;
        });
    if (!row) die(row.error().message);
    sealed_identity_size = row->sealed_identity.size();
    sealed_portrait_size = row->sealed_portrait.size();
    auto card = reg->issue_card(officer, h->id);
    if (!card) die("issue_card: " + card.error().message);
    document_number = card->card.document_number;
  }

  std::string document_number;  // of one issued card
};

EnrollWorld& enroll_world() {
  static EnrollWorld w;
  return w;
}

void BM_RegistryEnroll(benchmark::State& state) {
  EnrollWorld& w = enroll_world();
  for (auto _ : state) {
    auto h = w.reg->enroll(w.officer, holder_input(w.next++, w.portrait));
    if (!h) {
      state.SkipWithError(("enroll: " + h.error().message).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistryEnroll)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// One connection, used under a mutex, as the SQLite store does.
struct BareDb {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::mutex mu;
  std::uint64_t next = 0;
  Bytes identity, portrait;

  static void exec(sqlite3* db, const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
      die(std::string("sqlite: ") + sql + ": " + (msg ? msg : "?"));
  }

  BareDb() {
    EnrollWorld& w = enroll_world();
    if (sqlite3_open((w.dir / "bare.db").c_str(), &db) != SQLITE_OK) die("sqlite open");
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db,
         "CREATE TABLE holders (id TEXT PRIMARY KEY, a_number_hash BLOB NOT NULL UNIQUE,"
         " name_dob_hash BLOB NOT NULL, identity BLOB NOT NULL, portrait BLOB NOT NULL,"
         " language TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)");
    exec(db, "CREATE INDEX holders_name_dob ON holders (name_dob_hash)");
    if (sqlite3_prepare_v2(db, "INSERT INTO holders VALUES (?1, ?2, ?3, ?4, ?5, 'es', 1, 1)", -1,
                           &insert, nullptr) != SQLITE_OK)
      die("sqlite prepare");
    identity = Bytes(w.sealed_identity_size, 0x5A);
    portrait = Bytes(w.sealed_portrait_size, 0xA5);
  }

  bool insert_one() {
    std::lock_guard lock(mu);
    std::uint64_t n = next++;
    auto digest = crypto::sha256(as_bytes(std::to_string(n)));
    std::string id = hex_encode(ByteView(digest.data(), 16));
    exec(db, "BEGIN IMMEDIATE");
    sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 2, digest.data(), 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 3, digest.data(), 32, SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 4, identity.data(), static_cast<int>(identity.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert, 5, portrait.data(), static_cast<int>(portrait.size()), SQLITE_STATIC);
    int rc = sqlite3_step(insert);
    sqlite3_reset(insert);
    exec(db, "COMMIT");
    return rc == SQLITE_DONE;
  }
};

BareDb& bare_db() {
  static BareDb b;
  return b;
}

void BM_BareDurableInsert(benchmark::State& state) {
  BareDb& b = bare_db();
  for (auto _ : state) {
    if (!b.insert_one()) {
      state.SkipWithError("bare insert failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareDurableInsert)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// --- validity list for N cards ------------------------------------------------

struct CardStates {
  std::uint64_t list_size = 4;
  std::vector<std::pair<std::uint64_t, CardState>> states;
  Bytes packed;  // the list as the token carries it, for the baseline
};

// N cards at distinct indexes (an odd stride is a bijection modulo a power
// of two), 1% revoked, 0.5% suspended.
const CardStates& card_states(std::uint64_t cards) {
  static std::map<std::uint64_t, CardStates> cache;
  auto it = cache.find(cards);
  if (it != cache.end()) return it->second;
  CardStates s;
  while (s.list_size < 2 * cards) s.list_size *= 2;
  s.states.reserve(cards);
  std::mt19937_64 rng(cards);
  for (std::uint64_t i = 0; i < cards; ++i) {
    std::uint64_t index = (i * 0x9E3779B97F4A7C15ull + 12345) & (s.list_size - 1);
    auto roll = rng() % 1000;
    CardState st = roll < 10   ? CardState::invalid
                   : roll < 15 ? CardState::suspended
                               : CardState::valid;
    s.states.emplace_back(index, st);
  }
  auto list = StatusList::create(s.list_size);
  if (!list) die(list.error().message);
  for (auto [index, st] : s.states) list->set(index, static_cast<std::uint8_t>(st));
  s.packed = list->bytes();
  return cache.emplace(cards, std::move(s)).first->second;
}

const testing::TestIssuer& list_issuer() {
  static const testing::TestIssuer issuer = testing::TestIssuer::make();
  return issuer;
}

void BM_StatusListToken(benchmark::State& state) {
  const CardStates& s = card_states(static_cast<std::uint64_t>(state.range(0)));
  const auto& issuer = list_issuer();
  std::size_t token_bytes = 0;
  for (auto _ : state) {
    auto list = StatusList::create(s.list_size);
    if (!list) {
      state.SkipWithError(list.error().message.c_str());
      break;
    }
    for (auto [index, st] : s.states) list->set(index, static_cast<std::uint8_t>(st));
    StatusListClaims claims{"https://registry.invalid/status/validity", testing::kTestNow,
                            testing::kTestNow + 2 * 86400, 3600};
    auto token = build_status_list_token(*list, claims, issuer.signer);
    if (!token) {
      state.SkipWithError(token.error().message.c_str());
      break;
    }
    token_bytes = token->size();
    benchmark::DoNotOptimize(token->data());
  }
  state.counters["list_entries"] = static_cast<double>(s.list_size);
  state.counters["token_bytes"] = static_cast<double>(token_bytes);
}
BENCHMARK(BM_StatusListToken)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMillisecond);

void BM_BareZlibStatusBits(benchmark::State& state) {
  const CardStates& s = card_states(static_cast<std::uint64_t>(state.range(0)));
  Bytes out(compressBound(static_cast<uLong>(s.packed.size())));
  uLongf out_len = 0;
  for (auto _ : state) {
    out_len = static_cast<uLongf>(out.size());
    if (compress2(out.data(), &out_len, s.packed.data(), static_cast<uLong>(s.packed.size()),
                  static_cast<int>(state.range(1))) != Z_OK) {
      state.SkipWithError("compress2 failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["list_entries"] = static_cast<double>(s.list_size);
  state.counters["compressed_bytes"] = static_cast<double>(out_len);
}
// Every level, for the choice of the registry's (docs/PERFORMANCE.md).
BENCHMARK(BM_BareZlibStatusBits)
    ->ArgNames({"cards", "level"})
    ->ArgsProduct({{1000000, 10000000}, {1, 2, 3, 4, 5, 6, 7, 8, 9}})
    ->Unit(benchmark::kMillisecond);

// --- one card change among 1M and 10M cards (fresh SQLite stores) -----------

// N cards of one holder (versions 1..N), indexes and states as
// card_states() makes them, written straight through the Store, then the
// list published once by the full rebuild, which stores its entries.
// The list's iat strictly increases and may not run more than
// Registry::kMaxListLead ahead of the clock; this clock moves a second per
// reading, so that any number of timed changes in a row stay within it.
class SteppingClock final : public Clock {
 public:
  UnixTime now() const override { return start_ + ticks_++; }

 private:
  UnixTime start_ = SystemClock().now();
  mutable std::atomic<UnixTime> ticks_{0};
};

struct ChangeWorld {
  const std::uint64_t cards;
  std::filesystem::path dir = temp_folder();
  registry::PiiCipher cipher{registry::PiiKeys::generate(crypto::system_random())};
  SteppingClock clock;
  std::unique_ptr<registry::Store> store;
  std::optional<registry::Registry> reg;
  User officer{"u-bench-officer", "bench officer", Role::enrollment_officer};
  std::vector<std::string> valid;  // documents of valid cards, used up in order
  std::size_t next = 0;
  std::uint64_t list_size = 0;

  explicit ChangeWorld(std::uint64_t n) : cards(n) {
    const CardStates& s = card_states(cards);
    list_size = s.list_size;
    auto opened = registry::open_sqlite_store({dir / "registry.db"});
    if (!opened) die(opened.error().message);
    store = std::move(*opened);
    if (auto m = store->migrate(); !m) die(m.error().message);
    registry::RegistryOptions ro;
    ro.store = store.get();
    ro.cipher = &cipher;
    ro.signer = &list_issuer().signer;
    ro.clock = &clock;
    ro.random = &crypto::system_random();
    ro.status_list_size = list_size;
    auto r = registry::Registry::create(ro);
    if (!r) die(r.error().message);
    reg.emplace(std::move(*r));

    registry::HolderRow holder{
        "bench-holder", Bytes(32, 1), Bytes(32, 2), Bytes(64, 3), Bytes(64, 4), "es", 1, 1};
    constexpr std::uint64_t kBatch = 50000;
    for (std::uint64_t first = 0; first < cards; first += kBatch) {
      auto w = store->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
        if (first == 0)
          if (auto h = tx.insert_holder(holder); !h) return std::unexpected(h.error());
        for (std::uint64_t i = first; i < std::min(first + kBatch, cards); ++i) {
          char doc[24];
          std::snprintf(doc, sizeof doc, "B%08llu", static_cast<unsigned long long>(i));
          auto [index, state] = s.states[i];
          registry::CardRow c{doc,
                              holder.id,
                              i + 1,
                              index,
                              state,
                              1,
                              2,
                              cipher.seal(as_bytes(std::string_view("SDC1:BENCH")), doc, "barcode",
                                          crypto::system_random()),
                              "issued",
                              1};
          if (auto ins = tx.insert_card(c); !ins) return std::unexpected(ins.error());
          if (state == CardState::valid) valid.emplace_back(doc);
        }
        return true;
      });
      if (!w) die("writing cards: " + w.error().message);
    }
    if (auto p = reg->publish_status_list(); !p) die("publish: " + p.error().message);
  }

  ~ChangeWorld() {
    reg.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  const std::string& take_valid() {
    if (next >= valid.size()) die("ran out of valid cards");
    return valid[next++];
  }
};

// One world per card count, made on first use and kept for the run (the
// 10M one takes a few minutes and ~3 GB in the temporary folder).
ChangeWorld& change_world(std::uint64_t cards) {
  static std::map<std::uint64_t, std::unique_ptr<ChangeWorld>> worlds;
  auto& w = worlds[cards];
  if (!w) w = std::make_unique<ChangeWorld>(cards);
  return *w;
}

void BM_CardChangeLargeList(benchmark::State& state) {
  ChangeWorld& w = change_world(static_cast<std::uint64_t>(state.range(0)));
  std::size_t token_bytes = 0;
  for (auto _ : state) {
    auto c = w.reg->suspend_card(w.officer, w.take_valid(), "reported lost");
    if (!c) {
      state.SkipWithError(c.error().message.c_str());
      break;
    }
  }
  auto published = w.reg->status_list();
  if (published) token_bytes = published->token.size();
  state.counters["cards"] = static_cast<double>(w.cards);
  state.counters["list_entries"] = static_cast<double>(w.list_size);
  state.counters["token_bytes"] = static_cast<double>(token_bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CardChangeLargeList)
    ->ArgName("cards")
    ->Arg(1000000)
    ->Arg(10000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The card UPDATE alone, in its own durable transaction.
Result<bool> bare_suspend(ChangeWorld& w, const std::string& doc) {
  return w.store->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
    if (auto r = tx.update_card_state(doc, CardState::suspended, "reported lost", 1); !r)
      return std::unexpected(r.error());
    return true;
  });
}

void BM_BareCardStateUpdate(benchmark::State& state) {
  ChangeWorld& w = change_world(static_cast<std::uint64_t>(state.range(0)));
  for (auto _ : state) {
    const std::string& doc = w.take_valid();
    auto u = bare_suspend(w, doc);
    if (!u) {
      state.SkipWithError(u.error().message.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareCardStateUpdate)
    ->ArgName("cards")
    ->Arg(1000000)
    ->Arg(10000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Each run moves the published iat on by at least a second: keep it short.
void BM_RepublishLargeList(benchmark::State& state) {
  ChangeWorld& w = change_world(static_cast<std::uint64_t>(state.range(0)));
  for (auto _ : state) {
    auto p = w.reg->publish_status_list();
    if (!p) {
      state.SkipWithError(p.error().message.c_str());
      break;
    }
  }
}
BENCHMARK(BM_RepublishLargeList)
    ->ArgName("cards")
    ->Arg(1000000)
    ->Arg(10000000)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// --- a burst of card changes with coalesced publication ---------------------

// kBurst suspensions from kBurstWriters threads through a registry that
// queues list changes (publish_interval 1 s, the system clock, as sdcd runs
// it), with a StatusListPublisher running, on the same world. Timed: from
// the first change until the published list covers every one of them (the
// queue is empty). Counters: the burst itself, publications made, changes
// refused (must be 0: nothing is refused for going faster than one a
// second). Run it in a process of its own (--benchmark_filter): the
// world's list iat must not have been moved ahead of the clock by the
// SteppingClock benchmarks above.
constexpr int kBurst = 1000;
constexpr int kBurstWriters = 4;

// Runs fn(doc) for kBurst valid documents from kBurstWriters threads;
// returns the number that failed.
template <class Fn>
int burst(ChangeWorld& w, Fn fn) {
  std::vector<std::string> docs;
  for (int i = 0; i < kBurst; ++i) docs.push_back(w.take_valid());
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kBurstWriters; ++t)
    writers.emplace_back([&] {
      for (int i = next++; i < kBurst; i = next++)
        if (!fn(docs[static_cast<std::size_t>(i)])) ++failed;
    });
  for (auto& t : writers) t.join();
  return failed.load();
}

// One timed burst at 1M and at 10M cards.
void burst_runs(benchmark::internal::Benchmark* b) {
  b->ArgName("cards")->Arg(1000000)->Arg(10000000)->Iterations(1)->UseManualTime()->Unit(
      benchmark::kMillisecond);
}

void BM_RevocationBurst(benchmark::State& state) {
  ChangeWorld& w = change_world(static_cast<std::uint64_t>(state.range(0)));
  SystemClock clock;
  registry::RegistryOptions ro;
  ro.store = w.store.get();
  ro.cipher = &w.cipher;
  ro.signer = &list_issuer().signer;
  ro.clock = &clock;
  ro.random = &crypto::system_random();
  ro.status_list_size = w.list_size;
  ro.publish_interval = 1;
  auto made = registry::Registry::create(ro);
  if (!made) die(made.error().message);
  registry::Registry& reg = *made;
  auto last = w.reg->status_list();
  if (!last || last->iat > clock.now() + 1) {
    state.SkipWithError("the list's iat is ahead of the clock: run this benchmark alone");
    return;
  }
  std::atomic<int> publications{0};
  registry::StatusListPublisher publisher(reg, [&] { ++publications; });
  reg.on_list_change([&] { publisher.wake(); });
  auto queued = [&] {
    auto q = w.store->in_read_transaction<bool>(
        [](registry::Tx& tx) { return tx.status_changes_queued(); });
    if (!q) die(q.error().message);
    return *q;
  };
  double burst_ms = 0;
  int refused = 0;
  for (auto _ : state) {
    publications = 0;
    publisher.start();
    const auto t0 = std::chrono::steady_clock::now();
    refused += burst(w, [&](const std::string& doc) {
      auto c = reg.suspend_card(w.officer, doc, "reported lost");
      if (!c) std::fprintf(stderr, "suspend: %s\n", c.error().message.c_str());
      return c.has_value();
    });
    const auto t1 = std::chrono::steady_clock::now();
    while (queued()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto t2 = std::chrono::steady_clock::now();
    publisher.stop();
    burst_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
    state.SetIterationTime(std::chrono::duration<double>(t2 - t0).count());
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["cards"] = static_cast<double>(w.cards);
  state.counters["burst_ms"] = burst_ms / n;
  state.counters["publications"] = publications.load();
  state.counters["refused"] = refused;
  state.SetItemsProcessed(state.iterations() * kBurst);
}
BENCHMARK(BM_RevocationBurst)->Apply(burst_runs);

// Baseline: the same burst of card UPDATEs alone, each in its own durable
// transaction, from the same number of threads.
void BM_BareUpdateBurst(benchmark::State& state) {
  ChangeWorld& w = change_world(static_cast<std::uint64_t>(state.range(0)));
  int failed = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    failed += burst(w, [&](const std::string& doc) { return bare_suspend(w, doc).has_value(); });
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.counters["failed"] = failed;
  state.SetItemsProcessed(state.iterations() * kBurst);
}
BENCHMARK(BM_BareUpdateBurst)->Apply(burst_runs);

// --- per-request costs of POST /v1/verify -----------------------------------

// What sdcd's verify handler does besides verify_barcode: load (check the
// signature of, and inflate) the published validity list, and record the
// verification in the audit trail.

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Baseline: raw EVP ECDSA P-256 verify (SHA-256) of a 300-byte message with
// the list signer's public key, as bench/credential_bench.cpp measures it.
void BM_BareEs256Verify(benchmark::State& state) {
  const auto& issuer = list_issuer();
  EVP_PKEY* priv = issuer.signer.key.file_key()->get();
  EVP_PKEY* pub = issuer.trust.signers().front().cert.public_key();
  Bytes message(300, 0x42);
  MdCtx sign_ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (EVP_DigestSignInit(sign_ctx.get(), nullptr, EVP_sha256(), nullptr, priv) != 1 ||
      EVP_DigestSign(sign_ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
    die("EVP_DigestSign");
  Bytes sig(len);
  if (EVP_DigestSign(sign_ctx.get(), sig.data(), &len, message.data(), message.size()) != 1)
    die("EVP_DigestSign");
  sig.resize(len);
  for (auto _ : state) {
    MdCtx ctx(EVP_MD_CTX_new());
    bool ok =
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub) == 1 &&
        EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
    if (!ok) {
      state.SkipWithError("the signature does not verify");
      break;
    }
  }
}
BENCHMARK(BM_BareEs256Verify)->Unit(benchmark::kMicrosecond);

// load_status_list_token of a list of `entries` (1.5% of them set), as the
// handler does on every request.
void BM_LoadStatusListToken(benchmark::State& state) {
  const auto& issuer = list_issuer();
  const CardStates& s = card_states(static_cast<std::uint64_t>(state.range(0)) / 2);
  auto list = StatusList::from_bytes(s.packed);
  if (!list) die(list.error().message);
  auto token = build_status_list_token(
      *list,
      StatusListClaims{"https://registry.invalid/status/validity", testing::kTestNow,
                       testing::kTestNow + 2 * 86400, 3600},
      issuer.signer);
  if (!token) die(token.error().message);
  for (auto _ : state) {
    auto loaded = load_status_list_token(*token, issuer.trust);
    if (!loaded) {
      state.SkipWithError(loaded.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(loaded->list.bytes().data());
  }
  state.counters["list_entries"] = static_cast<double>(s.list_size);
}
BENCHMARK(BM_LoadStatusListToken)->Arg(1 << 20)->Arg(1 << 21)->Unit(benchmark::kMicrosecond);

// Registry::record_verification (a card read and one audit event, durable
// when it returns) from several threads at once, as sdcd's workers call it.
void BM_RecordVerification(benchmark::State& state) {
  EnrollWorld& w = enroll_world();
  User field{"u-bench-field", "bench field officer", Role::field_officer};
  for (auto _ : state) {
    auto r = w.reg->record_verification(field, w.document_number, "VALID");
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordVerification)
    ->Threads(1)
    ->Threads(4)
    ->Threads(16)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// --- on a generated store (SDC_BENCH_DATA) ------------------------------------

struct DataWorld {
  bench::RegistryFolder folder;
  std::uint64_t holders = 0;
  SystemClock clock;
  std::optional<registry::Registry> reg;
  User field{"u-bench-field", "bench field officer", Role::field_officer};
  User officer{"u-bench-officer", "bench officer", Role::enrollment_officer};
  Bytes portrait = specimen_portrait().jpeg;

  explicit DataWorld(bench::RegistryFolder f) : folder(std::move(f)) {
    holders = folder.generated_holders();
    if (holders == 0) die(folder.dir.string() + ": no generated.json; run sdc_registry_gen");
    auto ro = folder.registry_options(clock, crypto::system_random());
    auto r = registry::Registry::create(ro);
    if (!r) die(r.error().message);
    reg.emplace(std::move(*r));
  }
};

DataWorld* data_world = nullptr;

void BM_FindByANumber(benchmark::State& state) {
  DataWorld& w = *data_world;
  std::mt19937_64 rng(42);
  std::vector<double> us;
  for (auto _ : state) {
    std::string a = bench::generated_a_number(rng() % w.holders);
    auto t0 = std::chrono::steady_clock::now();
    auto v = w.reg->find_by_a_number(w.field, a);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!v || v->record.a_number != a) {
      state.SkipWithError(v ? "found the wrong holder" : v.error().message.c_str());
      break;
    }
  }
  latency_counters(state, us);
}

void BM_BareSelectByHash(benchmark::State& state) {
  DataWorld& w = *data_world;
  std::mt19937_64 rng(42);
  std::vector<Bytes> hashes;
  for (int i = 0; i < 4096; ++i)
    hashes.push_back(w.folder.cipher->a_number_hash(bench::generated_a_number(rng() % w.holders)));
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((w.folder.dir / "registry.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK)
    die("sqlite open registry.db");
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT id, identity, portrait, language, created_at, updated_at FROM "
                         "holders WHERE a_number_hash = ?1",
                         -1, &s, nullptr) != SQLITE_OK)
    die("sqlite prepare");
  std::vector<double> us;
  std::size_t i = 0;
  for (auto _ : state) {
    const Bytes& h = hashes[i++ % hashes.size()];
    auto t0 = std::chrono::steady_clock::now();
    sqlite3_bind_blob(s, 1, h.data(), static_cast<int>(h.size()), SQLITE_STATIC);
    int rc = sqlite3_step(s);
    std::size_t portrait_bytes =
        rc == SQLITE_ROW ? static_cast<std::size_t>(sqlite3_column_bytes(s, 2)) : 0;
    benchmark::DoNotOptimize(sqlite3_column_blob(s, 2));
    sqlite3_reset(s);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (rc != SQLITE_ROW || portrait_bytes == 0) {
      state.SkipWithError("a generated holder is missing");
      break;
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  latency_counters(state, us);
}

void BM_PublishStatusListStore(benchmark::State& state) {
  DataWorld& w = *data_world;
  std::size_t token_bytes = 0;
  for (auto _ : state) {
    auto p = w.reg->publish_status_list();
    if (!p) {
      state.SkipWithError(p.error().message.c_str());
      break;
    }
    token_bytes = p->token.size();
  }
  state.counters["token_bytes"] = static_cast<double>(token_bytes);
}

void BM_EnrollAndIssueLargeStore(benchmark::State& state) {
  DataWorld& w = *data_world;
  std::mt19937_64 rng(std::random_device{}());
  for (auto _ : state) {
    auto h = w.reg->enroll(w.officer, holder_input(rng(), w.portrait));
    if (!h) {
      state.SkipWithError(("enroll: " + h.error().message).c_str());
      break;
    }
    auto c = w.reg->issue_card(w.officer, h->id);
    if (!c) {
      state.SkipWithError(("issue_card: " + c.error().message).c_str());
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::optional<DataWorld> data;
  if (const char* dir = std::getenv("SDC_BENCH_DATA"); dir && *dir) {
    auto f = bench::RegistryFolder::open(dir);
    if (!f) die(std::string(dir) + ": " + f.error().message);
    data.emplace(std::move(*f));
    data_world = &*data;
    benchmark::RegisterBenchmark("BM_FindByANumber", BM_FindByANumber)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(2.0);
    benchmark::RegisterBenchmark("BM_BareSelectByHash", BM_BareSelectByHash)
        ->Unit(benchmark::kMicrosecond)
        ->MinTime(2.0);
    // Each run moves the published iat on by at least a second: keep it short.
    benchmark::RegisterBenchmark("BM_PublishStatusListStore", BM_PublishStatusListStore)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3);
    benchmark::RegisterBenchmark("BM_EnrollAndIssueLargeStore", BM_EnrollAndIssueLargeStore)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // The lookups appended audit events: sign the new head, as sdcd would.
  if (data) {
    if (auto c = data->folder.checkpoint_audit(data->clock.now()); !c)
      die("audit checkpoint: " + c.error().message);
  }
  return 0;
}
