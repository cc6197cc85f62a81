// The validity list's stored entries (schema version 4), on both stores:
// saved with the token, untouched by a failed transaction, and filled from
// the cards table when a version 3 database is migrated.
#include <gtest/gtest.h>

#include <map>

#include "unit/store/older_schema.h"
#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class StatusListStore : public StoreTestBase {
 protected:
  struct Saved {
    bool published = false;
    UnixTime iat = 0;
    Bytes token;
    Bytes bits;
  };

  Saved saved() {
    auto r = store_->in_transaction<Saved>([](Tx& tx) -> Result<Saved> {
      auto list = tx.lock_status_list();
      if (!list) return std::unexpected(list.error());
      auto bits = tx.status_list_bits();
      if (!bits) return std::unexpected(bits.error());
      Saved s;
      s.bits = std::move(*bits);
      if (!*list) return s;
      s.published = true;
      s.iat = (*list)->iat;
      s.token = (*list)->token;
      return s;
    });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : Saved{};
  }

  Result<bool> save(UnixTime iat, Bytes token, Bytes bits) {
    return store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      if (auto l = tx.lock_status_list(); !l) return std::unexpected(l.error());
      if (auto s = tx.save_status_list({iat, token}, bits); !s) return std::unexpected(s.error());
      return true;
    });
  }
};

TEST_P(StatusListStore, EntriesAreSavedWithTheToken) {
  Saved fresh = saved();
  EXPECT_FALSE(fresh.published);
  EXPECT_TRUE(fresh.bits.empty());

  Bytes bits(4096, 0);
  bits[0] = 0x01;
  bits[4095] = 0x80;
  ASSERT_TRUE(save(1000, Bytes{7, 7}, bits));
  Saved s = saved();
  ASSERT_TRUE(s.published);
  EXPECT_EQ(s.iat, 1000);
  EXPECT_EQ(s.token, (Bytes{7, 7}));
  EXPECT_EQ(s.bits, bits);

  // Entries alone (what a migration writes) leave the token as it is.
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto w = tx.save_status_list_bits(Bytes{0x24}); !w) return std::unexpected(w.error());
    return true;
  }));
  s = saved();
  EXPECT_EQ(s.iat, 1000);
  EXPECT_EQ(s.token, (Bytes{7, 7}));
  EXPECT_EQ(s.bits, (Bytes{0x24}));
}

TEST_P(StatusListStore, FailedTransactionLeavesEntriesAndTokenUnchanged) {
  Bytes bits(256, 0x11);
  ASSERT_TRUE(save(1000, Bytes{1}, bits));

  // Saved, then the transaction fails: nothing of it stays.
  auto failed = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto l = tx.lock_status_list(); !l) return std::unexpected(l.error());
    if (auto w = tx.save_status_list({1001, Bytes{2}}, Bytes(256, 0x22)); !w)
      return std::unexpected(w.error());
    return fail(Errc::conflict, "card is revoked, cannot become suspended");
  });
  ASSERT_FALSE(failed);
  // An iat that does not move forward is refused, entries included.
  auto older = save(1000, Bytes{3}, Bytes(256, 0x33));
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().code, Errc::conflict);

  Saved s = saved();
  ASSERT_TRUE(s.published);
  EXPECT_EQ(s.iat, 1000);
  EXPECT_EQ(s.token, Bytes{1});
  EXPECT_EQ(s.bits, bits);
}

// Version 3 had no stored entries: migrating packs every card's state.
TEST_P(StatusListStore, MigrationFromVersion3FillsEntriesFromTheCards) {
  std::string why;
  auto env = make_store_env(GetParam(), why);
  ASSERT_TRUE(env) << why;
  apply_migrations_up_to(*env, GetParam(), 3);
  // Index -> state, across byte edges.
  const CardState v = CardState::valid, x = CardState::invalid, z = CardState::suspended;
  const std::map<std::uint64_t, CardState> cards = {{0, x},   {1, z},    {2, v},   {3, x},
                                                    {4, z},   {7, x},    {8, v},   {13, z},
                                                    {250, x}, {1021, z}, {4094, x}};
  insert_v3_cards(*env, cards, [](const std::string&) { return Bytes{9}; });
  auto store = env->open();
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_EQ(*(*store)->schema_version(), 3);
  auto m = (*store)->migrate();
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_GE(*(*store)->schema_version(), 4);

  auto bits = (*store)->in_transaction<Bytes>([](Tx& tx) -> Result<Bytes> {
    if (auto l = tx.lock_status_list(); !l) return std::unexpected(l.error());
    return tx.status_list_bits();
  });
  ASSERT_TRUE(bits) << bits.error().message;
  // As far as the highest index, four entries a byte, lowest bits first.
  ASSERT_EQ(bits->size(), 4095u / 4 + 1);
  for (std::uint64_t i = 0; i < bits->size() * 4; ++i) {
    auto it = cards.find(i);
    int expected = it == cards.end() ? 0 : static_cast<int>(it->second);
    EXPECT_EQ(((*bits)[i / 4] >> (2 * (i % 4))) & 3, expected) << "entry " << i;
  }
  // Migrating again changes nothing.
  ASSERT_TRUE((*store)->migrate());
  auto again = (*store)->in_transaction<Bytes>([](Tx& tx) { return tx.status_list_bits(); });
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bits);
}

TEST_P(StatusListStore, MigrationFromVersion3WithoutCardsStoresNoEntries) {
  std::string why;
  auto env = make_store_env(GetParam(), why);
  ASSERT_TRUE(env) << why;
  apply_migrations_up_to(*env, GetParam(), 3);
  auto store = env->open();
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->migrate());
  auto bits = (*store)->in_transaction<Bytes>([](Tx& tx) { return tx.status_list_bits(); });
  ASSERT_TRUE(bits) << bits.error().message;
  EXPECT_TRUE(bits->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusListStore, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
