// The console's scheduling pages over HTTP as a browser without JavaScript
// uses them: a holder's schedule as each role may see it, setting the
// reporting requirement (a bad field named beside itself, nothing
// written), booking and cancelling an appointment, and the court
// calendar's import from an uploaded file. The server runs in-process over
// a temporary SQLite data folder; what the pages did is read back through
// the API.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "sdc/card/portrait.h"
#include "sdc/http/server.h"
#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"
#include "support/page_forms.h"
#include "support/test_server.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using sdc::registry::Role;

class ConsoleScheduleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string up =
        served_.start(world_, fs::temp_directory_path() /
                                  ("sdc-console-schedule-test-" + std::to_string(::getpid())));
    ASSERT_EQ(up, "");
    // Open every hour of every day, so that the window always has free slots.
    sdc::registry::OfficeInput in{"Schedule Test Office", "1 Test Plaza, Springfield", "UTC",
                                  "+1 555 0100"};
    for (auto& d : in.hours) d = sdc::registry::DayHours{0, 24 * 60};
    in.slot_minutes = 60;
    in.slot_capacity = 2;
    auto office = served_.server().add_office(in);
    ASSERT_TRUE(office) << office.error().message;
    office_id_ = office->id;
    in.name = "Second Test Office";
    auto second = served_.server().add_office(in);
    ASSERT_TRUE(second);
    second_office_id_ = second->id;
    for (Role r : {Role::enrollment_officer, Role::field_officer, Role::checkpoint_screener,
                   Role::auditor, Role::administrator})
      ASSERT_TRUE(served_.server().add_user(name(r), password(r), r));
    officer_token_ = token(Role::enrollment_officer);
    auditor_token_ = token(Role::auditor);
  }

  static void TearDownTestSuite() { served_.stop(); }

  static std::string name(Role r) { return std::string("sched-") + sdc::registry::to_string(r); }
  static std::string password(Role r) { return "pw-" + name(r) + "-1"; }
  static httplib::Client client() { return served_.client(); }

  static std::string token(Role r) {
    auto res =
        client().Post("/v1/login", json{{"username", name(r)}, {"password", password(r)}}.dump(),
                      "application/json");
    EXPECT_TRUE(res && res->status == 200);
    return res ? json::parse(res->body)["token"].get<std::string>() : "";
  }
  static httplib::Headers bearer(const std::string& t) {
    return {{"Authorization", "Bearer " + t}};
  }

  // A new holder with the A-number `a_number`; their id.
  static std::string enroll(const std::string& a_number) {
    auto e = client().Post(
        "/v1/holders", bearer(officer_token_),
        json{{"a_number", a_number},
             {"family_name", "NAKAMURA"},
             {"given_names", "AIKO"},
             {"date_of_birth", "1991-02-03"},
             {"sex", "F"},
             {"nationality", "UTO"},
             {"portrait_base64", sdc::base64_encode(sdc::make_specimen_silhouette_jpeg())},
             {"contact", "2 Side Street"},
             {"language", "en"}}
            .dump(),
        "application/json");
    EXPECT_TRUE(e && e->status == 201) << (e ? e->body : "");
    return e ? json::parse(e->body)["id"].get<std::string>() : "";
  }

  // The office's UTC date `days` from now.
  static std::string date_in(int days) {
    return sdc::format_iso_date(world_.clock.now() / 86400 + days);
  }

  // Sets a requirement through the API: every 30 days, ±3, first in a week.
  static void require_reporting(const std::string& holder) {
    auto r = client().Put("/v1/holders/" + holder + "/reporting", bearer(officer_token_),
                          json{{"office_id", office_id_},
                               {"cadence_days", 30},
                               {"window_days", 3},
                               {"anchor_date", date_in(7)}}
                              .dump(),
                          "application/json");
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  }

  static json api_get(const std::string& path) {
    auto r = client().Get(path, bearer(officer_token_));
    EXPECT_TRUE(r);
    if (!r) return {};
    return json{{"status", r->status}, {"body", r->status == 200 ? json::parse(r->body) : json()}};
  }

  // The officer session cookie after signing in through the form.
  static std::string sign_in(Role r) {
    return sdc::test::sign_in_officer(client(), name(r), password(r));
  }

  static std::string csrf_of(const std::string& html) { return sdc::test::csrf_of(html); }

  static std::string schedule(const std::string& holder) {
    return "/console/holders/" + holder + "/schedule";
  }

  // A form of the page `page` posted to `action` with the session's token.
  static httplib::Result post_form(const std::string& cookie, const std::string& page,
                                   const std::string& action, const std::string& fields) {
    auto p = client().Get(page, {{"Cookie", cookie}});
    EXPECT_TRUE(p && p->status == 200) << (p ? p->body : "");
    return client().Post(action, {{"Cookie", cookie}},
                         "csrf=" + csrf_of(p ? p->body : "") + (fields.empty() ? "" : "&" + fields),
                         "application/x-www-form-urlencoded");
  }

  static std::string multipart(const std::string& csrf, const std::string& calendar,
                               const std::string& type = "text/csv") {
    std::string b = "--sdcCal\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
                    "\r\n--sdcCal\r\nContent-Disposition: form-data; name=\"calendar\"; "
                    "filename=\"court.csv\"\r\nContent-Type: " +
                    type + "\r\n\r\n" + calendar + "\r\n--sdcCal--\r\n";
    return b;
  }

  static httplib::Result import(const std::string& cookie, const std::string& calendar) {
    auto page = client().Get("/console/hearings/import", {{"Cookie", cookie}});
    EXPECT_TRUE(page);
    return client().Post("/console/hearings/import", {{"Cookie", cookie}},
                         multipart(page ? csrf_of(page->body) : "", calendar),
                         "multipart/form-data; boundary=sdcCal");
  }

  // The holder's audit records of `action`, of `outcome` when given.
  static std::size_t audit_count(const std::string& holder, const std::string& action,
                                 const std::string& outcome = {}) {
    auto r = client().Get("/v1/audit?holder=" + holder + "&limit=500", bearer(auditor_token_));
    EXPECT_TRUE(r && r->status == 200);
    std::size_t n = 0;
    const json events = json::parse(r->body)["events"];
    for (const auto& e : events)
      n += e["action"] == action && (outcome.empty() || e["outcome"] == outcome);
    return n;
  }

  static bool has(const httplib::Result& r, const std::string& text) {
    return r && r->body.find(text) != std::string::npos;
  }

  static inline sdc::test::TestWorld world_;
  static inline sdc::test::TestServer served_;
  static inline std::string office_id_, second_office_id_, officer_token_, auditor_token_;
};

