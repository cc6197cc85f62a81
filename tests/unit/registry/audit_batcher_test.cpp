// Group commit of audit-only events: concurrent callers share transactions,
// every event lands exactly once in an intact chain, a caller returns only
// after its batch committed, and a failed commit is every caller's error.
#include "sdc/registry/audit_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "support/temp_dir.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

// A Store in front of another that can hold transactions at a gate, slow
// them down, or make them fail after their body ran (a commit that fails).
class GatedStore final : public Store {
 public:
  explicit GatedStore(Store& inner) : inner_(inner) {}

  Result<void> migrate() override { return inner_.migrate(); }
  Result<int> schema_version() override { return inner_.schema_version(); }
  std::string backend() const override { return inner_.backend(); }

  void close_gate() {
    std::lock_guard lock(mu_);
    gate_open_ = false;
  }
  void open_gate() {
    {
      std::lock_guard lock(mu_);
      gate_open_ = true;
    }
    cv_.notify_all();
  }
  // Waits until `n` transactions have reached the gate.
  void wait_arrivals(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return arrivals_ >= n; });
  }

  std::atomic<int> runs{0};
  std::atomic<int> fail_after_run{1 << 30};  // runs numbered above this fail
  std::atomic<int> delay_ms{0};

 protected:
  Result<void> run_transaction(const std::function<Result<void>(Tx&)>& body) override {
    const int run = ++runs;
    {
      std::unique_lock lock(mu_);
      ++arrivals_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return gate_open_; });
    }
    if (int d = delay_ms.load(); d > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d));
    const bool fail_it = run > fail_after_run.load();
    auto r = inner_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
      if (auto b = body(tx); !b) return std::unexpected(b.error());
      if (fail_it) return fail(Errc::io, "commit failed: disk full");  // rolled back
      return true;
    });
    if (!r) return std::unexpected(r.error());
    return {};
  }

 private:
  Store& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool gate_open_ = true;
  int arrivals_ = 0;
};

class AuditBatching : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    gated_ = std::make_unique<GatedStore>(*store_);
    auto k = CheckpointKey::generate();
    ASSERT_TRUE(k);
    key_.emplace(std::move(*k));
  }

  static AuditEvent event(const std::string& detail) {
    AuditEvent e;
    e.at = kTestNow;
    e.actor = "u-screener";
    e.role = "checkpoint_screener";
    e.action = "verify_card";
    e.outcome = "ok";
    e.detail = detail;
    return e;
  }

  std::vector<AuditEvent> all_events() {
    auto e = store_->in_transaction<std::vector<AuditEvent>>(
        [](Tx& tx) { return tx.audit_events(1, 100000); });
    EXPECT_TRUE(e) << e.error().message;
    return e ? *e : std::vector<AuditEvent>{};
  }

  // Signs a checkpoint of the head and runs the full verification.
  AuditReport checkpoint_and_verify() {
    auto file = dir_ / "audit.checkpoints";
    auto cp = write_audit_checkpoint(*store_, file, *key_, kTestNow);
    EXPECT_TRUE(cp) << cp.error().message;
    auto r = verify_audit(*store_, file, key_->public_key());
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : AuditReport{};
  }

  std::unique_ptr<GatedStore> gated_;
  sdc::test::TempDir tmp_{"sdc-batch-"};
  const std::filesystem::path dir_ = tmp_.path();
  std::optional<CheckpointKey> key_;
};

TEST_P(AuditBatching, ConcurrentVerificationsAreEachRecordedOnceInOneChain) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string doc = "T" + std::to_string(t) + "N" + std::to_string(i);
        if (!registry_->record_verification(screener_, doc, "VALID")) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  std::map<std::string, int> seen;
  for (const AuditEvent& e : all_events()) ++seen[e.detail];
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
  for (const auto& [detail, n] : seen) EXPECT_EQ(n, 1) << detail;

  const AuditBatcher& b = registry_->audit_batcher();
  EXPECT_EQ(b.events(), static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_LT(b.transactions(), b.events()) << "no two verifications shared a commit";

  AuditReport r = checkpoint_and_verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.records, static_cast<std::uint64_t>(kThreads * kEach));
}

