// Offices' hours and closures, reporting requirements and appointments, on
// both stores, with a clock the tests move.
#include "sdc/registry/scheduling.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sdc/registry/offices.h"
#include "support/test_world.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using registry::AppointmentState;
using registry::DayHours;
using registry::Slot;
using registry::WeekHours;

constexpr UnixTime kHour = 3600;
constexpr UnixTime kDay = 86400;

UnixTime at(const char* rfc3339) {
  return *parse_time(rfc3339);
}

WeekHours weekdays(int opens, int closes) {
  WeekHours w{};
  for (int d = 0; d < 5; ++d) w[static_cast<std::size_t>(d)] = DayHours{opens, closes};
  return w;
}

TEST(TimeZones, WallClocksFollowDaylightSavingWhereTheZoneHasIt) {
  registry::ZoneinfoTimeZones zones;
  // New York: EST (-5) until 2026-03-08 02:00, then EDT (-4).
  EXPECT_EQ(zones.to_local("America/New_York", at("2026-03-06T14:00:00Z")),
            at("2026-03-06T09:00:00Z"));
  EXPECT_EQ(zones.to_local("America/New_York", at("2026-03-09T13:00:00Z")),
            at("2026-03-09T09:00:00Z"));
  EXPECT_EQ(zones.to_utc("America/New_York", at("2026-03-09T09:00:00Z")),
            at("2026-03-09T13:00:00Z"));
  // 02:30 on the day clocks spring forward does not exist.
  EXPECT_EQ(zones.to_utc("America/New_York", at("2026-03-08T02:30:00Z")), std::nullopt);
  // 01:30 on the day they fall back happens twice: the earlier (EDT) is taken.
  EXPECT_EQ(zones.to_utc("America/New_York", at("2026-11-01T01:30:00Z")),
            at("2026-11-01T05:30:00Z"));
  // Phoenix and Honolulu keep one offset all year.
  for (const char* t : {"2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"}) {
    EXPECT_EQ(zones.to_local("America/Phoenix", at(t)), at(t) - 7 * kHour) << t;
    EXPECT_EQ(zones.to_local("Pacific/Honolulu", at(t)), at(t) - 10 * kHour) << t;
  }
  EXPECT_EQ(zones.to_local("Nowhere/Atlantis", 0), std::nullopt);
  EXPECT_EQ(zones.to_utc("../etc/passwd", 0), std::nullopt);
}

TEST(OfficeHours, TheStoredFormRoundTripsAndRefusesAnythingElse) {
  WeekHours w = weekdays(9 * 60, 16 * 60 + 30);
  w[6] = DayHours{0, 24 * 60};
  const std::string text = registry::format_week_hours(w);
  EXPECT_EQ(text, "09:00-16:30|09:00-16:30|09:00-16:30|09:00-16:30|09:00-16:30||00:00-24:00");
  EXPECT_EQ(registry::parse_week_hours(text), w);
  for (const char* bad : {"", "||||||||", "09:00-08:00||||||", "9:00-16:00||||||",
                          "09:60-16:00||||||", "24:00-24:00||||||", "09:00-25:00||||||"})
    EXPECT_FALSE(registry::parse_week_hours(bad)) << bad;
}

class SchedulingTest : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    offices_ =
        std::make_unique<registry::Offices>(*store_, world_.clock, world_.random, world_.zones);
    scheduling_ = std::make_unique<registry::Scheduling>(*store_, registry_->audit_batcher(),
                                                         world_.clock, world_.random, world_.zones);
  }

  registry::OfficeRow office(const std::string& name, const std::string& zone, WeekHours hours,
                             int slot_minutes = 30, int capacity = 2) {
    registry::OfficeInput in{name, "1 Main St", zone, "", hours, slot_minutes, capacity};
    auto o = offices_->create(in, &admin_);
    EXPECT_TRUE(o) << o.error().message;
    return o ? *o : registry::OfficeRow{};
  }

  // A holder reporting every 28 days from `anchor`, ±3 days.
  std::string holder_reporting_at(const registry::OfficeRow& o, const std::string& a_number,
                                  const std::string& anchor = "2026-01-15") {
    auto h = enroll(input(a_number));
    auto r = scheduling_->set_reporting(officer_, h.id, {o.id, 28, 3, anchor});
    EXPECT_TRUE(r) << r.error().message;
    return h.id;
  }

  std::vector<Slot> slots(const registry::OfficeRow& o, const char* from, const char* to) {
    auto s = scheduling_->free_slots(o.id, from, to);
    EXPECT_TRUE(s) << s.error().message;
    return s ? *s : std::vector<Slot>{};
  }

  // Read behind the registry's back, so that reading leaves no record.
  std::vector<registry::AuditEvent> trail() {
    auto e = store_->in_read_transaction<std::vector<registry::AuditEvent>>(
        [](registry::Tx& tx) { return tx.audit_events(1, 100000); });
    EXPECT_TRUE(e) << e.error().message;
    return e ? *e : std::vector<registry::AuditEvent>{};
  }

  struct World {
    test::ManualClock clock{kTestNow};
    Random& random = crypto::system_random();
    registry::ZoneinfoTimeZones zones;
  } world_;
  std::unique_ptr<registry::Offices> offices_;
  std::unique_ptr<registry::Scheduling> scheduling_;
};