constexpr const char* kCalendarHeader =
    "a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,status\n";

TEST_F(ConsoleScheduleTest, EachRoleSeesWhatItMayAndTheOthersAreRefused) {
  const std::string holder = enroll("A403000001");
  require_reporting(holder);
  const std::string officer = sign_in(Role::enrollment_officer);
  auto imported = import(officer, std::string(kCalendarHeader) +
                                      "A403000001,ROLES-1,2030-03-04T09:00,America/New_York,"
                                      "Roles Immigration Court,\"9 Court Street, Newark\",Judge "
                                      "Roles,master,scheduled\n");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;

  // The holder page links to the schedule for the roles that read it.
  auto record = client().Get("/console/holders/" + holder, {{"Cookie", officer}});
  ASSERT_TRUE(record);
  EXPECT_TRUE(has(record, "href=\"" + schedule(holder) + "\""));

  const std::size_t reads = audit_count(holder, "read_schedule");
  auto mine = client().Get(schedule(holder), {{"Cookie", officer}});
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->status, 200) << mine->body;
  for (const char* shown : {"NAKAMURA, AIKO", "Reporting requirement", "Schedule Test Office",
                            "30 days", "3 days before or after each date", "Book an appointment",
                            "Court hearings", "Roles Immigration Court", "9 Court Street, Newark",
                            "EST", "Reporting compliance", "Last check-in"})
    EXPECT_TRUE(has(mine, shown)) << shown;
  EXPECT_TRUE(has(mine, "action=\"" + schedule(holder) + "/reporting\""));
  // Every text is the catalogue's, in each language (a missing one would
  // show as its key).
  for (const char* language : {"en", "es", "pt", "fr", "ht"}) {
    auto page =
        client().Get(schedule(holder), {{"Cookie", officer}, {"Accept-Language", language}});
    ASSERT_TRUE(page);
    EXPECT_NE(page->body.find("<html lang=\"" + std::string(language) + "\">"), std::string::npos);
    EXPECT_EQ(page->body.find("console."), std::string::npos) << language;
  }
  EXPECT_GT(audit_count(holder, "read_schedule"), reads) << "the reads are audited";

  // An auditor reads it all, with no form to change anything.
  const std::string auditor = sign_in(Role::auditor);
  auto a = client().Get(schedule(holder), {{"Cookie", auditor}});
  ASSERT_TRUE(a);
  ASSERT_EQ(a->status, 200) << a->body;
  EXPECT_TRUE(has(a, "Schedule Test Office"));
  EXPECT_TRUE(has(a, "Roles Immigration Court"));
  EXPECT_TRUE(has(a, "Reporting compliance"));
  EXPECT_FALSE(has(a, "/reporting\""));
  EXPECT_FALSE(has(a, "Book an appointment"));
  // A form made by hand is refused, and nothing is written.
  auto forged = post_form(
      auditor, schedule(holder), schedule(holder) + "/reporting",
      "office_id=" + office_id_ + "&cadence_days=10&window_days=1&anchor_date=2030-01-01");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_TRUE(has(forged, "Your role does not set reporting requirements."));
  EXPECT_EQ(api_get("/v1/holders/" + holder + "/reporting")["body"]["cadence_days"], 30);
  auto book = post_form(auditor, schedule(holder), "/console/holders/" + holder + "/appointments",
                        "starts_at=1");
  ASSERT_TRUE(book);
  EXPECT_EQ(book->status, 403);
  EXPECT_TRUE(has(book, "Your role does not book or cancel appointments."));

  // A field officer sees the next hearing and compliance, and books nothing.
  const std::string field = sign_in(Role::field_officer);
  auto f = client().Get(schedule(holder), {{"Cookie", field}});
  ASSERT_TRUE(f);
  ASSERT_EQ(f->status, 200) << f->body;
  EXPECT_TRUE(has(f, "Next court hearing"));
  EXPECT_TRUE(has(f, "Roles Immigration Court"));
  EXPECT_TRUE(has(f, "Reporting compliance"));
  EXPECT_FALSE(has(f, "Book an appointment"));
  EXPECT_FALSE(has(f, "/reporting\""));

  // A screener and an administrator read no schedule: a clear 403, no
  // data, and the refusal in the holder's trail.
  const std::size_t refusals = audit_count(holder, "read_schedule", "denied");
  for (Role r : {Role::checkpoint_screener, Role::administrator}) {
    const std::string cookie = sign_in(r);
    auto s = client().Get(schedule(holder), {{"Cookie", cookie}});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->status, 403) << sdc::registry::to_string(r);
    EXPECT_TRUE(has(s, "Your role does not read holders&#39; schedules."));
    EXPECT_FALSE(has(s, "NAKAMURA"));
    EXPECT_FALSE(has(s, "Schedule Test Office"));
  }
  EXPECT_EQ(audit_count(holder, "read_schedule", "denied"), refusals + 2);
  const std::string screener = sign_in(Role::checkpoint_screener);
  auto s_record = client().Get("/console/holders/" + holder, {{"Cookie", screener}});
  ASSERT_TRUE(s_record);
  EXPECT_FALSE(has(s_record, "/schedule\"")) << "no link for a role that may not read it";

  // Without a session, the sign-in page.
  auto out = client().Get(schedule(holder));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  auto unknown = client().Get(schedule("00000000000000000000000000000000"), {{"Cookie", officer}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(ConsoleScheduleTest, AnOfficerSetsAndChangesTheRequirement) {
  const std::string holder = enroll("A403000002");
  const std::string officer = sign_in(Role::enrollment_officer);
  auto empty = client().Get(schedule(holder), {{"Cookie", officer}});
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->status, 200) << empty->body;
  EXPECT_TRUE(has(empty, "No reporting requirement is set."));
  EXPECT_TRUE(has(empty, "Set the reporting requirement"));
  EXPECT_TRUE(has(empty, "No appointment has been booked."));
  EXPECT_FALSE(has(empty, "Book an appointment")) << "nothing to book without a requirement";

  const std::size_t sets = audit_count(holder, "set_reporting");
  auto set = post_form(
      officer, schedule(holder), schedule(holder) + "/reporting",
      "office_id=" + office_id_ + "&cadence_days=14&window_days=2&anchor_date=" + date_in(10));
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 303) << set->body;
  EXPECT_EQ(set->get_header_value("Location"), schedule(holder) + "?saved=reporting");
  EXPECT_EQ(audit_count(holder, "set_reporting"), sets + 1);
  auto stored = api_get("/v1/holders/" + holder + "/reporting")["body"];
  EXPECT_EQ(stored["cadence_days"], 14);
  EXPECT_EQ(stored["window_days"], 2);
  EXPECT_EQ(stored["office_id"], office_id_);
  EXPECT_EQ(stored["anchor_date"], date_in(10));

  auto shown = client().Get(schedule(holder) + "?saved=reporting", {{"Cookie", officer}});
  ASSERT_TRUE(shown);
  EXPECT_TRUE(has(shown, "The reporting requirement is saved."));
  EXPECT_TRUE(has(shown, "14 days"));
  EXPECT_TRUE(has(shown, "Change the reporting requirement"));
  EXPECT_TRUE(has(shown, "value=\"14\"")) << "the form shows the requirement";

  // Changed to the other office.
  auto change = post_form(officer, schedule(holder), schedule(holder) + "/reporting",
                          "office_id=" + second_office_id_ +
                              "&cadence_days=21&window_days=4&anchor_date=" + date_in(12));
  ASSERT_TRUE(change);
  ASSERT_EQ(change->status, 303) << change->body;
  stored = api_get("/v1/holders/" + holder + "/reporting")["body"];
  EXPECT_EQ(stored["cadence_days"], 21);
  EXPECT_EQ(stored["office_id"], second_office_id_);
}

