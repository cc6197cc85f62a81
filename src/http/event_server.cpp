#include "http/event_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/http1.h"

namespace sdc::http {
namespace {

using steady = std::chrono::steady_clock;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now().time_since_epoch())
      .count();
}

// A draining connection (answered with an error, write side shut) reads and
// drops at most this much of what the client still sends, so that closing
// does not reset the connection before the client has read the answer.
constexpr std::size_t kMaxDrain = std::size_t{4} << 20;

struct Conn {
  int fd = -1;
  std::string in;   // received, not yet consumed
  std::string out;  // to send
  std::size_t out_done = 0;
  bool close_after = false;  // close once `out` is sent
  bool draining = false;     // answered and shut for writing: drop input until EOF
  std::size_t drained = 0;
  bool continue_sent = false;
  bool more = false;  // complete requests may wait in `in`
  std::atomic<bool> busy{false};
  std::atomic<std::int64_t> last_active{0};
  std::atomic<std::int64_t> request_started{0};  // first byte of the pending request; 0: none
  std::size_t counted = 0;                       // bytes of `in` counted in Impl::buffered
};

// Tags for the two non-connection entries in the epoll set.
char listen_tag, wake_tag;

void append_response(std::string& out, const httplib::Response& res, bool keep_alive,
                     bool with_body) {
  int status = res.status < 100 ? 200 : res.status;
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += http1::reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (name == "Content-Length" || name == "Connection") continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  const bool bodiless = status == 204 || status == 304;
  if (!bodiless) {
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (with_body && !bodiless) out += res.body;
}

}  // namespace

struct EventServer::Impl {
  Options options;
  Handler handler;
  Refusal refusal;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  std::atomic<bool> serving{false};

  std::mutex conns_mu;  // the map; a connection's fd is closed only under it
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  std::atomic<std::size_t> buffered{0};      // sum of every connection's `counted`
  std::atomic<bool> listener_paused{false};  // out of descriptors: the reaper re-arms

  // Brings c.counted (and the total) to the size of c.in. False, changing
  // nothing, when growing would pass options.max_buffered.
  bool account(Conn& c) {
    const std::size_t now = c.in.size();
    if (now > c.counted) {
      const std::size_t more = now - c.counted;
      if (buffered.fetch_add(more) + more > options.max_buffered) {
        buffered -= more;
        return false;
      }
    } else {
      buffered -= c.counted - now;
    }
    c.counted = now;
    return true;
  }

