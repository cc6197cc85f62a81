// Check-ins and reporting compliance (check_ins.h) on both stores, with a
// clock the tests move.
#include "sdc/registry/check_ins.h"

#include <gtest/gtest.h>

#include "sdc/registry/offices.h"
#include "sdc/registry/scheduling.h"
#include "support/test_world.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using registry::CheckInMethod;
using registry::CheckInOutcome;
using registry::ComplianceStatus;
using registry::DayHours;
using registry::WeekHours;

UnixTime at(const char* rfc3339) {
  return *parse_time(rfc3339);
}

WeekHours weekdays(int opens, int closes) {
  WeekHours w{};
  for (int d = 0; d < 5; ++d) w[static_cast<std::size_t>(d)] = DayHours{opens, closes};
  return w;
}

class CheckInsTest : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    offices_ = std::make_unique<registry::Offices>(*store_, clock, world_random, zones);
    scheduling_ = std::make_unique<registry::Scheduling>(*store_, registry_->audit_batcher(), clock,
                                                         world_random, zones);
    check_ins_ = std::make_unique<registry::CheckIns>(*store_, registry_->audit_batcher(), clock,
                                                      world_random, zones);
    registry::OfficeInput in{
        "New York", "26 Federal Plaza", "America/New_York", "", weekdays(9 * 60, 12 * 60), 30, 4};
    auto o = offices_->create(in, &admin_);
    ASSERT_TRUE(o) << o.error().message;
    ny_ = *o;
  }

  // A holder reporting every 28 days from 2026-01-15 (±3 days) at New York,
  // with an appointment booked at `slot` (UTC).
  std::string holder_booked_at(const std::string& a_number, UnixTime slot) {
    auto h = enroll(input(a_number));
    auto r = scheduling_->set_reporting(officer_, h.id, {ny_.id, 28, 3, "2026-01-15"});
    EXPECT_TRUE(r) << r.error().message;
    auto b = scheduling_->book(officer_, h.id, slot);
    EXPECT_TRUE(b) << b.error().message;
    appointment_ = b ? b->id : "";
    return h.id;
  }

  void set_clock(UnixTime t) {
    ASSERT_GE(t, clock.now());
    clock.advance(t - clock.now());
  }

  std::vector<registry::CheckInRow> stored(const std::string& holder) {
    auto r = store_->in_read_transaction<std::vector<registry::CheckInRow>>(
        [&](registry::Tx& tx) { return tx.check_ins_of_holder(holder); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<registry::CheckInRow>{};
  }

  std::vector<registry::AuditEvent> trail() {
    auto e = store_->in_read_transaction<std::vector<registry::AuditEvent>>(
        [](registry::Tx& tx) { return tx.audit_events(1, 100000); });
    EXPECT_TRUE(e) << e.error().message;
    return e ? *e : std::vector<registry::AuditEvent>{};
  }

  static Verification card(VerifyResult result, const std::string& document_number) {
    Verification v;
    v.result = result;
    if (!document_number.empty()) {
      v.claims = Claims{};
      v.claims->holder.document_number = document_number;
    }
    return v;
  }

  test::ManualClock clock{kTestNow};
  Random& world_random = crypto::system_random();
  registry::ZoneinfoTimeZones zones;
  std::unique_ptr<registry::Offices> offices_;
  std::unique_ptr<registry::Scheduling> scheduling_;
  std::unique_ptr<registry::CheckIns> check_ins_;
  registry::OfficeRow ny_;
  std::string appointment_;  // the last one booked
};

// 2026-01-14 09:00-09:30 in New York (EST, UTC-5).
const UnixTime kSlot = at("2026-01-14T14:00:00Z");

TEST_P(CheckInsTest, OnTimeFromTwoHoursBeforeUntilTheEndLateAfterItTheSameDay) {
  const std::string early = holder_booked_at("A201-555-001", kSlot);
  const std::string early_appointment = appointment_;
  const std::string on_time = holder_booked_at("A201-555-002", kSlot);
  const std::string on_time_appointment = appointment_;
  const std::string late = holder_booked_at("A201-555-003", kSlot);
  const std::string late_appointment = appointment_;

  // Days before: recorded, no appointment, and told of the next one.
  auto before = check_ins_->check_in_for(officer_, early);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->check_in.outcome, CheckInOutcome::no_appointment);
  EXPECT_EQ(before->check_in.appointment_id, "");
  EXPECT_EQ(before->check_in.method, CheckInMethod::officer);
  EXPECT_EQ(before->check_in.recorded_by, officer_.id);
  ASSERT_TRUE(before->next);
  EXPECT_EQ(before->next->appointment_id, early_appointment);
  EXPECT_EQ(before->next->starts_at, kSlot);
  EXPECT_EQ(before->next->office_name, "New York");
  EXPECT_EQ(before->next->office_address, "26 Federal Plaza");
  EXPECT_EQ(before->next->time_zone, "America/New_York");

  // The same day, more than two hours early: not yet the appointment.
  set_clock(kSlot - registry::CheckIns::kEarlyAllowance - 60);
  auto too_early = check_ins_->check_in_for(field_, early, ny_.id);
  ASSERT_TRUE(too_early) << too_early.error().message;
  EXPECT_EQ(too_early->check_in.outcome, CheckInOutcome::no_appointment);
  EXPECT_EQ(too_early->check_in.office_id, ny_.id);

  // Exactly two hours before: on time.
  set_clock(kSlot - registry::CheckIns::kEarlyAllowance);
  auto first = check_ins_->check_in_for(officer_, on_time, ny_.id);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->check_in.outcome, CheckInOutcome::on_time);
  EXPECT_EQ(first->check_in.appointment_id, on_time_appointment);
  EXPECT_FALSE(first->next);  // the matched one is not the next

  // At the slot's end: still on time; a second after: late.
  set_clock(kSlot + 30 * 60);
  auto at_end = check_ins_->check_in_for(officer_, early, ny_.id);
  ASSERT_TRUE(at_end) << at_end.error().message;
  EXPECT_EQ(at_end->check_in.outcome, CheckInOutcome::on_time);
  EXPECT_EQ(at_end->check_in.appointment_id, early_appointment);
  set_clock(kSlot + 30 * 60 + 1);
  auto after = check_ins_->check_in_for(officer_, late, ny_.id);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->check_in.outcome, CheckInOutcome::late);
  EXPECT_EQ(after->check_in.appointment_id, late_appointment);

  // 23:59 in New York is still the same day; 00:00 is the next.
  set_clock(at("2026-01-15T04:59:00Z"));
  EXPECT_EQ(check_ins_->check_in_for(officer_, late)->check_in.outcome, CheckInOutcome::late);
  set_clock(at("2026-01-15T05:00:00Z"));
  EXPECT_EQ(check_ins_->check_in_for(officer_, late)->check_in.outcome,
            CheckInOutcome::no_appointment);

  EXPECT_EQ(stored(early).size(), 3u);
  EXPECT_EQ(stored(late).size(), 3u);
  EXPECT_EQ(stored(late)[0], after->check_in);
}

