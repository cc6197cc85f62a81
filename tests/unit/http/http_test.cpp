// sdcd over HTTP: the server runs in-process on an ephemeral loopback port
// over a temporary SQLite data folder; requests go through httplib::Client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/accounts.h"
#include "sdc/bytes.h"
#include "sdc/file.h"
#include "sdc/http/server.h"
#include "sdc/status_list.h"
#include "sdc/trust.h"
#include "sdc/verify.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using sdc::registry::Action;
using sdc::registry::Role;

constexpr Role kRoles[] = {Role::administrator, Role::enrollment_officer,
                           Role::field_officer, Role::checkpoint_screener,
                           Role::auditor,       Role::kiosk};

std::string password_for(Role r) {
  return std::string("pw-") + sdc::registry::to_string(r) + "-123";
}

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sdc-http-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    sdc::http::InitOptions io;
    io.data_dir = dir_;
    io.config.base_url = "http://127.0.0.1:1";
    io.config.status_list_size = 1024;
    auto init = sdc::http::init_data_dir(io);
    ASSERT_TRUE(init) << init.error().message;
    admin_password_ = init->admin_password;

    sdc::http::ServeOptions so;
    so.data_dir = dir_;
    so.overrides.threads = 4;
    so.log_requests = false;
    auto yaml = sdc::read_file(fs::path(__FILE__).parent_path() / "../../../docs/openapi.yaml");
    so.openapi_yaml = yaml ? *yaml : std::string();
    auto server = sdc::http::Server::open(so);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    auto port = server_->bind("127.0.0.1", 0);
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    thread_ = new std::thread([] { server_->run(); });
    for (Role r : kRoles) {
      std::string name = std::string("t-") + sdc::registry::to_string(r);
      auto u = server_->add_user(name, password_for(r), r);
      ASSERT_TRUE(u) << u.error().message;
      auto res =
          client().Post("/v1/login", json{{"username", name}, {"password", password_for(r)}}.dump(),
                        "application/json");
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 200) << res->body;
      tokens_[r] = json::parse(res->body)["token"].get<std::string>();
    }
  }

  static void TearDownTestSuite() {
    if (server_) server_->stop();
    if (thread_) {
      thread_->join();
      delete thread_;
      thread_ = nullptr;
    }
    server_.reset();
    fs::remove_all(dir_);
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }

  static httplib::Headers auth(Role r) { return {{"Authorization", "Bearer " + tokens_[r]}}; }

  static httplib::Result post(Role r, const std::string& path, const json& body) {
    return client().Post(path, auth(r), body.dump(), "application/json");
  }
  static httplib::Result get(Role r, const std::string& path) {
    return client().Get(path, auth(r));
  }

  static json holder_body(const std::string& a_number) {
    return {{"a_number", a_number},
            {"family_name", "ERIKSSON"},
            {"given_names", "ANNA"},
            {"date_of_birth", "1974-08-12"},
            {"sex", "F"},
            {"nationality", "UTO"},
            {"portrait_base64", sdc::base64_encode(sdc::Bytes{0xFF, 0xD8, 0xFF, 0xE0, 1, 2})},
            {"contact", "12 Harbour Road"},
            {"language", "sv"}};
  }

  static int next_a_number() { return ++a_counter_; }
  static std::string fresh_a_number() {
    char buf[16];
    std::snprintf(buf, sizeof buf, "A301%05d", next_a_number());
    return buf;
  }

  // Enrolls a holder as the officer; returns its id.
  static std::string enroll() {
    auto res = post(Role::enrollment_officer, "/v1/holders", holder_body(fresh_a_number()));
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body)["id"].get<std::string>();
  }
  // Issues a card as the officer; returns the response body.
  static json issue(const std::string& holder_id) {
    auto res =
        post(Role::enrollment_officer, "/v1/holders/" + holder_id + "/cards", json::object());
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body);
  }

  static inline fs::path dir_;
  static inline std::string admin_password_;
  static inline std::unique_ptr<sdc::http::Server> server_;
  static inline std::thread* thread_ = nullptr;
  static inline int port_ = 0;
  static inline std::map<Role, std::string> tokens_;
  static inline int a_counter_ = 0;
};