TEST_F(ConsoleScheduleTest, ABadFieldShowsItsErrorBesideItAndNothingIsWritten) {
  const std::string holder = enroll("A403000003");
  require_reporting(holder);
  const std::string officer = sign_in(Role::enrollment_officer);
  auto bad = post_form(
      officer, schedule(holder), schedule(holder) + "/reporting",
      "office_id=" + office_id_ + "&cadence_days=abc&window_days=40&anchor_date=2030-02-30x");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(has(bad, "id=\"cadence_days-error\">Enter a whole number of days from 1 to 365."))
      << bad->body;
  EXPECT_TRUE(has(bad, "id=\"window_days-error\">Enter a whole number of days from 0 to 30."));
  EXPECT_TRUE(has(bad, "id=\"anchor_date-error\">Enter a date as YYYY-MM-DD."));
  EXPECT_FALSE(has(bad, "id=\"office_id-error\""));
  EXPECT_TRUE(has(bad, "aria-invalid=\"true\""));
  EXPECT_TRUE(has(bad, "value=\"abc\"")) << "what was typed stays";
  EXPECT_TRUE(has(bad, "Some of what you entered is not valid."));

  // A window of half the cadence or more, and an unknown office.
  auto half = post_form(
      officer, schedule(holder), schedule(holder) + "/reporting",
      "office_id=" + office_id_ + "&cadence_days=10&window_days=5&anchor_date=" + date_in(3));
  ASSERT_TRUE(half);
  EXPECT_EQ(half->status, 400);
  EXPECT_TRUE(has(half, "id=\"window_days-error\">The window must be less than half"));
  EXPECT_FALSE(has(half, "id=\"cadence_days-error\""));
  auto nowhere =
      post_form(officer, schedule(holder), schedule(holder) + "/reporting",
                "office_id=no-such-office&cadence_days=10&window_days=1&anchor_date=" + date_in(3));
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 400);
  EXPECT_TRUE(has(nowhere, "id=\"office_id-error\">Choose one of the offices."));

  // Nothing was written.
  auto stored = api_get("/v1/holders/" + holder + "/reporting")["body"];
  EXPECT_EQ(stored["cadence_days"], 30);
  EXPECT_EQ(stored["window_days"], 3);
  EXPECT_EQ(stored["anchor_date"], date_in(7));

  // Without the session's CSRF token nothing is written either.
  auto no_csrf = client().Post(
      schedule(holder) + "/reporting", {{"Cookie", officer}},
      "office_id=" + office_id_ + "&cadence_days=10&window_days=1&anchor_date=2030-01-01",
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(api_get("/v1/holders/" + holder + "/reporting")["body"]["cadence_days"], 30);
}