TEST_P(CheckInsTest, ComplianceShowsOnTimeLateAndMissedOnceTheDayIsOver) {
  const std::string h = holder_booked_at("A201-555-010", kSlot);
  const std::string first = appointment_;
  auto b2 = scheduling_->book(officer_, h, at("2026-02-11T14:00:00Z"));  // due 02-12
  ASSERT_TRUE(b2) << b2.error().message;
  auto b3 = scheduling_->book(officer_, h, at("2026-03-12T13:00:00Z"));  // due 03-12, EDT
  ASSERT_TRUE(b3) << b3.error().message;
  auto b4 = scheduling_->book(officer_, h, at("2026-04-09T13:00:00Z"));  // due 04-09
  ASSERT_TRUE(b4) << b4.error().message;
  ASSERT_TRUE(scheduling_->cancel(officer_, b4->id));  // cancelled: not counted

  set_clock(kSlot + 10 * 60);
  ASSERT_TRUE(check_ins_->check_in_for(officer_, h));
  set_clock(at("2026-02-11T18:00:00Z"));  // after the end, 13:00 local
  ASSERT_TRUE(check_ins_->check_in_for(officer_, h));
  ASSERT_TRUE(check_ins_->check_in_for(officer_, h));  // a second one changes nothing

  // The third: its day has not begun, then is under way, then is over.
  set_clock(at("2026-03-12T15:00:00Z"));  // 11:00 local, after the end, no check-in
  auto c = check_ins_->compliance(field_, h);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->appointments.size(), 2u);  // the third is not yet decided
  EXPECT_EQ(c->appointments[0].appointment.id, first);
  EXPECT_EQ(c->appointments[0].status, ComplianceStatus::on_time);
  EXPECT_EQ(c->appointments[0].checked_in_at, kSlot + 10 * 60);
  EXPECT_EQ(c->appointments[1].appointment.id, b2->id);
  EXPECT_EQ(c->appointments[1].status, ComplianceStatus::late);
  EXPECT_EQ(c->on_time, 1u);
  EXPECT_EQ(c->late, 1u);
  EXPECT_EQ(c->missed, 0u);

  set_clock(at("2026-03-13T04:00:00Z"));  // 00:00 local on 03-13 (EDT)
  c = check_ins_->compliance(auditor_, h);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->appointments.size(), 3u);
  EXPECT_EQ(c->appointments[2].appointment.id, b3->id);
  EXPECT_EQ(c->appointments[2].status, ComplianceStatus::missed);
  EXPECT_EQ(c->appointments[2].check_in_id, "");
  EXPECT_EQ(c->missed, 1u);
  EXPECT_EQ(c->without_appointment, 0u);
  EXPECT_EQ(c->last_check_in, at("2026-02-11T18:00:00Z"));

  // Audited as reads of the holder's record; kiosks and screeners are refused.
  auto t = trail();
  EXPECT_EQ(t.back().action, "read_compliance");
  EXPECT_EQ(t.back().holder_id, h);
  EXPECT_EQ(t.back().actor, auditor_.id);
  for (const registry::User* u : {&kiosk_, &screener_, &admin_}) {
    auto refused = check_ins_->compliance(*u, h);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::forbidden);
    EXPECT_EQ(trail().back().outcome, "denied");
    EXPECT_EQ(trail().back().holder_id, h);
  }
  auto unknown = check_ins_->compliance(field_, "nobody");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(CheckInsTest, AKioskChecksInAValidCardAndRefusesRevokedSuspendedAndForgedOnes) {
  const std::string h = holder_booked_at("A201-555-020", kSlot);
  auto issued = registry_->issue_card(officer_, h);
  ASSERT_TRUE(issued) << issued.error().message;
  const std::string doc = issued->card.document_number;

  set_clock(kSlot - 60);
  auto ok = check_ins_->check_in_with_card(kiosk_, ny_.id, card(VerifyResult::valid, doc));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->check_in.method, CheckInMethod::kiosk);
  EXPECT_EQ(ok->check_in.holder_id, h);
  EXPECT_EQ(ok->check_in.office_id, ny_.id);
  EXPECT_EQ(ok->check_in.outcome, CheckInOutcome::on_time);
  EXPECT_EQ(ok->check_in.recorded_by, kiosk_.id);
  EXPECT_EQ(trail().back().action, "check_in_card");
  EXPECT_EQ(trail().back().holder_id, h);
  EXPECT_EQ(trail().back().outcome, "ok");

  auto refused = [&](const Verification& v, Errc code, const std::string& name,
                     const std::string& holder) {
    auto r = check_ins_->check_in_with_card(kiosk_, ny_.id, v);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, code) << name;
    EXPECT_EQ(r.error().message, name);
    auto last = trail().back();
    EXPECT_EQ(last.action, "check_in_card");
    EXPECT_EQ(last.outcome, name);
    EXPECT_EQ(last.holder_id, holder);
  };
  refused(card(VerifyResult::suspended, doc), Errc::conflict, "SUSPENDED", h);
  refused(card(VerifyResult::revoked, doc), Errc::conflict, "REVOKED", h);
  refused(card(VerifyResult::bad_signature, ""), Errc::invalid_argument, "BAD_SIGNATURE", "");
  refused(card(VerifyResult::expired, doc), Errc::invalid_argument, "EXPIRED", h);
  refused(card(VerifyResult::valid, "XX0000000"), Errc::invalid_argument, "UNKNOWN_CARD", "");
  // A list that did not yet show the revocation: the registry's state wins.
  ASSERT_TRUE(registry_->revoke_card(officer_, doc, "stolen"));
  refused(card(VerifyResult::valid, doc), Errc::conflict, "REVOKED", h);
  EXPECT_EQ(stored(h).size(), 1u);  // only the valid card's

  // An officer with the card: method officer.
  auto h2 = holder_booked_at("A201-555-021", kSlot + 3600);
  auto card2 = registry_->issue_card(officer_, h2);
  ASSERT_TRUE(card2);
  auto by_officer = check_ins_->check_in_with_card(
      field_, "", card(VerifyResult::valid, card2->card.document_number));
  ASSERT_TRUE(by_officer) << by_officer.error().message;
  EXPECT_EQ(by_officer->check_in.method, CheckInMethod::officer);
  EXPECT_EQ(by_officer->check_in.office_id, "");
}

