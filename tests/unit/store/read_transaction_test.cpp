// Read-only transactions (Store::in_read_transaction) and, on SQLite, the
// reading connections and statement reuse behind them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class ReadTransaction : public StoreTestBase {};

HolderRow holder(const std::string& id, std::uint8_t tag) {
  return HolderRow{id, Bytes(32, tag), Bytes(32, tag), Bytes{1}, Bytes{2}, "en", 100, 100};
}

Result<bool> insert(Store& store, const std::string& id, std::uint8_t tag) {
  return store.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_holder(holder(id, tag)); !r) return std::unexpected(r.error());
    return true;
  });
}

std::optional<HolderRow> read(Store& store, const std::string& id) {
  auto r = store.in_read_transaction<std::optional<HolderRow>>(
      [&](Tx& tx) { return tx.get_holder(id); });
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : std::nullopt;
}

TEST_P(ReadTransaction, SeesEveryCommitBeforeIt) {
  EXPECT_FALSE(read(*store_, "h1"));
  ASSERT_TRUE(insert(*store_, "h1", 1));
  auto h = read(*store_, "h1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->a_number_hash, Bytes(32, 1));
  // A commit through another store on the same database (another sdcd).
  auto other = env_->open();
  ASSERT_TRUE(other);
  ASSERT_TRUE(insert(**other, "h2", 2));
  EXPECT_TRUE(read(*store_, "h2"));
}

TEST_P(ReadTransaction, ReadersRunBesideWritersWithoutLosingRows) {
  constexpr int kWriters = 2, kPerWriter = 20, kReaders = 6;
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i)
        if (!insert(*store_, "w" + std::to_string(w) + "-" + std::to_string(i),
                    static_cast<std::uint8_t>(w * kPerWriter + i)))
          ++failures;
    });
  std::atomic<int> reads{0};
  for (int r = 0; r < kReaders; ++r)
    threads.emplace_back([&] {
      while (!done) {
        auto n = store_->in_read_transaction<std::size_t>([](Tx& tx) -> Result<std::size_t> {
          auto a = tx.get_holder("w0-0");
          if (!a) return std::unexpected(a.error());
          auto b = tx.get_holder("nobody");
          if (!b) return std::unexpected(b.error());
          return (*a ? 1u : 0u) + (*b ? 1u : 0u);
        });
        if (!n) ++failures;
        ++reads;
      }
    });
  for (int w = 0; w < kWriters; ++w) threads[static_cast<std::size_t>(w)].join();
  done = true;
  for (std::size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  for (int w = 0; w < kWriters; ++w)
    for (int i = 0; i < kPerWriter; ++i)
      EXPECT_TRUE(read(*store_, "w" + std::to_string(w) + "-" + std::to_string(i)));
}

TEST_P(ReadTransaction, SameQueryTwiceAtOnceGivesBothAnswers) {
  // The same SQL while a first use of it is still open: a cached statement
  // must not be handed out twice.
  ASSERT_TRUE(insert(*store_, "h1", 1));
  ASSERT_TRUE(insert(*store_, "h2", 2));
  for (int round = 0; round < 3; ++round) {  // again, from the statement cache
    auto r = store_->in_read_transaction<std::pair<bool, bool>>(
        [](Tx& tx) -> Result<std::pair<bool, bool>> {
          auto a = tx.get_holder("h1");
          auto b = tx.get_holder("h2");
          auto c = tx.get_holder("h3");
          if (!a || !b || !c) return fail(Errc::internal, "read failed");
          return std::pair{*a && (*a)->id == "h1", *b && (*b)->id == "h2" && !*c};
        });
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->first);
    EXPECT_TRUE(r->second);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadTransaction, ::testing::ValuesIn(store_backends()),
                         backend_name);

// SQLite reads on connections that refuse writes (PostgreSQL runs reads as
// ordinary transactions).
TEST(SqliteReadTransaction, RefusesAWriteInsideOne) {
  std::string why;
  auto env = make_store_env("sqlite", why);
  ASSERT_TRUE(env) << why;
  auto store = env->open();
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->migrate());
  auto r = (*store)->in_read_transaction<bool>([](Tx& tx) -> Result<bool> {
    if (auto w = tx.insert_holder(holder("h9", 9)); !w) return std::unexpected(w.error());
    return true;
  });
  ASSERT_FALSE(r);
  EXPECT_FALSE(read(**store, "h9"));
  // The writing connection still writes.
  EXPECT_TRUE(insert(**store, "h9", 9));
  EXPECT_TRUE(read(**store, "h9"));
}

}  // namespace
}  // namespace sdc::testing
