// sdcd over HTTP: the server runs in-process on an ephemeral loopback port
// over a temporary SQLite data folder; requests go through httplib::Client.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "sdc/barcode/barcode.h"
#include "sdc/card/portrait.h"
#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"
#include "sdc/credential/verify.h"
#include "sdc/http/server.h"
#include "sdc/image/image.h"
#include "sdc/registry/accounts.h"
#include "sdc/registry/offices.h"
#include "sdc/util/bytes.h"
#include "sdc/util/file.h"
#include "support/test_world.h"

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
    io.clock = &world_.clock;
    io.random = &world_.random;
    auto init = sdc::http::init_data_dir(io);
    ASSERT_TRUE(init) << init.error().message;
    admin_password_ = init->admin_password;

    sdc::http::ServeOptions so;
    so.data_dir = dir_;
    so.overrides.threads = 4;
    so.log_requests = false;
    so.clock = &world_.clock;
    so.random = &world_.random;
    so.time_zones = &world_.zones;
    auto yaml = sdc::read_file(fs::path(SDC_SOURCE_DIR) / "docs/openapi.yaml");
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

  static inline sdc::test::TestWorld world_;
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
    auto office = server_->add_office("Matrix Office Target " + std::to_string(user_counter), "",
                                      "America/Chicago", "");
    ASSERT_TRUE(office) << office.error().message;
    auto one = get(r, "/v1/offices/" + office->id);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->status, 200) << "get office " << one->body;  // every role
    auto change = client().Patch("/v1/offices/" + office->id, auth(r),
                                 json{{"phone", "+1 555 0199"}}.dump(), "application/json");
    expect(Action::manage_users, change, "change office");
    expect(Action::manage_users, client().Delete("/v1/offices/" + office->id, auth(r)),
           "delete office");
    // ---- end of accounts and offices ----
    // ---- hearings ----
    const std::string calendar =
        "a_number,hearing_id,starts_at,time_zone,court_name,hearing_type\n"
        "A301-99998,M-1,2026-09-01T09:00,America/New_York,New York,master\n";
    expect(Action::import_hearings,
           client().Post("/v1/hearings/import", auth(r), calendar, "text/csv"), "import hearings");
    expect(Action::read_hearings, get(r, "/v1/holders/" + h1 + "/hearings"), "hearings");
    expect(Action::read_next_hearing, get(r, "/v1/holders/" + h1 + "/hearings?next=1"),
           "next hearing");
    // ---- end of hearings ----
    // ---- check-ins ----
    expect(Action::check_in_card, post(r, "/v1/check-ins", {{"barcode", barcode}}),
           "check in a card");
    expect(Action::check_in_holder, post(r, "/v1/check-ins", {{"holder_id", h1}}),
           "check in a holder");
    expect(Action::read_compliance, get(r, "/v1/holders/" + h1 + "/compliance"), "compliance");
    // ---- end of check-ins ----
  }
}

std::string user_id_of(const std::string& username, const httplib::Headers& admin, int port);

// Every refusal is decided and audited by the domain: for each endpoint and
// each role DESIGN.md keeps from it ("What each role may see" and what each
// role does), the answer is 403 and the trail holds a "denied" record of
// that user for that action. The table is written out here, not taken from
// allowed().
TEST_F(HttpTest, EveryRefusalIsAudited) {
  using R = Role;
  const std::vector<R> not_enrollment = {R::administrator, R::field_officer, R::checkpoint_screener,
                                         R::auditor, R::kiosk};
  const std::vector<R> not_admin = {R::enrollment_officer, R::field_officer, R::checkpoint_screener,
                                    R::auditor, R::kiosk};
  const std::vector<R> no_a_number = {R::administrator, R::checkpoint_screener, R::kiosk};
  std::map<R, std::string> ids;
  for (R r : kRoles) {
    ids[r] = user_id_of(std::string("t-") + sdc::registry::to_string(r), auth(Role::administrator),
                        port_);
    ASSERT_FALSE(ids[r].empty());
  }
  const std::string h = enroll();
  const json card = issue(h);
  const std::string doc = card["document_number"].get<std::string>();
  const std::string barcode = card["issued"]["barcode"].get<std::string>();
  ASSERT_TRUE(server_->add_user("refusal-target", "refusal-target-pw", Role::kiosk));
  auto office = server_->add_office("Refusal Office", "", "America/Chicago", "");
  ASSERT_TRUE(office) << office.error().message;

  struct Row {
    std::string method, path;
    json body;
    std::string action;  // as the audit record names it
    std::vector<R> refused;
  };
  const std::vector<Row> table = {
      {"POST", "/v1/holders", holder_body("A301-99999"), "enroll_holder", not_enrollment},
      {"PATCH", "/v1/holders/" + h, {{"contact", "x"}}, "correct_holder", not_enrollment},
      {"GET", "/v1/holders/" + h, nullptr, "read_holder_name", {R::administrator}},
      {"GET", "/v1/holders?a_number=A301-00001", nullptr, "find_by_a_number", no_a_number},
      {"GET", "/v1/holders?family_name=eriksson&date_of_birth=1974-08-12", nullptr, "find_by_name",
       no_a_number},
      {"POST", "/v1/holders/" + h + "/cards", json::object(), "issue_card", not_enrollment},
      {"POST", "/v1/cards/" + doc + "/suspend", {{"reason", "x"}}, "suspend_card", not_enrollment},
      {"POST",
       "/v1/cards/" + doc + "/lift-suspension",
       {{"reason", "x"}},
       "lift_suspension",
       not_enrollment},
      {"POST", "/v1/cards/" + doc + "/revoke", {{"reason", "x"}}, "revoke_card", not_enrollment},
      {"POST",
       "/v1/cards/" + doc + "/reissue",
       {{"reason", "lost"}},
       "reissue_card",
       not_enrollment},
      {"GET", "/v1/holders/" + h + "/case-status", nullptr, "read_case_status", no_a_number},
      {"GET", "/v1/holders/" + h + "/case-status/history", nullptr, "read_case_status",
       no_a_number},
      {"PUT",
       "/v1/holders/" + h + "/case-status",
       {{"status", "no_final_order"}, {"effective_date", "2026-01-31"}},
       "set_case_status",
       not_enrollment},
      {"POST", "/v1/verify", {{"barcode", barcode}}, "verify_card", {R::administrator, R::auditor}},
      {"GET",
       "/v1/audit?limit=5",
       nullptr,
       "read_audit",
       {R::administrator, R::enrollment_officer, R::field_officer, R::checkpoint_screener,
        R::kiosk}},
      {"GET",
       "/v1/users",
       nullptr,
       "read_users",
       {R::enrollment_officer, R::field_officer, R::checkpoint_screener, R::kiosk}},
      {"POST",
       "/v1/users",
       {{"username", "never-made"}, {"password", "a-long-password"}, {"role", "kiosk"}},
       "create_user",
       not_admin},
      {"PATCH", "/v1/users/refusal-target", {{"disabled", true}}, "disable_user", not_admin},
      {"POST",
       "/v1/offices",
       {{"name", "Never Made"}, {"time_zone", "America/Chicago"}},
       "create_office",
       not_admin},
      {"PATCH", "/v1/offices/" + office->id, {{"phone", "1"}}, "update_office", not_admin},
      {"DELETE", "/v1/offices/" + office->id, nullptr, "delete_office", not_admin},
      {"POST", "/v1/hearings/import", json::array(), "import_hearings", not_enrollment},
      {"GET",
       "/v1/holders/" + h + "/hearings",
       nullptr,
       "read_hearings",
       {R::administrator, R::field_officer, R::checkpoint_screener, R::kiosk}},
      {"GET",
       "/v1/holders/" + h + "/hearings?next=1",
       nullptr,
       "read_next_hearing",
       {R::administrator, R::checkpoint_screener, R::kiosk}},
      {"POST",
       "/v1/check-ins",
       {{"holder_id", h}},
       "check_in_holder",
       {R::administrator, R::checkpoint_screener, R::auditor, R::kiosk}},
      {"POST",
       "/v1/check-ins",
       {{"barcode", barcode}},
       "check_in_card",
       {R::administrator, R::checkpoint_screener, R::auditor}},
      {"GET",
       "/v1/holders/" + h + "/compliance",
       nullptr,
       "read_compliance",
       {R::administrator, R::checkpoint_screener, R::kiosk}},
  };
  for (const Row& row : table) {
    for (R r : row.refused) {
      SCOPED_TRACE(row.method + " " + row.path + " as " + sdc::registry::to_string(r));
      auto newest = get(Role::auditor, "/v1/audit?limit=1");
      ASSERT_TRUE(newest);
      const json page = json::parse(newest->body)["events"];
      const std::uint64_t start = page.empty() ? 0 : page[0]["seq"].get<std::uint64_t>();
      const std::string body = row.body.is_null() ? std::string() : row.body.dump();
      httplib::Result res =
          row.method == "GET"     ? client().Get(row.path, auth(r))
          : row.method == "POST"  ? client().Post(row.path, auth(r), body, "application/json")
          : row.method == "PUT"   ? client().Put(row.path, auth(r), body, "application/json")
          : row.method == "PATCH" ? client().Patch(row.path, auth(r), body, "application/json")
                                  : client().Delete(row.path, auth(r));
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << res->body;
      auto trail = get(Role::auditor, "/v1/audit?user=" + ids[r] + "&limit=20");
      ASSERT_TRUE(trail);
      ASSERT_EQ(trail->status, 200) << trail->body;
      int denied = 0;
      const json events = json::parse(trail->body)["events"];
      for (const auto& e : events)
        if (e["seq"].get<std::uint64_t>() > start && e["outcome"] == "denied" &&
            e["action"] == row.action)
          ++denied;
      EXPECT_EQ(denied, 1) << "a denied " << row.action << " record of this call, after " << start
                           << ": " << trail->body;
    }
  }
}