TEST_P(CheckInsTest, AKioskThatNamesNoOfficeRecordsItsAccountsOffice) {
  const std::string h = holder_booked_at("A201-555-021", kSlot);
  auto issued = registry_->issue_card(officer_, h);
  ASSERT_TRUE(issued) << issued.error().message;
  const std::string doc = issued->card.document_number;
  auto la = offices_->create(
      registry::OfficeInput{"Los Angeles", "300 N Los Angeles St", "America/Los_Angeles", "",
                            weekdays(9 * 60, 12 * 60), 30, 4},
      &admin_);
  ASSERT_TRUE(la) << la.error().message;
  registry::User kiosk = kiosk_;
  kiosk.office_id = ny_.id;  // as Accounts::authenticate fills it from the account
  set_clock(kSlot - 60);
  auto own = check_ins_->check_in_with_card(kiosk, "", card(VerifyResult::valid, doc));
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->check_in.office_id, ny_.id);
  EXPECT_EQ(own->check_in.outcome, CheckInOutcome::on_time);
  // An office the request names wins.
  auto named = check_ins_->check_in_with_card(kiosk, la->id, card(VerifyResult::valid, doc));
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->check_in.office_id, la->id);
  // A kiosk without an office and none named: none recorded.
  auto none = check_ins_->check_in_with_card(kiosk_, "", card(VerifyResult::valid, doc));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->check_in.office_id, "");
}

