// Coalesced publication of the validity list (publish_interval > 0), on both
// stores, with a clock the test moves: a card change is durable at once and
// only queued for the list; the list is published at most once per interval,
// one signed list for every change since the last, and a change is in the
// published list once the interval has passed. Also the store's queue itself
// and the background publisher.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "sdc/credential/status_list.h"
#include "sdc/registry/status_list_publisher.h"
#include "support/test_world.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

constexpr std::uint64_t kListSize = 1024;

class QueuedPublication : public RegistryTestBase {
 protected:
  std::unique_ptr<Registry> coalescing(Store& store, UnixTime interval = 1) {
    RegistryOptions o;
    o.store = &store;
    o.cipher = &cipher_;
    o.signer = &issuer_.signer;
    o.clock = &moving_clock_;
    o.random = &crypto::system_random();
    o.status_list_size = kListSize;
    o.publish_interval = interval;
    auto r = Registry::create(o);
    EXPECT_TRUE(r) << r.error().message;
    return std::make_unique<Registry>(std::move(*r));
  }

  // The published list's iat and entries (iat 0: none published).
  struct Published {
    UnixTime iat = 0;
    std::optional<StatusList> list;
  };
  Published published() {
    auto r = store_->in_read_transaction<std::optional<PublishedStatusList>>(
        [](Tx& tx) { return tx.lock_status_list(); });
    EXPECT_TRUE(r) << r.error().message;
    if (!r || !*r) return {};
    auto token = load_status_list_token((*r)->token, issuer_.trust);
    EXPECT_TRUE(token) << token.error().message;
    if (!token) return {};
    return {(*r)->iat, std::move(token->list)};
  }

  bool queued() {
    auto q = store_->in_read_transaction<bool>([](Tx& tx) { return tx.status_changes_queued(); });
    EXPECT_TRUE(q) << q.error().message;
    return q && *q;
  }

  // Every card's state as a rebuild from the cards table lists it.
  Bytes rebuilt() {
    auto states = store_->in_read_transaction<std::vector<std::pair<std::uint64_t, CardState>>>(
        [](Tx& tx) { return tx.card_states(); });
    EXPECT_TRUE(states);
    auto list = StatusList::create(kListSize);
    if (!states || !list) return {};
    for (auto [index, state] : *states) list->set(index, static_cast<std::uint8_t>(state));
    return list->bytes();
  }

  IssuedCardRecord issue(Registry& reg, const std::string& a_number) {
    auto h = reg.enroll(officer_, input(a_number));
    EXPECT_TRUE(h) << h.error().message;
    auto c = reg.issue_card(officer_, h ? h->id : "");
    EXPECT_TRUE(c) << c.error().message;
    return c ? *c : IssuedCardRecord{};
  }

  test::ManualClock moving_clock_{kTestNow};
};

TEST_P(QueuedPublication, TheStoreQueueGivesChangesOldestFirstOnce) {
  auto queue = store_->in_transaction<bool>([](Tx& tx) -> Result<bool> {
    for (auto [i, s] : {std::pair{5u, CardState::invalid}, std::pair{9u, CardState::suspended},
                        std::pair{5u, CardState::valid}})
      if (auto q = tx.queue_status_change(i, s); !q) return std::unexpected(q.error());
    return true;
  });
  ASSERT_TRUE(queue) << queue.error().message;
  EXPECT_TRUE(queued());
  // A transaction that queues and then fails leaves nothing queued.
  auto failed = store_->in_transaction<bool>([](Tx& tx) -> Result<bool> {
    if (auto q = tx.queue_status_change(7, CardState::invalid); !q)
      return std::unexpected(q.error());
    return fail(Errc::conflict, "rolled back");
  });
  ASSERT_FALSE(failed);
  auto taken = store_->in_transaction<std::vector<std::pair<std::uint64_t, CardState>>>(
      [](Tx& tx) { return tx.take_status_changes(); });
  ASSERT_TRUE(taken) << taken.error().message;
  const std::vector<std::pair<std::uint64_t, CardState>> expected = {
      {5, CardState::invalid}, {9, CardState::suspended}, {5, CardState::valid}};
  EXPECT_EQ(*taken, expected);
  EXPECT_FALSE(queued());
  auto again = store_->in_transaction<std::vector<std::pair<std::uint64_t, CardState>>>(
      [](Tx& tx) { return tx.take_status_changes(); });
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST_P(QueuedPublication, ARevocationIsPublishedOnceTheIntervalHasPassed) {
  auto reg = coalescing(*store_);
  IssuedCardRecord card = issue(*reg, "A201555001");
  const std::uint64_t index = card.card.status_index;
  // Issued and durable, but only queued for the list.
  EXPECT_EQ(published().iat, 0);
  EXPECT_TRUE(queued());
  auto first = reg->publish_queued();
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->list);
  EXPECT_EQ(first->list->iat, kTestNow);
  EXPECT_FALSE(queued());

  auto revoked = reg->revoke_card(officer_, card.card.document_number, "order");
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(revoked->state, CardState::invalid);
  auto stored = reg->get_card(officer_, card.card.document_number);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, CardState::invalid);  // durable at once

  // Within the same second: not published again, and it says when.
  auto early = reg->publish_queued();
  ASSERT_TRUE(early) << early.error().message;
  EXPECT_FALSE(early->list);
  EXPECT_EQ(early->due, kTestNow + 1);
  Published before = published();
  EXPECT_EQ(before.iat, kTestNow);
  ASSERT_TRUE(before.list);
  EXPECT_EQ(before.list->get(index), 0);  // still listed valid

  moving_clock_.advance(1);
  auto due = reg->publish_queued();
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_TRUE(due->list);
  EXPECT_EQ(due->list->iat, kTestNow + 1);  // on the clock, not ahead of it
  Published after = published();
  EXPECT_EQ(after.iat, kTestNow + 1);
  ASSERT_TRUE(after.list);
  EXPECT_EQ(after.list->get(index), 1);  // invalid
  EXPECT_EQ(after.list->bytes(), rebuilt());

  // Nothing queued: nothing published, however much later.
  moving_clock_.advance(60);
  auto idle = reg->publish_queued();
  ASSERT_TRUE(idle);
  EXPECT_FALSE(idle->list);
  EXPECT_EQ(idle->due, 0);
  EXPECT_EQ(published().iat, kTestNow + 1);
}