// The route table is the API description: every route is a path and
// method of docs/openapi.yaml, and the description has no other.
TEST_F(HttpTest, EveryRouteIsDescribedInTheApiAndNoOther) {
  auto yaml = sdc::read_file(fs::path(SDC_SOURCE_DIR) / "docs/openapi.yaml");
  ASSERT_TRUE(yaml);
  std::set<std::pair<std::string, std::string>> described;
  std::istringstream in(*yaml);
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line.rfind("paths:", 0) == 0) {
      in_paths = true;
      continue;
    }
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
    if (!in_paths) continue;
    if (line.rfind("  /", 0) == 0 && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
      continue;
    }
    for (std::string m : {"get", "post", "put", "patch", "delete"})
      if (line == "    " + m + ":") {
        std::string upper = m;
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        described.emplace(upper, path);
      }
  }
  ASSERT_GT(described.size(), 20u);
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& r : server_->routes()) routed.insert(r);
  EXPECT_EQ(routed, described);
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

TEST_F(HttpTest, AVerificationThatReadNoCardIsAuditedToo) {
  std::vector<std::string> results;
  for (const char* barcode : {"SDC1:NOT-A-CARD", "hello"}) {
    auto r = post(Role::checkpoint_screener, "/v1/verify", {{"barcode", barcode}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    results.push_back(json::parse(r->body)["result"]);
    EXPECT_NE(results.back(), "VALID");
  }
  auto trail = get(Role::auditor, "/v1/audit?limit=2");  // newest first
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->status, 200) << trail->body;
  auto events = json::parse(trail->body)["events"];
  ASSERT_EQ(events.size(), 2u) << events.dump(1);
  for (int i : {0, 1}) {
    EXPECT_EQ(events[i]["action"], "verify_card");
    EXPECT_EQ(events[i]["role"], "checkpoint_screener");
    EXPECT_EQ(events[i]["holder_id"], "");
    EXPECT_EQ(events[i]["outcome"], "ok");
    EXPECT_EQ(events[i]["detail"], "no card read; result " + results[1 - i]);
  }
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

TEST_F(HttpTest, AUserNamesAnExistingOfficeOrNothingIsWritten) {
  auto bad = post(Role::administrator, "/v1/users",
                  {{"username", "kiosk-nowhere"},
                   {"password", "a-long-password"},
                   {"role", "kiosk"},
                   {"office_id", "no-such-office"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_EQ(json::parse(bad->body)["errors"][0]["field"], "office_id") << bad->body;
  auto wrong_type = post(Role::administrator, "/v1/users",
                         {{"username", "kiosk-nowhere"},
                          {"password", "a-long-password"},
                          {"role", "kiosk"},
                          {"office_id", 7}});
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400) << wrong_type->body;
  auto list = get(Role::administrator, "/v1/users");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->body.find("kiosk-nowhere"), std::string::npos);  // nothing written

  auto office = post(Role::administrator, "/v1/offices",
                     {{"name", "Specimen Kiosk Office"},
                      {"address", "1 Main St"},
                      {"time_zone", "America/New_York"},
                      {"phone", "+1 555 0100"}});
  ASSERT_TRUE(office);
  ASSERT_EQ(office->status, 201) << office->body;
  const std::string id = json::parse(office->body)["id"].get<std::string>();
  auto made = post(Role::administrator, "/v1/users",
                   {{"username", "kiosk-east"},
                    {"password", "a-long-password"},
                    {"role", "kiosk"},
                    {"office_id", id}});
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  EXPECT_EQ(json::parse(made->body)["office_id"], id);
  list = get(Role::administrator, "/v1/users");
  ASSERT_TRUE(list);
  bool found = false;
  const json users = json::parse(list->body);
  for (const auto& u : users["users"]) {
    EXPECT_TRUE(u.contains("office_id"));
    if (u["username"] == "kiosk-east") {
      found = true;
      EXPECT_EQ(u["office_id"], id);
    }
  }
  EXPECT_TRUE(found) << list->body;
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

TEST_F(HttpTest, OfficesCanBeReadChangedAndDeleted) {
  auto made = post(Role::administrator, "/v1/offices",
                   {{"name", "Specimen Office To Change"},
                    {"address", "7 Quay Street"},
                    {"time_zone", "America/New_York"},
                    {"phone", "+1 555 0107"}});
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  const std::string id = json::parse(made->body)["id"].get<std::string>();
  const std::string path = "/v1/offices/" + id;
  ASSERT_TRUE(server_->add_office("Specimen Office Other", "", "America/Chicago", ""));

  auto read = get(Role::kiosk, path);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(json::parse(read->body)["address"], "7 Quay Street");
  auto unknown = get(Role::kiosk, "/v1/offices/o-0000000000000000");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->get_header_value("Content-Type"), "application/problem+json");

  auto patch = [&](const std::string& where, const json& body) {
    return client().Patch(where, auth(Role::administrator), body.dump(), "application/json");
  };
  auto changed = patch(path, {{"time_zone", "America/Denver"}, {"phone", "+1 555 0108"}});
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  auto cj = json::parse(changed->body);
  EXPECT_EQ(cj["time_zone"], "America/Denver");
  EXPECT_EQ(cj["phone"], "+1 555 0108");
  EXPECT_EQ(cj["name"], "Specimen Office To Change");  // fields not given are kept
  EXPECT_EQ(cj["address"], "7 Quay Street");

  // Each bad field is named; nothing is written.
  const std::pair<const char*, json> bad[] = {{"time_zone", "Mars/Olympus_Mons"},
                                              {"time_zone", "../../etc/passwd"},
                                              {"phone", "call me"},
                                              {"name", ""},
                                              {"address", json(7)},
                                              {"colour", "blue"}};
  for (const auto& [field, value] : bad) {
    SCOPED_TRACE(field);
    json body = {{"phone", "+1 555 0999"}};  // a good change beside the bad one
    body[field] = value;
    auto res = patch(path, body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
    EXPECT_EQ(json::parse(res->body)["errors"][0]["field"], field) << res->body;
  }
  auto clash = patch(path, {{"phone", "+1 555 0999"}, {"name", "Specimen Office Other"}});
  ASSERT_TRUE(clash);
  EXPECT_EQ(clash->status, 409) << clash->body;
  auto after = get(Role::kiosk, path);
  ASSERT_TRUE(after);
  EXPECT_EQ(json::parse(after->body)["phone"], "+1 555 0108");
  EXPECT_EQ(json::parse(after->body)["name"], "Specimen Office To Change");
  auto ghost = patch("/v1/offices/o-0000000000000000", {{"phone", "+1 555 0100"}});
  ASSERT_TRUE(ghost);
  EXPECT_EQ(ghost->status, 404);
  auto not_json = client().Patch(path, auth(Role::administrator), "phone=1", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);

  auto refused = client().Delete(path, auth(Role::enrollment_officer));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  auto gone = client().Delete(path, auth(Role::administrator));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 204) << gone->body;
  auto again = client().Delete(path, auth(Role::administrator));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  auto read_gone = get(Role::kiosk, path);
  ASSERT_TRUE(read_gone);
  EXPECT_EQ(read_gone->status, 404);
  // The name is free again.
  auto reuse = post(Role::administrator, "/v1/offices",
                    {{"name", "Specimen Office To Change"}, {"time_zone", "America/Chicago"}});
  ASSERT_TRUE(reuse);
  EXPECT_EQ(reuse->status, 201) << reuse->body;
}

std::string user_id_of(const std::string& username, const httplib::Headers& admin, int port) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get("/v1/users", admin);
  EXPECT_TRUE(res);
  if (!res) return {};
  const json users = json::parse(res->body);
  for (const auto& u : users["users"])
    if (u["username"] == username) return u["id"].get<std::string>();
  return {};
}

// Administration goes into the audit chain: every change, and every refusal.
TEST_F(HttpTest, AdministrationIsAudited) {
  const std::string admin_id = user_id_of("t-administrator", auth(Role::administrator), port_);
  const std::string officer_id =
      user_id_of("t-enrollment_officer", auth(Role::administrator), port_);
  ASSERT_FALSE(admin_id.empty());
  ASSERT_FALSE(officer_id.empty());
  auto newest = get(Role::auditor, "/v1/audit?limit=1");
  ASSERT_TRUE(newest);
  ASSERT_EQ(newest->status, 200) << newest->body;
  const json newest_page = json::parse(newest->body)["events"];
  const std::uint64_t start =
      newest_page.empty() ? 0 : newest_page[0]["seq"].get<std::uint64_t>();  // 0: none yet

  auto user = post(Role::administrator, "/v1/users",
                   {{"username", "audited-person"},
                    {"password", "audited-password-1"},
                    {"role", "field_officer"}});
  ASSERT_TRUE(user);
  ASSERT_EQ(user->status, 201) << user->body;
  const std::string new_id = json::parse(user->body)["id"].get<std::string>();
  for (bool disabled : {true, false}) {
    auto res = client().Patch("/v1/users/audited-person", auth(Role::administrator),
                              json{{"disabled", disabled}}.dump(), "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  auto office = post(Role::administrator, "/v1/offices",
                     {{"name", "Audited Office"}, {"time_zone", "America/Chicago"}});
  ASSERT_TRUE(office);
  ASSERT_EQ(office->status, 201) << office->body;
  const std::string office_id = json::parse(office->body)["id"].get<std::string>();
  auto changed = client().Patch("/v1/offices/" + office_id, auth(Role::administrator),
                                json{{"address", "1 Audit Row"}}.dump(), "application/json");
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  auto taken = post(Role::administrator, "/v1/offices",
                    {{"name", "Audited Office"}, {"time_zone", "America/Chicago"}});
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->status, 409);
  auto deleted = client().Delete("/v1/offices/" + office_id, auth(Role::administrator));
  ASSERT_TRUE(deleted);
  ASSERT_EQ(deleted->status, 204);
  // Refusals.
  auto no_user =
      post(Role::enrollment_officer, "/v1/users",
           {{"username", "sneaky"}, {"password", "sneaky-password-1"}, {"role", "kiosk"}});
  ASSERT_TRUE(no_user);
  ASSERT_EQ(no_user->status, 403);
  auto no_disable = client().Patch("/v1/users/audited-person", auth(Role::enrollment_officer),
                                   json{{"disabled", true}}.dump(), "application/json");
  ASSERT_TRUE(no_disable);
  ASSERT_EQ(no_disable->status, 403);
  auto no_office = post(Role::enrollment_officer, "/v1/offices",
                        {{"name", "Sneaky Office"}, {"time_zone", "America/Chicago"}});
  ASSERT_TRUE(no_office);
  ASSERT_EQ(no_office->status, 403);
  auto no_delete =
      client().Delete("/v1/offices/o-0123456789abcdef", auth(Role::enrollment_officer));
  ASSERT_TRUE(no_delete);
  ASSERT_EQ(no_delete->status, 403);

  auto trail = [&](const std::string& who) {
    auto res = get(Role::auditor,
                   "/v1/audit?user=" + who + "&order=oldest&after=" + std::to_string(start));
    EXPECT_TRUE(res);
    if (!res) return json::array();
    EXPECT_EQ(res->status, 200) << res->body;
    return json::parse(res->body)["events"];
  };
  const json mine = trail(admin_id);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"create_user", "ok"},   {"disable_user", "ok"},  {"enable_user", "ok"},
      {"create_office", "ok"}, {"update_office", "ok"}, {"create_office", "conflict"},
      {"delete_office", "ok"}};
  ASSERT_EQ(mine.size(), expected.size()) << mine.dump();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(mine[i]["action"], expected[i].first);
    EXPECT_EQ(mine[i]["outcome"], expected[i].second);
    EXPECT_EQ(mine[i]["role"], "administrator");
    EXPECT_EQ(mine[i]["holder_id"], "");
  }
  EXPECT_EQ(mine[0]["detail"], "user " + new_id + " role field_officer");
  EXPECT_EQ(mine[1]["detail"], "user " + new_id);
  EXPECT_EQ(mine[4]["detail"], "office " + office_id + ": address");
  EXPECT_EQ(mine[6]["detail"], "office " + office_id);
  // Ids only: no username, password, office name or address.
  for (const char* secret : {"audited-person", "audited-password-1", "Audited Office", "Audit Row"})
    EXPECT_EQ(mine.dump().find(secret), std::string::npos) << secret;

  const json theirs = trail(officer_id);
  std::vector<std::string> denied;
  for (const auto& e : theirs)
    if (e["outcome"] == "denied") denied.push_back(e["action"].get<std::string>());
  EXPECT_EQ(denied, (std::vector<std::string>{"create_user", "disable_user", "create_office",
                                              "delete_office"}))
      << theirs.dump();
  for (const auto& e : theirs)
    if (e["action"] == "disable_user") {
      EXPECT_EQ(e["detail"], "user " + new_id);
    }
}