TEST_P(CheckInsTest, HoldersCheckInOnlineAndRolesAreRefusedAndAudited) {
  const std::string h = holder_booked_at("A201-555-030", kSlot);
  registry::User holder{registry::holder_user_id(h), "holder", registry::Role::holder};
  set_clock(kSlot);
  auto online = check_ins_->check_in_online(holder);
  ASSERT_TRUE(online) << online.error().message;
  EXPECT_EQ(online->check_in.method, CheckInMethod::online);
  EXPECT_EQ(online->check_in.office_id, "");
  EXPECT_EQ(online->check_in.holder_id, h);
  EXPECT_EQ(online->check_in.outcome, CheckInOutcome::on_time);
  EXPECT_EQ(trail().back().actor, holder.id);
  EXPECT_EQ(trail().back().action, "check_in_own");
  EXPECT_EQ(trail().back().holder_id, h);

  auto expect_refused = [&](Result<registry::CheckInAnswer> r, const registry::User& u,
                            const std::string& action, const std::string& holder_id) {
    ASSERT_FALSE(r) << u.id;
    EXPECT_EQ(r.error().code, Errc::forbidden) << u.id;
    auto last = trail().back();
    EXPECT_EQ(last.actor, u.id);
    EXPECT_EQ(last.action, action);
    EXPECT_EQ(last.outcome, "denied");
    EXPECT_EQ(last.holder_id, holder_id);
  };
  for (const registry::User* u : {&kiosk_, &screener_, &auditor_, &admin_, &holder})
    expect_refused(check_ins_->check_in_for(*u, h), *u, "check_in_holder", h);
  for (const registry::User* u : {&officer_, &kiosk_, &field_})
    expect_refused(check_ins_->check_in_online(*u), *u, "check_in_own", "");
  for (const registry::User* u : {&screener_, &auditor_, &admin_, &holder})
    expect_refused(check_ins_->check_in_with_card(*u, "", card(VerifyResult::valid, "X")), *u,
                   "check_in_card", "");
  EXPECT_EQ(stored(h).size(), 1u);

  auto unknown = check_ins_->check_in_for(officer_, "nobody");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  auto no_office = check_ins_->check_in_for(officer_, h, "o-nowhere");
  ASSERT_FALSE(no_office);
  EXPECT_EQ(no_office.error().code, Errc::not_found);
  EXPECT_EQ(trail().back().outcome, "not_found");
}

INSTANTIATE_TEST_SUITE_P(Backends, CheckInsTest, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
