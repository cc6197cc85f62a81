// The route table: templates match whole segments, parameters are named,
// unknown paths are 404 and known paths under another method 405 with Allow.
#include "http/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using sdc::http::Call;
using sdc::http::Router;

struct Seen {
  std::vector<std::string> labels;
  std::vector<int> statuses;
};

Router make_router(Seen& seen) {
  return Router(
      [&seen](const std::string& label, int status, long long) {
        seen.labels.push_back(label);
        seen.statuses.push_back(status);
      },
      [](const std::string&, httplib::Response& res, int status) { res.status = status; });
}

httplib::Response dispatch(const Router& r, const std::string& method, const std::string& path) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  httplib::Response res;
  r.dispatch(req, res);
  return res;
}

TEST(Router, MatchesTemplatesAndNamesTheirParameters) {
  Seen seen;
  Router r = make_router(seen);
  r.get("/v1/holders/{id}", [](const Call& c) { c.res.set_content("one " + c.params["id"], "t"); });
  r.get("/v1/holders/{id}/cards",
        [](const Call& c) { c.res.set_content("cards " + c.params["id"], "t"); });
  r.post("/v1/cards/{document_number}/revoke",
         [](const Call& c) { c.res.set_content("revoke " + c.params["document_number"], "t"); });
  r.get("/healthz", [](const Call& c) { c.res.set_content("ok", "t"); });

  EXPECT_EQ(dispatch(r, "GET", "/v1/holders/ab12").body, "one ab12");
  EXPECT_EQ(dispatch(r, "GET", "/v1/holders/ab12/cards").body, "cards ab12");
  EXPECT_EQ(dispatch(r, "POST", "/v1/cards/X7K/revoke").body, "revoke X7K");
  EXPECT_EQ(dispatch(r, "GET", "/healthz").body, "ok");
  EXPECT_EQ(seen.labels,
            (std::vector<std::string>{"GET /v1/holders/{id}", "GET /v1/holders/{id}/cards",
                                      "POST /v1/cards/{document_number}/revoke", "GET /healthz"}));
  EXPECT_EQ(seen.statuses, (std::vector<int>{200, 200, 200, 200}));
}

TEST(Router, APathOfOtherSegmentsIsNotFound) {
  Seen seen;
  Router r = make_router(seen);
  r.get("/v1/holders/{id}", [](const Call& c) { c.res.set_content("one", "t"); });
  for (const std::string& path : std::vector<std::string>{
           "/v1/holders", "/v1/holders/", "/v1/holders/a/b", "/v1/holders/a%2Fb", "/v1/holders/..",
           "/v1/holders/" + std::string(65, 'a'), "/v1/holders/a b", "v1/holders/a",
           "/V1/holders/a"})
    EXPECT_EQ(dispatch(r, "GET", path).status, 404) << path;
  EXPECT_EQ(dispatch(r, "GET", "/v1/holders/" + std::string(64, 'a')).status, 200);
  EXPECT_EQ(seen.labels.back(), "GET /v1/holders/{id}");
  EXPECT_EQ(seen.labels.front(), "GET (unmatched)");
}

TEST(Router, AKnownPathUnderAnotherMethodIs405WithAllow) {
  Seen seen;
  Router r = make_router(seen);
  r.get("/v1/offices/{id}", [](const Call&) {});
  r.patch("/v1/offices/{id}", [](const Call&) {});
  r.post("/v1/login", [](const Call&) {});
  auto res = dispatch(r, "PUT", "/v1/offices/o-1");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.get_header_value("Allow"), "GET, PATCH");
  auto login = dispatch(r, "GET", "/v1/login");
  EXPECT_EQ(login.status, 405);
  EXPECT_EQ(login.get_header_value("Allow"), "POST");
  EXPECT_EQ(seen.labels, (std::vector<std::string>{"PUT (unmatched)", "GET (unmatched)"}));
}

TEST(Router, AHandlerThatThrowsAnswers500) {
  Seen seen;
  Router r = make_router(seen);
  r.get("/boom", [](const Call&) { throw std::runtime_error("no"); });
  EXPECT_EQ(dispatch(r, "GET", "/boom").status, 500);
  EXPECT_EQ(seen.statuses, std::vector<int>{500});
}

TEST(Router, ListsItsRoutesAsAdded) {
  Seen seen;
  Router r = make_router(seen);
  r.get("/a", [](const Call&) {});
  r.del("/a/{id}", [](const Call&) {});
  ASSERT_EQ(r.routes().size(), 2u);
  EXPECT_EQ(r.routes()[1].method, "DELETE");
  EXPECT_EQ(r.routes()[1].path, "/a/{id}");
  EXPECT_EQ(r.routes()[1].label, "DELETE /a/{id}");
}

}  // namespace