// POST /v1/logout needs nothing but the bearer token.
TEST_F(HttpTest, LogoutTakesNoBodyOrAnyBody) {
  ASSERT_TRUE(server_->add_user("goes-home", "goes-home-password", Role::kiosk));
  // A request without Content-Length or Transfer-Encoding, as `curl -X POST`
  // sends it: by RFC 9112 its body is empty, so the answer must not wait for one.
  auto raw_logout = [](const std::string& token) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      std::string request =
          "POST /v1/logout HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
          "\r\n\r\n";
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
        char buf[4096];
        while (response.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::recv(fd, buf, sizeof buf, 0);
          if (n <= 0) break;
          response.append(buf, static_cast<std::size_t>(n));
        }
      }
    }
    ::close(fd);
    if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return -1;
    return std::stoi(response.substr(9, 3));
  };
  const std::string cases[] = {"", "{}", "{\"everywhere\": true}", "[1, 2]"};
  for (const std::string& body : cases) {
    SCOPED_TRACE(body);
    std::string token = login_token(port_, "goes-home", "goes-home-password");
    ASSERT_FALSE(token.empty());
    auto res = client().Post("/v1/logout", {{"Authorization", "Bearer " + token}}, body,
                             "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 204) << res->body;
    EXPECT_EQ(status_with(port_, token), 401);
  }
  std::string token = login_token(port_, "goes-home", "goes-home-password");
  EXPECT_EQ(raw_logout(token), 204);
  EXPECT_EQ(status_with(port_, token), 401);
  EXPECT_EQ(raw_logout(token), 401);  // the token is gone
}