TEST_F(ConsoleScheduleTest, AnOfficerBooksAFreeSlotAndCancelsIt) {
  const std::string holder = enroll("A403000004");
  require_reporting(holder);
  const std::string officer = sign_in(Role::enrollment_officer);
  auto page = client().Get(schedule(holder), {{"Cookie", officer}});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page->body, m, std::regex("<option value=\"([0-9]+)\">")))
      << page->body;
  const std::string slot = m[1];

  // Not a free time: refused, nothing booked.
  auto off = post_form(officer, schedule(holder), "/console/holders/" + holder + "/appointments",
                       "starts_at=" + std::to_string(std::stoll(slot) + 60));
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 400);
  EXPECT_TRUE(has(off, "Choose one of the free times."));
  auto nothing = post_form(officer, schedule(holder),
                           "/console/holders/" + holder + "/appointments", "starts_at=soon");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->status, 400);
  EXPECT_TRUE(api_get("/v1/holders/" + holder + "/appointments")["body"]["appointments"].empty());

  auto booked = post_form(officer, schedule(holder), "/console/holders/" + holder + "/appointments",
                          "starts_at=" + slot);
  ASSERT_TRUE(booked);
  ASSERT_EQ(booked->status, 303) << booked->body;
  const std::string location = booked->get_header_value("Location");
  EXPECT_TRUE(location.starts_with(schedule(holder) + "?booked=ap-")) << location;
  auto list = api_get("/v1/holders/" + holder + "/appointments")["body"]["appointments"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["state"], "booked");
  EXPECT_EQ(list[0]["starts_at"], sdc::format_time(std::stoll(slot)));
  const std::string id = list[0]["id"];

  auto shown = client().Get(location, {{"Cookie", officer}});
  ASSERT_TRUE(shown);
  EXPECT_TRUE(has(shown, "The appointment is booked:"));
  EXPECT_TRUE(has(shown, "booked"));
  EXPECT_TRUE(has(shown, "An appointment is already booked for the reporting date"));
  const std::string cancel = "/console/holders/" + holder + "/appointments/" + id + "/cancel";
  EXPECT_TRUE(has(shown, "action=\"" + cancel + "\""));

  // A second booking for the same reporting date is refused by the domain.
  auto twice = post_form(officer, schedule(holder), "/console/holders/" + holder + "/appointments",
                         "starts_at=" + std::to_string(std::stoll(slot) + 3600));
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
  EXPECT_TRUE(has(twice, "The holder already has an appointment for this reporting date."));

  // An appointment of another holder is not cancelled from this page.
  const std::string other = enroll("A403000005");
  auto elsewhere = post_form(officer, schedule(other),
                             "/console/holders/" + other + "/appointments/" + id + "/cancel", "");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
  EXPECT_EQ(api_get("/v1/holders/" + holder + "/appointments")["body"]["appointments"][0]["state"],
            "booked");

  auto cancelled = post_form(officer, schedule(holder), cancel, "");
  ASSERT_TRUE(cancelled);
  ASSERT_EQ(cancelled->status, 303) << cancelled->body;
  EXPECT_EQ(cancelled->get_header_value("Location"), schedule(holder) + "?cancelled=" + id);
  EXPECT_EQ(api_get("/v1/holders/" + holder + "/appointments")["body"]["appointments"][0]["state"],
            "cancelled");
  auto after = client().Get(schedule(holder) + "?cancelled=" + id, {{"Cookie", officer}});
  ASSERT_TRUE(after);
  EXPECT_TRUE(has(after, "is cancelled."));
  EXPECT_FALSE(has(after, "action=\"" + cancel + "\""));
  auto again = post_form(officer, schedule(holder), cancel, "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_TRUE(has(again, "This appointment is no longer booked."));
}

