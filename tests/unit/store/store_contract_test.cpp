// The storage contract: both stores must pass every test here.
#include <gtest/gtest.h>

#include "store/schema/schema.h"
#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class StoreContract : public StoreTestBase {};

HolderRow holder(const std::string& id, std::uint8_t tag) {
  return HolderRow{id,
                   Bytes(32, tag),
                   Bytes(32, static_cast<std::uint8_t>(tag + 1)),
                   Bytes{1, 2, 3},
                   Bytes{4, 5},
                   "es",
                   100,
                   100};
}

CardRow card(const std::string& doc, const std::string& holder_id, std::uint64_t index,
             std::uint64_t version = 1) {
  return CardRow{doc, holder_id, version,     index,    CardState::valid,
                 100, 200,       Bytes{9, 9}, "issued", 100};
}

TEST_P(StoreContract, MigrationsAreIdempotent) {
  const int newest = schema_migrations(SqlDialect::sqlite).back().version;
  ASSERT_GE(newest, 3);  // audit query indexes
  auto v = store_->schema_version();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, newest);
  ASSERT_TRUE(store_->migrate());
  ASSERT_TRUE(store_->migrate());
  auto other = env_->open();
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->migrate());
  EXPECT_EQ(*(*other)->schema_version(), newest);
  EXPECT_EQ(*store_->schema_version(), newest);
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
    if (auto r = tx.save_status_list({1000, Bytes{1}}, {}); !r) return std::unexpected(r.error());
    return true;
  }));
  auto older = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.save_status_list({1000, Bytes{2}}, {}); !r) return std::unexpected(r.error());
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
      AuditEvent e{head->seq + 1, 10,
                   "u",           "auditor",
                   "read_audit",  "",
                   "ok",          "",
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

// ---- Audit queries (auditors; schema version 3) ----

// Twelve events: holders h1/h2/none in turn, actors a/b alternating, one
// per 10 seconds from t = 1000.
void append_query_fixture(Store& store) {
  for (std::uint64_t i = 1; i <= 12; ++i) {
    auto r = store.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      auto head = tx.lock_audit_head();
      if (!head) return std::unexpected(head.error());
      const char* holders[] = {"h1", "h2", ""};
      AuditEvent e{head->seq + 1,
                   static_cast<UnixTime>(1000 + 10 * (i - 1)),
                   i % 2 ? "a" : "b",
                   "field_officer",
                   "read_holder_name",
                   holders[(i - 1) % 3],
                   "ok",
                   "",
                   head->hash,
                   Bytes(32, static_cast<std::uint8_t>(i))};
      if (auto a = tx.append_audit(e); !a) return std::unexpected(a.error());
      return true;
    });
    ASSERT_TRUE(r) << r.error().message;
  }
}

std::vector<std::uint64_t> seqs_of(Store& store, const AuditFilter& f) {
  auto r = store.in_transaction<std::vector<AuditEvent>>([&](Tx& tx) { return tx.query_audit(f); });
  EXPECT_TRUE(r) << r.error().message;
  std::vector<std::uint64_t> out;
  if (r)
    for (const AuditEvent& e : *r) out.push_back(e.seq);
  return out;
}

using Seqs = std::vector<std::uint64_t>;