// Two servers on one database act as one service: a token from one works
// on the other, a logout on one ends it on both, and failed logins on both
// add up to one lockout.
TEST_F(HttpTest, TwoServersShareSessionsAndThrottling) {
  sdc::http::ServeOptions so;
  so.data_dir = dir_;
  so.overrides.threads = 2;
  so.log_requests = false;
  so.clock = &world_.clock;
  so.random = &world_.random;
  so.time_zones = &world_.zones;
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
  world_.clock.advance(sdc::registry::Accounts::kSessionRecheck);
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

// The face a verifier compares with the person: the signed thumbnail for
// every role that may see the portrait, the stored portrait (online,
// audited) and the holder's schedule for the field officer only, and the
// result explained in the language asked for.
TEST_F(HttpTest, VerifyShowsTheFaceAndExplainsTheResult) {
  auto body = holder_body(fresh_a_number());
  const sdc::Bytes portrait = sdc::make_specimen_silhouette_jpeg();
  body["portrait_base64"] = sdc::base64_encode(portrait);
  auto enrolled = post(Role::enrollment_officer, "/v1/holders", body);
  ASSERT_TRUE(enrolled);
  ASSERT_EQ(enrolled->status, 201) << enrolled->body;
  const std::string h = json::parse(enrolled->body)["id"].get<std::string>();
  const std::string barcode = issue(h)["issued"]["barcode"].get<std::string>();

  auto s = client().Post("/v1/verify",
                         {{"Authorization", "Bearer " + tokens_[Role::checkpoint_screener]},
                          {"Accept-Language", "es-MX,es;q=0.9"}},
                         json{{"barcode", barcode}}.dump(), "application/json");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 200) << s->body;
  auto sj = json::parse(s->body);
  EXPECT_EQ(sj["result"], "VALID");
  EXPECT_EQ(sj["language"], "es");
  EXPECT_EQ(sj["explanation"], "La tarjeta es auténtica y válida.");
  ASSERT_TRUE(sj["holder"].contains("thumbnail")) << s->body;
  const std::string thumbnail = sj["holder"]["thumbnail"].get<std::string>();
  EXPECT_EQ(sj["holder"]["thumbnail_url"], "data:image/jpeg;base64," + thumbnail);
  auto thumb = sdc::base64_decode(thumbnail);
  ASSERT_TRUE(thumb);
  EXPECT_LE(thumb->size(), 500u);
  ASSERT_GE(thumb->size(), 3u);
  EXPECT_EQ((*thumb)[0], 0xFF);
  EXPECT_EQ((*thumb)[1], 0xD8);
  for (const char* hidden : {"portrait_url", "a_number"})
    EXPECT_FALSE(sj["holder"].contains(hidden)) << hidden;
  for (const char* hidden : {"case_status", "next_hearing", "reporting", "compliance"})
    EXPECT_FALSE(sj.contains(hidden)) << hidden;

  auto f = post(Role::field_officer, "/v1/verify", {{"barcode", barcode}, {"language", "fr"}});
  ASSERT_TRUE(f);
  ASSERT_EQ(f->status, 200) << f->body;
  auto fj = json::parse(f->body);
  EXPECT_EQ(fj["explanation"], "La carte est authentique et valide.");
  EXPECT_EQ(fj["holder"]["thumbnail_url"], sj["holder"]["thumbnail_url"]);
  EXPECT_EQ(fj["holder"]["portrait_url"], "data:image/jpeg;base64," + sdc::base64_encode(portrait));
  EXPECT_TRUE(fj["next_hearing"].is_null()) << f->body;
  EXPECT_TRUE(fj["reporting"].is_null()) << f->body;
  EXPECT_EQ(fj["compliance"]["missed"], 0) << f->body;
  EXPECT_TRUE(fj["compliance"]["last_check_in"].is_null()) << f->body;

  // The enrollment officer verifies without the field officer's extras.
  auto e = post(Role::enrollment_officer, "/v1/verify", {{"barcode", barcode}});
  ASSERT_TRUE(e);
  ASSERT_EQ(e->status, 200) << e->body;
  auto ej = json::parse(e->body);
  EXPECT_EQ(ej["explanation"], "The card is genuine and valid.");
  EXPECT_FALSE(ej["holder"].contains("portrait_url"));

  // The field officer's reads are in the holder's trail.
  auto trail = get(Role::auditor, "/v1/audit?holder=" + h + "&order=oldest&limit=100");
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->status, 200) << trail->body;
  std::set<std::string> field_reads;
  const json events = json::parse(trail->body)["events"];
  for (const auto& ev : events)
    if (ev["role"] == "field_officer") field_reads.insert(ev["action"].get<std::string>());
  for (const char* action : {"verify_card", "read_case_status", "read_holder_identity",
                             "read_next_hearing", "read_schedule", "read_compliance"})
    EXPECT_TRUE(field_reads.count(action)) << action << " in " << trail->body;

  // A bad language is refused before anything is verified.
  auto bad = post(Role::field_officer, "/v1/verify", {{"barcode", barcode}, {"language", 7}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
}

// The value of an unlabelled sample in Prometheus text, or -1.
long long metric(const std::string& text, const std::string& name) {
  auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + name.size() + 2));
}

TEST_F(HttpTest, MetricsCountTheAuditGroupCommit) {
  std::string barcode = issue(enroll())["issued"]["barcode"].get<std::string>();
  auto before = client().Get("/metrics");
  ASSERT_TRUE(before);
  for (const char* family : {"sdcd_audit_batches_total", "sdcd_audit_batched_events_total"}) {
    EXPECT_NE(before->body.find(std::string("# HELP ") + family + " "), std::string::npos);
    EXPECT_NE(before->body.find(std::string("# TYPE ") + family + " counter\n"), std::string::npos);
  }
  EXPECT_NE(before->body.find("# TYPE sdcd_audit_queue_depth gauge\n"), std::string::npos);
  const long long batches = metric(before->body, "sdcd_audit_batches_total");
  const long long events = metric(before->body, "sdcd_audit_batched_events_total");
  ASSERT_GE(batches, 0) << before->body;
  ASSERT_GE(events, 0) << before->body;

  auto v = post(Role::field_officer, "/v1/verify", {{"barcode", barcode}});
  ASSERT_TRUE(v);
  ASSERT_EQ(v->status, 200) << v->body;
  auto after = client().Get("/metrics");
  ASSERT_TRUE(after);
  // The verification and the case-status read it answered: at least two
  // events, in at least one batch.
  EXPECT_GE(metric(after->body, "sdcd_audit_batches_total"), batches + 1) << after->body;
  EXPECT_GE(metric(after->body, "sdcd_audit_batched_events_total"), events + 2) << after->body;
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

TEST_F(HttpTest, EveryBadFieldOfAnEnrollmentIsNamedAtOnce) {
  auto body = holder_body(fresh_a_number());
  body["a_number"] = "12";
  body["date_of_birth"] = "1974-13-45";
  body["sex"] = "Q";
  body["nationality"] = "123";
  auto res = post(Role::enrollment_officer, "/v1/holders", body);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 400) << res->body;
  auto j = json::parse(res->body);
  std::vector<std::string> fields;
  for (const auto& e : j["errors"]) {
    fields.push_back(e["field"]);
    EXPECT_FALSE(e["message"].get<std::string>().empty());
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"a_number", "date_of_birth", "sex", "nationality"}));
  EXPECT_EQ(j["detail"],
            "a_number: 9 digits (or the old 8-digit form); date_of_birth '1974-13-45': no such "
            "month; sex: F, M or X; nationality: an ICAO code of 1 to 3 capital letters");
  auto office =
      post(Role::administrator, "/v1/offices",
           {{"name", ""}, {"address", "x"}, {"time_zone", "Mars/Base"}, {"phone", "call me"}});
  ASSERT_TRUE(office);
  ASSERT_EQ(office->status, 400) << office->body;
  std::vector<std::string> office_fields;
  const json office_problem = json::parse(office->body);
  for (const auto& e : office_problem["errors"]) office_fields.push_back(e["field"]);
  EXPECT_EQ(office_fields, (std::vector<std::string>{"name", "time_zone", "phone"}));
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

TEST_F(HttpTest, AKnownPathWithAnotherMethodIs405WithTheMethodsItTakes) {
  auto r = client().Delete("/v1/holders", auth(Role::enrollment_officer));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, POST");
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(json::parse(r->body)["detail"], "this resource does not take DELETE");
  auto id = client().Put("/v1/holders/0123456789abcdef0123456789abcdef",
                         auth(Role::enrollment_officer), "{}", "application/json");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->status, 405);
  EXPECT_EQ(id->get_header_value("Allow"), "GET, PATCH");
}

