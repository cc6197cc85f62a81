// The holder portal (/portal/) over HTTP, as a browser without JavaScript
// uses it: plain GETs and form POSTs with the session cookie. The server
// runs in-process over a temporary SQLite data folder.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "sdc/http/server.h"
#include "sdc/i18n/language.h"
#include "sdc/util/bytes.h"
#include "sdc/util/file.h"
#include "support/test_server.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using sdc::registry::Role;

class PortalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string up = served_.start(
        world_, fs::temp_directory_path() / ("sdc-portal-test-" + std::to_string(::getpid())));
    ASSERT_EQ(up, "");
    ASSERT_TRUE(served_.server().add_user("portal-officer", "pw-portal-officer-1",
                                          Role::enrollment_officer));
    auto res = client().Post(
        "/v1/login",
        json{{"username", "portal-officer"}, {"password", "pw-portal-officer-1"}}.dump(),
        "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    officer_ = {{"Authorization", "Bearer " + json::parse(res->body)["token"].get<std::string>()}};
    sdc::registry::OfficeInput oi{"Portal Office", "7 Harbour Street, Springfield", "UTC", ""};
    for (auto& d : oi.hours) d = sdc::registry::DayHours{9 * 60, 12 * 60};
    oi.slot_capacity = 5;
    auto office = served_.server().add_office(oi);
    ASSERT_TRUE(office) << office.error().message;
    office_id_ = office->id;
  }

  static void TearDownTestSuite() { served_.stop(); }

  static httplib::Client client() { return served_.client(); }

  struct Holder {
    std::string id, document_number, pin;
  };

  // Enrolls a holder with a card, a PIN and a reporting requirement (due in
  // ten days, window of three days, at the portal office).
  static Holder holder() {
    Holder h;
    char a[16];
    std::snprintf(a, sizeof a, "A40%06d", ++counter_);
    auto e = client().Post(
        "/v1/holders", officer_,
        json{{"a_number", a},
             {"family_name", "NAKAMURA"},
             {"given_names", "AIKO"},
             {"date_of_birth", "1990-04-02"},
             {"sex", "F"},
             {"nationality", "UTO"},
             {"portrait_base64", sdc::base64_encode(sdc::Bytes{0xFF, 0xD8, 0xFF, 0xE0, 1, 2})},
             {"contact", "5 Elm Lane"},
             {"language", "en"}}
            .dump(),
        "application/json");
    EXPECT_TRUE(e && e->status == 201) << (e ? e->body : "");
    h.id = json::parse(e->body)["id"].get<std::string>();
    auto c = client().Post("/v1/holders/" + h.id + "/cards", officer_, "{}", "application/json");
    EXPECT_TRUE(c && c->status == 201) << (c ? c->body : "");
    h.document_number = json::parse(c->body)["document_number"].get<std::string>();
    auto p = client().Post("/v1/holders/" + h.id + "/pin", officer_, "", "application/json");
    EXPECT_TRUE(p && p->status == 201);
    h.pin = json::parse(p->body)["pin"].get<std::string>();
    const std::string anchor = sdc::format_time(world_.clock.now() + 10 * 86400).substr(0, 10);
    auto r = client().Put("/v1/holders/" + h.id + "/reporting", officer_,
                          json{{"office_id", office_id_},
                               {"cadence_days", 28},
                               {"window_days", 3},
                               {"anchor_date", anchor}}
                              .dump(),
                          "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    return h;
  }

  // The session cookie after logging in through the form.
  static std::string login(const Holder& h) {
    auto res =
        client().Post("/portal/login", "document_number=" + h.document_number + "&pin=" + h.pin,
                      "application/x-www-form-urlencoded");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 303) << res->body;
    EXPECT_EQ(res->get_header_value("Location"), "/portal/");
    std::string cookie;
    for (auto [it, end] = res->headers.equal_range("Set-Cookie"); it != end; ++it) {
      const std::string& v = it->second;
      EXPECT_NE(v.find("HttpOnly"), std::string::npos) << v;
      EXPECT_NE(v.find("SameSite=Strict"), std::string::npos) << v;
      if (v.starts_with("sdc_portal=")) cookie = v.substr(0, v.find(';'));
    }
    EXPECT_FALSE(cookie.empty());
    return cookie;
  }

  static httplib::Result get(const std::string& cookie, const std::string& path) {
    return client().Get(path, {{"Cookie", cookie}});
  }
  static httplib::Result post(const std::string& cookie, const std::string& path,
                              const std::string& form) {
    return client().Post(path, {{"Cookie", cookie}}, form, "application/x-www-form-urlencoded");
  }

  static std::string csrf_of(const std::string& html) {
    std::smatch m;
    if (!std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\""))) return {};
    return m[1];
  }
  static std::vector<std::string> slot_values(const std::string& html) {
    std::vector<std::string> out;
    std::regex re("name=\"starts_at\" id=\"slot-[0-9]+\" value=\"([0-9]+)\"");
    for (std::sregex_iterator it(html.begin(), html.end(), re), end; it != end; ++it)
      out.push_back((*it)[1]);
    return out;
  }
  static json appointments_of(const std::string& holder_id) {
    auto res = client().Get("/v1/holders/" + holder_id + "/appointments", officer_);
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "");
    return json::parse(res->body)["appointments"];
  }

  static inline sdc::test::TestWorld world_;
  static inline sdc::test::TestServer served_;
  static inline httplib::Headers officer_;
  static inline std::string office_id_;
  static inline int counter_ = 0;
};