TEST_P(StoreContract, AuditQueryFiltersByHolderActorAndTime) {
  append_query_fixture(*store_);
  AuditFilter all;
  all.limit = 100;
  EXPECT_EQ(seqs_of(*store_, all), (Seqs{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));

  AuditFilter by_holder = all;
  by_holder.holder_id = "h1";
  EXPECT_EQ(seqs_of(*store_, by_holder), (Seqs{1, 4, 7, 10}));

  AuditFilter by_actor = all;
  by_actor.actor = "b";
  EXPECT_EQ(seqs_of(*store_, by_actor), (Seqs{2, 4, 6, 8, 10, 12}));

  AuditFilter both = by_holder;
  both.actor = "b";
  EXPECT_EQ(seqs_of(*store_, both), (Seqs{4, 10}));

  AuditFilter window = all;  // [1030, 1070): records 4 to 7
  window.from = 1030;
  window.to = 1070;
  EXPECT_EQ(seqs_of(*store_, window), (Seqs{4, 5, 6, 7}));
  window.holder_id = "h2";
  EXPECT_EQ(seqs_of(*store_, window), (Seqs{5}));

  AuditFilter nobody = all;
  nobody.actor = "c";
  EXPECT_TRUE(seqs_of(*store_, nobody).empty());
}

TEST_P(StoreContract, AuditQueryPagesBothWays) {
  append_query_fixture(*store_);
  AuditFilter f;
  f.actor = "a";  // 1, 3, 5, 7, 9, 11
  f.limit = 4;
  EXPECT_EQ(seqs_of(*store_, f), (Seqs{1, 3, 5, 7}));
  f.after = 7;
  EXPECT_EQ(seqs_of(*store_, f), (Seqs{9, 11}));
  f.after = 11;
  EXPECT_TRUE(seqs_of(*store_, f).empty());

  f.order = AuditFilter::Order::newest_first;
  f.after = 0;
  EXPECT_EQ(seqs_of(*store_, f), (Seqs{11, 9, 7, 5}));
  f.after = 5;
  EXPECT_EQ(seqs_of(*store_, f), (Seqs{3, 1}));

  AuditFilter newest;
  newest.order = AuditFilter::Order::newest_first;
  newest.limit = 1;
  EXPECT_EQ(seqs_of(*store_, newest), (Seqs{12}));
}

TEST_P(StoreContract, AuditQueryReturnsWholeEvents) {
  append_query_fixture(*store_);
  AuditFilter f;
  f.holder_id = "h2";
  f.limit = 1;
  auto r =
      store_->in_transaction<std::vector<AuditEvent>>([&](Tx& tx) { return tx.query_audit(f); });
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  auto direct =
      store_->in_transaction<std::vector<AuditEvent>>([](Tx& tx) { return tx.audit_events(2, 1); });
  ASSERT_TRUE(direct);
  ASSERT_EQ(direct->size(), 1u);
  EXPECT_EQ(r->front(), direct->front());
  EXPECT_EQ(r->front().at, 1010);
  EXPECT_EQ(r->front().actor, "b");
}

// ---- end of audit queries ----

// ---- accounts, sessions, login throttling, offices ----

AccountRow account(const std::string& username, const std::string& user_id, Role role) {
  return AccountRow{username, user_id, role, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
                    false,    100,     100};
}

// Writes the account and its user row in one transaction.
Result<bool> add_account(Store& store, const AccountRow& a) {
  return store.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.upsert_user(User{a.user_id, a.username, a.role}); !r)
      return std::unexpected(r.error());
    if (auto r = tx.insert_account(a); !r) return std::unexpected(r.error());
    return true;
  });
}

SessionRow session(std::uint8_t tag, const std::string& user_id, UnixTime expires_at) {
  return SessionRow{Bytes(32, tag), user_id, 100, expires_at, 0};
}