TEST_F(ConsoleScheduleTest, TheCourtCalendarIsImportedAndABadLineIsReported) {
  const std::string holder = enroll("A403000006");
  const std::string officer = sign_in(Role::enrollment_officer);
  auto home = client().Get("/console/", {{"Cookie", officer}});
  ASSERT_TRUE(home);
  EXPECT_TRUE(has(home, "href=\"/console/hearings/import\""));
  auto form = client().Get("/console/hearings/import", {{"Cookie", officer}});
  ASSERT_TRUE(form);
  ASSERT_EQ(form->status, 200);
  EXPECT_TRUE(has(form, "enctype=\"multipart/form-data\""));
  EXPECT_TRUE(has(form, "aria-current=\"page\""));

  const std::string calendar =
      std::string(kCalendarHeader) +
      "A403000006,IMP-1,2030-05-06T10:30,America/Chicago,Import Court,\"7 Bench Road, "
      "Chicago\",Judge Import,individual,scheduled\n"
      "A40300,IMP-2,2030-05-07T10:30,America/Chicago,Import Court,,,master,scheduled\n"
      "A499999999,IMP-3,2030-05-08T10:30,America/Chicago,Import Court,,,bond,scheduled\n";
  auto r = import(officer, calendar);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string result = r->body.substr(r->body.find("id=\"import-result\""));
  for (const char* shown : {"<dt>Rows read</dt><dd>3</dd>", "<dt>Added</dt><dd>2</dd>",
                            "<dt>Kept for holders not yet enrolled</dt><dd>1</dd>",
                            "<dt>Rejected</dt><dd>1</dd>", "Line 3", "a_number"})
    EXPECT_NE(result.find(shown), std::string::npos) << shown << "\n" << result;
  EXPECT_EQ(result.find("A40300,"), std::string::npos) << "a reason names fields, not values";
  EXPECT_EQ(r->body.find("console."), std::string::npos) << "every text is the catalogue's";

  auto s = client().Get(schedule(holder), {{"Cookie", officer}});
  ASSERT_TRUE(s);
  EXPECT_TRUE(has(s, "Import Court"));
  EXPECT_TRUE(has(s, "7 Bench Road, Chicago"));
  EXPECT_TRUE(has(s, "CDT")) << "on the court's clock";
  EXPECT_TRUE(has(s, "individual"));

  // The same calendar again changes nothing.
  auto again = import(officer, calendar);
  ASSERT_TRUE(again);
  EXPECT_TRUE(has(again, "<dt>Unchanged</dt><dd>2</dd>"));

  // A file that is no calendar, and no file at all.
  auto unreadable = import(officer, "not,a,calendar\n1,2,3\n");
  ASSERT_TRUE(unreadable);
  EXPECT_EQ(unreadable->status, 400);
  EXPECT_TRUE(has(unreadable, "The court calendar cannot be read:"));
  EXPECT_TRUE(has(unreadable, "id=\"calendar-error\""));
  auto none = import(officer, "");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400);
  EXPECT_TRUE(has(none, "Choose the court calendar file."));
  // Without the session's CSRF token nothing is imported.
  auto forged = client().Post(
      "/console/hearings/import", {{"Cookie", officer}},
      multipart("", std::string(kCalendarHeader) +
                        "A403000006,IMP-9,2030-06-06T10:30,America/Chicago,Forged Court,,,"
                        "master,scheduled\n"),
      "multipart/form-data; boundary=sdcCal");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_FALSE(has(client().Get(schedule(holder), {{"Cookie", officer}}), "Forged Court"));
}