TEST_F(HttpTest, ARequestThatIsNotHttpIsRefusedWith400) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port_));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  std::string bad = "GET /healthz HTTP/1.1\r\nHost localhost\r\n\r\n";
  ASSERT_EQ(::send(fd, bad.data(), bad.size(), 0), static_cast<ssize_t>(bad.size()));
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    got.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400 Bad Request\r\n")) << got;
  auto body = json::parse(got.substr(got.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["status"], 400);
  EXPECT_EQ(body["detail"], "a header line has no colon");
  auto metrics = client().Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(
                "sdcd_http_requests_total{method=\"-\",route=\"(refused)\",status=\"400\"}"),
            std::string::npos)
      << metrics->body;
}

TEST_F(HttpTest, OversizedBodyIs413) {
  std::string big(std::size_t{1} << 21, 'a');
  auto res = client().Post("/v1/holders", auth(Role::enrollment_officer), big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  // A page's photo form takes a photo as a phone makes it, within its own bound.
  auto page = client().Post("/verify/", big, "multipart/form-data; boundary=B");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303) << "read whole, then sent to sign in";
  // (Past that bound the listener refuses it:
  // EventServerTest.APathMayTakeALargerBodyThanTheOthers.)
}

TEST_F(HttpTest, RevokedCardIsRevokedOfflineAndEtagWorks) {
  auto card = issue(enroll());
  std::string doc = card["document_number"].get<std::string>();
  std::string barcode = card["issued"]["barcode"].get<std::string>();
  auto rv = post(Role::enrollment_officer, "/v1/cards/" + doc + "/revoke", {{"reason", "test"}});
  ASSERT_TRUE(rv);
  ASSERT_EQ(rv->status, 200) << rv->body;

  auto root = client().Get("/trust/root.pem");
  auto signers = client().Get("/trust/signers.pem");
  ASSERT_TRUE(root && signers);
  auto trust = sdc::TrustStore::from_pem(root->body, signers->body);
  ASSERT_TRUE(trust) << trust.error().message;
  // The revocation is durable at once; the list is published at most once
  // a second (publish_interval), so it is in the list once the clock has
  // moved on and the publisher has looked (every 250 ms).
  world_.clock.advance(1);
  sdc::VerifyResult seen = sdc::VerifyResult::valid;
  for (int look = 0; look < 100 && seen != sdc::VerifyResult::revoked; ++look) {
    if (look > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto list = client().Get("/status/validity");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->status, 200);
    auto token = sdc::load_status_list_token(sdc::as_bytes(list->body), *trust);
    ASSERT_TRUE(token) << token.error().message;
    sdc::StatusListCache cache;
    cache.offer(std::move(*token));
    seen = sdc::verify_barcode(barcode, *trust, &cache, std::time(nullptr)).result;
  }
  EXPECT_EQ(seen, sdc::VerifyResult::revoked);
  auto list = client().Get("/status/validity");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->get_header_value("Content-Type"), "application/statuslist+cwt");
  EXPECT_EQ(list->get_header_value("Cache-Control"), "public, max-age=3600");
  std::string etag = list->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = client().Get("/status/validity", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
}

// ---- holders (/v1/me) ----

// An officer's PIN letter for a new holder with a card; returns (holder id,
// document number, PIN).
struct SignedUpHolder {
  std::string id, document_number, pin;
};

SignedUpHolder holder_with_pin(const std::function<std::string()>& enroll_one,
                               const std::function<json(const std::string&)>& issue_one,
                               const httplib::Headers& officer, int port) {
  SignedUpHolder h;
  h.id = enroll_one();
  h.document_number = issue_one(h.id)["document_number"].get<std::string>();
  httplib::Client c("127.0.0.1", port);
  auto res = c.Post("/v1/holders/" + h.id + "/pin", officer, "", "application/json");
  EXPECT_TRUE(res);
  if (!res) return h;
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  h.pin = json::parse(res->body)["pin"].get<std::string>();
  return h;
}

httplib::Result holder_login(int port, const std::string& doc, const std::string& pin) {
  httplib::Client c("127.0.0.1", port);
  return c.Post("/v1/me/login", json{{"document_number", doc}, {"pin", pin}}.dump(),
                "application/json");
}

TEST_F(HttpTest, AHolderSignsInAndSeesOnlyTheirOwnRecord) {
  auto me = holder_with_pin(enroll, issue, auth(Role::enrollment_officer), port_);
  auto other = holder_with_pin(enroll, issue, auth(Role::enrollment_officer), port_);
  ASSERT_FALSE(me.pin.empty());
  auto in = holder_login(port_, me.document_number, me.pin);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200) << in->body;
  const std::string token = json::parse(in->body)["token"].get<std::string>();
  const httplib::Headers mine = {{"Authorization", "Bearer " + token}};

  auto own = client().Get("/v1/me", mine);
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200) << own->body;
  const json j = json::parse(own->body);
  EXPECT_EQ(j["id"], me.id);
  EXPECT_EQ(j["family_name"], "ERIKSSON");
  EXPECT_TRUE(j.contains("a_number"));
  EXPECT_TRUE(j.contains("date_of_birth"));
  EXPECT_FALSE(j.contains("contact"));
  EXPECT_EQ(j["card"]["document_number"], me.document_number);
  EXPECT_FALSE(j["card"].contains("barcode"));
  EXPECT_TRUE(j["accesses"].is_array());
  EXPECT_FALSE(j["accesses"].empty());
  for (const auto& a : j["accesses"]) {
    EXPECT_TRUE(a["office"].is_string()) << a.dump();
    EXPECT_FALSE(a["purpose"].get<std::string>().empty()) << a.dump();
    EXPECT_FALSE(a.contains("actor"));
  }

  auto ics = client().Get("/v1/me/calendar.ics", mine);
  ASSERT_TRUE(ics);
  ASSERT_EQ(ics->status, 200) << ics->body;
  EXPECT_EQ(ics->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(ics->body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(ics->body.find("UID:card-" + me.document_number + "-expiry@sdc\r\n"),
            std::string::npos);

  // Every other route refuses the holder: 403 from the domain, or no
  // route needing no role at all (public, login, logout, the offices every
  // signed-in caller may read).
  const std::set<std::string> open_to_all = {"GET /healthz",
                                             "GET /metrics",
                                             "GET /openapi.yaml",
                                             "GET /status/validity",
                                             "GET /trust/root.pem",
                                             "GET /trust/signers.pem",
                                             "POST /v1/login",
                                             "POST /v1/logout",
                                             "POST /v1/me/login",
                                             "GET /v1/offices",
                                             "GET /v1/offices/{id}",
                                             "GET /v1/offices/{id}/closures",
                                             "GET /v1/offices/{id}/slots"};
  int refused = 0;
  for (const auto& [method, path] : server_->routes()) {
    const std::string key = method + " " + path;
    if (open_to_all.contains(key) || path.rfind("/v1/me", 0) == 0) continue;
    if (path.rfind("/portal/", 0) == 0) continue;  // the holder's own pages (PortalTest)
    // The officers' pages take no bearer token: a cookie session (VerifyPageTest).
    if (path.rfind("/console/", 0) == 0 || path.rfind("/verify/", 0) == 0) continue;
    if (key == "POST /v1/check-ins") continue;  // a holder checks in online (their own)
    std::string target = path;
    auto put = [&](const std::string& name, const std::string& value) {
      auto at = target.find(name);
      if (at != std::string::npos) target.replace(at, name.size(), value);
    };
    put("{id}", other.id);
    put("{document_number}", other.document_number);
    put("{username}", "t-kiosk");
    put("{date}", "2030-01-02");
    if (key == "GET /v1/holders") target += "?a_number=A301-00001";
    SCOPED_TRACE(key + " as a holder");
    httplib::Result res = method == "GET"    ? client().Get(target, mine)
                          : method == "POST" ? client().Post(target, mine, "{}", "application/json")
                          : method == "PUT"  ? client().Put(target, mine, "{}", "application/json")
                          : method == "PATCH"
                              ? client().Patch(target, mine, "{}", "application/json")
                              : client().Delete(target, mine);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403) << res->body;
    ++refused;
  }
  EXPECT_GE(refused, 18);
  // ... and the holder's own record by id too.
  auto by_id = client().Get("/v1/holders/" + me.id, mine);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->status, 403);

  // Other roles are refused on /v1/me; a PIN letter is for enrollment officers only.
  for (Role r : kRoles) {
    SCOPED_TRACE(sdc::registry::to_string(r));
    for (const char* path : {"/v1/me", "/v1/me/calendar.ics"}) {
      auto res = get(r, path);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << path << " " << res->body;
    }
    auto pin = client().Put("/v1/me/pin", auth(r),
                            json{{"current_pin", "13572468"}, {"new_pin", "482915"}}.dump(),
                            "application/json");
    ASSERT_TRUE(pin);
    EXPECT_EQ(pin->status, 403) << pin->body;
    if (r != Role::enrollment_officer) {
      auto letter =
          client().Post("/v1/holders/" + other.id + "/pin", auth(r), "", "application/json");
      ASSERT_TRUE(letter);
      EXPECT_EQ(letter->status, 403) << letter->body;
    }
  }
  // The other holder's PIN letter was not changed by any of that.
  auto still = holder_login(port_, other.document_number, other.pin);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200) << still->body;

  // A holder's logout ends the session.
  auto out = client().Post("/v1/logout", mine, "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  auto after = client().Get("/v1/me", mine);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_F(HttpTest, AHolderPinLocksAfterFiveWrongOnesAndAnOfficerUnlocksIt) {
  auto h = holder_with_pin(enroll, issue, auth(Role::enrollment_officer), port_);
  const std::string wrong = h.pin == "13572468" ? "24681357" : "13572468";
  for (int i = 0; i < 4; ++i) {
    auto res = holder_login(port_, h.document_number, wrong);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << res->body;
  }
  auto fifth = holder_login(port_, h.document_number, wrong);
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->status, 423) << fifth->body;
  auto right = holder_login(port_, h.document_number, h.pin);
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 423) << right->body;
  auto unknown = holder_login(port_, "ZZZZZZZZZ", h.pin);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  auto bad = client().Post("/v1/me/login", json{{"document_number", h.document_number}}.dump(),
                           "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  auto letter = post(Role::enrollment_officer, "/v1/holders/" + h.id + "/pin", json::object());
  ASSERT_TRUE(letter);
  ASSERT_EQ(letter->status, 201) << letter->body;
  EXPECT_EQ(json::parse(letter->body)["reset"], true);
  const std::string pin = json::parse(letter->body)["pin"].get<std::string>();
  auto in = holder_login(port_, h.document_number, pin);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200) << in->body;
  const httplib::Headers mine = {
      {"Authorization", "Bearer " + json::parse(in->body)["token"].get<std::string>()}};

  auto change = [&](const std::string& current, const std::string& next) {
    return client().Put("/v1/me/pin", mine,
                        json{{"current_pin", current}, {"new_pin", next}}.dump(),
                        "application/json");
  };
  auto trivial = change(pin, "123456");
  ASSERT_TRUE(trivial);
  EXPECT_EQ(trivial->status, 400) << trivial->body;
  EXPECT_EQ(json::parse(trivial->body)["errors"][0]["field"], "new_pin");
  auto wrong_current = change(wrong, "482915");
  ASSERT_TRUE(wrong_current);
  EXPECT_EQ(wrong_current->status, 400) << wrong_current->body;
  EXPECT_EQ(json::parse(wrong_current->body)["errors"][0]["field"], "current_pin");
  auto changed = change(pin, "482915");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 204) << changed->body;
  auto with_new = holder_login(port_, h.document_number, "482915");
  ASSERT_TRUE(with_new);
  EXPECT_EQ(with_new->status, 200);

  // The trail: refused and locked attempts, the reset; never a PIN.
  auto trail = get(Role::auditor, "/v1/audit?holder=" + h.id + "&limit=100");
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->status, 200) << trail->body;
  int refused = 0, locked = 0, resets = 0;
  const json events = json::parse(trail->body)["events"];
  for (const auto& e : events) {
    if (e["action"] == "holder_login" && e["outcome"] == "refused") ++refused;
    if (e["action"] == "holder_login" && e["outcome"] == "locked") ++locked;
    if (e["action"] == "reset_pin" && e["outcome"] == "ok") ++resets;
  }
  EXPECT_EQ(refused, 4) << trail->body;
  EXPECT_EQ(locked, 2);
  EXPECT_EQ(resets, 1);
  for (const std::string& p : {h.pin, pin, wrong, std::string("482915")})
    EXPECT_EQ(trail->body.find(p), std::string::npos) << "a PIN in the audit trail";
}

}  // namespace