TEST_P(QueuedPublication, ABurstInOneSecondIsOnePublicationAndNothingIsRefused) {
  auto reg = coalescing(*store_);
  std::vector<std::string> docs;
  for (int i = 0; i < 150; ++i) {
    char a[16];
    std::snprintf(a, sizeof a, "A2016%05d", i);
    docs.push_back(issue(*reg, a).card.document_number);
  }
  ASSERT_TRUE(reg->publish_queued());
  const UnixTime first = published().iat;
  ASSERT_EQ(first, kTestNow);
  // More changes in one second than kMaxListLead allows when each change
  // publishes (with publish_interval 0 the 121st would be refused).
  ASSERT_GT(docs.size(), static_cast<std::size_t>(Registry::kMaxListLead));
  for (std::size_t i = 0; i < docs.size(); ++i) {
    auto r = i % 2 ? reg->revoke_card(officer_, docs[i], "order")
                   : reg->suspend_card(officer_, docs[i], "reported lost");
    ASSERT_TRUE(r) << i << ": " << r.error().message;
  }
  EXPECT_EQ(published().iat, first);
  moving_clock_.advance(1);
  auto p = reg->publish_queued();
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(p->list);
  Published after = published();
  EXPECT_EQ(after.iat, first + 1);
  ASSERT_TRUE(after.list);
  EXPECT_EQ(after.list->bytes(), rebuilt());
  // The stored entries are the published ones: the next publication starts
  // from them.
  auto bits = store_->in_read_transaction<Bytes>([](Tx& tx) { return tx.status_list_bits(); });
  ASSERT_TRUE(bits);
  EXPECT_EQ(*bits, after.list->bytes());
}

TEST_P(QueuedPublication, RegistriesSharingAStorePublishAtMostOncePerInterval) {
  auto a = coalescing(*store_);
  auto b = coalescing(*store_);
  IssuedCardRecord card = issue(*a, "A201555002");
  auto by_b = b->publish_queued();  // b publishes what a queued
  ASSERT_TRUE(by_b) << by_b.error().message;
  ASSERT_TRUE(by_b->list);
  ASSERT_TRUE(b->suspend_card(officer_, card.card.document_number, "reported lost"));
  // Neither publishes again within the interval, whoever queued the change.
  for (Registry* r : {a.get(), b.get()}) {
    auto p = r->publish_queued();
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->list);
    EXPECT_EQ(p->due, kTestNow + 1);
  }
  moving_clock_.advance(1);
  auto by_a = a->publish_queued();
  ASSERT_TRUE(by_a);
  ASSERT_TRUE(by_a->list);
  auto late_b = b->publish_queued();
  ASSERT_TRUE(late_b);
  EXPECT_FALSE(late_b->list);
  EXPECT_EQ(published().list->get(card.card.status_index), 2);  // suspended
}

TEST_P(QueuedPublication, AChangeThatPublishesItselfTakesTheQueueAlong) {
  auto queuing = coalescing(*store_);
  auto each = coalescing(*store_, 0);  // publish_interval 0
  IssuedCardRecord one = issue(*queuing, "A201555003");
  IssuedCardRecord two = issue(*each, "A201555004");
  EXPECT_FALSE(queued());
  Published p = published();
  ASSERT_TRUE(p.list);
  EXPECT_EQ(p.list->bytes(), rebuilt());
  // The repair path too.
  ASSERT_TRUE(queuing->revoke_card(officer_, one.card.document_number, "order"));
  EXPECT_TRUE(queued());
  moving_clock_.advance(1);
  ASSERT_TRUE(queuing->publish_status_list());
  EXPECT_FALSE(queued());
  EXPECT_EQ(published().list->bytes(), rebuilt());
  EXPECT_EQ(published().list->get(two.card.status_index), 0);
}

TEST_P(QueuedPublication, ThePublisherPublishesWhatIsDueAndWakesOnChanges) {
  auto reg = coalescing(*store_);
  std::atomic<int> publications{0};
  StatusListPublisher publisher(*reg, [&] { ++publications; });
  reg->on_list_change([&] { publisher.wake(); });
  IssuedCardRecord card = issue(*reg, "A201555005");
  publisher.start();
  // Waits (up to 20 s of real time) until the published list says `state`.
  auto listed = [&](std::uint8_t state) {
    for (int i = 0; i < 200; ++i) {
      Published p = published();
      if (p.list && p.list->get(card.card.status_index) == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  EXPECT_TRUE(listed(0));
  ASSERT_TRUE(reg->revoke_card(officer_, card.card.document_number, "order"));
  // The clock has not moved: the revocation waits, queued.
  std::this_thread::sleep_for(2 * StatusListPublisher::kLook);
  EXPECT_TRUE(queued());
  EXPECT_EQ(published().list->get(card.card.status_index), 0);
  moving_clock_.advance(1);
  EXPECT_TRUE(listed(1));
  publisher.stop();
  EXPECT_EQ(publications.load(), 2);
  EXPECT_FALSE(queued());
}

INSTANTIATE_TEST_SUITE_P(Backends, QueuedPublication, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