TEST_P(StoreContract, AnAccountsOfficeRoundTripsAndComesWithItsSession) {
  AccountRow kiosk = account("kiosk-1", "u-k", Role::kiosk);
  kiosk.office_id = "off-1";
  ASSERT_TRUE(add_account(*store_, kiosk));
  ASSERT_TRUE(add_account(*store_, account("admin", "u-adm", Role::administrator)));
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_EQ((*tx.get_account("kiosk-1"))->office_id, "off-1");
    EXPECT_EQ((*tx.get_account("admin"))->office_id, "");  // none by default
    auto all = tx.list_accounts();
    EXPECT_TRUE(all && all->size() == 2u);
    if (all && all->size() == 2u) {
      EXPECT_EQ((*all)[0].office_id, "");
      EXPECT_EQ((*all)[1], kiosk);
    }
    EXPECT_TRUE(tx.insert_session(session(7, "u-k", 1000)));
    auto live = tx.find_active_session(Bytes(32, 7), 500);
    EXPECT_TRUE(live && *live);
    if (live && *live) {
      EXPECT_EQ((*live)->account.office_id, "off-1");
    }
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(StoreContract, AccountsRoundTripAndRefuseATakenUsername) {
  AccountRow a = account("alice", "u-a", Role::enrollment_officer);
  ASSERT_TRUE(add_account(*store_, a));
  ASSERT_TRUE(add_account(*store_, account("bob", "u-b", Role::auditor)));
  int attempts = 0;
  auto dup = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    ++attempts;
    if (auto r = tx.upsert_user(User{"u-c", "alice", Role::kiosk}); !r)
      return std::unexpected(r.error());
    if (auto r = tx.insert_account(account("alice", "u-c", Role::kiosk)); !r)
      return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_EQ(attempts, 1);  // a taken name is final, not retried
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_EQ(**tx.get_account("alice"), a);
    EXPECT_FALSE(tx.get_account("carol")->has_value());
    EXPECT_FALSE(tx.get_user("u-c")->has_value());  // the failed transaction left nothing
    auto all = tx.list_accounts();
    EXPECT_TRUE(all);
    if (all) {
      EXPECT_EQ(all->size(), 2u);
      if (all->size() == 2u) {
        EXPECT_EQ((*all)[0].username, "alice");
        EXPECT_EQ((*all)[1].username, "bob");
      }
    }
    EXPECT_TRUE(tx.set_account_disabled("bob", true, 200));
    auto bob = tx.get_account("bob");
    EXPECT_TRUE((*bob)->disabled);
    EXPECT_EQ((*bob)->updated_at, 200);
    EXPECT_EQ(tx.set_account_disabled("nobody", true, 200).error().code, Errc::not_found);
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(StoreContract, SessionsExpireAndAreRevoked) {
  ASSERT_TRUE(add_account(*store_, account("alice", "u-a", Role::field_officer)));
  ASSERT_TRUE(add_account(*store_, account("bob", "u-b", Role::kiosk)));
  auto w = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    for (const SessionRow& s : {session(1, "u-a", 1000), session(2, "u-a", 1000),
                                session(3, "u-b", 1000), session(4, "u-a", 500)})
      if (auto r = tx.insert_session(s); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_TRUE(w) << w.error().message;
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto live = tx.find_active_session(Bytes(32, 1), 999);
    EXPECT_TRUE(live && live->has_value());
    if (live && *live) {
      EXPECT_EQ((*live)->session, session(1, "u-a", 1000));
      EXPECT_EQ((*live)->account.username, "alice");
      EXPECT_EQ((*live)->account.role, Role::field_officer);
    }
    EXPECT_FALSE(tx.find_active_session(Bytes(32, 1), 1000)->has_value());  // expired
    EXPECT_FALSE(tx.find_active_session(Bytes(32, 9), 10)->has_value());    // unknown
    EXPECT_TRUE(*tx.revoke_session(Bytes(32, 1), 200));
    EXPECT_FALSE(*tx.revoke_session(Bytes(32, 1), 201));  // already revoked
    EXPECT_FALSE(tx.find_active_session(Bytes(32, 1), 300)->has_value());
    EXPECT_TRUE(tx.find_active_session(Bytes(32, 2), 300)->has_value());
    // Session 4 expired at 500: only session 2 is still live for u-a at 600.
    EXPECT_EQ(*tx.revoke_sessions_of_user("u-a", 600), 1u);
    EXPECT_FALSE(tx.find_active_session(Bytes(32, 2), 601)->has_value());
    EXPECT_TRUE(tx.find_active_session(Bytes(32, 3), 601)->has_value());
    // A disabled account's sessions stop working at once.
    EXPECT_TRUE(tx.set_account_disabled("bob", true, 602));
    EXPECT_FALSE(tx.find_active_session(Bytes(32, 3), 603)->has_value());
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
  // Purging drops expired sessions only.
  auto purged =
      store_->in_transaction<std::uint64_t>([](Tx& tx) { return tx.purge_login_state(700, 0); });
  ASSERT_TRUE(purged) << purged.error().message;
  EXPECT_EQ(*purged, 1u);
  auto after = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_TRUE(tx.set_account_disabled("bob", false, 701));
    EXPECT_TRUE(tx.find_active_session(Bytes(32, 3), 702)->has_value());
    return true;
  });
  ASSERT_TRUE(after);
}

TEST_P(StoreContract, DuplicateSessionTokenIsRefused) {
  ASSERT_TRUE(add_account(*store_, account("alice", "u-a", Role::kiosk)));
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_session(session(1, "u-a", 1000)); !r) return std::unexpected(r.error());
    return true;
  }));
  auto dup = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_session(session(1, "u-a", 2000)); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
}

TEST_P(StoreContract, LoginThrottleCountsLocksAndForgets) {
  auto fail_at = [&](UnixTime now, UnixTime window_start) {
    return store_->in_transaction<LoginThrottleRow>(
        [&](Tx& tx) { return tx.count_login_failure("alice", now, window_start); });
  };
  auto one = fail_at(100, 0);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(*one, (LoginThrottleRow{"alice", 1, 100, 0}));
  EXPECT_EQ(fail_at(110, 0)->failures, 2u);
  EXPECT_EQ(fail_at(120, 0)->failures, 3u);
  // Failures from before the window are forgotten.
  EXPECT_EQ(fail_at(2000, 1000)->failures, 1u);
  EXPECT_EQ(fail_at(2010, 1000)->failures, 2u);

  auto locked = store_->in_transaction<std::optional<LoginThrottleRow>>(
      [](Tx& tx) -> Result<std::optional<LoginThrottleRow>> {
        if (auto r = tx.lock_login("alice", 3000); !r) return std::unexpected(r.error());
        return tx.get_login_throttle("alice");
      });
  ASSERT_TRUE(locked) << locked.error().message;
  ASSERT_TRUE(locked->has_value());
  EXPECT_EQ((*locked)->locked_until, 3000);
  EXPECT_EQ((*locked)->failures, 0u);
  EXPECT_EQ(fail_at(2020, 1000)->failures, 1u);  // counting starts afresh after a lockout
  auto other = store_->in_transaction<std::optional<LoginThrottleRow>>(
      [](Tx& tx) { return tx.get_login_throttle("bob"); });
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());

  // Still locked at 2500: not purged; lapsed and quiet at 5000: purged.
  EXPECT_EQ(*store_->in_transaction<std::uint64_t>(
                [](Tx& tx) { return tx.purge_login_state(2500, 1000); }),
            0u);
  EXPECT_EQ(*store_->in_transaction<std::uint64_t>(
                [](Tx& tx) { return tx.purge_login_state(5000, 4000); }),
            1u);
  ASSERT_TRUE(fail_at(6000, 5000));
  auto cleared = store_->in_transaction<std::optional<LoginThrottleRow>>(
      [](Tx& tx) -> Result<std::optional<LoginThrottleRow>> {
        if (auto r = tx.clear_login_throttle("alice"); !r) return std::unexpected(r.error());
        return tx.get_login_throttle("alice");
      });
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->has_value());
}

