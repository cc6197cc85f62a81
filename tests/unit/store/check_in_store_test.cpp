// The check-in aggregate's storage contract (CheckInTx): both stores.
#include <gtest/gtest.h>

#include "unit/store/store_env.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class CheckInStore : public StoreTestBase {
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
      }
      return true;
    });
    ASSERT_TRUE(w) << w.error().message;
  }

  Result<bool> insert(const CheckInRow& r) {
    return store_->in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      if (auto i = tx.insert_check_in(r); !i) return std::unexpected(i.error());
      return true;
    });
  }
};

CheckInRow check_in(const std::string& id, const std::string& holder, UnixTime at) {
  CheckInRow r;
  r.id = id;
  r.holder_id = holder;
  r.office_id = "o-1";
  r.at = at;
  r.method = CheckInMethod::kiosk;
  r.appointment_id = "ap-1";
  r.outcome = CheckInOutcome::on_time;
  r.recorded_by = "u-kiosk";
  return r;
}

TEST_P(CheckInStore, RoundTripsEveryValueAndListsByTime) {
  CheckInRow a = check_in("ci-a", "h1", 5000);
  CheckInRow b = check_in("ci-b", "h1", 4000);
  b.office_id = "";
  b.method = CheckInMethod::online;
  b.appointment_id = "";
  b.outcome = CheckInOutcome::no_appointment;
  b.recorded_by = "holder-h1";
  CheckInRow c = check_in("ci-c", "h2", 3000);
  c.method = CheckInMethod::officer;
  c.outcome = CheckInOutcome::late;
  for (const CheckInRow* r : {&a, &b, &c}) ASSERT_TRUE(insert(*r));
  auto r = store_->in_read_transaction<bool>([&](Tx& tx) -> Result<bool> {
    auto h1 = tx.check_ins_of_holder("h1");
    EXPECT_TRUE(h1);
    EXPECT_EQ(*h1, (std::vector<CheckInRow>{b, a}));
    auto h2 = tx.check_ins_of_holder("h2");
    EXPECT_TRUE(h2);
    EXPECT_EQ(*h2, (std::vector<CheckInRow>{c}));
    EXPECT_TRUE(tx.check_ins_of_holder("h9")->empty());
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(CheckInStore, ATakenIdIsAConflictAndAnUnknownHolderIsRefused) {
  ASSERT_TRUE(insert(check_in("ci-a", "h1", 5000)));
  auto dup = insert(check_in("ci-a", "h2", 6000));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_FALSE(insert(check_in("ci-z", "nobody", 6000)));
  auto of = store_->in_read_transaction<std::vector<CheckInRow>>(
      [&](Tx& tx) { return tx.check_ins_of_holder("h2"); });
  ASSERT_TRUE(of);
  EXPECT_TRUE(of->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, CheckInStore, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