// ---- hearings ----

// The court calendar over HTTP: counts and rejected rows with their lines,
// idempotent re-import, a change flagged with the value before, field
// officers' next hearing, and bad calendars refused with nothing written.
TEST_F(HttpTest, CourtCalendarsAreImportedAndHoldersHearingsRead) {
  const std::string a = fresh_a_number();
  auto enrolled = post(Role::enrollment_officer, "/v1/holders", holder_body(a));
  ASSERT_TRUE(enrolled);
  ASSERT_EQ(enrolled->status, 201) << enrolled->body;
  const std::string holder = json::parse(enrolled->body)["id"].get<std::string>();
  const std::string header =
      "a_number,hearing_id,starts_at,time_zone,court_name,court_address,hearing_type,status\n";
  auto import = [](const std::string& body, const std::string& type = "text/csv") {
    return client().Post("/v1/hearings/import", auth(Role::enrollment_officer), body, type);
  };
  const std::string csv = header + a +
                          ",C-1,2030-03-12T09:00,America/New_York,New York,\"26 Federal Plaza, "
                          "NY\",master,\n" +
                          "A301-88888,C-2,2030-03-13T09:00:00-04:00,America/New_York,New "
                          "York,,individual,scheduled\n" +
                          a + ",C-3,2026-03-08T02:30,America/New_York,New York,,master,\n";
  auto first = import(csv);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  json j = json::parse(first->body);
  EXPECT_EQ(j["rows"], 3);
  EXPECT_EQ(j["added"], 2);
  EXPECT_EQ(j["unmatched"], 1);
  ASSERT_EQ(j["rejected"].size(), 1u);
  EXPECT_EQ(j["rejected"][0]["line"], 4);
  EXPECT_NE(j["rejected"][0]["reasons"][0].get<std::string>().find("does not exist"),
            std::string::npos);

  auto again = import(csv);
  ASSERT_TRUE(again);
  j = json::parse(again->body);
  EXPECT_EQ(j["added"], 0);
  EXPECT_EQ(j["changed"], 0);
  EXPECT_EQ(j["unchanged"], 2);

  // The same calendar as JSON is the same hearings: nothing changes.
  json rows = json::array({{{"a_number", a},
                            {"hearing_id", "C-1"},
                            {"starts_at", "2030-03-12T13:00:00Z"},
                            {"time_zone", "America/New_York"},
                            {"court_name", "New York"},
                            {"court_address", "26 Federal Plaza, NY"},
                            {"hearing_type", "master"}}});
  auto as_json = import(json{{"hearings", rows}}.dump(), "application/json");
  ASSERT_TRUE(as_json);
  ASSERT_EQ(as_json->status, 200) << as_json->body;
  EXPECT_EQ(json::parse(as_json->body)["unchanged"], 1);

  world_.clock.advance(60);
  rows[0]["starts_at"] = "2030-03-26T09:00:00-04:00";
  auto moved = import(rows.dump(), "application/json; charset=utf-8");
  ASSERT_TRUE(moved);
  j = json::parse(moved->body);
  EXPECT_EQ(j["changed"], 1);
  EXPECT_EQ(j["moved"], 1);

  auto all = get(Role::enrollment_officer, "/v1/holders/" + holder + "/hearings");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  j = json::parse(all->body);
  ASSERT_EQ(j["hearings"].size(), 1u);
  const json& h = j["hearings"][0];
  EXPECT_EQ(h["hearing_id"], "C-1");
  EXPECT_EQ(h["starts_at"], "2030-03-26T13:00:00Z");
  EXPECT_EQ(h["time_zone"], "America/New_York");
  EXPECT_EQ(h["changed_at"], sdc::format_time(world_.clock.now()));
  EXPECT_EQ(h["previous"]["starts_at"], "2030-03-12T13:00:00Z");
  EXPECT_EQ(h["previous"]["court_name"], "New York");

  // Field officers see the next hearing only.
  EXPECT_EQ(get(Role::field_officer, "/v1/holders/" + holder + "/hearings")->status, 403);
  auto next = get(Role::field_officer, "/v1/holders/" + holder + "/hearings?next=1");
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200) << next->body;
  j = json::parse(next->body);
  ASSERT_EQ(j["hearings"].size(), 1u);
  EXPECT_EQ(j["hearings"][0]["hearing_id"], "C-1");
  EXPECT_EQ(get(Role::field_officer, "/v1/holders/" + holder + "/hearings?next=soon")->status, 400);
  EXPECT_EQ(get(Role::enrollment_officer, "/v1/holders/nobody/hearings")->status, 404);

  // Bad calendars: a specific problem, nothing written.
  auto refused = [&](const httplib::Result& res, int status, const std::string& says) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
    EXPECT_NE(json::parse(res->body)["detail"].get<std::string>().find(says), std::string::npos)
        << res->body;
  };
  const std::string changed_row = a + ",C-1,2030-04-01T09:00,America/New_York,Elsewhere,,master,\n";
  refused(import(header + changed_row + a + ",\"C-9,x\n"), 400, "line 3: a quoted field");
  refused(import(header + changed_row + a + ",C-9," + std::string(5000, 'x') + "\n"), 400,
          "line 3: a field is over 4096 bytes");
  refused(import("[{\"a_number\": 1", "application/json"), 400, "not valid JSON");
  refused(import(header + changed_row, "text/plain"), 415, "text/csv");
  all = get(Role::enrollment_officer, "/v1/holders/" + holder + "/hearings");
  EXPECT_EQ(json::parse(all->body)["hearings"][0]["court_name"], "New York");
}

