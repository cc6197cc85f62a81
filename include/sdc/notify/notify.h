// Sending the outbox (registry/notification_tx.h): how a holder is reached
// (parse_contact, choose_channel), the texts (render, from the message
// catalogues in the holder's language), the adapters behind one interface
// (FileSink, SmtpSender, SmsGateway) and the Sender that claims, renders,
// sends and marks. See docs/REMINDERS.md.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "sdc/i18n/catalogues.h"
#include "sdc/registry/reminders.h"
#include "sdc/registry/store.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::notify {

// What the free-text contact field gives: an e-mail address (a word with
// an "@" and a dot after it, "email:" or "mailto:" before it allowed), a
// phone number (7 to 15 digits after "sms:", "phone:" or "tel:", or a word
// starting with "+"; kept as "+" and the digits) and whether the holder
// said they have no smartphone ("no smartphone", "no-smartphone" or
// "smartphone: no", any case).
struct Contact {
  std::string email;
  std::string phone;
  bool smartphone = true;
  bool operator==(const Contact&) const = default;
};
Contact parse_contact(std::string_view text);

enum class Channel { none, email, sms };
// SMS for a holder without a smartphone or without an e-mail address;
// e-mail for the others; none when neither is known.
Channel choose_channel(const Contact& c);

struct Outgoing {
  std::string notification_id;
  Channel channel = Channel::none;
  std::string to;       // e-mail address or +digits
  std::string subject;  // e-mail only
  std::string body;
};

// The text of a reminder in the holder's language (English when it has
// none): "<key>.sms" for SMS, "<key>.email.subject" and ".body" for e-mail.
Result<Outgoing> render(const i18n::Catalogues& catalogues, const registry::ReminderMessage& m,
                        Channel channel, const std::string& portal_url);

// One way out. send() returns once the message is handed over (written,
// accepted by the SMTP server, answered 2xx by the gateway). Thread-safe.
class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual Result<void> send(const Outgoing& message) = 0;
};

// Appends one JSON object per message to a file (fsync'd): {"id", "channel",
// "to", "subject", "body"}.
class FileSink : public Adapter {
 public:
  explicit FileSink(std::filesystem::path path) : path_(std::move(path)) {}
  Result<void> send(const Outgoing& message) override;

 private:
  std::filesystem::path path_;
  std::mutex mutex_;
};

// Plain SMTP (RFC 5321: EHLO, MAIL, RCPT, DATA) to host:port; meant for a
// relay on the same host or network. E-mail only.
struct SmtpSettings {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string from = "sdc@localhost";
  int timeout_seconds = 10;
};
class SmtpSender : public Adapter {
 public:
  explicit SmtpSender(SmtpSettings s) : s_(std::move(s)) {}
  Result<void> send(const Outgoing& message) override;

 private:
  SmtpSettings s_;
};

// HTTP POST of {"to", "text", "id"} as JSON to a URL (http:// or https://);
// any 2xx is a hand-over. SMS only.
class SmsGateway : public Adapter {
 public:
  explicit SmsGateway(std::string url, int timeout_seconds = 10)
      : url_(std::move(url)), timeout_seconds_(timeout_seconds) {}
  Result<void> send(const Outgoing& message) override;

 private:
  std::string url_;
  int timeout_seconds_;
};

struct SenderSettings {
  std::size_t batch = 50;
  UnixTime lease_seconds = 300;  // a claimed row is not taken by another sender before
  UnixTime first_backoff = 60;   // then doubled per attempt,
  UnixTime max_backoff = 6 * 3600;
  int max_attempts = 8;  // then given up (state failed)
  std::string portal_url;
  int interval_seconds = 30;  // between runs of the background thread
};

struct RunStats {
  std::size_t enqueued = 0, sent = 0, retried = 0, failed = 0, dropped = 0;
};

// Claims due notifications, renders, hands them to the e-mail or SMS
// adapter, marks them. At least once across a crash between hand-over and
// mark (the lease runs out and the row is claimed again); otherwise once.
class Sender {
 public:
  // All must outlive the Sender; `email` and `sms` may be the same adapter,
  // or null (a message for it then fails as not deliverable).
  Sender(registry::Store& store, registry::Reminders& reminders, const i18n::Catalogues& catalogues,
         const Clock& clock, Adapter* email, Adapter* sms, SenderSettings settings);
  ~Sender();

  // One pass: enqueue_due(), then claim and send until nothing is due.
  Result<RunStats> run_once();

  // A background thread running run_once() every interval; stop() ends it.
  void start();
  void stop();

  // The wait before attempt number `attempts` + 1.
  UnixTime backoff(int attempts) const;

 private:
  registry::Store& store_;
  registry::Reminders& reminders_;
  const i18n::Catalogues& catalogues_;
  const Clock& clock_;
  Adapter* email_;
  Adapter* sms_;
  SenderSettings s_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace sdc::notify
