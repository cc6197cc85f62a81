// Publication of the validity list from its stored entries, on both
// stores: after any sequence of card changes the published list equals a
// rebuild from the cards table bit for bit, iat strictly increases, a
// failed change leaves list and entries as they were, and a database
// migrated from version 3 publishes its existing cards correctly.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "sdc/credential/status_list.h"
#include "unit/registry/registry_fixture.h"
#include "unit/store/older_schema.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

constexpr std::uint64_t kListSize = 1024;  // RegistryTestBase's list

// What is published and stored at one moment.
struct Snapshot {
  UnixTime iat = 0;
  Bytes token;
  Bytes listed;  // the token's entries
  Bytes stored;  // the entries kept beside it

  bool operator==(const Snapshot&) const = default;
};

class StatusListPublication : public RegistryTestBase {
 protected:
  // The list as a full rebuild from the cards table makes it.
  static Bytes rebuilt(Store& store, std::uint64_t entries) {
    auto states = store.in_transaction<std::vector<std::pair<std::uint64_t, CardState>>>(
        [](Tx& tx) { return tx.card_states(); });
    EXPECT_TRUE(states) << states.error().message;
    auto list = StatusList::create(entries);
    EXPECT_TRUE(list);
    if (!states || !list) return {};
    for (auto [index, state] : *states)
      if (index < entries) list->set(index, static_cast<std::uint8_t>(state));
    return list->bytes();
  }

  static Snapshot snapshot(Store& store) {
    auto r = store.in_transaction<Snapshot>([](Tx& tx) -> Result<Snapshot> {
      auto list = tx.lock_status_list();
      if (!list) return std::unexpected(list.error());
      auto bits = tx.status_list_bits();
      if (!bits) return std::unexpected(bits.error());
      Snapshot s;
      s.stored = std::move(*bits);
      if (!*list) return s;
      s.iat = (*list)->iat;
      s.token = (*list)->token;
      auto token = parse_status_list_token_unverified(s.token);
      if (!token) return std::unexpected(token.error());
      s.listed = token->list.bytes();
      return s;
    });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : Snapshot{};
  }
};

TEST_P(StatusListPublication, RandomChangesPublishWhatARebuildWould) {
  std::vector<HolderRecord> holders;
  for (int i = 0; i < 5; ++i)
    holders.push_back(enroll(input("A20155500" + std::to_string(i), "HOLDER")));
  std::vector<std::string> docs, suspended;  // suspended: the cards suspend succeeded on
  std::mt19937 rng(20261127);
  auto pick_doc = [&] { return docs[rng() % docs.size()]; };
  std::map<std::string, int> succeeded;
  Snapshot before = snapshot(*store_);
  EXPECT_EQ(before.iat, 0);
  EXPECT_TRUE(before.stored.empty());

  for (int step = 0; step < 80; ++step) {
    const HolderRecord& h = holders[rng() % holders.size()];
    std::string op;
    bool ok = false;
    switch (docs.empty() ? 0 : rng() % 5) {
      case 0: {
        op = "issue";
        auto c = registry_->issue_card(officer_, h.id);
        ASSERT_TRUE(c) << c.error().message;
        docs.push_back(c->card.document_number);
        ok = true;
        break;
      }
      case 1: {
        op = "reissue";
        auto c = registry_->reissue_card(officer_, h.id, ReissueReason::lost);
        if (c) docs.push_back(c->card.document_number);
        ok = c.has_value();  // not_found for a holder without a card
        break;
      }
      case 2:
        op = "revoke";
        ok = registry_->revoke_card(officer_, pick_doc(), "order").has_value();
        break;
      case 3: {
        op = "suspend";
        std::string doc = pick_doc();
        ok = registry_->suspend_card(officer_, doc, "reported lost").has_value();
        if (ok) suspended.push_back(doc);
        break;
      }
      default: {
        op = "lift";
        // Mostly a card that was suspended (it may have been revoked or
        // replaced since), else any card.
        std::string doc =
            !suspended.empty() && rng() % 4 != 0 ? suspended[rng() % suspended.size()] : pick_doc();
        ok = registry_->lift_suspension(officer_, doc, "found").has_value();
        break;
      }
    }
    Snapshot now = snapshot(*store_);
    if (ok) {
      ++succeeded[op];
      EXPECT_GT(now.iat, before.iat) << "step " << step << " " << op;
      Bytes expected = rebuilt(*store_, kListSize);
      EXPECT_EQ(now.listed, expected) << "step " << step << " " << op;
      EXPECT_EQ(now.stored, expected) << "step " << step << " " << op;
    } else {
      EXPECT_EQ(now, before) << "step " << step << ": a refused " << op << " published";
    }
    before = now;
  }
  for (const char* op : {"issue", "reissue", "revoke", "suspend", "lift"})
    EXPECT_GT(succeeded[op], 0) << op << " never succeeded: the sequence misses a path";

  // The repair path rebuilds the same list, one second later.
  auto repaired = registry_->publish_status_list();
  ASSERT_TRUE(repaired) << repaired.error().message;
  Snapshot after = snapshot(*store_);
  EXPECT_EQ(after.iat, before.iat + 1);
  EXPECT_EQ(after.listed, before.listed);
  EXPECT_EQ(after.stored, before.stored);
  // And what is published is a token verifiers accept.
  auto loaded = load_status_list_token(after.token, issuer_.trust);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->list.bytes(), after.listed);
}