TEST_F(PortalTest, APageWithoutASessionSendsToTheLoginPageUnderAStrictPolicy) {
  auto home = client().Get("/portal/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 303);
  EXPECT_EQ(home->get_header_value("Location"), "/portal/login");
  auto login = client().Get("/portal/login", {{"Accept-Language", "pt-BR,pt;q=0.9,en;q=0.5"}});
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200);
  const std::string csp = login->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(login->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(login->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(login->body.find("<script"), std::string::npos);
  EXPECT_EQ(login->body.find("style="), std::string::npos);  // no inline style
  EXPECT_NE(login->body.find("<html lang=\"pt\">"), std::string::npos);
  EXPECT_NE(login->body.find("name=\"document_number\""), std::string::npos);
  auto css = client().Get("/portal/static/portal.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_NE(css->body.find("--accent"), std::string::npos);
}

TEST_F(PortalTest, AWrongPinIsToldAndSetsNoSession) {
  const Holder h = holder();
  auto res = client().Post("/portal/login", "document_number=" + h.document_number + "&pin=000000",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_FALSE(res->has_header("Set-Cookie"));
  EXPECT_NE(res->body.find("role=\"alert\">The document number or the PIN is wrong."),
            std::string::npos)
      << res->body;
  // The number typed is kept, escaped.
  auto odd = client().Post("/portal/login", "document_number=%3Cb%3E&pin=1",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->body.find("<b>"), std::string::npos);
  EXPECT_NE(odd->body.find("value=\"&lt;b&gt;\""), std::string::npos);
}

TEST_F(PortalTest, AHolderBooksMovesAndCancelsWithFormsAlone) {
  const Holder h = holder();
  const std::string cookie = login(h);
  auto home = get(cookie, "/portal/");
  ASSERT_TRUE(home);
  ASSERT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("Welcome, AIKO NAKAMURA"), std::string::npos) << home->body;

  auto page = get(cookie, "/portal/appointments");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("7 Harbour Street, Springfield"), std::string::npos);
  const std::string csrf = csrf_of(page->body);
  ASSERT_EQ(csrf.size(), 32u);
  const auto slots = slot_values(page->body);
  ASSERT_GE(slots.size(), 2u);

  // Without the session's token, from another site, or without a slot:
  // refused, nothing booked.
  auto no_token = post(cookie, "/portal/appointments", "starts_at=" + slots[0]);
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403);
  auto foreign = client().Post(
      "/portal/appointments", {{"Cookie", cookie}, {"Origin", "https://elsewhere.example"}},
      "csrf=" + csrf + "&starts_at=" + slots[0], "application/x-www-form-urlencoded");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  auto no_slot = post(cookie, "/portal/appointments", "csrf=" + csrf);
  ASSERT_TRUE(no_slot);
  EXPECT_EQ(no_slot->status, 400);
  EXPECT_NE(no_slot->body.find("role=\"alert\">Please choose a time."), std::string::npos);
  auto past = post(cookie, "/portal/appointments", "csrf=" + csrf + "&starts_at=1000");
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 400);
  EXPECT_NE(past->body.find("This time has already passed"), std::string::npos) << past->body;
  EXPECT_TRUE(appointments_of(h.id).empty());

  // Book.
  auto booked = post(cookie, "/portal/appointments", "csrf=" + csrf + "&starts_at=" + slots[0]);
  ASSERT_TRUE(booked);
  ASSERT_EQ(booked->status, 303) << booked->body;
  const std::string location = booked->get_header_value("Location");
  ASSERT_TRUE(location.starts_with("/portal/appointments?booked=")) << location;
  const std::string id = location.substr(location.find('=') + 1);
  json stored = appointments_of(h.id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["id"], id);
  EXPECT_EQ(stored[0]["starts_at"], sdc::format_time(std::stoll(slots[0])));
  auto shown = get(cookie, location);
  ASSERT_TRUE(shown);
  EXPECT_NE(shown->body.find("role=\"status\">Your appointment is booked:"), std::string::npos);
  EXPECT_NE(shown->body.find("/portal/appointments/" + id + "/move"), std::string::npos);
  // Booked: no second booking form for the same reporting date.
  EXPECT_TRUE(slot_values(shown->body).empty());

  // Move to another free time.
  auto move_page = get(cookie, "/portal/appointments/" + id + "/move");
  ASSERT_TRUE(move_page);
  ASSERT_EQ(move_page->status, 200);
  const auto move_slots = slot_values(move_page->body);
  ASSERT_FALSE(move_slots.empty());
  EXPECT_EQ(std::find(move_slots.begin(), move_slots.end(), slots[0]), move_slots.end());
  auto moved = post(cookie, "/portal/appointments/" + id + "/move",
                    "csrf=" + csrf + "&starts_at=" + move_slots.back());
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->status, 303) << moved->body;
  stored = appointments_of(h.id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["starts_at"], sdc::format_time(std::stoll(move_slots.back())));

  // The calendar download has it.
  auto ics = get(cookie, "/portal/calendar.ics");
  ASSERT_TRUE(ics);
  ASSERT_EQ(ics->status, 200);
  EXPECT_EQ(ics->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_NE(ics->body.find("UID:appointment-" + id + "@sdc"), std::string::npos);

  // Cancel, after the confirmation page.
  auto confirm = get(cookie, "/portal/appointments/" + id + "/cancel");
  ASSERT_TRUE(confirm);
  ASSERT_EQ(confirm->status, 200);
  EXPECT_NE(confirm->body.find("Cancel your appointment on"), std::string::npos);
  auto cancelled = post(cookie, "/portal/appointments/" + id + "/cancel", "csrf=" + csrf);
  ASSERT_TRUE(cancelled);
  ASSERT_EQ(cancelled->status, 303);
  EXPECT_EQ(appointments_of(h.id)[0]["state"], "cancelled");

  // Another holder's appointment is not found, and stays booked.
  const Holder other = holder();
  const std::string other_cookie = login(other);
  auto other_page = get(other_cookie, "/portal/appointments");
  const std::string other_csrf = csrf_of(other_page->body);
  const auto other_slots = slot_values(other_page->body);
  ASSERT_FALSE(other_slots.empty());
  auto theirs = post(other_cookie, "/portal/appointments",
                     "csrf=" + other_csrf + "&starts_at=" + other_slots[0]);
  ASSERT_TRUE(theirs);
  ASSERT_EQ(theirs->status, 303);
  const std::string their_id = appointments_of(other.id)[0]["id"].get<std::string>();
  auto steal = post(cookie, "/portal/appointments/" + their_id + "/cancel", "csrf=" + csrf);
  ASSERT_TRUE(steal);
  EXPECT_EQ(steal->status, 404);
  EXPECT_EQ(appointments_of(other.id)[0]["state"], "booked");

  // Logging out ends the session.
  auto out = post(cookie, "/portal/logout", "csrf=" + csrf);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  auto after = get(cookie, "/portal/");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 303);
}

