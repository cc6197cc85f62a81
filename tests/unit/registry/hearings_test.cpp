// Court hearings in the registry, on both stores: import (idempotent,
// changes flagged with the values before), reads per holder, roles and
// audit records.
#include "sdc/registry/hearings.h"

#include <gtest/gtest.h>

#include <map>

#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using namespace sdc::registry;

const ZoneinfoTimeZones kZones;

const std::string kHeader =
    "a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,status\n";

// 2026-03-10T09:00 New York is 13:00Z (EDT from 8 March).
std::string line(const std::string& a_number, const std::string& id,
                 const std::string& starts = "2026-03-10T09:00",
                 const std::string& court = "New York Immigration Court",
                 const std::string& status = "scheduled") {
  return a_number + "," + id + "," + starts + ",America/New_York," + court +
         ",26 Federal Plaza,J. Doe,master," + status + "\n";
}

ParsedCalendar calendar(const std::string& text) {
  auto p = parse_calendar(text, CalendarFormat::detect, kZones);
  EXPECT_TRUE(p) << p.error().message;
  return p ? *p : ParsedCalendar{};
}

class HearingsTest : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    hearings_ = std::make_unique<Hearings>(*store_, cipher_, clock_, crypto::system_random());
  }

  ImportSummary import(const std::string& text) {
    auto s = hearings_->import(calendar(text), officer_);
    EXPECT_TRUE(s) << s.error().message;
    return s ? *s : ImportSummary{};
  }

  std::vector<AuditEvent> trail() {
    auto e = registry_->audit_events(auditor_, 1, 10000);
    EXPECT_TRUE(e) << e.error().message;
    return e ? *e : std::vector<AuditEvent>{};
  }

  std::unique_ptr<Hearings> hearings_;
};

TEST_P(HearingsTest, ImportingTheSameCalendarTwiceChangesNothingTheSecondTime) {
  HolderRecord h = enroll(input("A201-555-000"));
  const std::string text = kHeader + line("A201-555-000", "H-1") +
                           line("201555000", "H-2", "2026-04-01T13:30") + line("A98765432", "H-3") +
                           "bad,row\n";
  ImportSummary first = import(text);
  EXPECT_EQ(first.rows, 4u);
  EXPECT_EQ(first.added, 3u);
  EXPECT_EQ(first.changed, 0u);
  EXPECT_EQ(first.unchanged, 0u);
  EXPECT_EQ(first.unmatched, 1u);  // A098765432 is not enrolled
  ASSERT_EQ(first.rejected.size(), 1u);
  EXPECT_EQ(first.rejected[0].line, 5u);

  clock_.set(kTestNow + 60);
  ImportSummary second = import(text);
  EXPECT_EQ(second.added, 0u);
  EXPECT_EQ(second.changed, 0u);
  EXPECT_EQ(second.moved, 0u);
  EXPECT_EQ(second.unchanged, 3u);
  EXPECT_EQ(second.rejected.size(), 1u);

  auto all = hearings_->for_holder(h.id, officer_);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].hearing_id, "H-1");  // by date
  EXPECT_EQ((*all)[0].starts_at, *parse_time("2026-03-10T13:00:00Z"));
  EXPECT_EQ((*all)[0].updated_at, kTestNow);  // the second import wrote nothing
  EXPECT_FALSE((*all)[0].previous);
  EXPECT_EQ((*all)[1].hearing_id, "H-2");
}

TEST_P(HearingsTest, AChangedDateOrCourtKeepsTheValuesBeforeAndWhenItChanged) {
  HolderRecord h = enroll(input("A201-555-000"));
  import(kHeader + line("201555000", "H-1") + line("201555000", "H-2", "2026-05-01T09:00"));

  clock_.set(kTestNow + 3600);
  ImportSummary moved = import(kHeader + line("201555000", "H-1", "2026-03-17T10:00") +
                               line("201555000", "H-2", "2026-05-01T09:00", "Newark Court"));
  EXPECT_EQ(moved.changed, 2u);
  EXPECT_EQ(moved.moved, 2u);
  EXPECT_EQ(moved.added, 0u);

  clock_.set(kTestNow + 7200);
  ImportSummary status =
      import(kHeader + line("201555000", "H-1", "2026-03-17T10:00") +
             line("201555000", "H-2", "2026-05-01T09:00", "Newark Court", "adjourned"));
  EXPECT_EQ(status.changed, 1u);
  EXPECT_EQ(status.moved, 0u);
  EXPECT_EQ(status.unchanged, 1u);

  auto all = hearings_->for_holder(h.id, auditor_);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  const Hearing& a = (*all)[0];
  EXPECT_EQ(a.starts_at, *parse_time("2026-03-17T14:00:00Z"));
  EXPECT_EQ(a.changed_at, kTestNow + 3600);
  ASSERT_TRUE(a.previous);
  EXPECT_EQ(a.previous->starts_at, *parse_time("2026-03-10T13:00:00Z"));
  EXPECT_EQ(a.previous->court_name, "New York Immigration Court");
  const Hearing& b = (*all)[1];
  EXPECT_EQ(b.court_name, "Newark Court");
  EXPECT_EQ(b.status, "adjourned");
  EXPECT_EQ(b.changed_at, kTestNow + 3600);  // a status change is not a move
  EXPECT_EQ(b.updated_at, kTestNow + 7200);
  ASSERT_TRUE(b.previous);
  EXPECT_EQ(b.previous->court_name, "New York Immigration Court");
  EXPECT_EQ(b.previous->starts_at, b.starts_at);
}

