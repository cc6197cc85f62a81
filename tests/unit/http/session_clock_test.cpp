// Session expiry and login lockout over HTTP, on a clock the test moves:
// nothing here sleeps.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "sdc/http/server.h"
#include "sdc/registry/accounts.h"
#include "support/temp_dir.h"
#include "support/test_server.h"

namespace {

using json = nlohmann::json;
using sdc::registry::Accounts;
using sdc::registry::Role;

class SessionClock : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(served_.start(world_, dir_.path() / "data"), "");
    ASSERT_TRUE(served_.server().add_user("clocked", "clocked-password", Role::field_officer));
  }
  void TearDown() override { served_.stop(); }

  httplib::Result login(const std::string& password) {
    httplib::Client c = served_.client();
    return c.Post("/v1/login", json{{"username", "clocked"}, {"password", password}}.dump(),
                  "application/json");
  }
  int offices_status(const std::string& token) {
    httplib::Client c = served_.client();
    auto res = c.Get("/v1/offices", {{"Authorization", "Bearer " + token}});
    return res ? res->status : -1;
  }

  sdc::test::TestWorld world_;
  sdc::test::TempDir dir_{"sdc-session-clock-"};
  sdc::test::TestServer served_;
};

TEST_F(SessionClock, ASessionEndsWhenItsLifetimeIsOver) {
  auto res = login("clocked-password");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string token = json::parse(res->body)["token"].get<std::string>();
  EXPECT_EQ(offices_status(token), 200);
  world_.clock.advance(Accounts::kSessionLifetime - 1);
  EXPECT_EQ(offices_status(token), 200);  // the last second of its life
  world_.clock.advance(1);
  EXPECT_EQ(offices_status(token), 401);
}

TEST_F(SessionClock, FiveFailuresLockTheLoginUntilTheLockoutEnds) {
  for (std::uint64_t i = 0; i < Accounts::kMaxLoginFailures; ++i) {
    auto res = login("wrong-password");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  auto locked = login("clocked-password");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);
  EXPECT_EQ(locked->get_header_value("Retry-After"), std::to_string(Accounts::kLockout));
  world_.clock.advance(Accounts::kLockout - 1);
  auto still = login("clocked-password");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 429);
  EXPECT_EQ(still->get_header_value("Retry-After"), "1");
  world_.clock.advance(1);
  auto open = login("clocked-password");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 200) << open->body;
}

TEST_F(SessionClock, FailuresOlderThanTheLockoutAreForgotten) {
  for (std::uint64_t i = 0; i + 1 < Accounts::kMaxLoginFailures; ++i) {
    auto res = login("wrong-password");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  world_.clock.advance(Accounts::kLockout + 1);
  auto one_more = login("wrong-password");  // the first of a new window
  ASSERT_TRUE(one_more);
  EXPECT_EQ(one_more->status, 401);
  auto ok = login("clocked-password");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
