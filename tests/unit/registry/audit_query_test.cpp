// Auditors' queries of the trail through the registry: who may ask, what a
// holder's trail shows (who, role, when, what, outcome), and that asking is
// itself recorded as an access to the holder's record.
#include <gtest/gtest.h>

#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

class AuditQuery : public RegistryTestBase {
 protected:
  std::vector<AuditEvent> query(AuditFilter f) {
    auto r = registry_->audit_query(auditor_, std::move(f));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<AuditEvent>{};
  }
};

TEST_P(AuditQuery, OnlyAuditorsQueryAndRefusalsAreRecorded) {
  for (const User* u : {&officer_, &field_, &screener_, &kiosk_, &admin_}) {
    SCOPED_TRACE(u->id);
    auto r = registry_->audit_query(*u, AuditFilter{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::forbidden);
  }
  AuditFilter denied;
  denied.actor = "u-admin";
  auto ev = query(denied);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].action, "read_audit");
  EXPECT_EQ(ev[0].outcome, "denied");
  EXPECT_EQ(ev[0].role, "administrator");
}

TEST_P(AuditQuery, AHoldersTrailShowsWhoLookedAndAskingIsRecorded) {
  HolderRecord h = enroll(input());
  HolderRecord other = enroll(input("A201555001", "NORDQVIST"));
  ASSERT_TRUE(registry_->get_holder(field_, h.id));
  ASSERT_TRUE(registry_->get_holder(field_, other.id));
  clock_.set(clock_.now() + 60);
  ASSERT_FALSE(registry_->get_case_status(screener_, h.id));
  ASSERT_TRUE(registry_->get_case_status(field_, h.id));

  AuditFilter f;
  f.holder_id = h.id;
  auto trail = query(f);
  ASSERT_EQ(trail.size(), 4u);
  EXPECT_EQ(trail[0].action, "enroll_holder");
  EXPECT_EQ(trail[0].actor, officer_.id);
  EXPECT_EQ(trail[1].action, "read_holder_name");
  EXPECT_EQ(trail[1].role, "field_officer");
  EXPECT_EQ(trail[1].at, kTestNow);
  EXPECT_EQ(trail[2].actor, screener_.id);
  EXPECT_EQ(trail[2].outcome, "denied");
  EXPECT_EQ(trail[2].at, kTestNow + 60);
  EXPECT_EQ(trail[3].outcome, "ok");
  for (const AuditEvent& e : trail) EXPECT_EQ(e.holder_id, h.id);

  // The auditor's own look is now in the holder's trail, newest first.
  AuditFilter newest = f;
  newest.order = AuditFilter::Order::newest_first;
  newest.limit = 1;
  auto last = query(newest);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].action, "read_audit");
  EXPECT_EQ(last[0].actor, auditor_.id);
  EXPECT_EQ(last[0].holder_id, h.id);
  EXPECT_NE(last[0].detail.find("4 events"), std::string::npos) << last[0].detail;
}

TEST_P(AuditQuery, FiltersByUserAndTimeAndPages) {
  HolderRecord h = enroll(input());
  for (int i = 0; i < 5; ++i) {
    clock_.set(clock_.now() + 10);
    ASSERT_TRUE(registry_->get_holder(field_, h.id));
  }
  AuditFilter by_user;
  by_user.actor = field_.id;
  by_user.limit = 2;
  auto page1 = query(by_user);
  ASSERT_EQ(page1.size(), 2u);
  by_user.after = page1.back().seq;
  auto page2 = query(by_user);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_GT(page2.front().seq, page1.back().seq);
  by_user.after = page2.back().seq;
  EXPECT_EQ(query(by_user).size(), 1u);

  AuditFilter window;
  window.actor = field_.id;
  window.from = kTestNow + 20;
  window.to = kTestNow + 40;
  auto w = query(window);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].at, kTestNow + 20);
  EXPECT_EQ(w[1].at, kTestNow + 30);

  AuditFilter backwards;
  backwards.from = kTestNow + 40;
  backwards.to = kTestNow + 40;
  auto bad = registry_->audit_query(auditor_, backwards);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);

  AuditFilter huge;
  huge.limit = 1u << 30;  // clamped, not refused
  EXPECT_TRUE(registry_->audit_query(auditor_, huge));
}

TEST_P(AuditQuery, ASearchShowingSeveralHoldersIsInEachOnesTrail) {
  HolderRecord a = enroll(input("A201555000", "ERIKSSON", "1974-08-12"));
  HolderRecord b = enroll(input("A201555001", "ERIKSSON", "1974-08-12"));
  auto found = registry_->find_by_name(field_, "ERIKSSON", "1974-08-12");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  for (const HolderRecord* h : {&a, &b}) {
    AuditFilter f;
    f.holder_id = h->id;
    auto trail = query(f);
    ASSERT_EQ(trail.size(), 2u) << h->id;
    EXPECT_EQ(trail[1].action, "find_by_name");
    EXPECT_EQ(trail[1].actor, field_.id);
    EXPECT_EQ(trail[1].detail, "matches: 2");
  }
}

TEST_P(AuditQuery, FiltersByAction) {
  HolderRecord h = enroll(input());
  ASSERT_TRUE(registry_->get_holder(field_, h.id));
  ASSERT_TRUE(registry_->find_by_a_number(field_, "A201555000"));
  ASSERT_TRUE(registry_->get_holder(field_, h.id));
  AuditFilter f;
  f.action = "find_by_a_number";
  auto found = query(f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].actor, field_.id);
  f.actor = auditor_.id;  // both must hold
  EXPECT_TRUE(query(f).empty());
  f.actor.clear();
  f.action = "no_such_action";
  EXPECT_TRUE(query(f).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditQuery, ::testing::ValuesIn(store_backends()), backend_name);

}  // namespace
}  // namespace sdc::testing
