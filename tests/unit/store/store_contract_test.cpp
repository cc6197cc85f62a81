// The storage contract: both stores must pass every test here.
#include <gtest/gtest.h>

#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class StoreContract : public StoreTestBase {};

HolderRow holder(const std::string& id, std::uint8_t tag) {
  return HolderRow{id, Bytes(32, tag), Bytes(32, static_cast<std::uint8_t>(tag + 1)),
                   Bytes{1, 2, 3}, Bytes{4, 5}, "es", 100, 100};
}

CardRow card(const std::string& doc, const std::string& holder_id, std::uint64_t index,
             std::uint64_t version = 1) {
  return CardRow{doc, holder_id, version, index, CardState::valid, 100, 200, Bytes{9, 9},
                 "issued", 100};
}

TEST_P(StoreContract, MigrationsAreIdempotent) {
  auto v = store_->schema_version();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, 1);
  ASSERT_TRUE(store_->migrate());
  ASSERT_TRUE(store_->migrate());
  auto other = env_->open();
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->migrate());
  EXPECT_EQ(*(*other)->schema_version(), 1);
  EXPECT_EQ(*store_->schema_version(), 1);
}

TEST_P(StoreContract, EmptyDatabaseHasVersionZero) {
  // A fresh store from a second env has not been migrated.
  std::string why;
  auto env = make_store_env(GetParam(), why);
  ASSERT_TRUE(env) << why;
  auto s = env->open();
  ASSERT_TRUE(s);
  auto v = (*s)->schema_version();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, 0);
}

TEST_P(StoreContract, RoundTripsEveryRecord) {
  HolderRow h = holder("h1", 7);
  CardRow c = card("DOC000001", "h1", 42);
  CaseStatusRow cs{"h1", 1, CaseStatus::final_order_of_removal, "2025-05-01", Bytes{1}, "u1", 5};
  User u{"u1", "Officer One", Role::enrollment_officer};
  auto w = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_holder(h); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_card(c); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_case_status(cs); !r) return std::unexpected(r.error());
    if (auto r = tx.upsert_user(u); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_TRUE(w) << w.error().message;
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_EQ(**tx.get_holder("h1"), h);
    EXPECT_EQ(**tx.find_holder_by_a_number_hash(h.a_number_hash), h);
    EXPECT_EQ(tx.find_holders_by_name_dob_hash(h.name_dob_hash)->size(), 1u);
    EXPECT_FALSE(tx.get_holder("nobody")->has_value());
    EXPECT_EQ(**tx.get_card("DOC000001"), c);
    EXPECT_TRUE(*tx.document_number_taken("DOC000001"));
    EXPECT_FALSE(*tx.document_number_taken("DOC000002"));
    EXPECT_TRUE(*tx.status_index_taken(42));
    EXPECT_FALSE(*tx.status_index_taken(43));
    EXPECT_EQ(tx.case_status_history("h1")->front(), cs);
    EXPECT_EQ(**tx.get_user("u1"), u);
    auto states = tx.card_states();
    EXPECT_EQ(states->size(), 1u);
    EXPECT_FALSE(tx.lock_status_list()->has_value());
    auto head = tx.lock_audit_head();
    EXPECT_EQ(head->seq, 0u);
    EXPECT_EQ(head->hash, Bytes(32, 0));
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(StoreContract, UpdatesAndNotFound) {
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_holder(holder("h1", 1)); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_card(card("DOC000001", "h1", 3)); !r) return std::unexpected(r.error());
    return true;
  }));
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    HolderRow h = holder("h1", 1);
    h.language = "fr";
    h.updated_at = 300;
    EXPECT_TRUE(tx.update_holder(h));
    EXPECT_EQ((*tx.get_holder("h1"))->language, "fr");
    EXPECT_EQ(tx.update_holder(holder("h2", 1)).error().code, Errc::not_found);
    EXPECT_TRUE(tx.update_card_state("DOC000001", CardState::suspended, "lost?", 400));
    EXPECT_EQ((*tx.get_card("DOC000001"))->state, CardState::suspended);
    EXPECT_EQ(tx.update_card_state("NOPE", CardState::invalid, "", 1).error().code,
              Errc::not_found);
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(StoreContract, FailureMidTransactionLeavesNothingWritten) {
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto a = tx.insert_holder(holder("h1", 1)); !a) return std::unexpected(a.error());
    if (auto a = tx.insert_card(card("DOC000001", "h1", 5)); !a) return std::unexpected(a.error());
    return fail(Errc::invalid_argument, "the third step failed");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  auto check = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_FALSE(tx.get_holder("h1")->has_value());
    EXPECT_FALSE(tx.get_card("DOC000001")->has_value());
    EXPECT_TRUE(tx.card_states()->empty());
    return true;
  });
  ASSERT_TRUE(check);
}

TEST_P(StoreContract, UniqueConstraintsRefuseDuplicatesAndRollBack) {
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_holder(holder("h1", 1)); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_card(card("DOC000001", "h1", 5)); !r) return std::unexpected(r.error());
    return true;
  }));
  int attempts = 0;
  auto dup_index = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    ++attempts;
    if (auto r = tx.insert_holder(holder("h2", 10)); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_card(card("DOC000002", "h2", 5)); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(dup_index);
  EXPECT_EQ(dup_index.error().code, Errc::conflict);
  EXPECT_EQ(attempts, Store::kMaxAttempts);  // retried, then given up
  auto dup_doc = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_card(card("DOC000001", "h1", 6, 2)); !r)
      return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(dup_doc);
  EXPECT_EQ(dup_doc.error().code, Errc::conflict);
  auto dup_a = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_holder(holder("h3", 1)); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(dup_a);
  auto check = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_FALSE(tx.get_holder("h2")->has_value());
    EXPECT_FALSE(tx.get_holder("h3")->has_value());
    EXPECT_EQ(tx.card_states()->size(), 1u);
    return true;
  });
  ASSERT_TRUE(check);
}

TEST_P(StoreContract, StatusListIatOnlyMovesForward) {
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_FALSE(tx.lock_status_list()->has_value());
    if (auto r = tx.save_status_list({1000, Bytes{1}}); !r) return std::unexpected(r.error());
    return true;
  }));
  auto older = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.save_status_list({1000, Bytes{2}}); !r) return std::unexpected(r.error());
    return true;
  });
  EXPECT_FALSE(older);
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto l = tx.lock_status_list();
    EXPECT_EQ((*l)->iat, 1000);
    EXPECT_EQ((*l)->token, Bytes{1});
    return true;
  });
  ASSERT_TRUE(r);
}

TEST_P(StoreContract, AuditAppendsInOrder) {
  for (std::uint64_t i = 1; i <= 3; ++i) {
    auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      auto head = tx.lock_audit_head();
      if (!head) return std::unexpected(head.error());
      AuditEvent e{head->seq + 1, 10, "u", "auditor", "read_audit", "", "ok", "",
                   head->hash,    Bytes(32, static_cast<std::uint8_t>(i))};
      if (auto a = tx.append_audit(e); !a) return std::unexpected(a.error());
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  auto events = store_->in_transaction<std::vector<AuditEvent>>(
      [](Tx& tx) { return tx.audit_events(2, 10); });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].seq, 2u);
  EXPECT_EQ((*events)[1].prev_hash, Bytes(32, 2));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
