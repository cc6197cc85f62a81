// The console's pages for auditors (/console/audit: the trail and the chain
// check) and administrators (/console/users, /console/offices) over HTTP,
// as a browser without JavaScript uses them: forms with the session's CSRF
// token, what each role may see and do, each bad field named beside itself,
// and a tampered trail reported as broken. The server runs in-process over
// a temporary SQLite data folder.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "sdc/http/server.h"
#include "support/page_forms.h"
#include "support/test_server.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using sdc::registry::Role;
using sdc::test::form_encoded;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A served folder with an account per role, and the officer pages' calls.
class ConsolePages {
 public:
  std::string start(const std::string& name) {
    const std::string up = served_.start(
        world_, fs::temp_directory_path() / (name + "-" + std::to_string(::getpid())));
    if (!up.empty()) return up;
    for (Role r : {Role::enrollment_officer, Role::auditor, Role::administrator}) {
      auto u = served_.server().add_user(username(r), password(r), r);
      if (!u) return u.error().message;
      ids_[r] = u->id;
    }
    return {};
  }
  void stop() { served_.stop(); }

  static std::string username(Role r) { return std::string("page-") + sdc::registry::to_string(r); }
  static std::string password(Role r) { return "pw-" + username(r) + "-1"; }
  const std::string& id(Role r) { return ids_[r]; }

  httplib::Client client() { return served_.client(); }

  // The session cookie after signing in through the form; empty if refused.
  std::string sign_in(const std::string& name, const std::string& pass) {
    auto res =
        client().Post("/console/login", form_encoded({{"username", name}, {"password", pass}}),
                      "application/x-www-form-urlencoded");
    if (!res || res->status != 303) return {};
    for (auto [it, end] = res->headers.equal_range("Set-Cookie"); it != end; ++it)
      if (it->second.starts_with("sdc_officer=")) return it->second.substr(0, it->second.find(';'));
    return {};
  }
  std::string sign_in(Role r) { return sign_in(username(r), password(r)); }