TEST_F(HttpTest, HealthOpenapiMetricsTrust) {
  auto h = client().Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  auto o = client().Get("/openapi.yaml");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, 200);
  EXPECT_NE(o->body.find("openapi: 3.0"), std::string::npos);
  auto root = client().Get("/trust/root.pem");
  ASSERT_TRUE(root);
  EXPECT_NE(root->body.find("BEGIN CERTIFICATE"), std::string::npos);
  auto m = client().Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(
      m->body.find("sdcd_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
      std::string::npos)
      << m->body;
}

TEST_F(HttpTest, LoginOkBadAndThrottled) {
  auto ok =
      client().Post("/v1/login", json{{"username", "admin"}, {"password", admin_password_}}.dump(),
                    "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto j = json::parse(ok->body);
  EXPECT_EQ(j["token"].get<std::string>().size(), 64u);
  EXPECT_TRUE(j.contains("expires_at"));

  ASSERT_TRUE(server_->add_user("victim", "correct-horse-battery", Role::kiosk));
  for (int i = 0; i < 5; ++i) {
    auto bad =
        client().Post("/v1/login", json{{"username", "victim"}, {"password", "wrong-guess"}}.dump(),
                      "application/json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401);
    EXPECT_EQ(bad->get_header_value("Content-Type"), "application/problem+json");
  }
  auto locked = client().Post(
      "/v1/login", json{{"username", "victim"}, {"password", "correct-horse-battery"}}.dump(),
      "application/json");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);

  auto missing = client().Post("/v1/login", json{{"username", "x"}}.dump(), "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(json::parse(missing->body)["errors"][0]["field"], "password");
}

TEST_F(HttpTest, TokensRequiredAndLogoutRevokes) {
  auto none = client().Get("/v1/holders/00000000000000000000000000000000");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto bogus = client().Get("/v1/holders/00000000000000000000000000000000",
                            {{"Authorization", "Bearer deadbeef"}});
  ASSERT_TRUE(bogus);
  EXPECT_EQ(bogus->status, 401);

  ASSERT_TRUE(server_->add_user("leaver", "leaver-password-1", Role::auditor));
  auto in = client().Post("/v1/login",
                          json{{"username", "leaver"}, {"password", "leaver-password-1"}}.dump(),
                          "application/json");
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200);
  httplib::Headers h{
      {"Authorization", "Bearer " + json::parse(in->body)["token"].get<std::string>()}};
  auto out = client().Post("/v1/logout", h, "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  auto after = client().Get("/v1/holders/00000000000000000000000000000000", h);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(HttpTest, RoleEndpointMatrix) {
  std::string barcode = issue(enroll())["issued"]["barcode"].get<std::string>();
  int user_counter = 0;
  for (Role r : kRoles) {
    SCOPED_TRACE(sdc::registry::to_string(r));
    std::string h1 = enroll();
    std::string doc1 = issue(h1)["document_number"].get<std::string>();
    std::string h2 = enroll();
    std::string doc2 = issue(h2)["document_number"].get<std::string>();
    std::string h3 = enroll();

    auto expect = [&](Action a, const httplib::Result& res, const char* what) {
      ASSERT_TRUE(res) << what;
      if (sdc::registry::allowed(r, a)) {
        EXPECT_GE(res->status, 200) << what << " " << res->body;
        EXPECT_LT(res->status, 300) << what << " " << res->body;
      } else {
        EXPECT_EQ(res->status, 403) << what << " " << res->body;
      }
    };
    expect(Action::enroll_holder, post(r, "/v1/holders", holder_body(fresh_a_number())), "enroll");
    expect(Action::read_holder_name, get(r, "/v1/holders/" + h1), "get holder");
    expect(Action::find_by_a_number, get(r, "/v1/holders?a_number=A301-00001"), "find a_number");
    expect(Action::find_by_name,
           get(r, "/v1/holders?family_name=eriksson&date_of_birth=1974-08-12"), "find name");
    auto patch = client().Patch("/v1/holders/" + h1, auth(r), json{{"contact", "new"}}.dump(),
                                "application/json");
    expect(Action::correct_holder, patch, "patch");
    expect(Action::issue_card, post(r, "/v1/holders/" + h3 + "/cards", json::object()), "issue");
    expect(Action::suspend_card, post(r, "/v1/cards/" + doc1 + "/suspend", {{"reason", "check"}}),
           "suspend");
    expect(Action::lift_suspension,
           post(r, "/v1/cards/" + doc1 + "/lift-suspension", {{"reason", "ok"}}), "lift");
    expect(Action::revoke_card, post(r, "/v1/cards/" + doc1 + "/revoke", {{"reason", "test"}}),
           "revoke");
    expect(Action::reissue_card, post(r, "/v1/cards/" + doc2 + "/reissue", {{"reason", "lost"}}),
           "reissue");
    expect(Action::read_case_status, get(r, "/v1/holders/" + h2 + "/case-status"), "case get");
    expect(Action::read_case_status, get(r, "/v1/holders/" + h2 + "/case-status/history"),
           "case history");
    auto put = client().Put(
        "/v1/holders/" + h2 + "/case-status", auth(r),
        json{{"status", "no_final_order"}, {"effective_date", "2026-01-31"}, {"reason", "hearing"}}
            .dump(),
        "application/json");
    expect(Action::set_case_status, put, "case put");
    expect(Action::verify_card, post(r, "/v1/verify", {{"barcode", barcode}}), "verify");
    expect(Action::manage_users,
           post(r, "/v1/users",
                {{"username", "made-" + std::to_string(++user_counter)},
                 {"password", "a-long-password"},
                 {"role", "kiosk"}}),
           "users");
    expect(Action::read_audit, get(r, "/v1/audit?holder=" + h1 + "&limit=5"), "audit");
    // ---- accounts and offices ----
    expect(Action::read_users, get(r, "/v1/users"), "list users");
    std::string target = "matrix-target-" + std::to_string(user_counter);
    ASSERT_TRUE(server_->add_user(target, "a-long-password", Role::kiosk));
    auto disable = client().Patch("/v1/users/" + target, auth(r), json{{"disabled", true}}.dump(),
                                  "application/json");
    expect(Action::manage_users, disable, "disable user");
    auto offices = get(r, "/v1/offices");
    ASSERT_TRUE(offices);
    EXPECT_EQ(offices->status, 200) << "list offices " << offices->body;  // every role
    // Offices are administered like users (DESIGN.md: users, roles, offices, keys).
    expect(Action::manage_users,
           post(r, "/v1/offices",
                {{"name", "Matrix Office " + std::to_string(user_counter)},
                 {"address", "1 Test Road"},
                 {"time_zone", "America/Chicago"},
                 {"phone", "+1 555 0100"}}),
           "create office");
    // ---- end of accounts and offices ----
  }
}

// ---- audit trail (auditors) ----

TEST_F(HttpTest, AuditorsPageThroughAHoldersTrail) {
  std::string h = enroll();
  for (int i = 0; i < 3; ++i) {
    auto read = get(Role::field_officer, "/v1/holders/" + h);
    ASSERT_TRUE(read);
    ASSERT_EQ(read->status, 200) << read->body;
  }
  auto denied = get(Role::checkpoint_screener, "/v1/holders/" + h + "/case-status");
  ASSERT_TRUE(denied);
  ASSERT_EQ(denied->status, 403);

  auto page1 = get(Role::auditor, "/v1/audit?holder=" + h + "&order=oldest&limit=3");
  ASSERT_TRUE(page1);
  ASSERT_EQ(page1->status, 200) << page1->body;
  auto j1 = json::parse(page1->body);
  ASSERT_EQ(j1["events"].size(), 3u);
  EXPECT_EQ(j1["events"][0]["action"], "enroll_holder");
  EXPECT_EQ(j1["events"][1]["action"], "read_holder_name");
  EXPECT_EQ(j1["events"][1]["role"], "field_officer");
  EXPECT_EQ(j1["events"][1]["outcome"], "ok");
  EXPECT_TRUE(j1["events"][1].contains("at"));
  EXPECT_TRUE(j1["events"][1].contains("user"));
  ASSERT_TRUE(j1["next_after"].is_number());

  auto page2 = get(Role::auditor, "/v1/audit?holder=" + h + "&order=oldest&limit=3&after=" +
                                      std::to_string(j1["next_after"].get<std::uint64_t>()));
  ASSERT_TRUE(page2);
  ASSERT_EQ(page2->status, 200) << page2->body;
  auto j2 = json::parse(page2->body);
  // The rest: the third read, the refusal, and the auditor's first query.
  ASSERT_EQ(j2["events"].size(), 3u);
  EXPECT_EQ(j2["events"][1]["outcome"], "denied");
  EXPECT_EQ(j2["events"][1]["role"], "checkpoint_screener");
  EXPECT_EQ(j2["events"][2]["action"], "read_audit");
  EXPECT_EQ(j2["events"][2]["role"], "auditor");

  // Newest first by default, by user and time.
  auto mine = get(Role::auditor, "/v1/audit?holder=" + h + "&limit=1");
  ASSERT_TRUE(mine);
  auto jm = json::parse(mine->body);
  ASSERT_EQ(jm["events"].size(), 1u);
  EXPECT_EQ(jm["events"][0]["action"], "read_audit");
  std::string user = jm["events"][0]["user"].get<std::string>();
  auto by_user = get(Role::auditor, "/v1/audit?user=" + user + "&from=2000-01-01T00:00:00Z");
  ASSERT_TRUE(by_user);
  ASSERT_EQ(by_user->status, 200) << by_user->body;
  const json by_user_json = json::parse(by_user->body);
  const json& events = by_user_json["events"];
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) EXPECT_EQ(e["user"], user);
}

TEST_F(HttpTest, AuditQueryParametersAreChecked) {
  const std::pair<const char*, const char*> cases[] = {
      {"holder=xyz", "holder"},
      {"from=yesterday", "from"},
      {"from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"},
      {"after=-1", "after"},
      {"limit=0", "limit"},
      {"limit=5000", "limit"},
      {"order=sideways", "order"},
      {"colour=blue", "colour"},
  };
  for (const auto& [query, field] : cases) {
    SCOPED_TRACE(query);
    auto res = get(Role::auditor, std::string("/v1/audit?") + query);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
    auto j = json::parse(res->body);
    ASSERT_TRUE(j.contains("errors")) << res->body;
    EXPECT_EQ(j["errors"][0]["field"], field) << res->body;
  }
  auto wrong_role = get(Role::administrator, "/v1/audit?holder=xyz");
  ASSERT_TRUE(wrong_role);
  EXPECT_EQ(wrong_role->status, 403);
}

// ---- end of audit trail ----

// ---- accounts and offices ----

std::string login_token(int port, const std::string& username, const std::string& password,
                        int expect_status = 200) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Post("/v1/login", json{{"username", username}, {"password", password}}.dump(),
                    "application/json");
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, expect_status) << res->body;
  if (res->status != 200) return {};
  return json::parse(res->body)["token"].get<std::string>();
}

