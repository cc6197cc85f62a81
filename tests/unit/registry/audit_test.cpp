// The audit chain (threat 13): verify passes on an untouched trail and finds
// an edited, deleted or inserted record, a cut-off tail and a chain
// recomputed from scratch.
#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class AuditChain : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    checkpoints_ = dir_ / "audit.checkpoints";
    auto k = CheckpointKey::generate();
    ASSERT_TRUE(k);
    key_.emplace(std::move(*k));
    // Ten records: enroll, issue, reads, a refusal.
    HolderRecord h = enroll(input());
    ASSERT_TRUE(registry_->issue_card(officer_, h.id));
    ASSERT_TRUE(
        registry_->set_case_status(officer_, h.id, CaseStatus::no_final_order, "2025-01-01", "x"));
    ASSERT_TRUE(registry_->get_holder(field_, h.id));
    ASSERT_FALSE(registry_->get_case_status(screener_, h.id));
    ASSERT_TRUE(registry_->find_by_a_number(field_, "A201555000"));
    ASSERT_TRUE(registry_->get_case_status(field_, h.id));
    ASSERT_TRUE(checkpoint());  // at record 7
    ASSERT_TRUE(registry_->record_verification(screener_, "DOC", "VALID"));
    ASSERT_TRUE(registry_->get_holder(kiosk_, h.id));
    ASSERT_TRUE(registry_->find_by_name(field_, "ERIKSSON", "1974-08-12"));
    auto last = checkpoint();  // at record 10
    ASSERT_TRUE(last);
    ASSERT_EQ(last->seq, 10u);
  }

  Result<AuditCheckpoint> checkpoint() {
    return write_audit_checkpoint(*store_, checkpoints_, *key_, clock_.now());
  }

  AuditReport verify() {
    auto r = verify_audit(*store_, checkpoints_, key_->public_key());
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : AuditReport{};
  }

  std::vector<AuditEvent> events() {
    auto e = store_->in_transaction<std::vector<AuditEvent>>(
        [](Tx& tx) { return tx.audit_events(1, 1000); });
    EXPECT_TRUE(e);
    return e ? *e : std::vector<AuditEvent>{};
  }

  sdc::test::TempDir tmp_{"sdc-audit-"};
  const std::filesystem::path dir_ = tmp_.path();
  std::filesystem::path checkpoints_;
  std::optional<CheckpointKey> key_;
};

TEST_P(AuditChain, VerifyPassesOnUntouchedTrail) {
  AuditReport r = verify();
  EXPECT_TRUE(r.intact) << r.problem;
  EXPECT_EQ(r.records, 10u);
  EXPECT_EQ(r.checkpoints, 2u);
  // Records after the last checkpoint are fine too.
  ASSERT_TRUE(registry_->get_holder(field_, events()[0].holder_id));
  EXPECT_TRUE(verify().intact);
  auto ev = events();
  ASSERT_EQ(ev.size(), 11u);
  EXPECT_EQ(ev[0].prev_hash, Bytes(32, 0));
  for (std::size_t i = 1; i < ev.size(); ++i) EXPECT_EQ(ev[i].prev_hash, ev[i - 1].hash);
}

TEST_P(AuditChain, ABatchLargerThanOneInsertIsStoredWholeAndInOrder) {
  std::vector<AuditEvent> batch(2345);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].at = clock_.now();
    batch[i].actor = "u-batch";
    batch[i].role = "field_officer";
    batch[i].action = "verify_card";
    batch[i].outcome = "ok";
    batch[i].detail = "event " + std::to_string(i);
  }
  auto r = store_->in_transaction<std::vector<AuditEvent>>(
      [&](Tx& tx) { return append_audit_events(tx, batch); });
  ASSERT_TRUE(r) << r.error().message;
  auto stored = store_->in_transaction<std::vector<AuditEvent>>(
      [](Tx& tx) { return tx.audit_events(11, 3000); });
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ((*stored)[i].seq, 11 + i);
    EXPECT_EQ((*stored)[i].detail, "event " + std::to_string(i));
    EXPECT_EQ((*stored)[i].hash, (*r)[i].hash);
  }
  AuditReport report = verify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.records, 10u + batch.size());
}

TEST_P(AuditChain, DetectsAnEditedRecord) {
  env_->exec("UPDATE audit_log SET outcome = 'ok' WHERE seq = 5");  // was "denied"
  AuditReport r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_seq, 5u);
  EXPECT_NE(r.problem.find("altered"), std::string::npos) << r.problem;
}

TEST_P(AuditChain, DetectsADeletedRecord) {
  env_->exec("DELETE FROM audit_log WHERE seq = 4");
  AuditReport r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_seq, 4u);
}

TEST_P(AuditChain, DetectsAnInsertedRecord) {
  // Make room after record 3 and slip in a copy of it.
  env_->exec("UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 4");
  env_->exec("UPDATE audit_log SET seq = seq - 999999 WHERE seq >= 1000000");
  env_->exec(
      "INSERT INTO audit_log (seq, at, actor, role, action, holder_id, outcome, detail, "
      "prev_hash, hash) SELECT 4, at, 'u-intruder', role, action, holder_id, outcome, detail, "
      "hash, hash FROM audit_log WHERE seq = 3");
  AuditReport r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_NE(r.first_bad_seq, 0u);
}

TEST_P(AuditChain, DetectsACutOffTail) {
  env_->exec("DELETE FROM audit_log WHERE seq > 8");
  AuditReport r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_NE(r.problem.find("cut off"), std::string::npos) << r.problem;
}

TEST_P(AuditChain, DetectsAChainRecomputedFromScratch) {
  // An insider with database access rewrites record 2 and recomputes every
  // hash after it: the chain is self-consistent, the checkpoints are not.
  auto ev = events();
  ev[1].outcome = "not_found";
  Bytes prev(32, 0);
  for (AuditEvent& e : ev) {
    e.prev_hash = prev;
    e.hash = audit_event_hash(e);
    prev = e.hash;
    env_->exec("UPDATE audit_log SET outcome = '" + e.outcome +
               "', prev_hash = " + env_->blob_literal(e.prev_hash) +
               ", hash = " + env_->blob_literal(e.hash) + " WHERE seq = " + std::to_string(e.seq));
  }
  env_->exec("UPDATE audit_head SET hash = " + env_->blob_literal(prev) + " WHERE id = 1");
  AuditReport r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_bad_seq, 7u);
  EXPECT_NE(r.problem.find("checkpoint"), std::string::npos) << r.problem;
}

TEST_P(AuditChain, RefusesForgedOrMissingCheckpoints) {
  auto other = CheckpointKey::generate();
  ASSERT_TRUE(other);
  auto r = verify_audit(*store_, checkpoints_, other->public_key());
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->intact);
  EXPECT_NE(r->problem.find("signature"), std::string::npos) << r->problem;
  auto missing = verify_audit(*store_, dir_ / "nope", key_->public_key());
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->intact);
}

TEST_P(AuditChain, CheckpointKeyRoundTripsThroughAFile) {
  auto path = dir_ / "checkpoint.key";
  ASSERT_TRUE(key_->save(path));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  auto loaded = CheckpointKey::load(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->public_key(), key_->public_key());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditChain, ::testing::ValuesIn(store_backends()), backend_name);

}  // namespace
}  // namespace sdc::testing