  void arm_listener() {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = &listen_tag;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &ev);
  }

  bool arm(Conn& c, std::uint32_t events) {
    epoll_event ev{};
    ev.events = events | EPOLLONESHOT | EPOLLRDHUP;
    ev.data.ptr = &c;
    return ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev) == 0;
  }

  void close_conn(Conn& c) {
    buffered -= c.counted;
    std::lock_guard lock(conns_mu);
    ::close(c.fd);
    conns.erase(c.fd);  // destroys c
  }

  void accept_all() {
    while (!stopping) {
      int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          // Out of descriptors or memory: the pending connection stays
          // queued and would wake the listener again at once. Pause it; the
          // reaper re-arms it within 250 ms.
          listener_paused = true;
          return;
        }
        break;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto conn = std::make_unique<Conn>();
      conn->fd = fd;
      conn->last_active = now_ms();
      Conn* c = conn.get();
      {
        std::lock_guard lock(conns_mu);
        if (conns.size() >= options.max_connections) {
          ::close(fd);
          continue;
        }
        conns.emplace(fd, std::move(conn));
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
      ev.data.ptr = c;
      if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) close_conn(*c);
    }
    arm_listener();
  }

  // Writes what is pending. False: the connection is broken.
  static bool flush(Conn& c) {
    while (c.out_done < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    c.out.clear();
    c.out_done = 0;
    return true;
  }

  void refuse(Conn& c, int status, const std::string& message) {
    httplib::Response res;
    res.status = status;
    refusal(status, message, res);
    send_refusal(c, res);
  }
  void send_refusal(Conn& c, const httplib::Response& res) {
    append_response(c.out, res, false, true);
    c.close_after = true;
    c.in.clear();
    account(c);
    c.request_started = 0;
  }
  // A body over its path's limit, refused from the request's head.
  void refuse_too_large(Conn& c, http1::RequestHead& head, std::size_t limit) {
    if (!options.too_large)
      return refuse(c, 413, "the request body is over " + std::to_string(limit) + " bytes");
    httplib::Request req;
    req.method = head.method;
    req.path = head.path;
    for (auto& [name, value] : head.headers) req.headers.emplace(name, value);
    httplib::Response res;
    res.status = 413;
    options.too_large(req, res);
    send_refusal(c, res);
  }

  // Answers the complete requests in c.in, until the answers waiting to be
  // sent reach kOutHigh (c.more then says that more may be waiting).
  static constexpr std::size_t kOutHigh = std::size_t{1} << 20;
  void handle_requests(Conn& c) {
    c.more = false;
    while (!c.close_after) {
      if (c.out.size() >= kOutHigh) {
        c.more = true;
        return;
      }
      http1::RequestHead head;
      // With limits by path the head's length is checked below, where the
      // path is known, so that the path's own answer can be given.
      auto parsed = http1::parse_request(
          c.in, options.max_body_for ? std::numeric_limits<std::size_t>::max() : options.max_body,
          head);
      if (parsed.state == http1::Parse::error) return refuse(c, parsed.status, parsed.message);
      if (parsed.head_size != 0 && options.max_body_for) {
        const std::size_t limit = std::min(options.max_body, options.max_body_for(head.path));
        if (head.content_length > limit) return refuse_too_large(c, head, limit);
      }
      if (parsed.state == http1::Parse::incomplete) {
        if (parsed.head_size != 0 && head.expect_continue && !c.continue_sent) {
          c.out += "HTTP/1.1 100 Continue\r\n\r\n";
          c.continue_sent = true;
        }
        return;
      }
      httplib::Request req;
      const bool head_only = head.method == "HEAD";
      req.method = head_only ? "GET" : std::move(head.method);
      req.path = std::move(head.path);
      req.target = std::move(head.target);
      req.version = head.minor_version == 0 ? "HTTP/1.0" : "HTTP/1.1";
      req.params = std::move(head.params);
      for (auto& [name, value] : head.headers)
        req.headers.emplace(std::move(name), std::move(value));
      req.body.assign(c.in, parsed.head_size, head.content_length);
      c.in.erase(0, parsed.head_size + head.content_length);
      account(c);
      c.request_started = c.in.empty() ? 0 : now_ms();
      c.continue_sent = false;
      httplib::Response res;
      try {
        handler(req, res);
      } catch (...) {
        res = httplib::Response{};
        refusal(500, "internal error", res);
        res.status = 500;
      }
      append_response(c.out, res, head.keep_alive, !head_only);
      if (!head.keep_alive) c.close_after = true;
    }
  }

  // Serves one readiness event of a connection this thread now owns: sends
  // what waits, reads once, answers what is complete, and hands the
  // connection back to epoll (or closes it).
  void serve(Conn& c) {
    c.busy = true;
    bool have_read = false;
    while (true) {
      if (!flush(c)) return close_conn(c);
      if (!c.out.empty()) {  // the client is slow to read: wait until it can take more
        c.busy = false;
        if (!arm(c, EPOLLOUT)) close_conn(c);
        return;
      }
      if (c.close_after) {
        if (!c.draining) {
          c.draining = true;
          ::shutdown(c.fd, SHUT_WR);
        }
      } else if (c.more) {
        handle_requests(c);
        continue;
      }
      if (have_read) break;
      have_read = true;
      thread_local std::vector<char> buf(64 * 1024);
      ssize_t n = ::recv(c.fd, buf.data(), buf.size(), 0);
      if (n == 0) return close_conn(c);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        return close_conn(c);
      }
      c.last_active = now_ms();
      if (c.draining) {
        c.drained += static_cast<std::size_t>(n);
        if (c.drained > kMaxDrain) return close_conn(c);
        continue;
      }
      if (c.in.empty()) c.request_started = now_ms();
      c.in.append(buf.data(), static_cast<std::size_t>(n));
      if (!account(c)) {
        refuse(c, 503, "the server holds too many unfinished requests; try again shortly");
        continue;
      }
      handle_requests(c);
    }
    c.busy = false;
    if (!arm(c, EPOLLIN)) close_conn(c);
  }

  void work() {
    epoll_event ev{};
    while (true) {
      int n = ::epoll_wait(epoll_fd, &ev, 1, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (ev.data.ptr == &wake_tag) break;  // level-triggered: wakes every thread
      if (ev.data.ptr == &listen_tag) {
        accept_all();
        continue;
      }
      serve(*static_cast<Conn*>(ev.data.ptr));
    }
  }

  // Shuts connections idle past the timeout; their owner closes them on
  // the event that follows.
  void reap(std::mutex& mu, std::condition_variable& cv) {
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping.load(); })) {
      const auto now = now_ms();
      const auto idle_limit = now - options.idle_timeout.count();
      const auto request_limit = now - options.request_timeout.count();
      if (listener_paused.exchange(false)) arm_listener();
      std::lock_guard conns_lock(conns_mu);
      for (auto& [fd, c] : conns) {
        if (c->busy) continue;
        const auto started = c->request_started.load();
        if (c->last_active < idle_limit || (started != 0 && started < request_limit))
          ::shutdown(fd, SHUT_RDWR);
      }
    }
  }

  bool run() {
    if (listen_fd < 0 || epoll_fd < 0 || wake_fd < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &wake_tag;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = &listen_tag;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
    serving = true;
    std::mutex reap_mu;
    std::condition_variable reap_cv;
    std::thread reaper([&] { reap(reap_mu, reap_cv); });
    std::vector<std::thread> workers;
    for (int i = 1; i < options.threads; ++i) workers.emplace_back([this] { work(); });
    work();
    for (auto& t : workers) t.join();
    { std::lock_guard lock(reap_mu); }
    reap_cv.notify_all();
    reaper.join();
    {
      std::lock_guard lock(conns_mu);
      for (auto& [fd, c] : conns) ::close(fd);
      conns.clear();
    }
    ::close(listen_fd);
    listen_fd = -1;
    serving = false;
    return true;
  }

  void stop() {
    stopping = true;
    std::uint64_t one = 1;  // the eventfd stays readable: every thread wakes and leaves
    [[maybe_unused]] auto w = ::write(wake_fd, &one, sizeof one);
  }
};

EventServer::EventServer(Options options, Handler handler, Refusal refusal)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  if (impl_->options.threads < 1) impl_->options.threads = 1;
  impl_->handler = std::move(handler);
  impl_->refusal = std::move(refusal);
  impl_->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

EventServer::~EventServer() {
  stop();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  if (impl_->epoll_fd >= 0) ::close(impl_->epoll_fd);
  if (impl_->wake_fd >= 0) ::close(impl_->wake_fd);
}

Result<int> EventServer::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc =
          ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
      rc != 0)
    return fail(Errc::io, "cannot resolve " + host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  std::string why = "no address";
  for (auto* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      continue;
    }
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int bound = addr.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
    impl_->listen_fd = fd;
    return bound;
  }
  return fail(Errc::io, "cannot bind " + host + ":" + service + ": " + why);
}

bool EventServer::run() {
  return impl_->run();
}
void EventServer::stop() {
  impl_->stop();
}
bool EventServer::running() const {
  return impl_->serving;
}

}  // namespace sdc::http