int status_with(int port, const std::string& token) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get("/v1/offices", {{"Authorization", "Bearer " + token}});
  return res ? res->status : -1;
}

TEST_F(HttpTest, UsersAreListedWithoutPasswordHashes) {
  auto res = get(Role::administrator, "/v1/users");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto j = json::parse(res->body);
  bool found_admin = false;
  for (const auto& u : j["users"]) {
    EXPECT_FALSE(u.contains("password_hash"));
    EXPECT_TRUE(u.contains("role"));
    EXPECT_TRUE(u.contains("disabled"));
    if (u["username"] == "admin") {
      found_admin = true;
      EXPECT_EQ(u["role"], "administrator");
    }
  }
  EXPECT_TRUE(found_admin) << res->body;
  EXPECT_EQ(res->body.find("argon2"), std::string::npos);
  EXPECT_EQ(res->body.find("password"), std::string::npos);
}

TEST_F(HttpTest, CreatingAUserChecksFieldsAndRefusesATakenName) {
  auto taken = post(Role::administrator, "/v1/users",
                    {{"username", "admin"}, {"password", "a-long-password"}, {"role", "kiosk"}});
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->status, 409) << taken->body;
  auto short_pw = post(Role::administrator, "/v1/users",
                       {{"username", "shorty"}, {"password", "short"}, {"role", "kiosk"}});
  ASSERT_TRUE(short_pw);
  EXPECT_EQ(short_pw->status, 400);
  EXPECT_EQ(json::parse(short_pw->body)["errors"][0]["field"], "password") << short_pw->body;
  auto bad_name =
      post(Role::administrator, "/v1/users",
           {{"username", "no spaces"}, {"password", "a-long-password"}, {"role", "kiosk"}});
  ASSERT_TRUE(bad_name);
  EXPECT_EQ(bad_name->status, 400);
  EXPECT_EQ(json::parse(bad_name->body)["errors"][0]["field"], "username") << bad_name->body;
}