TEST_F(ConsoleScheduleTest, OnlyEnrollmentOfficersImportTheCalendar) {
  const std::string holder = enroll("A403000007");
  for (Role r : {Role::field_officer, Role::auditor, Role::checkpoint_screener}) {
    SCOPED_TRACE(sdc::registry::to_string(r));
    const std::string cookie = sign_in(r);
    auto page = client().Get("/console/hearings/import", {{"Cookie", cookie}});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 403);
    EXPECT_TRUE(has(page, "Your role does not import court calendars."));
    EXPECT_FALSE(has(page, "href=\"/console/hearings/import\"")) << "no navigation entry";
    // A form made by hand is refused before the calendar is read.
    auto home = client().Get("/verify/", {{"Cookie", cookie}});
    auto sent = client().Post(
        "/console/hearings/import", {{"Cookie", cookie}},
        multipart(home ? csrf_of(home->body) : "",
                  std::string(kCalendarHeader) +
                      "A403000007,ROLE-1,2030-06-06T10:30,America/Chicago,Refused Court,,,"
                      "master,scheduled\n"),
        "multipart/form-data; boundary=sdcCal");
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->status, 403);
  }
  auto hs = client().Get("/v1/holders/" + holder + "/hearings", bearer(officer_token_));
  ASSERT_TRUE(hs && hs->status == 200);
  EXPECT_TRUE(json::parse(hs->body)["hearings"].empty());
}

}  // namespace