TEST_P(SchedulingTest, SlotsAreCutOnTheOfficesWallClockInEveryZone) {
  auto ny = office("New York", "America/New_York", weekdays(9 * 60, 10 * 60));
  auto phx = office("Phoenix", "America/Phoenix", weekdays(9 * 60, 10 * 60));
  auto hnl = office("Honolulu", "Pacific/Honolulu", weekdays(9 * 60, 10 * 60));
  // Friday before the change to daylight saving time, and the Monday after.
  auto before = slots(ny, "2026-03-06", "2026-03-06");
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].starts_at, at("2026-03-06T14:00:00Z"));
  EXPECT_EQ(before[0].local_start, "2026-03-06T09:00");
  EXPECT_EQ(before[0].utc_offset_minutes, -300);
  EXPECT_EQ(before[1].starts_at, at("2026-03-06T14:30:00Z"));
  EXPECT_EQ(before[1].ends_at, at("2026-03-06T15:00:00Z"));
  EXPECT_EQ(before[0].remaining, 2);
  auto after = slots(ny, "2026-03-07", "2026-03-09");  // Saturday and Sunday closed
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].starts_at, at("2026-03-09T13:00:00Z"));
  EXPECT_EQ(after[0].local_start, "2026-03-09T09:00");
  EXPECT_EQ(after[0].utc_offset_minutes, -240);
  for (const char* day : {"2026-03-06", "2026-07-06"}) {
    auto p = slots(phx, day, day);
    ASSERT_EQ(p.size(), 2u) << day;
    EXPECT_EQ(p[0].starts_at, at((std::string(day) + "T16:00:00Z").c_str())) << day;
    EXPECT_EQ(p[0].utc_offset_minutes, -420);
    auto h = slots(hnl, day, day);
    ASSERT_EQ(h.size(), 2u) << day;
    EXPECT_EQ(h[0].starts_at, at((std::string(day) + "T19:00:00Z").c_str())) << day;
    EXPECT_EQ(h[0].utc_offset_minutes, -600);
  }
}

TEST_P(SchedulingTest, ASkippedHourHasNoSlotAndARepeatedHourIsCountedOnce) {
  WeekHours sundays{};
  sundays[6] = DayHours{60, 4 * 60};  // 01:00 to 04:00
  auto ny = office("Night office", "America/New_York", sundays);
  std::vector<std::string> spring;
  for (const Slot& s : slots(ny, "2026-03-08", "2026-03-08")) spring.push_back(s.local_start);
  EXPECT_EQ(spring, (std::vector<std::string>{"2026-03-08T01:00", "2026-03-08T01:30",
                                              "2026-03-08T03:00", "2026-03-08T03:30"}));
  auto fall = slots(ny, "2026-11-01", "2026-11-01");
  ASSERT_EQ(fall.size(), 6u);
  EXPECT_EQ(fall[1].starts_at, at("2026-11-01T05:30:00Z"));  // 01:30 EDT
  EXPECT_EQ(fall[2].starts_at, at("2026-11-01T07:00:00Z"));  // 02:00 EST
  EXPECT_EQ(fall[2].utc_offset_minutes, -300);
}