TEST_P(HearingsTest, HearingsOfSomeoneNotYetEnrolledShowOnceTheyEnrol) {
  ImportSummary s = import(kHeader + line("A201-555-777", "H-9"));
  EXPECT_EQ(s.unmatched, 1u);
  HolderRecord h = enroll(input("201555777"));
  auto all = hearings_->for_holder(h.id, officer_);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].hearing_id, "H-9");
  // Another holder's hearings are not theirs.
  HolderRecord other = enroll(input("A201-555-778", "OTHER"));
  EXPECT_TRUE(hearings_->for_holder(other.id, officer_)->empty());
}

TEST_P(HearingsTest, TheNextHearingIsTheEarliestScheduledOneNotLongPast) {
  HolderRecord h = enroll(input("A201-555-000"));
  import(kHeader + line("201555000", "past", "2026-01-05T09:00") +
         line("201555000", "cancelled", "2026-02-01T09:00", "Court", "cancelled") +
         line("201555000", "later", "2026-06-01T09:00") +
         line("201555000", "soon", "2026-02-10T09:00"));
  auto next = hearings_->next_for_holder(h.id, field_, *parse_time("2026-01-20T00:00:00Z"));
  ASSERT_TRUE(next) << next.error().message;
  ASSERT_TRUE(*next);
  EXPECT_EQ((*next)->hearing_id, "soon");
  // Half an hour into it, it is still the next one; two hours in, not.
  next = hearings_->next_for_holder(h.id, field_, *parse_time("2026-02-10T14:30:00Z"));
  EXPECT_EQ((*next)->hearing_id, "soon");
  next = hearings_->next_for_holder(h.id, field_, *parse_time("2026-02-10T16:00:00Z"));
  EXPECT_EQ((*next)->hearing_id, "later");
  next = hearings_->next_for_holder(h.id, field_, *parse_time("2026-07-01T00:00:00Z"));
  ASSERT_TRUE(next);
  EXPECT_FALSE(*next);
}

TEST_P(HearingsTest, RolesAreCheckedAndEveryCallIsAuditedWithoutPersonalData) {
  HolderRecord h = enroll(input("A201-555-000"));
  const std::string text = kHeader + line("201555000", "H-1") + line("201555999", "H-2");
  for (const User* u : {&field_, &screener_, &kiosk_, &auditor_, &admin_}) {
    auto r = hearings_->import(calendar(text), *u);
    ASSERT_FALSE(r) << to_string(u->role);
    EXPECT_EQ(r.error().code, Errc::forbidden);
  }
  for (const User* u : {&field_, &screener_, &kiosk_, &admin_}) {
    auto r = hearings_->for_holder(h.id, *u);
    ASSERT_FALSE(r) << to_string(u->role);
    EXPECT_EQ(r.error().code, Errc::forbidden);
  }
  for (const User* u : {&screener_, &kiosk_, &admin_}) {
    auto r = hearings_->next_for_holder(h.id, *u, kTestNow);
    ASSERT_FALSE(r) << to_string(u->role);
    EXPECT_EQ(r.error().code, Errc::forbidden);
  }
  ASSERT_TRUE(hearings_->import(calendar(text), officer_));
  ASSERT_TRUE(hearings_->for_holder(h.id, officer_));
  ASSERT_TRUE(hearings_->for_holder(h.id, auditor_));
  ASSERT_TRUE(hearings_->next_for_holder(h.id, field_, kTestNow));
  auto unknown = hearings_->for_holder("no-such-holder", officer_);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);

  std::map<std::string, int> denied, ok;
  const AuditEvent* import_record = nullptr;
  const AuditEvent* holder_record = nullptr;
  const std::vector<AuditEvent> events = trail();
  for (const AuditEvent& e : events) {
    if (e.outcome == "denied") ++denied[e.action];
    if (e.outcome == "ok") ++ok[e.action];
    if (e.action == "import_hearings" && e.outcome == "ok") {
      if (e.holder_id.empty())
        import_record = &e;
      else
        holder_record = &e;
    }
    if (e.action == "read_hearings" && e.outcome == "not_found") {
      EXPECT_EQ(e.holder_id, "no-such-holder");
    }
    EXPECT_EQ(e.detail.find("201555"), std::string::npos) << e.detail;
    EXPECT_EQ(e.detail.find("Court"), std::string::npos) << e.detail;
  }
  EXPECT_EQ(denied["import_hearings"], 5);
  EXPECT_EQ(denied["read_hearings"], 4);
  EXPECT_EQ(denied["read_next_hearing"], 3);
  EXPECT_EQ(ok["read_hearings"], 2);
  EXPECT_EQ(ok["read_next_hearing"], 1);
  ASSERT_TRUE(import_record);
  EXPECT_EQ(import_record->actor, officer_.id);
  EXPECT_EQ(import_record->detail,
            "rows 2, added 2, changed 0, moved 0, unchanged 0, rejected 0, unmatched 1");
  ASSERT_TRUE(holder_record);  // the enrolled holder's trail shows the import
  EXPECT_EQ(holder_record->holder_id, h.id);
  // The database holds the A-numbers only as keyed hashes.
  const std::string raw = env_->raw_dump();
  EXPECT_EQ(raw.find("201555999"), std::string::npos);
  EXPECT_EQ(raw.find("201555000"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, HearingsTest, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
