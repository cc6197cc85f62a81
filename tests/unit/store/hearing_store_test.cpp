// The hearing aggregate's storage contract (HearingTx): both stores.
#include <gtest/gtest.h>

#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class HearingStore : public StoreTestBase {};

HearingRow hearing(const std::string& id, std::uint8_t person, const std::string& court_id,
                   UnixTime starts_at) {
  HearingRow r;
  r.id = id;
  r.a_number_hash = Bytes(32, person);
  r.hearing_id = court_id;
  r.starts_at = starts_at;
  r.time_zone = "America/New_York";
  r.court_name = "New York Immigration Court";
  r.court_address = "26 Federal Plaza\n12th floor";
  r.judge = "J. Doe";
  r.hearing_type = "master";
  r.status = "scheduled";
  r.created_at = r.updated_at = 100;
  return r;
}

TEST_P(HearingStore, RoundTripsFindsAndListsByDate) {
  const HearingRow a = hearing("h-a", 1, "H-1", 5000);
  const HearingRow b = hearing("h-b", 1, "H-2", 4000);
  const HearingRow c = hearing("h-c", 2, "H-1", 3000);  // the same court id, another person
  auto w = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    for (const HearingRow* r : {&a, &b, &c})
      if (auto i = tx.insert_hearing(*r); !i) return std::unexpected(i.error());
    return true;
  });
  ASSERT_TRUE(w) << w.error().message;
  auto r = store_->in_read_transaction<bool>([&](Tx& tx) -> Result<bool> {
    EXPECT_EQ(**tx.find_hearing(Bytes(32, 1), "H-1"), a);
    EXPECT_EQ(**tx.find_hearing(Bytes(32, 2), "H-1"), c);
    EXPECT_FALSE(tx.find_hearing(Bytes(32, 3), "H-1")->has_value());
    EXPECT_FALSE(tx.find_hearing(Bytes(32, 1), "H-3")->has_value());
    auto of = tx.hearings_of(Bytes(32, 1));
    EXPECT_TRUE(of);
    EXPECT_EQ(*of, (std::vector<HearingRow>{b, a}));
    EXPECT_TRUE(tx.hearings_of(Bytes(32, 9))->empty());
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(HearingStore, UpdateKeepsIdentityAndCreationAndReplacesTheRest) {
  HearingRow a = hearing("h-a", 1, "H-1", 5000);
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto i = tx.insert_hearing(a); !i) return std::unexpected(i.error());
    return true;
  }));
  HearingRow changed = a;
  changed.starts_at = 6000;
  changed.court_name = "Newark";
  changed.court_address = "";
  changed.judge = "";
  changed.hearing_type = "individual";
  changed.status = "adjourned";
  changed.changed_at = 200;
  changed.previous_starts_at = 5000;
  changed.previous_time_zone = "America/New_York";
  changed.previous_court_name = "New York Immigration Court";
  changed.previous_court_address = "26 Federal Plaza\n12th floor";
  changed.updated_at = 200;
  HearingRow sent = changed;
  sent.created_at = 999;  // ignored
  auto u = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto up = tx.update_hearing(sent); !up) return std::unexpected(up.error());
    return true;
  });
  ASSERT_TRUE(u) << u.error().message;
  auto got = store_->in_read_transaction<std::optional<HearingRow>>(
      [&](Tx& tx) { return tx.find_hearing(a.a_number_hash, "H-1"); });
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, changed);

  auto missing = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    HearingRow nobody = hearing("h-none", 1, "H-9", 1);
    if (auto up = tx.update_hearing(nobody); !up) return std::unexpected(up.error());
    return true;
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_P(HearingStore, TheSameHearingTwiceIsAConflict) {
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    if (auto i = tx.insert_hearing(hearing("h-a", 1, "H-1", 5000)); !i)
      return std::unexpected(i.error());
    return true;
  }));
  int attempts = 0;
  auto dup = store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    ++attempts;
    if (auto i = tx.insert_hearing(hearing("h-b", 1, "H-1", 7000)); !i)
      return std::unexpected(i.error());
    return true;
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_EQ(attempts, Store::kMaxAttempts);  // asked for a retry each time
  auto of = store_->in_read_transaction<std::vector<HearingRow>>(
      [&](Tx& tx) { return tx.hearings_of(Bytes(32, 1)); });
  ASSERT_TRUE(of);
  ASSERT_EQ(of->size(), 1u);
  EXPECT_EQ((*of)[0].id, "h-a");
}

TEST_P(HearingStore, ScheduledHearingsBetweenTakesOnlyScheduledOnesInTheWindow) {
  HearingRow a = hearing("h-a", 1, "H-1", 5000);
  HearingRow b = hearing("h-b", 2, "H-2", 4000);
  HearingRow c = hearing("h-c", 3, "H-3", 6000);  // at the window's end: outside
  HearingRow d = hearing("h-d", 4, "H-4", 4500);
  d.status = "adjourned";
  ASSERT_TRUE(store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    for (const HearingRow* r : {&a, &b, &c, &d})
      if (auto i = tx.insert_hearing(*r); !i) return std::unexpected(i.error());
    return true;
  }));
  auto got = store_->in_read_transaction<std::vector<HearingRow>>(
      [&](Tx& tx) { return tx.scheduled_hearings_between(4000, 6000); });
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, (std::vector<HearingRow>{b, a}));
}

INSTANTIATE_TEST_SUITE_P(Backends, HearingStore, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