TEST_F(PortalTest, EveryPageSpeaksEachLanguageWithNoTextMissing) {
  const Holder h = holder();
  const std::string cookie = login(h);
  auto page = get(cookie, "/portal/appointments");
  ASSERT_TRUE(page);
  const auto slots = slot_values(page->body);
  ASSERT_FALSE(slots.empty());
  ASSERT_EQ(
      post(cookie, "/portal/appointments", "csrf=" + csrf_of(page->body) + "&starts_at=" + slots[0])
          ->status,
      303);
  const std::string id = appointments_of(h.id)[0]["id"].get<std::string>();
  const std::vector<std::string> pages = {"/portal/login",
                                          "/portal/",
                                          "/portal/appointments",
                                          "/portal/appointments/" + id + "/move",
                                          "/portal/appointments/" + id + "/cancel",
                                          "/portal/hearings",
                                          "/portal/check-ins",
                                          "/portal/access",
                                          "/portal/language"};
  const std::regex raw_key("(portal|problem)\\.[a-z_]+\\.[a-z_.]+");
  for (std::string_view lang : sdc::i18n::kLanguages) {
    const std::string lang_cookie = "sdc_lang=" + std::string(lang);
    for (const std::string& path : pages) {
      // The login page is for visitors without a session.
      const std::string cookies =
          path == "/portal/login" ? lang_cookie : cookie + "; " + lang_cookie;
      auto res = client().Get(path, {{"Cookie", cookies}});
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 200) << path << " " << lang;
      EXPECT_NE(res->body.find("<html lang=\"" + std::string(lang) + "\">"), std::string::npos)
          << path << " " << lang;
      std::smatch m;
      EXPECT_FALSE(std::regex_search(res->body, m, raw_key))
          << path << " in " << lang << " shows the key " << m[0];
    }
  }
}

