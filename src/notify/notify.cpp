#include "sdc/notify/notify.h"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sdc/util/bytes.h"

namespace sdc::notify {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

std::string trim_punct(std::string_view s) {
  while (!s.empty() && std::string_view("<>()[],;.\"'").find(s.back()) != std::string_view::npos)
    s.remove_suffix(1);
  while (!s.empty() && std::string_view("<>()[],;\"'").find(s.front()) != std::string_view::npos)
    s.remove_prefix(1);
  return std::string(s);
}

bool is_email(std::string_view s) {
  auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos)
    return false;
  auto dot = s.find('.', at + 2);
  if (dot == std::string_view::npos || dot + 1 >= s.size()) return false;
  return std::ranges::none_of(s, [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == '"';
  });
}

// "+" and the digits of s when it holds 7 to 15 digits and only phone punctuation.
std::string phone_of(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits += c;
    else if (std::string_view("+-(). ").find(c) == std::string_view::npos)
      return {};
  }
  if (digits.size() < 7 || digits.size() > 15) return {};
  return "+" + digits;
}

}  // namespace

Contact parse_contact(std::string_view text) {
  Contact c;
  const std::string l = lower(text);
  if (l.find("no smartphone") != std::string::npos ||
      l.find("no-smartphone") != std::string::npos ||
      l.find("smartphone: no") != std::string::npos || l.find("smartphone:no") != std::string::npos)
    c.smartphone = false;
  // Words split at white space, commas and semicolons; a label ("sms:")
  // may stand alone before its value or be joined to it.
  std::vector<std::string> words;
  std::string w;
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == ',' || ch == ';') {
      if (!w.empty()) words.push_back(std::move(w));
      w.clear();
    } else {
      w += ch;
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    bool phone_label = false;
    for (std::string_view label : {"sms:", "phone:", "tel:", "mobile:"})
      if (starts_with_ci(word, label)) {
        word.remove_prefix(label.size());
        phone_label = true;
      }
    for (std::string_view label : {"email:", "e-mail:", "mailto:"})
      if (starts_with_ci(word, label)) word.remove_prefix(label.size());
    if (word.empty() && i + 1 < words.size()) {
      if (!phone_label) continue;
      // The number may be written in several words: "+1 555 010 0199".
      std::string joined;
      std::size_t j = i + 1;
      for (; j < words.size() && !phone_of(words[j] + "0000000").empty(); ++j) joined += words[j];
      if (c.phone.empty()) c.phone = phone_of(joined);
      i = j - 1;
      continue;
    }
    const std::string v = trim_punct(word);
    if (c.email.empty() && is_email(v)) {
      c.email = v;
    } else if (c.phone.empty() && (phone_label || v.starts_with("+"))) {
      c.phone = phone_of(v);
    }
  }
  return c;
}

Channel choose_channel(const Contact& c) {
  if (!c.phone.empty() && (!c.smartphone || c.email.empty())) return Channel::sms;
  if (!c.email.empty()) return Channel::email;
  return Channel::none;
}

Result<Outgoing> render(const i18n::Catalogues& catalogues, const registry::ReminderMessage& m,
                        Channel channel, const std::string& portal_url) {
  const i18n::Args args{
      {"when", i18n::DateTime{m.when, m.time_zone, i18n::DateStyle::full}},
      {"office", m.place},
      {"court", m.place},
      {"address", m.address},
      {"reason", m.reason},
      {"name", m.holder_name},
      {"portal_url", portal_url},
  };
  Outgoing out;
  out.notification_id = m.notification_id;
  out.channel = channel;
  if (channel == Channel::sms) {
    auto body = catalogues.format(m.language, m.key + ".sms", args);
    if (!body) return std::unexpected(body.error());
    // One line: an SMS reader shows no line breaks well.
    out.body = *body;
    std::ranges::replace(out.body, '\n', ' ');
  } else if (channel == Channel::email) {
    auto subject = catalogues.format(m.language, m.key + ".email.subject", args);
    if (!subject) return std::unexpected(subject.error());
    auto body = catalogues.format(m.language, m.key + ".email.body", args);
    if (!body) return std::unexpected(body.error());
    out.subject = *subject;
    out.body = *body;
  } else {
    return fail(Errc::invalid_argument, "no channel to render for");
  }
  return out;
}

// ---- FileSink

