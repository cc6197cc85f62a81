// The plain-HTTP listener of sdcd: one epoll instance shared by a pool of
// threads (leader/followers). A connection is watched with EPOLLONESHOT, so
// exactly one thread at a time owns it: that thread reads, frames the request
// (http1.h), runs the handler, and writes the answer with one write(2),
// then hands the connection back to epoll. An idle connection holds no
// thread, so slow or idle clients cannot starve the pool, and a request costs
// four system calls (epoll_wait, read, write, epoll_ctl).
//
// Handlers may block (a verification waits for its audit record to be
// durable): the pool size is the number of requests served at once.
//
// Limits (tests: event_server_test.cpp, http1_test.cpp): request
// framing (http1.h: head 16 KiB, body max_body); connections
// (max_connections); the bytes of unfinished requests held for all
// connections (max_buffered, else 503); time (idle_timeout between bytes,
// request_timeout for a whole request); answers waiting for a slow reader
// (1 MiB a connection before its next pipelined request is answered); and
// when accept() runs out of descriptors the listener pauses for 250 ms
// instead of spinning.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sdc/util/error.h"

namespace sdc::http {

class EventServer {
 public:
  // Called for every well-framed request (HEAD is handed over as GET, its
  // answer's body dropped). The request's path is percent-decoded, its
  // params hold the decoded query.
  using Handler = std::function<void(httplib::Request&, httplib::Response&)>;
  // Fills the answer to a request refused before any handler: status and
  // what is wrong (400, 413, 417, 431, 501, 503, 505). The connection is
  // closed after.
  using Refusal = std::function<void(int status, const std::string& message, httplib::Response&)>;

  struct Options {
    int threads = 8;
    std::size_t max_body = std::size_t{1} << 20;
    // The limit of a request's body by its path, at most max_body; null:
    // max_body for every path. Checked once the head is read, before the
    // body is waited for.
    std::function<std::size_t(std::string_view path)> max_body_for;
    // Fills the answer to a request whose body is over max_body_for its
    // path (the request holds its method, path and headers, no body); null:
    // the Refusal's 413. The connection is closed after.
    std::function<void(const httplib::Request& head, httplib::Response&)> too_large;
    // A connection that sends nothing for this long is closed.
    std::chrono::milliseconds idle_timeout{5000};
    // A request must arrive whole within this long of its first byte, however
    // slowly it trickles in; else the connection is closed.
    std::chrono::milliseconds request_timeout{30000};
    std::size_t max_connections = 4096;  // more are closed as they arrive
    // Bytes of unanswered requests held for all connections together. A
    // request that would go over is refused with 503 (and the connection
    // closed), so that many slow uploads cannot exhaust memory.
    std::size_t max_buffered = std::size_t{256} << 20;
  };

  EventServer(Options options, Handler handler, Refusal refusal);
  ~EventServer();
  EventServer(const EventServer&) = delete;
  EventServer& operator=(const EventServer&) = delete;

  // Binds and listens on host:port (port 0: any free port); returns the port.
  Result<int> bind(const std::string& host, int port);
  // Serves on the calling thread and options.threads - 1 more until stop().
  // Requests being handled when stop() is called are answered first.
  // False when not bound.
  bool run();
  // Thread-safe; run() returns soon after.
  void stop();
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sdc::http
