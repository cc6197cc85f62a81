// The event-driven listener (src/http/event_server.h), driven over raw
// loopback sockets so that framing, keep-alive, pipelining and timeouts are
// seen byte for byte.
#include "http/event_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <optional>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using sdc::http::EventServer;

class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Socket() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(std::string_view s) {
    while (!s.empty()) {
      auto n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // One answer: status line and headers, then Content-Length bytes of body
  // (none for a HEAD request). Empty when the connection closed first.
  std::string response(bool head_request = false) {
    while (true) {
      auto end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        auto cl = buf_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(buf_.substr(cl + 16));
        if (head_request) length = 0;
        if (buf_.size() >= end + 4 + length) {
          auto out = buf_.substr(0, end + 4 + length);
          buf_.erase(0, out.size());
          return out;
        }
      }
      if (!fill()) return {};
    }
  }
  // True when the server closes the connection: the next read sees its end
  // (or a reset), not more data and not the 5 s receive timeout.
  bool closed_by_peer() {
    buf_.clear();
    char b[4096];
    auto n = ::recv(fd_, b, sizeof b, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool fill() {
    char b[65536];
    auto n = ::recv(fd_, b, sizeof b, 0);
    if (n <= 0) return false;
    buf_.append(b, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  bool connected_ = false;
  std::string buf_;
};

std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

// An echo service: the answer names the method, path, a query parameter,
// a header and the body it was given.
class EventServerTest : public ::testing::Test {
 protected:
  void start(EventServer::Options o, EventServer::Handler h = nullptr) {
    if (!h)
      h = [](httplib::Request& req, httplib::Response& res) {
        if (req.path == "/throw") throw std::runtime_error("boom");
        if (req.path == "/big") return res.set_content(std::string(4 << 20, 'b'), "text/plain");
        res.set_content(req.method + " " + req.path + " q=" + req.get_param_value("q") +
                            " h=" + req.get_header_value("x-name") + " body=" + req.body,
                        "text/plain");
      };
    server_ = std::make_unique<EventServer>(
        o, std::move(h), [](int status, const std::string& message, httplib::Response& res) {
          res.set_content(std::to_string(status) + ": " + message, "text/plain");
        });
    auto port = server_->bind("127.0.0.1", 0);
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { ran_ = server_->run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  std::unique_ptr<EventServer> server_;
  std::thread thread_;
  std::atomic<bool> ran_{false};
  int port_ = 0;
};

TEST_F(EventServerTest, AnswersPipelinedRequestsInOrderOnOneConnection) {
  start({});
  Socket s(port_);
  ASSERT_TRUE(s.connected());
  ASSERT_TRUE(
      s.send("POST /a?q=1 HTTP/1.1\r\nX-Name: first\r\nContent-Length: 3\r\n\r\nabc"
             "GET /b%20c?q=two+words HTTP/1.1\r\nx-name: second\r\n\r\n"));
  auto first = s.response();
  auto second = s.response();
  EXPECT_EQ(first.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(body_of(first), "POST /a q=1 h=first body=abc");
  EXPECT_EQ(body_of(second), "GET /b c q=two words h=second body=");
  ASSERT_TRUE(s.send("GET /c HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(body_of(s.response()), "GET /c q= h= body=") << "the connection stays open";
}

TEST_F(EventServerTest, HeadHasTheLengthButNoBody) {
  start({});
  Socket s(port_);
  ASSERT_TRUE(s.send("HEAD /x HTTP/1.1\r\n\r\nGET /y HTTP/1.1\r\n\r\n"));
  auto head = s.response(true);
  EXPECT_NE(head.find("Content-Length: 18\r\n"), std::string::npos) << head;
  EXPECT_EQ(body_of(head), "");
  EXPECT_EQ(body_of(s.response()), "GET /y q= h= body=") << "the next answer is not misread";
}

TEST_F(EventServerTest, SaysContinueBeforeTheBody) {
  start({});
  Socket s(port_);
  ASSERT_TRUE(s.send("POST /p HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  EXPECT_EQ(s.response(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(s.send("data"));
  EXPECT_EQ(body_of(s.response()), "POST /p q= h= body=data");
}

TEST_F(EventServerTest, ConnectionCloseIsHonoured) {
  start({});
  Socket s(port_);
  ASSERT_TRUE(s.send("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n"));
  auto r = s.response();
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(s.closed_by_peer());
}

TEST_F(EventServerTest, MalformedRequestsAreRefusedAndTheConnectionClosed) {
  start({});
  for (std::string bad : {std::string("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"),
                          std::string("\x16\x03\x01\x00\xa5\x01\x00", 7),
                          std::string("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")}) {
    Socket s(port_);
    ASSERT_TRUE(s.send(bad));
    auto r = s.response();
    EXPECT_TRUE(r.starts_with("HTTP/1.1 400 ") || r.starts_with("HTTP/1.1 501 ")) << r;
    EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(s.closed_by_peer());
  }
}

TEST_F(EventServerTest, AnOversizedBodyIs413AndTheClientCanReadIt) {
  EventServer::Options o;
  o.max_body = 1000;
  start(o);
  Socket s(port_);
  ASSERT_TRUE(s.send("POST /p HTTP/1.1\r\nContent-Length: 300000\r\n\r\n"));
  s.send(std::string(300000, 'x'));  // the server drops it rather than reset the connection
  auto r = s.response();
  EXPECT_TRUE(r.starts_with("HTTP/1.1 413 ")) << r.substr(0, 40);
  EXPECT_EQ(body_of(r), "413: the request body is over 1000 bytes");
}

TEST_F(EventServerTest, APathMayTakeALargerBodyThanTheOthers) {
  EventServer::Options o;
  o.max_body = 5000;
  o.max_body_for = [](std::string_view path) -> std::size_t { return path == "/up" ? 5000 : 1000; };
  start(o);
  {
    Socket s(port_);
    ASSERT_TRUE(
        s.send("POST /up HTTP/1.1\r\nContent-Length: 3000\r\n\r\n" + std::string(3000, 'x')));
    auto r = s.response();
    EXPECT_TRUE(r.starts_with("HTTP/1.1 200 ")) << r.substr(0, 40);
    EXPECT_EQ(body_of(r), "POST /up q= h= body=" + std::string(3000, 'x'));
  }
  Socket s(port_);
  ASSERT_TRUE(s.send("POST /p HTTP/1.1\r\nContent-Length: 3000\r\n\r\n"));
  s.send(std::string(3000, 'x'));
  auto r = s.response();
  EXPECT_TRUE(r.starts_with("HTTP/1.1 413 ")) << r.substr(0, 40);
  EXPECT_EQ(body_of(r), "413: the request body is over 1000 bytes");
}

TEST_F(EventServerTest, AHandlerThatThrowsGives500AndTheServerGoesOn) {
  start({});
  Socket s(port_);
  ASSERT_TRUE(s.send("GET /throw HTTP/1.1\r\n\r\n"));
  auto r = s.response();
  EXPECT_TRUE(r.starts_with("HTTP/1.1 500 ")) << r;
  EXPECT_EQ(body_of(r), "500: internal error");
  ASSERT_TRUE(s.send("GET /after HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(body_of(s.response()), "GET /after q= h= body=");
}

TEST_F(EventServerTest, ALargeAnswerReachesASlowReader) {
  start({});
  Socket s(port_);
  ASSERT_TRUE(s.send("GET /big HTTP/1.1\r\n\r\n"));
  std::this_thread::sleep_for(200ms);  // the server's socket buffer fills meanwhile
  auto r = s.response();
  EXPECT_EQ(body_of(r), std::string(4 << 20, 'b'));
}

TEST_F(EventServerTest, PipelinedLargeAnswersAllArriveInOrder) {
  start({});
  Socket s(port_);
  // Three 4 MiB answers: past the 1 MiB a connection may have waiting, so
  // the later requests are answered only as the first ones are read.
  ASSERT_TRUE(
      s.send("GET /big HTTP/1.1\r\n\r\nGET /big HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(body_of(s.response()), std::string(4 << 20, 'b'));
  EXPECT_EQ(body_of(s.response()), std::string(4 << 20, 'b'));
  EXPECT_EQ(body_of(s.response()), "GET /after q= h= body=");
}

TEST_F(EventServerTest, SlowAndIdleClientsHoldNoThread) {
  EventServer::Options o;
  o.threads = 1;
  start(o);
  Socket slow(port_), idle(port_);
  ASSERT_TRUE(slow.send("POST /slow HTTP/1.1\r\nContent-Le"));
  Socket quick(port_);
  ASSERT_TRUE(quick.send("GET /quick HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(body_of(quick.response()), "GET /quick q= h= body=");
  for (char c : std::string("ngth: 2\r\n\r\nok")) {
    ASSERT_TRUE(slow.send(std::string(1, c)));
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(body_of(slow.response()), "POST /slow q= h= body=ok");
}

TEST_F(EventServerTest, IdleConnectionsAreClosedAfterTheTimeout) {
  EventServer::Options o;
  o.idle_timeout = 300ms;
  start(o);
  Socket partial(port_), kept(port_);
  ASSERT_TRUE(partial.send("GET /never-finished HTTP/1.1\r\n"));
  ASSERT_TRUE(kept.send("GET /x HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(kept.response().empty());
  auto start_wait = std::chrono::steady_clock::now();
  EXPECT_TRUE(partial.closed_by_peer());
  EXPECT_TRUE(kept.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start_wait, 3s) << "closed by the timeout";
}

TEST_F(EventServerTest, ARequestThatTricklesInPastTheRequestTimeoutIsCut) {
  EventServer::Options o;
  o.request_timeout = 400ms;  // the idle timeout (5 s) is never reached
  start(o);
  Socket s(port_);
  ASSERT_TRUE(s.send("GET /slow HTTP/1.1\r\nX-Long: "));
  auto begin = std::chrono::steady_clock::now();
  bool cut = false;
  while (std::chrono::steady_clock::now() - begin < 3s) {
    std::this_thread::sleep_for(50ms);
    if (!s.send("a")) {
      cut = true;
      break;
    }
  }
  EXPECT_TRUE(cut || s.closed_by_peer()) << "the connection outlived its request timeout";
  Socket next(port_);
  ASSERT_TRUE(next.send("GET /next HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(body_of(next.response()), "GET /next q= h= body=");
}

TEST_F(EventServerTest, UnfinishedRequestsPastTheMemoryBudgetAre503) {
  EventServer::Options o;
  o.max_buffered = 2500;
  start(o);
  Socket a(port_);
  const std::string head_a = "POST /a HTTP/1.1\r\nContent-Length: 2000\r\n\r\n";
  ASSERT_TRUE(a.send(head_a + std::string(900, 'x')));
  std::this_thread::sleep_for(300ms);  // held by the server: 942 bytes
  Socket b(port_);
  ASSERT_TRUE(b.send("GET /b HTTP/1.1\r\nX-Pad: " + std::string(1600, 'p') + "\r\n\r\n"));
  auto refused = b.response();
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503 ")) << refused.substr(0, 60);
  EXPECT_TRUE(b.closed_by_peer());
  ASSERT_TRUE(a.send(std::string(1100, 'x')));
  EXPECT_EQ(body_of(a.response()), "POST /a q= h= body=" + std::string(2000, 'x'))
      << "a request within the budget is served";
  Socket c(port_);
  ASSERT_TRUE(c.send("GET /b HTTP/1.1\r\nX-Pad: " + std::string(1600, 'p') + "\r\n\r\n"));
  EXPECT_TRUE(c.response().starts_with("HTTP/1.1 200 ")) << "answered requests free the budget";
}

TEST_F(EventServerTest, ConnectionsOverTheLimitAreClosed) {
  EventServer::Options o;
  o.max_connections = 2;
  start(o);
  Socket b(port_);
  {
    Socket a(port_);
    ASSERT_TRUE(a.send("GET /a HTTP/1.1\r\n\r\n"));
    ASSERT_TRUE(b.send("GET /b HTTP/1.1\r\n\r\n"));
    EXPECT_FALSE(a.response().empty());
    EXPECT_FALSE(b.response().empty());
    Socket c(port_);
    EXPECT_TRUE(c.closed_by_peer()) << "a third connection is closed at once";
  }  // a leaves
  std::this_thread::sleep_for(100ms);
  Socket d(port_);
  ASSERT_TRUE(d.send("GET /d HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(body_of(d.response()), "GET /d q= h= body=") << "a freed place is taken again";
}

TEST_F(EventServerTest, StopLetsTheRequestBeingHandledFinish) {
  std::binary_semaphore entered(0), release(0);
  start({}, [&](httplib::Request& req, httplib::Response& res) {
    entered.release();
    release.acquire();
    res.set_content("done " + req.path, "text/plain");
  });
  Socket s(port_);
  ASSERT_TRUE(s.send("GET /slow HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(entered.try_acquire_for(5s));
  server_->stop();
  release.release();
  EXPECT_EQ(body_of(s.response()), "done /slow");
  thread_.join();
  EXPECT_TRUE(ran_);
  EXPECT_FALSE(server_->running());
}

TEST(EventServer, RunWithoutBindFailsAndBindReportsABusyPort) {
  auto refusal = [](int, const std::string&, httplib::Response&) {};
  EventServer unbound(
      {}, [](httplib::Request&, httplib::Response&) {}, refusal);
  EXPECT_FALSE(unbound.run());
  EventServer a(
      {}, [](httplib::Request&, httplib::Response&) {}, refusal);
  auto port = a.bind("127.0.0.1", 0);
  ASSERT_TRUE(port);
  EventServer b(
      {}, [](httplib::Request&, httplib::Response&) {}, refusal);
  auto again = b.bind("127.0.0.1", *port);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("cannot bind 127.0.0.1:" + std::to_string(*port)),
            std::string::npos)
      << again.error().message;
}

}  // namespace
