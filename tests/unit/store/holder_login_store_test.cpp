// The holder-login aggregate (holder_login_tx.h) on both stores.
#include <gtest/gtest.h>

#include "sdc/crypto/crypto.h"
#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class HolderLoginStore : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto w = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      for (const char* id : {"h1", "h2"}) {
        HolderRow h{id,
                    Bytes(32, id[1]),
                    Bytes(32, static_cast<std::uint8_t>(id[1] + 9)),
                    Bytes{1},
                    Bytes{2},
                    "es",
                    100,
                    100};
        if (auto r = tx.insert_holder(h); !r) return std::unexpected(r.error());
        if (auto r = tx.upsert_user(User{holder_user_id(id), "holder", Role::holder}); !r)
          return std::unexpected(r.error());
      }
      return true;
    });
    ASSERT_TRUE(w) << w.error().message;
  }

  static HolderPinRow pin(const std::string& holder, const std::string& hash, UnixTime at) {
    HolderPinRow r;
    r.holder_id = holder;
    r.user_id = holder_user_id(holder);
    r.pin_hash = hash;
    r.set_by = "u-officer";
    r.set_at = at;
    r.created_at = at;
    return r;
  }

  template <class T>
  T run(const std::function<Result<T>(Tx&)>& body) {
    auto r = store_->in_transaction<T>(body);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : T{};
  }
};

TEST_P(HolderLoginStore, PinRoundTripsAndAReplacementClearsTheLockout) {
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_FALSE(tx.get_holder_pin("h1")->has_value());
    EXPECT_TRUE(tx.put_holder_pin(pin("h1", "$argon2id$first", 100)));
    auto row = tx.get_holder_pin("h1");
    EXPECT_TRUE(row && *row);
    EXPECT_EQ(**row, pin("h1", "$argon2id$first", 100));
    EXPECT_FALSE(tx.get_holder_pin("h2")->has_value());
    return true;
  });
  // Failures count; the 3rd (lock_after 3) locks, later ones keep the first lock time.
  for (UnixTime t : {110, 120, 130, 140}) {
    auto row = run<HolderPinRow>([&](Tx& tx) { return tx.count_holder_pin_failure("h1", t, 3); });
    EXPECT_EQ(row.failures, static_cast<std::uint64_t>((t - 100) / 10));
    EXPECT_EQ(row.last_failure_at, t);
    EXPECT_EQ(row.locked_at, t < 130 ? 0 : 130);
  }
  // Clearing failures does not end a lockout.
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_TRUE(tx.clear_holder_pin_failures("h1"));
    EXPECT_EQ((*tx.get_holder_pin("h1"))->locked_at, 130);
    return true;
  });
  // A new PIN does, and keeps created_at.
  run<bool>([&](Tx& tx) -> Result<bool> {
    HolderPinRow next = pin("h1", "$argon2id$second", 200);
    next.created_at = 999;  // ignored on a replacement
    EXPECT_TRUE(tx.put_holder_pin(next));
    auto row = **tx.get_holder_pin("h1");
    EXPECT_EQ(row.pin_hash, "$argon2id$second");
    EXPECT_EQ(row.failures, 0u);
    EXPECT_EQ(row.locked_at, 0);
    EXPECT_EQ(row.last_failure_at, 0);
    EXPECT_EQ(row.set_at, 200);
    EXPECT_EQ(row.created_at, 100);
    return true;
  });
  // Below the lock, clearing forgets the failures.
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_EQ(tx.count_holder_pin_failure("h1", 210, 3)->failures, 1u);
    EXPECT_TRUE(tx.clear_holder_pin_failures("h1"));
    EXPECT_EQ((*tx.get_holder_pin("h1"))->failures, 0u);
    return true;
  });
}

TEST_P(HolderLoginStore, FailureOfAHolderWithoutPinIsNotFound) {
  auto r = store_->in_transaction<HolderPinRow>(
      [&](Tx& tx) { return tx.count_holder_pin_failure("h2", 100, 5); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
}

TEST_P(HolderLoginStore, HolderSessionsAreFoundWhileLiveAndNotLocked) {
  auto hash = [](std::uint8_t b) { return Bytes(32, b); };
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_TRUE(tx.put_holder_pin(pin("h1", "$argon2id$x", 100)));
    EXPECT_TRUE(tx.insert_session(SessionRow{hash(1), holder_user_id("h1"), 100, 200, 0}));
    EXPECT_TRUE(tx.insert_session(SessionRow{hash(2), holder_user_id("h1"), 100, 150, 0}));
    // h2 has no PIN row: its user's session is not a holder session.
    EXPECT_TRUE(tx.insert_session(SessionRow{hash(3), holder_user_id("h2"), 100, 200, 0}));
    return true;
  });
  run<bool>([&](Tx& tx) -> Result<bool> {
    auto s = tx.find_active_holder_session(hash(1), 120);
    EXPECT_TRUE(s && *s);
    if (s && *s) {
      EXPECT_EQ((*s)->holder_id, "h1");
      EXPECT_EQ((*s)->session, (SessionRow{hash(1), holder_user_id("h1"), 100, 200, 0}));
    }
    EXPECT_FALSE(tx.find_active_holder_session(hash(2), 150)->has_value());  // expired
    EXPECT_FALSE(tx.find_active_holder_session(hash(3), 120)->has_value());
    EXPECT_FALSE(tx.find_active_holder_session(hash(9), 120)->has_value());
    // A holder session is not an account's.
    EXPECT_FALSE(tx.find_active_session(hash(1), 120)->has_value());
    return true;
  });
  // Locked: no session works.
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_TRUE(tx.count_holder_pin_failure("h1", 130, 1));
    EXPECT_FALSE(tx.find_active_holder_session(hash(1), 131)->has_value());
    return true;
  });
  // Revoked (after a new PIN ends the lockout): none either.
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_TRUE(tx.put_holder_pin(pin("h1", "$argon2id$y", 140)));
    EXPECT_TRUE(tx.find_active_holder_session(hash(1), 141)->has_value());
    EXPECT_EQ(*tx.revoke_sessions_of_user(holder_user_id("h1"), 142), 2u);  // both still live
    EXPECT_FALSE(tx.find_active_holder_session(hash(1), 143)->has_value());
    return true;
  });
}

TEST_P(HolderLoginStore, FailuresFromTwoStoresAllCount) {
  run<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_TRUE(tx.put_holder_pin(pin("h1", "$argon2id$x", 100)));
    return true;
  });
  auto other = env_->open();
  ASSERT_TRUE(other) << other.error().message;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->in_transaction<HolderPinRow>(
        [&](Tx& tx) { return tx.count_holder_pin_failure("h1", 110 + i, 5); }));
    ASSERT_TRUE((*other)->in_transaction<HolderPinRow>(
        [&](Tx& tx) { return tx.count_holder_pin_failure("h1", 120 + i, 5); }));
  }
  auto row = run<std::optional<HolderPinRow>>([&](Tx& tx) { return tx.get_holder_pin("h1"); });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->failures, 6u);
  EXPECT_EQ(row->locked_at, 112);  // the 5th failure: 110, 120, 111, 121, 112
}

INSTANTIATE_TEST_SUITE_P(Backends, HolderLoginStore, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