TEST_F(PortalTest, TheLanguageChosenIsKeptWithTheRecord) {
  const Holder h = holder();
  const std::string cookie = login(h);
  auto page = get(cookie, "/portal/language");
  ASSERT_TRUE(page);
  const std::string csrf = csrf_of(page->body);
  auto bad = post(cookie, "/portal/language", "csrf=" + csrf + "&lang=xx");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto chose = post(cookie, "/portal/language", "csrf=" + csrf + "&lang=ht");
  ASSERT_TRUE(chose);
  ASSERT_EQ(chose->status, 303);
  EXPECT_NE(chose->get_header_value("Set-Cookie").find("sdc_lang=ht"), std::string::npos);
  auto rec = client().Get("/v1/holders/" + h.id, officer_);
  ASSERT_TRUE(rec);
  EXPECT_EQ(json::parse(rec->body)["language"], "ht");
  // A new login speaks it from the record.
  auto again =
      client().Post("/portal/login", "document_number=" + h.document_number + "&pin=" + h.pin,
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(again);
  bool lang_cookie = false;
  for (auto [it, end] = again->headers.equal_range("Set-Cookie"); it != end; ++it)
    lang_cookie = lang_cookie || it->second.starts_with("sdc_lang=ht;");
  EXPECT_TRUE(lang_cookie);
}

TEST_F(PortalTest, TheHolderSeesWhoAccessedTheirRecord) {
  const Holder h = holder();
  auto read = client().Get("/v1/holders/" + h.id, officer_);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200);
  const std::string cookie = login(h);
  auto access = get(cookie, "/portal/access");
  ASSERT_TRUE(access);
  ASSERT_EQ(access->status, 200);
  EXPECT_NE(access->body.find("<td>Enrollment officer</td>"), std::string::npos) << access->body;
  EXPECT_NE(access->body.find("Opened your record"), std::string::npos) << access->body;
  // The holder's own visits are not listed as accesses.
  EXPECT_EQ(access->body.find("<td>You</td>"), std::string::npos);
}

}  // namespace