TEST_P(AuditBatching, SlowCommitsGatherEveryoneWaitingIntoOneBatch) {
  gated_->delay_ms = 20;
  AuditBatcher batcher(*gated_);
  constexpr int kThreads = 16;
  constexpr int kEach = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = batcher.record(event(std::to_string(t) + "/" + std::to_string(i)));
        // Returned means committed: the event is readable by anyone now.
        if (!r) {
          ++failures;
          continue;
        }
        auto read = store_->in_transaction<std::vector<AuditEvent>>(
            [&](Tx& tx) { return tx.audit_events(r->seq, 1); });
        if (!read || read->size() != 1 || read->front() != *r) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(batcher.events(), static_cast<std::uint64_t>(kThreads * kEach));
  // 80 events at 20 ms a commit: one commit each would take 1.6 s.
  EXPECT_LE(batcher.transactions() * 4, batcher.events());
  auto ev = all_events();
  ASSERT_EQ(ev.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].seq, i + 1);
    EXPECT_EQ(ev[i].hash, audit_event_hash(ev[i]));
    if (i > 0) {
      EXPECT_EQ(ev[i].prev_hash, ev[i - 1].hash);
    }
  }
  AuditReport r = checkpoint_and_verify();
  EXPECT_TRUE(r.intact) << r.problem;
}

TEST_P(AuditBatching, AFailedCommitIsReportedToEveryCallerInTheBatch) {
  AuditBatcher batcher(*gated_);
  gated_->close_gate();
  // The first caller leads a batch of its own and waits at the gate...
  std::optional<Result<AuditEvent>> first;
  std::thread leader([&] { first = batcher.record(event("first")); });
  gated_->wait_arrivals(1);
  // ...while six more queue up behind it for the next batch.
  constexpr int kFollowers = 6;
  std::vector<std::optional<Result<AuditEvent>>> results(kFollowers);
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i)
    followers.emplace_back([&, i] { results[i] = batcher.record(event("f" + std::to_string(i))); });
  for (int spin = 0; spin < 5000 && batcher.queued() < kFollowers; ++spin)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(batcher.queued(), static_cast<std::size_t>(kFollowers));
  gated_->fail_after_run = 0;  // every commit from now on fails
  gated_->open_gate();
  leader.join();
  for (auto& th : followers) th.join();

  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(*first);
  EXPECT_EQ(first->error().code, Errc::io);
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value());
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, Errc::io);
    EXPECT_NE(r->error().message.find("disk full"), std::string::npos);
  }
  EXPECT_EQ(batcher.transactions(), 2u);  // the leader's, then all six together
  EXPECT_EQ(batcher.events(), 0u);
  EXPECT_TRUE(all_events().empty());

  // Nothing was half-written: the next event is record 1.
  gated_->fail_after_run = 1 << 30;
  auto next = batcher.record(event("after"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->seq, 1u);
  EXPECT_EQ(next->prev_hash, Bytes(32, 0));
}

TEST_P(AuditBatching, AReadWhoseAuditRecordFailsRevealsNothing) {
  HolderRecord h = enroll(input());
  auto reg = make_registry(*gated_);
  ASSERT_TRUE(reg->get_holder(field_, h.id));  // works while commits do
  // The read's own transaction runs; the audit batch after it fails.
  gated_->fail_after_run = gated_->runs + 1;
  auto seen = reg->get_holder(field_, h.id);
  ASSERT_FALSE(seen);
  EXPECT_EQ(seen.error().code, Errc::io);
  gated_->fail_after_run = gated_->runs + 1;
  auto found = reg->find_by_a_number(field_, "A201555000");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::io);
  gated_->fail_after_run = gated_->runs + 1;
  EXPECT_FALSE(reg->record_verification(screener_, "DOC", "VALID"));
  // Only the enrollment and the first read are in the trail.
  auto ev = all_events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].action, "enroll_holder");
  EXPECT_EQ(ev[1].action, "read_holder_name");
}

TEST_P(AuditBatching, ARefusalIsRecordedOnceThroughTheBatch) {
  HolderRecord h = enroll(input());
  auto refused = registry_->get_case_status(screener_, h.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::forbidden);
  auto missing = registry_->get_holder(field_, "0123456789abcdef0123456789abcdef");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  auto ev = all_events();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[1].action, "read_case_status");
  EXPECT_EQ(ev[1].outcome, "denied");
  EXPECT_EQ(ev[1].holder_id, h.id);
  EXPECT_EQ(ev[2].outcome, "not_found");
  EXPECT_EQ(registry_->audit_batcher().events(), 2u);  // the enrollment went with its change
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditBatching, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
