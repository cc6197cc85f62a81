// The sender's side of the outbox (NotificationTx claim and mark) on both
// stores, including two stores on one database claiming at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class NotificationStore : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto w = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      HolderRow h{"h1", Bytes(32, 1), Bytes(32, 2), Bytes{1}, Bytes{2}, "es", 100, 100};
      if (auto r = tx.insert_holder(h); !r) return std::unexpected(r.error());
      return true;
    });
    ASSERT_TRUE(w) << w.error().message;
  }

  static NotificationRow row(const std::string& id, UnixTime due) {
    NotificationRow n;
    n.id = id;
    n.holder_id = "h1";
    n.kind = "appointment_reminder";
    n.subject_id = "a-" + id;
    n.dedupe_key = "key-" + id;
    n.payload = "{}";
    n.due_at = due;
    n.next_attempt_at = due;
    n.created_at = 50;
    return n;
  }

  void insert(const std::vector<NotificationRow>& rows) {
    auto w = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      for (const auto& r : rows)
        if (auto i = tx.insert_notification(r); !i) return std::unexpected(i.error());
      return true;
    });
    ASSERT_TRUE(w) << w.error().message;
  }

  static std::vector<NotificationRow> claim(Store& s, UnixTime now, std::size_t limit,
                                            UnixTime lease) {
    auto c = s.in_transaction<std::vector<NotificationRow>>(
        [&](Tx& tx) { return tx.claim_due_notifications(now, limit, lease); });
    EXPECT_TRUE(c) << c.error().message;
    return c ? *c : std::vector<NotificationRow>{};
  }

  NotificationRow stored(const std::string& id) {
    auto all = store_->in_read_transaction<std::vector<NotificationRow>>(
        [&](Tx& tx) { return tx.notifications_of_holder("h1"); });
    EXPECT_TRUE(all);
    for (const auto& r : *all)
      if (r.id == id) return r;
    ADD_FAILURE() << "no notification " << id;
    return {};
  }
};

std::vector<std::string> ids(const std::vector<NotificationRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

TEST_P(NotificationStore, ClaimsOnlyDueRowsOldestFirstUpToTheLimitAndLeasesThem) {
  insert({row("n1", 300), row("n2", 100), row("n3", 200), row("n4", 1000)});
  auto first = claim(*store_, 500, 2, 800);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"n2", "n3"}));
  for (const auto& r : first) {
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.next_attempt_at, 800);
    EXPECT_EQ(r.state, "pending");
  }
  EXPECT_EQ(stored("n2").next_attempt_at, 800);
  // The leased rows are not claimed again before the lease ends.
  EXPECT_EQ(ids(claim(*store_, 500, 10, 800)), (std::vector<std::string>{"n1"}));
  EXPECT_TRUE(claim(*store_, 799, 10, 900).empty());
  // After it, an unmarked row (a sender that died) is claimed again.
  auto again = claim(*store_, 800, 10, 2000);
  EXPECT_EQ(ids(again), (std::vector<std::string>{"n2", "n3", "n1"}));
  EXPECT_EQ(again[0].attempts, 2);
}

TEST_P(NotificationStore, SentRowsAreNeverClaimedAgainAndMarkedOnce) {
  insert({row("n1", 100), row("n2", 100)});
  ASSERT_EQ(claim(*store_, 100, 10, 200).size(), 2u);
  auto m =
      store_->in_transaction<bool>([&](Tx& tx) { return tx.mark_notification_sent("n1", 150); });
  ASSERT_TRUE(m);
  EXPECT_TRUE(*m);
  auto twice =
      store_->in_transaction<bool>([&](Tx& tx) { return tx.mark_notification_sent("n1", 160); });
  ASSERT_TRUE(twice);
  EXPECT_FALSE(*twice);
  const NotificationRow n1 = stored("n1");
  EXPECT_EQ(n1.state, "sent");
  EXPECT_EQ(n1.sent_at, 150);
  EXPECT_EQ(n1.attempts, 1);
  EXPECT_EQ(ids(claim(*store_, 10'000, 10, 20'000)), (std::vector<std::string>{"n2"}));
}

TEST_P(NotificationStore, FailedRowsWaitForTheirNextAttemptAndFinalFailureStops) {
  insert({row("n1", 100)});
  ASSERT_EQ(claim(*store_, 100, 10, 200).size(), 1u);
  auto f = store_->in_transaction<bool>(
      [&](Tx& tx) { return tx.mark_notification_failed("n1", 1, 400, false); });
  ASSERT_TRUE(f);
  EXPECT_TRUE(*f);
  EXPECT_EQ(stored("n1").state, "pending");
  EXPECT_EQ(stored("n1").next_attempt_at, 400);
  EXPECT_TRUE(claim(*store_, 399, 10, 500).empty());
  auto retry = claim(*store_, 400, 10, 500);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].attempts, 2);
  auto fin = store_->in_transaction<bool>(
      [&](Tx& tx) { return tx.mark_notification_failed("n1", 2, 0, true); });
  ASSERT_TRUE(fin);
  EXPECT_TRUE(*fin);
  EXPECT_EQ(stored("n1").state, "failed");
  EXPECT_TRUE(claim(*store_, 100'000, 10, 200'000).empty());
  auto sent =
      store_->in_transaction<bool>([&](Tx& tx) { return tx.mark_notification_sent("n1", 600); });
  ASSERT_TRUE(sent);
  EXPECT_FALSE(*sent);
}

TEST_P(NotificationStore, TwoStoresClaimingAtOnceNeverGetTheSameRow) {
  std::vector<NotificationRow> rows;
  for (int i = 0; i < 200; ++i) rows.push_back(row("n" + std::to_string(1000 + i), 100 + i % 7));
  insert(rows);
  auto other = env_->open();
  ASSERT_TRUE(other) << other.error().message;
  std::vector<std::string> got[4];
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? *store_ : **other;
      for (;;) {
        auto c = s.in_transaction<std::vector<NotificationRow>>(
            [&](Tx& tx) { return tx.claim_due_notifications(1000, 3, 5000); });
        if (!c) {
          ADD_FAILURE() << c.error().message;
          return;
        }
        if (c->empty()) return;
        for (const auto& r : *c) got[t].push_back(r.id);
      }
    });
  for (auto& th : threads) th.join();
  std::vector<std::string> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::ranges::sort(all);
  EXPECT_EQ(all.size(), rows.size());
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationStore, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