// The holder's own schedule over HTTP: an officer sets the requirement, the
// holder (document number + PIN) finds a free slot, books, moves, sees the
// appointment and a court hearing in their calendar in their language; an
// officer route by id stays closed to them.
TEST_F(HttpTest, AHolderBooksMovesAndDownloadsTheirCalendar) {
  auto office = post(Role::administrator, "/v1/offices",
                     {{"name", "Holder Booking Office"},
                      {"address", "9 Plaza, Newark"},
                      {"time_zone", "America/New_York"},
                      {"hours",
                       {{"mon", "09:00-12:00"},
                        {"tue", "09:00-12:00"},
                        {"wed", "09:00-12:00"},
                        {"thu", "09:00-12:00"},
                        {"fri", "09:00-12:00"},
                        {"sat", "09:00-12:00"},
                        {"sun", "09:00-12:00"}}},
                      {"slot_minutes", 30},
                      {"slot_capacity", 1}});
  ASSERT_TRUE(office);
  ASSERT_EQ(office->status, 201) << office->body;
  const std::string office_id = json::parse(office->body)["id"].get<std::string>();
  EXPECT_EQ(json::parse(office->body)["hours"]["sun"], "09:00-12:00");

  auto me = holder_with_pin(enroll, issue, auth(Role::enrollment_officer), port_);
  const std::string week = sdc::format_time(world_.clock.now() + 7 * 86400).substr(0, 10);
  auto put_req = client().Put(
      "/v1/holders/" + me.id + "/reporting", auth(Role::enrollment_officer),
      json{
          {"office_id", office_id}, {"cadence_days", 28}, {"window_days", 3}, {"anchor_date", week}}
          .dump(),
      "application/json");
  ASSERT_TRUE(put_req);
  ASSERT_EQ(put_req->status, 200) << put_req->body;
  auto in = holder_login(port_, me.document_number, me.pin);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200) << in->body;
  const httplib::Headers mine = {
      {"Authorization", "Bearer " + json::parse(in->body)["token"].get<std::string>()}};

  auto reporting = client().Get("/v1/me/reporting", mine);
  ASSERT_TRUE(reporting);
  ASSERT_EQ(reporting->status, 200) << reporting->body;
  EXPECT_EQ(json::parse(reporting->body)["next_due_date"], week);
  EXPECT_FALSE(json::parse(reporting->body).contains("set_by")) << reporting->body;
  auto slots =
      client().Get("/v1/offices/" + office_id + "/slots?from=" + week + "&to=" + week, mine);
  ASSERT_TRUE(slots);
  ASSERT_EQ(slots->status, 200) << slots->body;
  const json free = json::parse(slots->body)["slots"];
  ASSERT_EQ(free.size(), 6u);
  EXPECT_EQ(free[0]["local_start"], week + "T09:00");

  auto bad = client().Post("/v1/me/appointments", mine, json{{"starts_at", "soon"}}.dump(),
                           "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  auto booked = client().Post("/v1/me/appointments", mine,
                              json{{"starts_at", free[0]["starts_at"]}}.dump(), "application/json");
  ASSERT_TRUE(booked);
  ASSERT_EQ(booked->status, 201) << booked->body;
  const std::string id = json::parse(booked->body)["id"].get<std::string>();
  auto moved = client().Patch("/v1/me/appointments/" + id, mine,
                              json{{"starts_at", free[2]["starts_at"]}}.dump(), "application/json");
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->status, 200) << moved->body;
  EXPECT_EQ(json::parse(moved->body)["starts_at"], free[2]["starts_at"]);
  auto list = client().Get("/v1/me/appointments", mine);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  EXPECT_EQ(json::parse(list->body)["appointments"].size(), 1u);

  // Another holder's appointment is not theirs to move or cancel, and the
  // officers' routes by id are closed to them, their own id included.
  auto other = holder_with_pin(enroll, issue, auth(Role::enrollment_officer), port_);
  ASSERT_EQ(client()
                .Put("/v1/holders/" + other.id + "/reporting", auth(Role::enrollment_officer),
                     json{{"office_id", office_id},
                          {"cadence_days", 28},
                          {"window_days", 3},
                          {"anchor_date", week}}
                         .dump(),
                     "application/json")
                ->status,
            200);
  auto theirs = post(Role::enrollment_officer, "/v1/holders/" + other.id + "/appointments",
                     {{"starts_at", free[4]["starts_at"]}});
  ASSERT_TRUE(theirs);
  ASSERT_EQ(theirs->status, 201) << theirs->body;
  const std::string their_id = json::parse(theirs->body)["id"].get<std::string>();
  auto steal = client().Delete("/v1/me/appointments/" + their_id, mine);
  ASSERT_TRUE(steal);
  EXPECT_EQ(steal->status, 403) << steal->body;
  for (const auto& path : std::vector<std::string>{"/v1/holders/" + me.id + "/appointments",
                                                   "/v1/holders/" + me.id + "/reporting",
                                                   "/v1/holders/" + me.id + "/hearings"}) {
    auto r = client().Get(path, mine);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << path;
  }

  // A hearing from the court calendar joins the calendar, in Spanish for a
  // holder whose language is es (the fixture's holders speak sv: English).
  auto holder = client().Get("/v1/me", mine);
  const std::string a_number = json::parse(holder->body)["a_number"].get<std::string>();
  const std::string csv =
      "a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,"
      "status\n" +
      a_number + ",NYC-1," + week +
      "T13:30,America/New_York,Newark Immigration Court,"
      "\"970 Broad St, Newark\",Judge Doe,master,scheduled\n";
  auto imported =
      client().Post("/v1/hearings/import", auth(Role::enrollment_officer), csv, "text/csv");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  auto hearings = client().Get("/v1/me/hearings", mine);
  ASSERT_TRUE(hearings);
  ASSERT_EQ(hearings->status, 200) << hearings->body;
  ASSERT_EQ(json::parse(hearings->body)["hearings"].size(), 1u);

  auto ics = client().Get("/v1/me/calendar.ics", mine);
  ASSERT_TRUE(ics);
  ASSERT_EQ(ics->status, 200) << ics->body;
  const std::string& cal = ics->body;
  EXPECT_NE(cal.find("UID:appointment-" + id + "@sdc\r\n"), std::string::npos) << cal;
  EXPECT_NE(cal.find("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"), std::string::npos) << cal;
  EXPECT_NE(cal.find("DTSTART;TZID=America/New_York:" + week.substr(0, 4) + week.substr(5, 2) +
                     week.substr(8, 2) + "T100000\r\n"),
            std::string::npos)
      << cal;
  EXPECT_NE(cal.find("SUMMARY:Reporting appointment — Holder Booking Office\r\n"),
            std::string::npos)
      << cal;
  EXPECT_NE(cal.find("SUMMARY:Immigration court hearing — Newark Immigration Court\r\n"),
            std::string::npos)
      << cal;
}

// ---- check-ins ----