TEST_P(SchedulingTest, ClosedDaysPastSlotsAndFullSlotsAreNotOffered) {
  auto ny = office("New York", "America/New_York", weekdays(9 * 60, 10 * 60), 30, 1);
  // Thursday 2026-01-01 09:40 in New York: the 09:00 and 09:30 slots have started.
  world_.clock.advance(14 * kHour + 40 * 60);
  EXPECT_TRUE(slots(ny, "2026-01-01", "2026-01-01").empty());
  ASSERT_TRUE(offices_->close_day(ny.id, "2026-01-02", "Snow day", admin_));
  EXPECT_TRUE(slots(ny, "2026-01-02", "2026-01-02").empty());
  auto monday = slots(ny, "2026-01-05", "2026-01-05");
  ASSERT_EQ(monday.size(), 2u);
  auto h = holder_reporting_at(ny, "A201-555-001", "2026-01-05");
  ASSERT_TRUE(scheduling_->book(officer_, h, monday[0].starts_at));
  auto left = slots(ny, "2026-01-05", "2026-01-05");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].starts_at, monday[1].starts_at);
  // The range is checked before anything is read.
  EXPECT_EQ(scheduling_->free_slots(ny.id, "2026-01-05", "2026-03-05").error().code,
            Errc::invalid_argument);
  EXPECT_EQ(scheduling_->free_slots(ny.id, "2026-02-30", "2026-03-01").error().code,
            Errc::invalid_argument);
  EXPECT_EQ(scheduling_->free_slots("o-none", "2026-01-05", "2026-01-05").error().code,
            Errc::not_found);
}