TEST_P(StatusListPublication, FailedChangesLeaveListAndEntriesUnchanged) {
  // A list of four entries, all taken by four cards.
  RegistryOptions o;
  o.store = store_.get();
  o.cipher = &cipher_;
  o.signer = &issuer_.signer;
  o.clock = &clock_;
  o.random = &crypto::system_random();
  o.status_list_size = 4;
  auto full = Registry::create(o);
  ASSERT_TRUE(full) << full.error().message;
  std::vector<std::string> holders, docs;
  for (int i = 0; i < 4; ++i) {
    holders.push_back(enroll(input("A20155501" + std::to_string(i), "HOLDER")).id);
    auto c = full->issue_card(officer_, holders.back());
    ASSERT_TRUE(c) << c.error().message;
    docs.push_back(c->card.document_number);
  }
  ASSERT_TRUE(full->suspend_card(officer_, docs[1], "reported lost"));
  Snapshot before = snapshot(*store_);
  ASSERT_EQ(before.stored, rebuilt(*store_, 4));

  // The old card is invalidated, then no index is free for the new one:
  // the whole reissue rolls back.
  auto reissued = full->reissue_card(officer_, holders[0], ReissueReason::damaged);
  ASSERT_FALSE(reissued);
  EXPECT_EQ(reissued.error().code, Errc::limit);
  // Conflicts: lifting a valid card, suspending a suspended one.
  auto lifted = full->lift_suspension(officer_, docs[2], "found");
  ASSERT_FALSE(lifted);
  EXPECT_EQ(lifted.error().code, Errc::conflict);
  auto suspended = full->suspend_card(officer_, docs[1], "again");
  ASSERT_FALSE(suspended);
  EXPECT_EQ(suspended.error().code, Errc::conflict);

  EXPECT_EQ(snapshot(*store_), before);
  auto cards = full->cards_of_holder(officer_, holders[0]);
  ASSERT_TRUE(cards);
  ASSERT_EQ(cards->size(), 1u);
  EXPECT_EQ(cards->front().state, CardState::valid);
}

// A version 3 database kept no entries; after the migration, the first
// change publishes every existing card's state, not just its own.
TEST_P(StatusListPublication, MigratedDatabasePublishesItsExistingCards) {
  std::string why;
  auto env = make_store_env(GetParam(), why);
  ASSERT_TRUE(env) << why;
  apply_migrations_up_to(*env, GetParam(), 3);
  const std::map<std::uint64_t, CardState> cards = {{5, CardState::valid},
                                                    {17, CardState::invalid},
                                                    {300, CardState::suspended},
                                                    {1000, CardState::valid}};
  insert_v3_cards(*env, cards, [&](const std::string& doc) {
    return cipher_.seal(as_bytes(std::string_view("SDC1:NOT-A-REAL-CARD")), doc, "barcode",
                        crypto::system_random());
  });
  auto store = env->open();
  ASSERT_TRUE(store) << store.error().message;
  auto m = (*store)->migrate();
  ASSERT_TRUE(m) << m.error().message;
  auto reg = make_registry(**store);

  auto revoked = reg->revoke_card(officer_, "D100001000", "order");
  ASSERT_TRUE(revoked) << revoked.error().message;
  Snapshot s = snapshot(**store);
  EXPECT_EQ(s.listed, rebuilt(**store, kListSize));
  EXPECT_EQ(s.stored, s.listed);
  auto list = StatusList::from_bytes(s.listed);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->get(5), 0);
  EXPECT_EQ(list->get(17), 1);
  EXPECT_EQ(list->get(300), 2);
  EXPECT_EQ(list->get(1000), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusListPublication, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