TEST_F(HttpTest, DisablingAUserEndsTheirSessionsAndLogins) {
  ASSERT_TRUE(server_->add_user("to-disable", "to-disable-password", Role::field_officer));
  std::string token = login_token(port_, "to-disable", "to-disable-password");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(status_with(port_, token), 200);

  auto patch = [&](const std::string& who, const json& body) {
    return client().Patch("/v1/users/" + who, auth(Role::administrator), body.dump(),
                          "application/json");
  };
  auto off = patch("to-disable", {{"disabled", true}});
  ASSERT_TRUE(off);
  ASSERT_EQ(off->status, 200) << off->body;
  EXPECT_EQ(json::parse(off->body)["disabled"], true);
  EXPECT_EQ(status_with(port_, token), 401);
  login_token(port_, "to-disable", "to-disable-password", 401);

  auto on = patch("to-disable", {{"disabled", false}});
  ASSERT_TRUE(on);
  ASSERT_EQ(on->status, 200) << on->body;
  EXPECT_EQ(status_with(port_, token), 401);  // revoked sessions stay revoked
  std::string again = login_token(port_, "to-disable", "to-disable-password");
  EXPECT_EQ(status_with(port_, again), 200);

  auto unknown = patch("nobody-here", {{"disabled", true}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto bad = patch("to-disable", {{"disabled", "yes"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["errors"][0]["field"], "disabled");
  auto extra = patch("to-disable", {{"disabled", true}, {"role", "administrator"}});
  ASSERT_TRUE(extra);
  EXPECT_EQ(extra->status, 400);
  EXPECT_EQ(json::parse(extra->body)["errors"][0]["field"], "role");
  auto self = patch("t-administrator", {{"disabled", true}});
  ASSERT_TRUE(self);
  EXPECT_EQ(self->status, 409) << self->body;
  EXPECT_EQ(status_with(port_, tokens_[Role::administrator]), 200);
}

TEST_F(HttpTest, OfficesAreCheckedStoredAndListed) {
  json office = {{"name", "Specimen Field Office Test"},
                 {"address", "4 Harbour Road"},
                 {"time_zone", "America/Los_Angeles"},
                 {"phone", "+1 (213) 555-0199"}};
  auto made = post(Role::administrator, "/v1/offices", office);
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  std::string id = json::parse(made->body)["id"].get<std::string>();

  auto dup = post(Role::administrator, "/v1/offices", office);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);

  const std::pair<const char*, const char*> bad[] = {{"time_zone", "Mars/Olympus_Mons"},
                                                     {"time_zone", "../../etc/passwd"},
                                                     {"phone", "call me"},
                                                     {"name", ""}};
  for (const auto& [field, value] : bad) {
    SCOPED_TRACE(value);
    json b = office;
    b["name"] = std::string("Another ") + value;
    b[field] = value;
    auto res = post(Role::administrator, "/v1/offices", b);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_EQ(json::parse(res->body)["errors"][0]["field"], field) << res->body;
  }

  auto list = get(Role::kiosk, "/v1/offices");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  bool found = false;
  const json listed = json::parse(list->body);
  for (const auto& o : listed["offices"]) {
    if (o["id"] != id) continue;
    found = true;
    EXPECT_EQ(o["name"], office["name"]);
    EXPECT_EQ(o["time_zone"], "America/Los_Angeles");
    EXPECT_EQ(o["phone"], office["phone"]);
  }
  EXPECT_TRUE(found) << list->body;
  auto none = client().Get("/v1/offices");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
}

// Two servers on one database act as one service: a token from one works
// on the other, a logout on one ends it on both, and failed logins on both
// add up to one lockout.
TEST_F(HttpTest, TwoServersShareSessionsAndThrottling) {
  sdc::http::ServeOptions so;
  so.data_dir = dir_;
  so.overrides.threads = 2;
  so.log_requests = false;
  auto second = sdc::http::Server::open(so);
  ASSERT_TRUE(second) << second.error().message;
  auto port2 = (*second)->bind("127.0.0.1", 0);
  ASSERT_TRUE(port2);
  std::thread t([&] { (*second)->run(); });
  struct Stop {
    sdc::http::Server& s;
    std::thread& t;
    ~Stop() {
      s.stop();
      t.join();
    }
  } stop{**second, t};

  ASSERT_TRUE(server_->add_user("roamer", "roamer-password-1", Role::kiosk));
  std::string token = login_token(*port2, "roamer", "roamer-password-1");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(status_with(port_, token), 200);
  EXPECT_EQ(status_with(*port2, token), 200);
  httplib::Client c2("127.0.0.1", *port2);
  auto out = c2.Post("/v1/logout", {{"Authorization", "Bearer " + token}}, "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  // At once where the logout happened; on the other server once its
  // remembered answer is older than Accounts::kSessionRecheck.
  EXPECT_EQ(status_with(*port2, token), 401);
  std::this_thread::sleep_for(sdc::http::Accounts::kSessionRecheck +
                              std::chrono::milliseconds(200));
  EXPECT_EQ(status_with(port_, token), 401);

  ASSERT_TRUE(server_->add_user("guessed", "guessed-password-1", Role::kiosk));
  for (int i = 0; i < 5; ++i) login_token(i % 2 ? port_ : *port2, "guessed", "wrong-guess", 401);
  login_token(port_, "guessed", "guessed-password-1", 429);
  login_token(*port2, "guessed", "guessed-password-1", 429);
}

// ---- end of accounts and offices ----

TEST_F(HttpTest, VerifyDisclosesByRole) {
  std::string h = enroll();
  auto put = client().Put(
      "/v1/holders/" + h + "/case-status", auth(Role::enrollment_officer),
      json{{"status", "final_order_of_removal"}, {"effective_date", "2026-01-31"}}.dump(),
      "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  std::string barcode = issue(h)["issued"]["barcode"].get<std::string>();

  auto s = post(Role::checkpoint_screener, "/v1/verify", {{"barcode", barcode}});
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 200) << s->body;
  auto sj = json::parse(s->body);
  EXPECT_EQ(sj["result"], "VALID");
  EXPECT_EQ(sj["holder"]["family_name"], "ERIKSSON");
  EXPECT_FALSE(sj["holder"].contains("a_number"));
  EXPECT_FALSE(sj.contains("case_status"));
  EXPECT_EQ(s->body.find("final_order"), std::string::npos);

  auto f = post(Role::field_officer, "/v1/verify", {{"barcode", barcode}});
  ASSERT_TRUE(f);
  ASSERT_EQ(f->status, 200) << f->body;
  auto fj = json::parse(f->body);
  EXPECT_EQ(fj["result"], "VALID");
  EXPECT_TRUE(fj["holder"].contains("a_number"));
  ASSERT_TRUE(fj.contains("case_status"));
  EXPECT_EQ(fj["case_status"]["status"], "final_order_of_removal");

  auto m = client().Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("sdcd_verifications_total{result=\"VALID\"}"), std::string::npos);
}

TEST_F(HttpTest, InvalidEnrollmentNamesTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"a_number", "12"}, {"date_of_birth", "1974-13-45"}, {"sex", "Q"}, {"nationality", "123"}};
  for (const auto& [field, value] : cases) {
    SCOPED_TRACE(field);
    auto body = holder_body(fresh_a_number());
    body[field] = value;
    auto res = post(Role::enrollment_officer, "/v1/holders", body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
    auto j = json::parse(res->body);
    EXPECT_EQ(j["status"], 400);
    ASSERT_TRUE(j.contains("errors")) << res->body;
    EXPECT_EQ(j["errors"][0]["field"], field) << res->body;
  }
}

TEST_F(HttpTest, UnknownIdsAre404) {
  auto h = get(Role::enrollment_officer, "/v1/holders/0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 404);
  auto c = post(Role::enrollment_officer, "/v1/cards/ZZZZZZZZZ/revoke", {{"reason", "x"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 404);
  auto r = get(Role::enrollment_officer, "/v1/no-such-route");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(HttpTest, OversizedBodyIs413) {
  std::string big(std::size_t{1} << 21, 'a');
  auto res = client().Post("/v1/holders", auth(Role::enrollment_officer), big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

TEST_F(HttpTest, RevokedCardIsRevokedOfflineAndEtagWorks) {
  auto card = issue(enroll());
  std::string doc = card["document_number"].get<std::string>();
  std::string barcode = card["issued"]["barcode"].get<std::string>();
  auto rv = post(Role::enrollment_officer, "/v1/cards/" + doc + "/revoke", {{"reason", "test"}});
  ASSERT_TRUE(rv);
  ASSERT_EQ(rv->status, 200) << rv->body;

  auto list = client().Get("/status/validity");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(list->get_header_value("Content-Type"), "application/statuslist+cwt");
  EXPECT_EQ(list->get_header_value("Cache-Control"), "public, max-age=3600");
  std::string etag = list->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = client().Get("/status/validity", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);

  auto root = client().Get("/trust/root.pem");
  auto signers = client().Get("/trust/signers.pem");
  ASSERT_TRUE(root && signers);
  auto trust = sdc::TrustStore::from_pem(root->body, signers->body);
  ASSERT_TRUE(trust) << trust.error().message;
  auto token = sdc::load_status_list_token(sdc::as_bytes(list->body), *trust);
  ASSERT_TRUE(token) << token.error().message;
  sdc::StatusListCache cache;
  cache.offer(std::move(*token));
  auto v = sdc::verify_barcode(barcode, *trust, &cache, std::time(nullptr));
  EXPECT_EQ(v.result, sdc::VerifyResult::revoked) << v.detail;
}

}  // namespace