TEST_P(SchedulingTest, BookingStaysInsideTheWindowInsideHoursAndOncePerDueDate) {
  auto ny = office("New York", "America/New_York", weekdays(9 * 60, 12 * 60));
  auto h = holder_reporting_at(ny, "A201-555-002");  // due 2026-01-15 ±3, then 02-12 ±3
  auto view = scheduling_->get_reporting(field_, h);
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->next_due_date, "2026-01-15");
  EXPECT_EQ(view->window_opens, "2026-01-12");
  EXPECT_EQ(view->window_closes, "2026-01-18");

  auto expect_invalid = [&](UnixTime t, const std::string& says) {
    auto r = scheduling_->book(officer_, h, t);
    ASSERT_FALSE(r) << format_time(t);
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().message;
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
  };
  expect_invalid(at("2026-01-09T14:00:00Z"), "outside the reporting window");  // Friday 01-09
  expect_invalid(at("2026-01-14T14:10:00Z"), "not the start of one of the office's slots");
  expect_invalid(at("2026-01-14T17:00:00Z"), "not the start");  // 12:00, closed
  expect_invalid(at("2025-12-31T14:00:00Z"), "the slot has passed");
  ASSERT_TRUE(offices_->close_day(ny.id, "2026-01-13", "Training", admin_));
  expect_invalid(at("2026-01-13T14:00:00Z"), "closed on 2026-01-13: Training");

  auto a = scheduling_->book(officer_, h, at("2026-01-14T14:00:00Z"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->due_date, "2026-01-15");
  EXPECT_EQ(a->state, AppointmentState::booked);
  EXPECT_EQ(a->ends_at, at("2026-01-14T14:30:00Z"));
  auto again = scheduling_->book(officer_, h, at("2026-01-15T14:00:00Z"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_NE(again.error().message.find("move it instead"), std::string::npos);
  // The next due date's window is open to booking too.
  auto next = scheduling_->book(officer_, h, at("2026-02-11T14:00:00Z"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->due_date, "2026-02-12");
  auto all = scheduling_->appointments(field_, h);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);

  // A holder without a requirement cannot book; an unknown holder neither.
  auto other = enroll(input("A201-555-003"));
  EXPECT_EQ(scheduling_->book(officer_, other.id, at("2026-01-14T14:00:00Z")).error().code,
            Errc::not_found);
  EXPECT_EQ(
      scheduling_->set_reporting(officer_, "nobody", {ny.id, 28, 3, "2026-01-15"}).error().code,
      Errc::not_found);
  auto bad = scheduling_->set_reporting(officer_, other.id, {"", 0, 20, "2026-13-01"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  for (const char* field : {"office_id", "cadence_days", "anchor_date"})
    EXPECT_NE(bad.error().message.find(field), std::string::npos) << bad.error().message;
}

TEST_P(SchedulingTest, AnAppointmentMovesOrIsCancelledUntil24HoursBefore) {
  auto ny = office("New York", "America/New_York", weekdays(9 * 60, 12 * 60), 30, 1);
  auto h = holder_reporting_at(ny, "A201-555-004");
  auto a = scheduling_->book(officer_, h, at("2026-01-14T14:00:00Z"));
  ASSERT_TRUE(a) << a.error().message;
  auto moved = scheduling_->move(officer_, a->id, at("2026-01-15T15:00:00Z"));
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->starts_at, at("2026-01-15T15:00:00Z"));
  // The old slot's place is free again, the new one taken (capacity 1).
  auto wed = slots(ny, "2026-01-14", "2026-01-14");
  EXPECT_EQ(wed.front().starts_at, at("2026-01-14T14:00:00Z"));
  auto other = holder_reporting_at(ny, "A201-555-005");
  EXPECT_EQ(scheduling_->book(officer_, other, at("2026-01-15T15:00:00Z")).error().code,
            Errc::conflict);
  // 23 hours before it starts, it can no longer be moved or cancelled.
  world_.clock.advance(at("2026-01-14T16:00:00Z") - kTestNow);
  auto late = scheduling_->move(officer_, a->id, at("2026-01-16T14:00:00Z"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::conflict);
  EXPECT_NE(late.error().message.find("24 hours"), std::string::npos);
  EXPECT_EQ(scheduling_->cancel(officer_, a->id).error().code, Errc::conflict);
  // One further off may be cancelled, once.
  auto b = scheduling_->book(officer_, other, at("2026-01-16T14:00:00Z"));
  ASSERT_TRUE(b) << b.error().message;
  auto cancelled = scheduling_->cancel(officer_, b->id);
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->state, AppointmentState::cancelled);
  EXPECT_EQ(scheduling_->cancel(officer_, b->id).error().code, Errc::conflict);
  EXPECT_EQ(scheduling_->cancel(officer_, "ap-none").error().code, Errc::not_found);
  // Cancelled, the holder may book for that due date again.
  EXPECT_TRUE(scheduling_->book(officer_, other, at("2026-01-16T14:00:00Z")));
}

TEST_P(SchedulingTest, RolesAreCheckedAndEveryCallIsAudited) {
  auto ny = office("New York", "America/New_York", weekdays(9 * 60, 12 * 60));
  auto h = holder_reporting_at(ny, "A201-555-006");
  const std::size_t before = trail().size();
  for (const registry::User* u : {&screener_, &kiosk_, &admin_}) {
    EXPECT_EQ(scheduling_->get_reporting(*u, h).error().code, Errc::forbidden);
    EXPECT_EQ(scheduling_->book(*u, h, at("2026-01-14T14:00:00Z")).error().code, Errc::forbidden);
  }
  for (const registry::User* u : {&field_, &auditor_}) {
    EXPECT_TRUE(scheduling_->get_reporting(*u, h));
    EXPECT_EQ(scheduling_->book(*u, h, at("2026-01-14T14:00:00Z")).error().code, Errc::forbidden);
    EXPECT_EQ(scheduling_->set_reporting(*u, h, {ny.id, 28, 3, "2026-01-15"}).error().code,
              Errc::forbidden);
  }
  auto events = trail();
  ASSERT_EQ(events.size(), before + 6 + 6);
  int denied = 0, read = 0;
  for (std::size_t i = before; i < events.size(); ++i) {
    EXPECT_EQ(events[i].holder_id, h);
    if (events[i].outcome == "denied") ++denied;
    if (events[i].outcome == "ok" && events[i].action == "read_schedule") ++read;
  }
  EXPECT_EQ(denied, 10);
  EXPECT_EQ(read, 2);
  auto a = scheduling_->book(officer_, h, at("2026-01-14T14:00:00Z"));
  ASSERT_TRUE(a);
  events = trail();
  EXPECT_EQ(events.back().action, "book_appointment");
  EXPECT_EQ(events.back().holder_id, h);
  EXPECT_EQ(events.back().detail, "appointment " + a->id + " booked");
}

TEST_P(SchedulingTest, ClosingABookedDayCancelsTellsTheHolderOnceAndFreesThePlace) {
  auto ny = office("New York", "America/New_York", weekdays(9 * 60, 12 * 60), 30, 1);
  auto h1 = holder_reporting_at(ny, "A201-555-007");
  auto h2 = holder_reporting_at(ny, "A201-555-008");
  auto a1 = scheduling_->book(officer_, h1, at("2026-01-14T14:00:00Z"));
  auto a2 = scheduling_->book(officer_, h2, at("2026-01-14T16:30:00Z"));  // 11:30 local
  auto a3 = scheduling_->book(officer_, h2, at("2026-02-11T14:00:00Z"));  // another day
  ASSERT_TRUE(a1 && a2 && a3);
  // An administrator may not close a day for holders of another role...
  EXPECT_EQ(offices_->close_day(ny.id, "2026-01-14", "Flood", officer_).error().code,
            Errc::forbidden);
  auto closed = offices_->close_day(ny.id, "2026-01-14", "Flood", admin_);
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(closed->appointments_cancelled, 2u);
  EXPECT_EQ(offices_->close_day(ny.id, "2026-01-14", "Flood", admin_).error().code, Errc::conflict);
  auto mine = scheduling_->appointments(officer_, h2);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].state, AppointmentState::office_closed);
  EXPECT_EQ((*mine)[1].state, AppointmentState::booked);
  auto told = store_->in_read_transaction<std::vector<registry::NotificationRow>>(
      [&](registry::Tx& tx) { return tx.notifications_of_holder(h1); });
  ASSERT_TRUE(told);
  ASSERT_EQ(told->size(), 1u);
  EXPECT_EQ((*told)[0].kind, "appointment_office_closed");
  EXPECT_EQ((*told)[0].subject_id, a1->id);
  EXPECT_NE((*told)[0].payload.find("Flood"), std::string::npos);
  EXPECT_EQ((*told)[0].state, "pending");
  // The holders' trails say what happened to their appointments.
  int per_holder = 0;
  for (const auto& e : trail())
    if (e.action == "close_office_day" && (e.holder_id == h1 || e.holder_id == h2)) ++per_holder;
  EXPECT_EQ(per_holder, 2);
  // The holder may book again, on another day of the window.
  EXPECT_TRUE(scheduling_->book(officer_, h1, at("2026-01-15T14:00:00Z")));
  // Opening the day again does not bring the cancelled appointments back.
  ASSERT_TRUE(offices_->reopen_day(ny.id, "2026-01-14", admin_));
  EXPECT_EQ(slots(ny, "2026-01-14", "2026-01-14").size(), 6u);
  EXPECT_EQ(offices_->reopen_day(ny.id, "2026-01-14", admin_).error().code, Errc::not_found);
  // An office that holders report to cannot be deleted.
  EXPECT_EQ(offices_->remove(ny.id, admin_).error().code, Errc::conflict);
}

// Threat 18: capacity is the store's, whatever the number of writers and
// processes. 1,000 holders try, at once, through two stores on one
// database, to book 5 slots of capacity 2.
TEST_P(SchedulingTest, AThousandConcurrentBookingsForTenPlacesGiveExactlyTen) {
  auto ny = office("Busy office", "America/New_York", weekdays(9 * 60, 11 * 60 + 30), 30, 2);
  constexpr int kHolders = 1000;
  std::vector<std::string> holders;
  for (int i = 0; i < kHolders; ++i) {
    char a[16];
    std::snprintf(a, sizeof a, "A3%08d", i);
    holders.push_back(holder_reporting_at(ny, a));
  }
  auto other_store = env_->open();
  ASSERT_TRUE(other_store) << other_store.error().message;
  auto other_registry = make_registry(**other_store);
  registry::Scheduling other(**other_store, other_registry->audit_batcher(), world_.clock,
                             world_.random, world_.zones);
  const auto wednesday = slots(ny, "2026-01-14", "2026-01-14");
  ASSERT_EQ(wednesday.size(), 5u);
  std::atomic<int> booked{0}, full{0}, failed{0};
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&, t] {
      registry::Scheduling& s = t % 2 ? other : *scheduling_;
      for (int i = next++; i < kHolders; i = next++) {
        auto r = s.book(officer_, holders[static_cast<std::size_t>(i)],
                        wednesday[static_cast<std::size_t>(i) % 5].starts_at);
        if (r)
          ++booked;
        else if (r.error().code == Errc::conflict &&
                 r.error().message.find("is full") != std::string::npos)
          ++full;
        else
          ++failed;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(booked.load(), 10);
  EXPECT_EQ(full.load(), kHolders - 10);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_TRUE(slots(ny, "2026-01-14", "2026-01-14").empty());
  int stored = 0;
  for (const auto& h : holders) {
    auto mine = store_->in_read_transaction<std::vector<registry::AppointmentRow>>(
        [&](registry::Tx& tx) { return tx.appointments_of_holder(h); });
    ASSERT_TRUE(mine);
    stored += static_cast<int>(mine->size());
  }
  EXPECT_EQ(stored, 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulingTest, ::testing::ValuesIn(store_backends()),
                         backend_name);

}  // namespace
}  // namespace sdc::testing