  httplib::Result get(const std::string& cookie, const std::string& path) {
    return client().Get(path, {{"Cookie", cookie}});
  }
  // A form of the session, with its CSRF token (from the page every signed-in
  // officer has: the logout form).
  httplib::Result post(const std::string& cookie, const std::string& path,
                       std::vector<std::pair<std::string, std::string>> fields) {
    auto page = get(cookie, "/console/");
    EXPECT_TRUE(page && page->status == 200);
    std::smatch m;
    std::string csrf;
    if (page && std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")))
      csrf = m[1];
    fields.insert(fields.begin(), {"csrf", csrf});
    return client().Post(path, {{"Cookie", cookie}}, form_encoded(fields),
                         "application/x-www-form-urlencoded");
  }

  // The trail through the API, as an auditor reads it.
  json audit(const std::string& query) {
    auto login = client().Post(
        "/v1/login",
        json{{"username", username(Role::auditor)}, {"password", password(Role::auditor)}}.dump(),
        "application/json");
    EXPECT_TRUE(login && login->status == 200);
    const std::string token = json::parse(login->body)["token"].get<std::string>();
    auto r = client().Get("/v1/audit?" + query, {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    return r ? json::parse(r->body)["events"] : json::array();
  }

 private:
  sdc::test::TestWorld world_;
  sdc::test::TestServer served_;
  std::map<Role, std::string> ids_;
};

class ConsoleAdminTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pages_ = new ConsolePages;
    ASSERT_EQ(pages_->start("sdc-console-admin-test"), "");
  }
  static void TearDownTestSuite() {
    pages_->stop();
    delete pages_;
    pages_ = nullptr;
  }
  static inline ConsolePages* pages_ = nullptr;
};

TEST_F(ConsoleAdminTest, OtherRolesAreRefusedAndTheRefusalIsAudited) {
  const std::string officer = pages_->sign_in(Role::enrollment_officer);
  ASSERT_FALSE(officer.empty());
  for (const char* path : {"/console/audit", "/console/users", "/console/offices"}) {
    auto r = pages_->get(officer, path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_NE(r->body.find("role=\"alert\">Your role does not"), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("<table"), std::string::npos) << path;
  }
  auto filter = pages_->post(officer, "/console/audit", {{"user", pages_->id(Role::auditor)}});
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->status, 403);
  auto create = pages_->post(officer, "/console/users",
                             {{"username", "sneaky"},
                              {"password", "a-long-enough-password"},
                              {"role", "administrator"},
                              {"office_id", ""}});
  ASSERT_TRUE(create);
  EXPECT_EQ(create->status, 403);
  EXPECT_TRUE(pages_->sign_in("sneaky", "a-long-enough-password").empty());
  auto office = pages_->post(officer, "/console/offices",
                             {{"name", "Sneaky office"}, {"time_zone", "America/Chicago"}});
  ASSERT_TRUE(office);
  EXPECT_EQ(office->status, 403);

  // The officer's navigation offers none of these pages.
  auto home = pages_->get(officer, "/console/");
  ASSERT_TRUE(home && home->status == 200);
  EXPECT_EQ(home->body.find("/console/audit"), std::string::npos);
  EXPECT_EQ(home->body.find("/console/users"), std::string::npos);

  // Each refusal is in the trail, by the officer, denied.
  std::map<std::string, int> denied;
  for (const auto& e : pages_->audit("user=" + pages_->id(Role::enrollment_officer)))
    if (e["outcome"] == "denied") ++denied[e["action"].get<std::string>()];
  EXPECT_GE(denied["read_audit"], 2);  // the page and the filter
  EXPECT_GE(denied["read_users"], 2);  // the users and the offices pages
  EXPECT_GE(denied["create_user"], 1);
  EXPECT_GE(denied["create_office"], 1);
}

TEST_F(ConsoleAdminTest, AnAuditorSeesTheTrailFiltersItAndPagesThroughIt) {
  const std::string auditor = pages_->sign_in(Role::auditor);
  ASSERT_FALSE(auditor.empty());
  auto home = pages_->get(auditor, "/console/");
  ASSERT_TRUE(home && home->status == 200);
  EXPECT_NE(home->body.find("href=\"/console/audit\""), std::string::npos);
  // Enough audited reads of the trail for more than one page.
  for (int i = 0; i < 55; ++i) ASSERT_EQ(pages_->get(auditor, "/console/audit")->status, 200);
  auto page = pages_->get(auditor, "/console/audit");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("aria-current=\"page\">Audit trail"), std::string::npos);
  EXPECT_NE(page->body.find("<table class=\"trail\">"), std::string::npos);
  EXPECT_NE(page->body.find("<td>read_audit</td>"), std::string::npos);
  EXPECT_NE(page->body.find("The chain is intact"), std::string::npos);
  EXPECT_EQ(count_of(page->body, "<tr><td>"), 50u);
  EXPECT_NE(page->body.find("Next page"), std::string::npos);

  // Filtered by the officer: only the officer's events.
  auto officer_page = pages_->get(pages_->sign_in(Role::enrollment_officer), "/console/audit");
  ASSERT_TRUE(officer_page);  // a refusal, so the officer has an event
  auto mine = pages_->post(auditor, "/console/audit",
                           {{"user", pages_->id(Role::enrollment_officer)},
                            {"action", "read_audit"},
                            {"from", "2020-01-01T00:00"}});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 200) << mine->body;
  EXPECT_EQ(mine->body.find("chain-title"), std::string::npos)
      << "the whole chain is checked when the page opens, not again for a filter";
  EXPECT_GE(count_of(mine->body, "<td>" + pages_->id(Role::enrollment_officer) + "</td>"), 1u);
  EXPECT_EQ(mine->body.find("<td>" + pages_->id(Role::auditor) + "</td>"), std::string::npos);
  EXPECT_NE(mine->body.find("value=\"read_audit\""), std::string::npos);  // kept in the form

  // The auditor's own reads, a page at a time, with the filter carried on.
  auto first = pages_->post(auditor, "/console/audit", {{"user", pages_->id(Role::auditor)}});
  ASSERT_TRUE(first && first->status == 200);
  EXPECT_EQ(count_of(first->body, "<tr><td>"), 50u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first->body, m, std::regex("name=\"after\" value=\"([0-9]+)\"")));
  const std::string after = m[1];
  auto second = pages_->post(auditor, "/console/audit",
                             {{"user", pages_->id(Role::auditor)}, {"after", after}});
  ASSERT_TRUE(second && second->status == 200);
  const std::size_t rows = count_of(second->body, "<tr><td>");
  EXPECT_GE(rows, 6u);
  std::regex seq("<tr><td>([0-9]+)</td>");
  for (auto it = std::sregex_iterator(second->body.begin(), second->body.end(), seq);
       it != std::sregex_iterator(); ++it)
    EXPECT_LT(std::stoull((*it)[1]), std::stoull(after));
}