TEST_P(StoreContract, LoginFailuresFromTwoStoresAllCount) {
  auto second = env_->open();
  ASSERT_TRUE(second);
  for (int i = 0; i < 3; ++i) {
    for (Store* s : {store_.get(), second->get()}) {
      auto r = s->in_transaction<LoginThrottleRow>(
          [](Tx& tx) { return tx.count_login_failure("alice", 100, 0); });
      ASSERT_TRUE(r) << r.error().message;
    }
  }
  auto row = store_->in_transaction<std::optional<LoginThrottleRow>>(
      [](Tx& tx) { return tx.get_login_throttle("alice"); });
  ASSERT_TRUE(row && row->has_value());
  EXPECT_EQ((*row)->failures, 6u);
}

TEST_P(StoreContract, OfficesCreateReadUpdateList) {
  OfficeRow a{
      "o-1", "Specimen Field Office East", "1 Main St", "America/New_York", "+1 555 0100", 100,
      100};
  OfficeRow b{
      "o-2", "Specimen Field Office Central", "2 Lake Rd", "America/Chicago", "+1 555 0200", 100,
      100};
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(a); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_office(b); !r) return std::unexpected(r.error());
    return true;
  }));
  OfficeRow same_name = b;
  same_name.id = "o-3";
  auto dup = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(same_name); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  auto r = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_EQ(**tx.get_office("o-1"), a);
    EXPECT_FALSE(tx.get_office("o-3")->has_value());
    auto all = tx.list_offices();
    EXPECT_TRUE(all);
    if (all) {
      EXPECT_EQ(all->size(), 2u);
      if (all->size() == 2u) {
        EXPECT_EQ((*all)[0], b);  // by name: Central before East
        EXPECT_EQ((*all)[1], a);
      }
    }
    OfficeRow moved = a;
    moved.address = "9 River St";
    moved.time_zone = "America/Los_Angeles";
    moved.updated_at = 300;
    moved.created_at = 999;  // ignored: created_at never changes
    EXPECT_TRUE(tx.update_office(moved));
    OfficeRow expect = moved;
    expect.created_at = 100;
    EXPECT_EQ(**tx.get_office("o-1"), expect);
    OfficeRow clash = a;
    clash.name = b.name;
    EXPECT_EQ(tx.update_office(clash).error().code, Errc::conflict);
    OfficeRow ghost = a;
    ghost.id = "o-9";
    ghost.name = "Nowhere";
    EXPECT_EQ(tx.update_office(ghost).error().code, Errc::not_found);
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(StoreContract, OfficeDeleteRemovesOnlyThatOfficeAndFreesItsName) {
  OfficeRow a{"o-1", "Specimen Field Office East", "", "America/New_York", "", 100, 100};
  OfficeRow b{"o-2", "Specimen Field Office West", "", "America/Los_Angeles", "", 100, 100};
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(a); !r) return std::unexpected(r.error());
    if (auto r = tx.insert_office(b); !r) return std::unexpected(r.error());
    return true;
  }));
  // A delete in a transaction that then fails is rolled back with it.
  auto failed = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.delete_office("o-1"); !r) return std::unexpected(r.error());
    return fail(Errc::invalid_argument, "give up");
  });
  ASSERT_FALSE(failed);
  auto kept = store_->in_read_transaction<std::optional<OfficeRow>>(
      [](Tx& tx) { return tx.get_office("o-1"); });
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->has_value());

  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.delete_office("o-1"); !r) return std::unexpected(r.error());
    return true;
  }));
  auto gone = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.delete_office("o-1"); !r) return std::unexpected(r.error());
    return true;
  });
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::not_found);
  auto all =
      store_->in_read_transaction<std::vector<OfficeRow>>([](Tx& tx) { return tx.list_offices(); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], b);
  // The name is free again.
  OfficeRow again = a;
  again.id = "o-3";
  EXPECT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto r = tx.insert_office(again); !r) return std::unexpected(r.error());
    return true;
  }));
}

// ---- end of accounts, sessions, login throttling, offices ----

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