TEST_F(HttpTest, CheckInsAtAKioskWithTheCardOrItsPhotoOnlineAndByAnOfficer) {
  sdc::registry::OfficeInput oi{"Check-in Office", "1 Report Street", "UTC", ""};
  for (auto& d : oi.hours) d = sdc::registry::DayHours{0, 24 * 60};
  oi.slot_capacity = 10;
  auto office = server_->add_office(oi);
  ASSERT_TRUE(office) << office.error().message;
  const auto officer = auth(Role::enrollment_officer);
  const std::string h = enroll();
  const json issued = issue(h);
  const std::string card = issued["document_number"].get<std::string>();
  const std::string barcode = issued["issued"]["barcode"].get<std::string>();
  auto letter = client().Post("/v1/holders/" + h + "/pin", officer, "", "application/json");
  ASSERT_TRUE(letter);
  ASSERT_EQ(letter->status, 201) << letter->body;
  const std::string pin = json::parse(letter->body)["pin"].get<std::string>();

  // An appointment ten days ahead, at noon UTC.
  const std::string anchor = sdc::format_time(world_.clock.now() + 10 * 86400).substr(0, 10);
  auto rep = client().Put("/v1/holders/" + h + "/reporting", officer,
                          json{{"office_id", office->id},
                               {"cadence_days", 28},
                               {"window_days", 3},
                               {"anchor_date", anchor}}
                              .dump(),
                          "application/json");
  ASSERT_TRUE(rep);
  ASSERT_EQ(rep->status, 200) << rep->body;
  const std::string slot = anchor + "T12:00:00Z";
  auto booked =
      post(Role::enrollment_officer, "/v1/holders/" + h + "/appointments", {{"starts_at", slot}});
  ASSERT_TRUE(booked);
  ASSERT_EQ(booked->status, 201) << booked->body;

  // A kiosk: the name on the card, the result and the next appointment only.
  auto kiosk_sees = [&](const json& body) {
    auto res = post(Role::kiosk, "/v1/check-ins", body);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
    const json j = json::parse(res->body);
    EXPECT_EQ(j["holder"], (json{{"family_name", "ERIKSSON"}, {"given_names", "ANNA"}}));
    EXPECT_EQ(j["check_in"]["method"], "kiosk");
    EXPECT_EQ(j["check_in"]["outcome"], "no_appointment");
    EXPECT_FALSE(j["check_in"].contains("holder_id"));
    EXPECT_FALSE(j["check_in"].contains("id"));
    EXPECT_EQ(j["next_appointment"]["starts_at"], slot);
    EXPECT_EQ(j["next_appointment"]["office_name"], "Check-in Office");
    EXPECT_EQ(j["next_appointment"]["office_address"], "1 Report Street");
    EXPECT_EQ(j.size(), 3u) << res->body;
    EXPECT_EQ(res->body.find("1974"), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find("A301"), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find("a_number"), std::string::npos) << res->body;
    EXPECT_EQ(res->body.find(h), std::string::npos) << res->body;
  };
  kiosk_sees({{"barcode", barcode}, {"office_id", office->id}});
  // A photo of the card, decoded by the server.
  auto code = sdc::encode_qr(barcode);
  ASSERT_TRUE(code);
  const sdc::GrayImage gray = sdc::qr_to_image(*code, 4);
  sdc::RgbImage rgb{gray.width, gray.height, {}};
  for (std::uint8_t p : gray.pixels) rgb.rgb.insert(rgb.rgb.end(), {p, p, p});
  auto png = sdc::encode_png(rgb);
  ASSERT_TRUE(png);
  kiosk_sees({{"image_base64", sdc::base64_encode(*png)}});
  auto unreadable = post(Role::kiosk, "/v1/check-ins",
                         {{"image_base64", sdc::base64_encode(sdc::Bytes{1, 2, 3})}});
  ASSERT_TRUE(unreadable);
  EXPECT_EQ(unreadable->status, 400) << unreadable->body;

  // The holder online, with their own session; they name no one.
  auto in = holder_login(port_, card, pin);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200) << in->body;
  const httplib::Headers mine = {
      {"Authorization", "Bearer " + json::parse(in->body)["token"].get<std::string>()}};
  auto online = client().Post("/v1/check-ins", mine, "{}", "application/json");
  ASSERT_TRUE(online);
  ASSERT_EQ(online->status, 201) << online->body;
  EXPECT_EQ(json::parse(online->body)["check_in"]["method"], "online");
  EXPECT_EQ(json::parse(online->body)["check_in"]["holder_id"], h);
  EXPECT_EQ(json::parse(online->body)["check_in"]["office_id"], "");
  auto naming = client().Post("/v1/check-ins", mine, json{{"holder_id", enroll()}}.dump(),
                              "application/json");
  ASSERT_TRUE(naming);
  EXPECT_EQ(naming->status, 400) << naming->body;
  auto holder_compliance = client().Get("/v1/holders/" + h + "/compliance", mine);
  ASSERT_TRUE(holder_compliance);
  EXPECT_EQ(holder_compliance->status, 403);

  // A bad card is refused with the spec's result, and nothing is recorded.
  auto refused = [&](const std::string& text, int status, const std::string& result) {
    auto res = post(Role::kiosk, "/v1/check-ins", {{"barcode", text}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json");
    EXPECT_EQ(json::parse(res->body)["result"], result) << res->body;
  };
  std::string forged = barcode;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  auto forged_v = post(Role::field_officer, "/v1/verify", {{"barcode", forged}});
  ASSERT_TRUE(forged_v);
  const std::string forged_result = json::parse(forged_v->body)["result"].get<std::string>();
  EXPECT_NE(forged_result, "VALID");
  refused(forged, 422, forged_result);
  refused("hello", 422, "NOT_SDC");
  ASSERT_EQ(post(Role::enrollment_officer, "/v1/cards/" + card + "/suspend", {{"reason", "check"}})
                ->status,
            200);
  refused(barcode, 409, "SUSPENDED");
  ASSERT_EQ(
      post(Role::enrollment_officer, "/v1/cards/" + card + "/lift-suspension", {{"reason", "ok"}})
          ->status,
      200);
  ASSERT_EQ(post(Role::enrollment_officer, "/v1/cards/" + card + "/revoke", {{"reason", "stolen"}})
                ->status,
            200);
  refused(barcode, 409, "REVOKED");

  // An officer on the holder's behalf.
  auto by_officer = post(Role::field_officer, "/v1/check-ins", {{"holder_id", h}});
  ASSERT_TRUE(by_officer);
  ASSERT_EQ(by_officer->status, 201) << by_officer->body;
  const json bo = json::parse(by_officer->body);
  EXPECT_EQ(bo["check_in"]["method"], "officer");
  EXPECT_EQ(bo["check_in"]["outcome"], "no_appointment");
  EXPECT_EQ(bo["next_appointment"]["starts_at"], slot);
  auto both = post(Role::field_officer, "/v1/check-ins", {{"holder_id", h}, {"barcode", barcode}});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 400);
  auto nobody = post(Role::field_officer, "/v1/check-ins", {{"holder_id", "0123"}});
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->status, 404);

  // Compliance: nothing due yet; four check-ins without an appointment.
  auto c = get(Role::field_officer, "/v1/holders/" + h + "/compliance");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->status, 200) << c->body;
  const json cj = json::parse(c->body);
  EXPECT_EQ(cj["holder_id"], h);
  EXPECT_TRUE(cj["appointments"].empty());
  EXPECT_EQ(cj["missed"], 0);
  EXPECT_EQ(cj["check_ins_without_appointment"], 4);

  // Every call is in the holder's trail, the refused cards too.
  auto trail = get(Role::auditor, "/v1/audit?holder=" + h + "&limit=200");
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->status, 200) << trail->body;
  std::map<std::string, int> seen;
  const json events = json::parse(trail->body)["events"];
  for (const auto& e : events)
    ++seen[e["action"].get<std::string>() + " " + e["outcome"].get<std::string>()];
  EXPECT_EQ(seen["check_in_card ok"], 2);
  EXPECT_EQ(seen["check_in_card SUSPENDED"], 1);
  EXPECT_EQ(seen["check_in_card REVOKED"], 1);
  EXPECT_EQ(seen["check_in_own ok"], 1);
  EXPECT_EQ(seen["check_in_holder ok"], 1);
  EXPECT_EQ(seen["read_compliance ok"], 1);
}