TEST_F(ConsoleAdminTest, EveryBadFilterFieldIsNamedBesideItself) {
  const std::string auditor = pages_->sign_in(Role::auditor);
  auto r = pages_->post(auditor, "/console/audit",
                        {{"holder", "xyz"},
                         {"user", "a b"},
                         {"action", "Verify Card"},
                         {"from", "yesterday"},
                         {"to", "2026-01-01T00:00"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  for (const char* id : {"holder", "user", "action", "from"}) {
    EXPECT_NE(r->body.find("id=\"" + std::string(id) + "-error\""), std::string::npos) << id;
    EXPECT_TRUE(std::regex_search(r->body, std::regex("<input[^>]* name=\"" + std::string(id) +
                                                      "\"[^>]* aria-invalid=\"true\"")))
        << id << " is marked invalid";
  }
  EXPECT_NE(r->body.find("32 hexadecimal digits"), std::string::npos);
  EXPECT_EQ(r->body.find("id=\"to-error\""), std::string::npos);  // "to" alone is fine
  EXPECT_EQ(r->body.find("<table"), std::string::npos);
  EXPECT_NE(r->body.find("value=\"xyz\""), std::string::npos);  // as entered

  auto backwards = pages_->post(auditor, "/console/audit",
                                {{"from", "2026-02-01T00:00"}, {"to", "2026-01-01T00:00:00"}});
  ASSERT_TRUE(backwards);
  EXPECT_EQ(backwards->status, 400);
  EXPECT_NE(backwards->body.find("id=\"to-error\">Must be later than the start."),
            std::string::npos);
  // A form without the session's token is refused.
  auto forged = pages_->client().Post("/console/audit", {{"Cookie", auditor}}, "user=x",
                                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
}

TEST_F(ConsoleAdminTest, AnAdministratorCreatesAUserWhoCanSignIn) {
  const std::string admin = pages_->sign_in(Role::administrator);
  ASSERT_FALSE(admin.empty());
  auto list = pages_->get(admin, "/console/users");
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_NE(list->body.find("<td>" + ConsolePages::username(Role::auditor) + "</td>"),
            std::string::npos);
  EXPECT_NE(list->body.find("<select id=\"role\""), std::string::npos);
  EXPECT_EQ(list->body.find("value=\"holder\""), std::string::npos);  // holders have no account

  auto made = pages_->post(admin, "/console/users",
                           {{"username", "new.clerk"},
                            {"password", "clerk-password-1"},
                            {"role", "enrollment_officer"},
                            {"office_id", ""}});
  ASSERT_TRUE(made);
  EXPECT_EQ(made->status, 200) << made->body;
  EXPECT_NE(made->body.find("role=\"status\">User new.clerk was created."), std::string::npos);
  EXPECT_NE(made->body.find("<td>new.clerk</td><td>Enrollment officer</td>"), std::string::npos);
  EXPECT_FALSE(pages_->sign_in("new.clerk", "clerk-password-1").empty());

  // The same name again is taken.
  auto again = pages_->post(admin, "/console/users",
                            {{"username", "new.clerk"},
                             {"password", "clerk-password-2"},
                             {"role", "auditor"},
                             {"office_id", ""}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 400);
  EXPECT_NE(again->body.find("id=\"username-error\">This username is taken."), std::string::npos);
  EXPECT_TRUE(pages_->sign_in("new.clerk", "clerk-password-2").empty());
}

TEST_F(ConsoleAdminTest, ABadUserFieldShowsItsErrorAndCreatesNothing) {
  const std::string admin = pages_->sign_in(Role::administrator);
  struct Case {
    std::string username, password, role, office, field;
  } cases[] = {
      {"bad name!", "long-enough-password", "auditor", "", "username"},
      {"short.pw", "short", "auditor", "", "password"},
      {"holder.pw", "long-enough-password", "holder", "", "role"},
      {"no.office", "long-enough-password", "auditor", "00000000000000000000000000000000",
       "office_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    auto r = pages_->post(admin, "/console/users",
                          {{"username", c.username},
                           {"password", c.password},
                           {"role", c.role},
                           {"office_id", c.office}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(r->body.find("id=\"" + c.field + "-error\""), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("aria-describedby=\"" +
                           std::string(c.field == "username"   ? "username-hint username-error"
                                       : c.field == "password" ? "password-hint password-error"
                                                               : c.field + "-error") +
                           "\" aria-invalid=\"true\""),
              std::string::npos);
    EXPECT_EQ(r->body.find("clerk-password"), std::string::npos);  // no password shown back
    EXPECT_EQ(r->body.find("<td>" + c.username + "</td>"), std::string::npos);
    EXPECT_TRUE(pages_->sign_in(c.username, c.password).empty());
  }
}

TEST_F(ConsoleAdminTest, DisablingSignsTheUserOutAndEnablingLetsThemBackIn) {
  const std::string admin = pages_->sign_in(Role::administrator);
  ASSERT_EQ(pages_
                ->post(admin, "/console/users",
                       {{"username", "temp.clerk"},
                        {"password", "temp-password-1"},
                        {"role", "field_officer"},
                        {"office_id", ""}})
                ->status,
            200);
  const std::string clerk = pages_->sign_in("temp.clerk", "temp-password-1");
  ASSERT_FALSE(clerk.empty());
  ASSERT_EQ(pages_->get(clerk, "/verify/")->status, 200);

  auto off =
      pages_->post(admin, "/console/users/state", {{"username", "temp.clerk"}, {"disabled", "1"}});
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 200) << off->body;
  EXPECT_NE(off->body.find("temp.clerk is disabled"), std::string::npos);
  EXPECT_NE(off->body.find("Enable temp.clerk"), std::string::npos);
  auto gone = pages_->get(clerk, "/verify/");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 303);
  EXPECT_TRUE(pages_->sign_in("temp.clerk", "temp-password-1").empty());

  auto on =
      pages_->post(admin, "/console/users/state", {{"username", "temp.clerk"}, {"disabled", "0"}});
  ASSERT_TRUE(on);
  EXPECT_EQ(on->status, 200);
  EXPECT_NE(on->body.find("Disable temp.clerk"), std::string::npos);
  EXPECT_FALSE(pages_->sign_in("temp.clerk", "temp-password-1").empty());

  // Not one's own account; not an unknown one; not as an auditor.
  auto self =
      pages_->post(admin, "/console/users/state",
                   {{"username", ConsolePages::username(Role::administrator)}, {"disabled", "1"}});
  ASSERT_TRUE(self);
  EXPECT_EQ(self->status, 409);
  EXPECT_NE(self->body.find("You cannot disable your own account."), std::string::npos);
  EXPECT_EQ(pages_->post(admin, "/console/users/state", {{"username", "nobody"}, {"disabled", "1"}})
                ->status,
            404);
  const std::string auditor = pages_->sign_in(Role::auditor);
  auto read_only = pages_->get(auditor, "/console/users");
  ASSERT_TRUE(read_only && read_only->status == 200);
  EXPECT_NE(read_only->body.find("<td>temp.clerk</td>"), std::string::npos);
  EXPECT_EQ(read_only->body.find("action=\"/console/users"), std::string::npos);
  EXPECT_EQ(
      pages_->post(auditor, "/console/users/state", {{"username", "temp.clerk"}, {"disabled", "1"}})
          ->status,
      403);
  EXPECT_FALSE(pages_->sign_in("temp.clerk", "temp-password-1").empty());
}

TEST_F(ConsoleAdminTest, AnAdministratorCreatesAnOfficeAndEachBadFieldIsNamed) {
  const std::string admin = pages_->sign_in(Role::administrator);
  auto bad = pages_->post(admin, "/console/offices",
                          {{"name", "Bad Office"},
                           {"address", "1 Main St"},
                           {"time_zone", "Mars/Olympus"},
                           {"phone", "call us"},
                           {"hours_mon", "9 to 5"},
                           {"hours_tue", "16:00-09:00"},
                           {"slot_minutes", "abc"},
                           {"slot_capacity", "0"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  for (const char* id :
       {"time_zone", "phone", "hours_mon", "hours_tue", "slot_minutes", "slot_capacity"})
    EXPECT_NE(bad->body.find("id=\"" + std::string(id) + "-error\""), std::string::npos) << id;
  EXPECT_EQ(bad->body.find("id=\"name-error\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"Mars/Olympus\""), std::string::npos);
  EXPECT_EQ(bad->body.find("<td>Bad Office</td>"), std::string::npos);

  auto made = pages_->post(admin, "/console/offices",
                           {{"name", "Chicago Field Office"},
                            {"address", "101 W Congress Pkwy"},
                            {"time_zone", "America/Chicago"},
                            {"phone", "+1 312 555 0100"},
                            {"hours_mon", "09:00-16:00"},
                            {"hours_wed", "10:00-14:00"},
                            {"slot_minutes", "20"},
                            {"slot_capacity", "3"}});
  ASSERT_TRUE(made);
  EXPECT_EQ(made->status, 200) << made->body;
  EXPECT_NE(made->body.find("Office Chicago Field Office was created."), std::string::npos);
  EXPECT_NE(made->body.find(
                "<td>Chicago Field Office</td><td>101 W Congress Pkwy</td>"
                "<td>America/Chicago</td><td>+1 312 555 0100</td>"
                "<td class=\"hours\">Mon 09:00-16:00<br>Wed 10:00-14:00</td><td>20</td><td>3</td>"),
            std::string::npos)
      << made->body;
  auto taken = pages_->post(admin, "/console/offices",
                            {{"name", "Chicago Field Office"},
                             {"time_zone", "America/Chicago"},
                             {"slot_minutes", "30"},
                             {"slot_capacity", "1"}});
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->status, 400);
  EXPECT_NE(taken->body.find("id=\"name-error\">An office has this name."), std::string::npos);

  // The new office is offered to new users; auditors read the list only.
  auto users = pages_->get(admin, "/console/users");
  ASSERT_TRUE(users);
  EXPECT_NE(users->body.find(">Chicago Field Office</option>"), std::string::npos);
  const std::string auditor = pages_->sign_in(Role::auditor);
  auto read_only = pages_->get(auditor, "/console/offices");
  ASSERT_TRUE(read_only && read_only->status == 200);
  EXPECT_NE(read_only->body.find("<td>Chicago Field Office</td>"), std::string::npos);
  EXPECT_EQ(read_only->body.find("action=\"/console/offices\""), std::string::npos);
}

// A folder of its own: its trail is altered.
TEST(ConsoleAuditChain, AnAlteredRecordIsReportedWithItsSeq) {
  sdc::test::TestWorld world;
  sdc::test::TestServer served;
  const fs::path dir =
      fs::temp_directory_path() / ("sdc-console-chain-test-" + std::to_string(::getpid()));
  ASSERT_EQ(served.start(world, dir), "");
  ASSERT_TRUE(served.server().add_user("chain-auditor", "chain-auditor-pw", Role::auditor));
  auto login =
      served.client().Post("/console/login", "username=chain-auditor&password=chain-auditor-pw",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(login && login->status == 303);
  std::string cookie = login->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(served.client().Get("/console/audit", {{"Cookie", cookie}})->status, 200);
  auto before = served.client().Get("/console/audit", {{"Cookie", cookie}});
  ASSERT_TRUE(before);
  EXPECT_NE(before->body.find("The chain is intact"), std::string::npos) << before->body;
  EXPECT_NE(before->body.find("<dt>Records</dt><dd>3</dd>"), std::string::npos) << before->body;

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "registry.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2",
                              nullptr, nullptr, &msg);
  EXPECT_EQ(rc, SQLITE_OK) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);

  auto after = served.client().Get("/console/audit", {{"Cookie", cookie}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_NE(after->body.find("The chain is broken"), std::string::npos) << after->body;
  EXPECT_NE(after->body.find("<dt>First bad record</dt><dd>2</dd>"), std::string::npos)
      << after->body;
  served.stop();
}

}  // namespace