Result<void> FileSink::send(const Outgoing& m) {
  const std::string line = nlohmann::json{{"id", m.notification_id},
                                          {"channel", m.channel == Channel::sms ? "sms" : "email"},
                                          {"to", m.to},
                                          {"subject", m.subject},
                                          {"body", m.body}}
                               .dump() +
                           "\n";
  std::lock_guard lock(mutex_);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::io, "cannot open " + path_.string() + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(fd, line.data() + off, line.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      return fail(Errc::io, "cannot write " + path_.string() + ": " + why);
    }
    off += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return fail(Errc::io, "cannot sync " + path_.string());
  return {};
}

// ---- SmtpSender

namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

  Result<void> write_all(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail(Errc::io, std::string("SMTP write: ") + std::strerror(errno));
      }
      s.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  // One reply (all its lines); its code.
  Result<int> reply() {
    for (;;) {
      auto line = read_line();
      if (!line) return std::unexpected(line.error());
      if (line->size() < 3 || !std::isdigit(static_cast<unsigned char>((*line)[0])))
        return fail(Errc::io, "SMTP: malformed reply");
      if (line->size() == 3 || (*line)[3] == ' ') return std::stoi(line->substr(0, 3));
    }
  }

 private:
  Result<std::string> read_line() {
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buf_.size() > 4096) return fail(Errc::io, "SMTP: reply line too long");
      char tmp[1024];
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(Errc::io, "SMTP: connection closed or timed out");
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
  }

  int fd_;
  std::string buf_;
};

Result<std::unique_ptr<Socket>> connect_to(const std::string& host, int port, int timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res)
    return fail(Errc::io, "SMTP: cannot resolve the server");
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, ::freeaddrinfo);
  for (addrinfo* a = res; a; a = a->ai_next) {
    auto s = std::make_unique<Socket>(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0));
    if (s->fd() < 0) continue;
    timeval tv{timeout, 0};
    ::setsockopt(s->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(s->fd(), a->ai_addr, a->ai_addrlen) == 0) return s;
  }
  return fail(Errc::io, "SMTP: cannot connect to the server");
}

bool header_safe(std::string_view s) {
  return s.find_first_of("\r\n<>") == std::string_view::npos;
}

}  // namespace

Result<void> SmtpSender::send(const Outgoing& m) {
  if (m.channel != Channel::email) return fail(Errc::invalid_argument, "SMTP sends e-mail only");
  if (!header_safe(m.to) || !header_safe(s_.from))
    return fail(Errc::invalid_argument, "SMTP: address with a line break or angle bracket");
  auto sock = connect_to(s_.host, s_.port, s_.timeout_seconds);
  if (!sock) return std::unexpected(sock.error());
  Socket& s = **sock;
  auto step = [&](const std::string& cmd, int want) -> Result<void> {
    if (!cmd.empty())
      if (auto w = s.write_all(cmd + "\r\n"); !w) return w;
    auto code = s.reply();
    if (!code) return std::unexpected(code.error());
    if (*code / 100 != want / 100)
      return fail(Errc::io, "SMTP: server answered " + std::to_string(*code) +
                                (cmd.empty() ? std::string(" on connect")
                                             : " to " + cmd.substr(0, cmd.find(' '))));
    return {};
  };
  std::string data = "From: <" + s_.from + ">\r\nTo: <" + m.to + ">\r\nSubject: =?UTF-8?B?" +
                     base64_encode(as_bytes(m.subject)) + "?=\r\nMessage-ID: <" +
                     m.notification_id +
                     "@sdc>\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n";
  // Line ends as CRLF; a line starting with "." gets another (RFC 5321 4.5.2).
  std::string line;
  auto flush_line = [&] {
    if (line.starts_with(".")) data += ".";
    data += line + "\r\n";
    line.clear();
  };
  for (char c : m.body) {
    if (c == '\r') continue;
    if (c == '\n')
      flush_line();
    else
      line += c;
  }
  if (!line.empty()) flush_line();
  data += ".";
  const std::pair<std::string, int> steps[] = {{"", 220},
                                               {"EHLO sdc", 250},
                                               {"MAIL FROM:<" + s_.from + ">", 250},
                                               {"RCPT TO:<" + m.to + ">", 250},
                                               {"DATA", 354},
                                               {data, 250}};
  for (const auto& [cmd, want] : steps)
    if (auto r = step(cmd, want); !r) return r;
  (void)s.write_all("QUIT\r\n");
  return {};
}

// ---- SmsGateway

