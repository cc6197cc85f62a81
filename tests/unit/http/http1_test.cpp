// HTTP/1.1 request framing (src/http/http1.h).
#include "http/http1.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using sdc::http::http1::kMaxHead;
using sdc::http::http1::Parse;
using sdc::http::http1::parse_request;
using sdc::http::http1::percent_decode;
using sdc::http::http1::RequestHead;

constexpr std::size_t kMaxBody = 1024;

TEST(Http1, ParsesAGetWithItsQueryAndHeaders) {
  RequestHead h;
  std::string req =
      "GET /v1/holders/ab%20c?a_number=A+201-555%2D001&x&page=2 HTTP/1.1\r\n"
      "Host: localhost\r\nAuthorization:  Bearer t0k  \r\n\r\n";
  auto r = parse_request(req, kMaxBody, h);
  ASSERT_EQ(r.state, Parse::complete);
  EXPECT_EQ(r.head_size, req.size());
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.path, "/v1/holders/ab c");
  EXPECT_EQ(h.target, "/v1/holders/ab%20c?a_number=A+201-555%2D001&x&page=2");
  ASSERT_EQ(h.params.count("a_number"), 1u);
  EXPECT_EQ(h.params.find("a_number")->second, "A 201-555-001");
  EXPECT_EQ(h.params.find("x")->second, "");
  EXPECT_EQ(h.params.find("page")->second, "2");
  ASSERT_EQ(h.headers.size(), 2u);
  EXPECT_EQ(h.headers[1].first, "Authorization");
  EXPECT_EQ(h.headers[1].second, "Bearer t0k");  // surrounding whitespace trimmed
  EXPECT_TRUE(h.keep_alive);
  EXPECT_EQ(h.content_length, 0u);
}

TEST(Http1, WaitsForTheWholeHeadAndBody) {
  std::string req = "POST /v1/verify HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t n = 0; n < req.size(); ++n) {
    RequestHead h;
    auto r = parse_request(std::string_view(req).substr(0, n), kMaxBody, h);
    EXPECT_EQ(r.state, Parse::incomplete) << n;
    if (n >= req.size() - 5) {
      EXPECT_EQ(r.head_size, req.size() - 5) << "the head is known before the body";
      EXPECT_EQ(h.content_length, 5u);
    }
  }
  RequestHead h;
  auto r = parse_request(req + "GET / HTTP/1.1\r\n\r\n", kMaxBody, h);
  ASSERT_EQ(r.state, Parse::complete);
  EXPECT_EQ(r.head_size + h.content_length, req.size()) << "a pipelined request is left alone";
}

TEST(Http1, ConnectionAndExpectAreRead) {
  RequestHead h;
  ASSERT_EQ(parse_request("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", kMaxBody, h).state,
            Parse::complete);
  EXPECT_FALSE(h.keep_alive);
  ASSERT_EQ(parse_request("GET / HTTP/1.0\r\n\r\n", kMaxBody, h).state, Parse::complete);
  EXPECT_FALSE(h.keep_alive) << "HTTP/1.0 closes unless asked";
  ASSERT_EQ(parse_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", kMaxBody, h).state,
            Parse::complete);
  EXPECT_TRUE(h.keep_alive);
  auto r = parse_request("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n",
                         kMaxBody, h);
  EXPECT_EQ(r.state, Parse::incomplete);
  EXPECT_TRUE(h.expect_continue);
}

struct Refusal {
  const char* name;
  std::string request;
  int status;
  const char* says;
};

class Http1Refusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(Http1Refusals, AnswerWithTheStatusAndWhy) {
  RequestHead h;
  auto r = parse_request(GetParam().request, kMaxBody, h);
  ASSERT_EQ(r.state, Parse::error);
  EXPECT_EQ(r.status, GetParam().status);
  EXPECT_NE(r.message.find(GetParam().says), std::string::npos) << r.message;
}

INSTANTIATE_TEST_SUITE_P(
    Http1, Http1Refusals,
    ::testing::Values(
        Refusal{"garbage", "\x16\x03\x01\x02", 400, "not an HTTP request"},
        Refusal{"no_version", "GET /\r\n\r\n", 400, "request line"},
        Refusal{"extra_space", "GET  / HTTP/1.1\r\n\r\n", 400, "request line"},
        Refusal{"absolute_target", "GET http://x/ HTTP/1.1\r\n\r\n", 400, "starting with /"},
        Refusal{"control_in_target", "GET /a\x01 HTTP/1.1\r\n\r\n", 400, "not allowed"},
        Refusal{"http2", "GET / HTTP/2.0\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1"},
        Refusal{"bad_version", "GET / HTTQ/1.1\r\n\r\n", 400, "version"},
        Refusal{"no_colon", "GET / HTTP/1.1\r\nHost localhost\r\n\r\n", 400, "no colon"},
        Refusal{"space_in_name", "GET / HTTP/1.1\r\nHo st: x\r\n\r\n", 400, "not a token"},
        Refusal{"control_in_value", "GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", 400, "control"},
        Refusal{"length_not_number", "POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", 400,
                "not a number"},
        Refusal{"negative_length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400,
                "not a number"},
        Refusal{"two_lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                400, "two different"},
        Refusal{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501,
                "Content-Length"},
        Refusal{"too_long_body", "POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", 413,
                "over 1024 bytes"},
        Refusal{"huge_length", "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
                400, "not a number"},
        Refusal{"odd_expect", "POST / HTTP/1.1\r\nExpect: magic\r\n\r\n", 417, "100-continue"},
        Refusal{"head_too_long", "GET / HTTP/1.1\r\nX: " + std::string(kMaxHead, 'a'), 431,
                "16 KiB"},
        Refusal{"head_too_long_complete",
                "GET / HTTP/1.1\r\nX: " + std::string(kMaxHead, 'a') + "\r\n\r\n", 431, "16 KiB"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Http1, RefusesTheHundredAndFirstHeader) {
  std::string req = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) req += "X" + std::to_string(i) + ": v\r\n";
  RequestHead h;
  EXPECT_EQ(parse_request(req + "\r\n", kMaxBody, h).state, Parse::complete);
  auto r = parse_request(req + "Y: v\r\n\r\n", kMaxBody, h);
  ASSERT_EQ(r.state, Parse::error);
  EXPECT_EQ(r.status, 431);
}

TEST(Http1, PercentDecoding) {
  EXPECT_EQ(percent_decode("a%2Fb%2fc", false), "a/b/c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("100%", false), "100%") << "a cut escape is kept";
  EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
}

}  // namespace