Result<void> SmsGateway::send(const Outgoing& m) {
  if (m.channel != Channel::sms) return fail(Errc::invalid_argument, "the gateway sends SMS only");
  // http[s]://host[:port]/path
  const auto scheme_end = url_.find("://");
  if (scheme_end == std::string::npos) return fail(Errc::invalid_argument, "SMS gateway URL");
  const auto path_start = url_.find('/', scheme_end + 3);
  const std::string base = url_.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url_.substr(path_start);
  httplib::Client cli(base);
  cli.set_connection_timeout(timeout_seconds_, 0);
  cli.set_read_timeout(timeout_seconds_, 0);
  cli.set_write_timeout(timeout_seconds_, 0);
  const std::string body =
      nlohmann::json{{"to", m.to}, {"text", m.body}, {"id", m.notification_id}}.dump();
  auto res = cli.Post(path, body, "application/json");
  if (!res) return fail(Errc::io, "SMS gateway: " + httplib::to_string(res.error()));
  if (res->status / 100 != 2)
    return fail(Errc::io, "SMS gateway answered " + std::to_string(res->status));
  return {};
}

// ---- Sender

Sender::Sender(registry::Store& store, registry::Reminders& reminders,
               const i18n::Catalogues& catalogues, const Clock& clock, Adapter* email, Adapter* sms,
               SenderSettings settings)
    : store_(store),
      reminders_(reminders),
      catalogues_(catalogues),
      clock_(clock),
      email_(email),
      sms_(sms),
      s_(std::move(settings)) {}

Sender::~Sender() {
  stop();
}

UnixTime Sender::backoff(int attempts) const {
  UnixTime wait = s_.first_backoff;
  for (int i = 1; i < attempts && wait < s_.max_backoff; ++i) wait *= 2;
  return std::min(wait, s_.max_backoff);
}

Result<RunStats> Sender::run_once() {
  RunStats stats;
  auto enq = reminders_.enqueue_due();
  if (!enq) return std::unexpected(enq.error());
  stats.enqueued = *enq;
  for (;;) {
    const UnixTime now = clock_.now();
    auto claimed =
        store_.in_transaction<std::vector<registry::NotificationRow>>([&](registry::Tx& tx) {
          return tx.claim_due_notifications(now, s_.batch, now + s_.lease_seconds);
        });
    if (!claimed) return std::unexpected(claimed.error());
    if (claimed->empty()) return stats;
    for (const registry::NotificationRow& row : *claimed) {
      // Ok: sent. Error with final: give up now. Error: try again later.
      bool final = false;
      auto attempt = [&]() -> Result<void> {
        auto msg = reminders_.message_for(row);
        if (!msg) {
          final = msg.error().code == Errc::not_found || msg.error().code == Errc::parse ||
                  msg.error().code == Errc::invalid_argument;
          if (msg.error().code == Errc::not_found) ++stats.dropped;
          return std::unexpected(msg.error());
        }
        const Contact contact = parse_contact(msg->contact);
        const Channel channel = choose_channel(contact);
        Adapter* adapter = channel == Channel::email ? email_
                           : channel == Channel::sms ? sms_
                                                     : nullptr;
        if (!adapter) {
          final = true;
          return fail(Errc::invalid_argument, "no way to reach the holder");
        }
        auto out = render(catalogues_, *msg, channel, s_.portal_url);
        if (!out) {
          final = true;
          return std::unexpected(out.error());
        }
        out->to = channel == Channel::email ? contact.email : contact.phone;
        return adapter->send(*out);
      };
      auto r = attempt();
      const UnixTime at = clock_.now();
      if (r) {
        auto m = store_.in_transaction<bool>(
            [&](registry::Tx& tx) { return tx.mark_notification_sent(row.id, at); });
        if (!m) return std::unexpected(m.error());
        ++stats.sent;
        continue;
      }
      if (row.attempts >= s_.max_attempts) final = true;
      auto m = store_.in_transaction<bool>([&](registry::Tx& tx) {
        return tx.mark_notification_failed(row.id, row.attempts, at + backoff(row.attempts), final);
      });
      if (!m) return std::unexpected(m.error());
      if (final)
        ++stats.failed;
      else
        ++stats.retried;
    }
  }
}

void Sender::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock held(mutex_);
    while (!stopping_) {
      held.unlock();
      (void)run_once();  // a failed pass is tried again at the next interval
      held.lock();
      wake_.wait_for(held, std::chrono::seconds(s_.interval_seconds), [this] { return stopping_; });
    }
  });
}

void Sender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sdc::notify
