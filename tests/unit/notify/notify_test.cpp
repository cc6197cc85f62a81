// Reminders through the outbox: contacts, enqueueing 7 days and 1 day
// before, and the Sender with the file sink, a real SMTP server
// (python3-aiosmtpd) and an HTTP SMS gateway on loopback, on both stores.
#include "sdc/notify/notify.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "sdc/registry/offices.h"
#include "support/test_world.h"
#include "unit/registry/registry_fixture.h"

namespace sdc::testing {
namespace {

using notify::Channel;
using notify::Contact;
using notify::parse_contact;

constexpr UnixTime kDay = 86400;

TEST(NotifyContact, FindsEmailPhoneAndTheSmartphoneFlagInFreeText) {
  EXPECT_EQ(parse_contact("12 Harbour Road, Springfield"), (Contact{"", "", true}));
  EXPECT_EQ(parse_contact("email: anna@example.org; sms: +1 555 010 0199"),
            (Contact{"anna@example.org", "+15550100199", true}));
  EXPECT_EQ(parse_contact("12 Main St, tel:+46-70-123-4567, no smartphone"),
            (Contact{"", "+46701234567", false}));
  EXPECT_EQ(parse_contact("<anna@example.org> +15550100199 Smartphone: no"),
            (Contact{"anna@example.org", "+15550100199", false}));
  EXPECT_EQ(parse_contact("phone: 12").phone, "");         // too short
  EXPECT_EQ(parse_contact("anna@localhost").email, "");    // no dot after the @
  EXPECT_EQ(parse_contact("Flat 5, 221 Road").phone, "");  // a house number is no phone
}

TEST(NotifyContact, HoldersWithoutASmartphoneGetSmsOnly) {
  EXPECT_EQ(notify::choose_channel({"a@b.org", "+15550100199", false}), Channel::sms);
  EXPECT_EQ(notify::choose_channel({"a@b.org", "+15550100199", true}), Channel::email);
  EXPECT_EQ(notify::choose_channel({"", "+15550100199", true}), Channel::sms);
  EXPECT_EQ(notify::choose_channel({"a@b.org", "", false}), Channel::email);
  EXPECT_EQ(notify::choose_channel({"", "", true}), Channel::none);
}

std::vector<nlohmann::json> lines_of(const std::filesystem::path& p) {
  std::vector<nlohmann::json> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

class NotifyTest : public RegistryTestBase {
 protected:
  void SetUp() override {
    RegistryTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("sdc-notify-" + std::to_string(::getpid()) + "-" +
            std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
    auto c = i18n::load_catalogues(std::filesystem::path(SDC_SOURCE_DIR) / "i18n");
    ASSERT_TRUE(c) << c.error().message;
    catalogues_ = std::make_unique<i18n::Catalogues>(std::move(*c));
    offices_ =
        std::make_unique<registry::Offices>(*store_, world_.clock, world_.random, world_.zones);
    auto o = offices_->create({"Springfield Field Office",
                               "400 Elm Street, Springfield",
                               "America/New_York",
                               "",
                               {},
                               30,
                               1},
                              &admin_);
    ASSERT_TRUE(o) << o.error().message;
    office_ = *o;
    reminders_ = std::make_unique<registry::Reminders>(*store_, registry_->audit_batcher(),
                                                       world_.clock, world_.random, cipher_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    RegistryTestBase::TearDown();
  }

  std::string holder(const std::string& a_number, const std::string& contact,
                     const std::string& language) {
    auto in = input(a_number);
    in.contact = contact;
    in.language = language;
    return enroll(in).id;
  }

  registry::AppointmentRow appointment(const std::string& id, const std::string& holder_id,
                                       UnixTime starts_at) {
    registry::AppointmentRow a;
    a.id = id;
    a.holder_id = holder_id;
    a.office_id = office_.id;
    a.starts_at = starts_at;
    a.ends_at = starts_at + 1800;
    a.due_date = "2026-02-" + std::to_string(10 + due_dates_++);  // one per due date
    a.created_at = a.updated_at = world_.clock.now();
    a.updated_by = "u-officer";
    auto w = store_->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
      if (auto i = tx.insert_appointment(a); !i) return std::unexpected(i.error());
      return true;
    });
    EXPECT_TRUE(w) << w.error().message;
    return a;
  }

  std::vector<registry::NotificationRow> outbox(const std::string& holder_id) {
    auto n = store_->in_read_transaction<std::vector<registry::NotificationRow>>(
        [&](registry::Tx& tx) { return tx.notifications_of_holder(holder_id); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : std::vector<registry::NotificationRow>{};
  }

  std::unique_ptr<notify::Sender> sender(notify::Adapter* email, notify::Adapter* sms,
                                         registry::Store* store = nullptr,
                                         registry::Reminders* reminders = nullptr) {
    notify::SenderSettings s;
    s.portal_url = "https://portal.example";
    return std::make_unique<notify::Sender>(store ? *store : *store_,
                                            reminders ? *reminders : *reminders_, *catalogues_,
                                            world_.clock, email, sms, s);
  }

  notify::RunStats run(notify::Sender& s) {
    auto r = s.run_once();
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : notify::RunStats{};
  }

  struct World {
    test::ManualClock clock{kTestNow};
    Random& random = crypto::system_random();
    registry::ZoneinfoTimeZones zones;
  } world_;
  std::filesystem::path dir_;
  int due_dates_ = 0;
  std::unique_ptr<i18n::Catalogues> catalogues_;
  std::unique_ptr<registry::Offices> offices_;
  registry::OfficeRow office_;
  std::unique_ptr<registry::Reminders> reminders_;
};

TEST_P(NotifyTest, RemindersAreEnqueuedAWeekAndADayBeforeAndARepeatedScanAddsNone) {
  const std::string h = holder("A201-555-001", "sms: +15550100199", "es");
  const UnixTime now = world_.clock.now();
  appointment("ap-1", h, now + 3 * kDay);
  appointment("ap-far", h, now + 9 * kDay);  // not yet
  registry::HearingRow hr;
  hr.id = "h-0000000000000001";
  hr.a_number_hash = cipher_.a_number_hash("201555001");
  hr.hearing_id = "H-1";
  hr.starts_at = now + 20 * 3600;
  hr.time_zone = "America/New_York";
  hr.court_name = "New York Immigration Court";
  hr.court_address = "26 Federal Plaza";
  hr.status = "scheduled";
  ASSERT_TRUE(store_->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
    if (auto i = tx.insert_hearing(hr); !i) return std::unexpected(i.error());
    return true;
  }));
  auto first = reminders_->enqueue_due();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 2u);
  EXPECT_EQ(*reminders_->enqueue_due(), 0u);
  auto rows = outbox(h);
  ASSERT_EQ(rows.size(), 2u);
  std::set<std::string> keys;
  for (const auto& r : rows) {
    keys.insert(r.dedupe_key);
    EXPECT_EQ(r.payload.find("15550100199"), std::string::npos);  // no contact in the outbox
  }
  EXPECT_EQ(keys, (std::set<std::string>{
                      "appointment:ap-1:" + std::to_string(now + 3 * kDay) + ":7d",
                      "hearing:h-0000000000000001:" + std::to_string(now + 20 * 3600) + ":1d"}));
  // Two and a half days on, the appointment is a day away.
  world_.clock.advance(2 * kDay + 12 * 3600);
  EXPECT_EQ(*reminders_->enqueue_due(), 2u);  // ap-1 tomorrow, ap-far's week
  EXPECT_EQ(outbox(h).size(), 4u);
}

TEST_P(NotifyTest, TheFileSinkGetsEachReminderOnceInTheHoldersLanguage) {
  const std::string es = holder("A201-555-002", "Calle 1, sms: +15550100199", "es");
  const std::string en = holder("A201-555-003", "email: anna@example.org", "en");
  const std::string none = holder("A201-555-004", "12 Harbour Road", "en");
  const UnixTime now = world_.clock.now();
  appointment("ap-es", es, now + 3 * kDay);
  appointment("ap-en", en, now + 3 * kDay);
  appointment("ap-none", none, now + 3 * kDay);
  notify::FileSink file(dir_ / "outbox.jsonl");
  auto s = sender(&file, &file);
  auto stats = run(*s);
  EXPECT_EQ(stats.enqueued, 3u);
  EXPECT_EQ(stats.sent, 2u);
  EXPECT_EQ(stats.failed, 1u);  // no way to reach the third
  EXPECT_EQ(run(*s).sent, 0u);
  auto lines = lines_of(dir_ / "outbox.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& l : lines) {
    if (l["channel"] == "sms") {
      EXPECT_EQ(l["to"], "+15550100199");
      const std::string body = l["body"];
      EXPECT_NE(body.find("400 Elm Street, Springfield"), std::string::npos) << body;
      EXPECT_NE(body.find("No responda"), std::string::npos) << body;
      EXPECT_NE(body.find("2026"), std::string::npos) << body;
      EXPECT_EQ(body.find('\n'), std::string::npos);
    } else {
      EXPECT_EQ(l["channel"], "email");
      EXPECT_EQ(l["to"], "anna@example.org");
      EXPECT_NE(std::string(l["subject"]).find("Reporting appointment on"), std::string::npos);
      EXPECT_NE(std::string(l["body"]).find("https://portal.example"), std::string::npos);
    }
  }
  for (const auto& r : outbox(es)) EXPECT_EQ(r.state, "sent");
  EXPECT_EQ(outbox(none)[0].state, "failed");
}

TEST_P(NotifyTest, AMovedAppointmentsOldReminderIsDroppedAndTheNewOneSent) {
  const std::string h = holder("A201-555-005", "sms: +15550100199", "en");
  const UnixTime now = world_.clock.now();
  auto a = appointment("ap-1", h, now + 3 * kDay);
  ASSERT_TRUE(reminders_->enqueue_due());
  a.starts_at += 3600;
  a.ends_at += 3600;
  ASSERT_TRUE(store_->in_transaction<bool>([&](registry::Tx& tx) -> Result<bool> {
    if (auto u = tx.update_appointment(a); !u) return std::unexpected(u.error());
    return true;
  }));
  notify::FileSink file(dir_ / "outbox.jsonl");
  auto s = sender(&file, &file);
  auto stats = run(*s);
  EXPECT_EQ(stats.enqueued, 1u);
  EXPECT_EQ(stats.dropped, 1u);
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(lines_of(dir_ / "outbox.jsonl").size(), 1u);
}

TEST_P(NotifyTest, AFailingAdapterIsRetriedWithBackoffUntilItGivesUp) {
  const std::string h = holder("A201-555-006", "sms: +15550100199", "en");
  appointment("ap-1", h, world_.clock.now() + 3 * kDay);
  std::filesystem::create_directories(dir_ / "a-folder");
  notify::FileSink broken(dir_ / "a-folder");  // a folder cannot be appended to
  notify::SenderSettings st;
  st.first_backoff = 60;
  st.max_attempts = 3;
  notify::Sender s(*store_, *reminders_, *catalogues_, world_.clock, &broken, &broken, st);
  EXPECT_EQ(s.backoff(1), 60);
  EXPECT_EQ(s.backoff(2), 120);
  EXPECT_EQ(s.backoff(3), 240);
  const UnixTime t0 = world_.clock.now();
  EXPECT_EQ(run(s).retried, 1u);
  EXPECT_EQ(outbox(h)[0].next_attempt_at, t0 + 60);
  EXPECT_EQ(outbox(h)[0].attempts, 1);
  world_.clock.advance(59);
  EXPECT_EQ(run(s).retried, 0u);  // not yet
  world_.clock.advance(1);
  EXPECT_EQ(run(s).retried, 1u);
  EXPECT_EQ(outbox(h)[0].next_attempt_at, t0 + 60 + 120);
  world_.clock.advance(120);
  EXPECT_EQ(run(s).failed, 1u);
  EXPECT_EQ(outbox(h)[0].state, "failed");
  EXPECT_EQ(outbox(h)[0].attempts, 3);
  world_.clock.advance(kDay);
  auto later = run(s);
  EXPECT_EQ(later.retried + later.failed + later.sent, 0u);
}

TEST_P(NotifyTest, TwoSendersOnOneDatabaseAndARestartNeverSendTwice) {
  const UnixTime now = world_.clock.now();
  std::vector<std::string> holders;
  for (int i = 0; i < 12; ++i) {
    char a[16];
    std::snprintf(a, sizeof a, "A201-556-%03d", i);
    holders.push_back(holder(a, "sms: +1555010" + std::to_string(1000 + i), "en"));
    appointment("ap-" + std::to_string(i), holders.back(), now + 2 * kDay + i * 60);
  }
  auto other = env_->open();
  ASSERT_TRUE(other) << other.error().message;
  auto other_registry = make_registry(**other);
  registry::Reminders other_reminders(**other, other_registry->audit_batcher(), world_.clock,
                                      world_.random, cipher_);
  notify::FileSink file(dir_ / "outbox.jsonl");
  auto a = sender(&file, &file);
  auto b = sender(&file, &file, other->get(), &other_reminders);
  notify::RunStats sa, sb;
  std::thread ta([&] { sa = run(*a); });
  std::thread tb([&] { sb = run(*b); });
  ta.join();
  tb.join();
  EXPECT_EQ(sa.sent + sb.sent, 12u);
  // A restart: new senders on new stores find nothing left to send.
  a.reset();
  b.reset();
  auto reopened = env_->open();
  ASSERT_TRUE(reopened);
  auto r3 = make_registry(**reopened);
  registry::Reminders rem3(**reopened, r3->audit_batcher(), world_.clock, world_.random, cipher_);
  auto c = sender(&file, &file, reopened->get(), &rem3);
  EXPECT_EQ(run(*c).sent, 0u);
  world_.clock.advance(kDay + 3600);  // now "tomorrow" reminders are due, once each
  EXPECT_EQ(run(*c).sent, 12u);
  EXPECT_EQ(run(*c).sent, 0u);
  auto lines = lines_of(dir_ / "outbox.jsonl");
  ASSERT_EQ(lines.size(), 24u);
  std::set<std::string> ids;
  for (const auto& l : lines) ids.insert(l["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 24u);
}

// A port the kernel just handed out, closed again for a server to take.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST_P(NotifyTest, SmtpHandsTheEmailToARealServerOnLoopback) {
  if (std::system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null") != 0)
    GTEST_FAIL() << "python3-aiosmtpd is not installed (scripts/setup.sh test_packages)";
  const int port = free_port();
  const auto log = dir_ / "smtp.log";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    std::freopen(log.c_str(), "w", stdout);
    ::execl("/usr/bin/python3", "python3", "-u", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Debugging", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{pid};
  notify::SmtpSender smtp({"127.0.0.1", port, "reminders@sdc.example", 5});
  const std::string h = holder("A201-555-007", "email: anna@example.org", "sv");
  appointment("ap-1", h, world_.clock.now() + 3 * kDay);
  notify::SenderSettings st;
  st.first_backoff = st.max_backoff = 1;
  auto s = std::make_unique<notify::Sender>(*store_, *reminders_, *catalogues_, world_.clock, &smtp,
                                            nullptr, st);
  // The server needs a moment to listen: a failed hand-off is retried later.
  notify::RunStats stats;
  for (int i = 0; i < 100 && stats.sent == 0; ++i) {
    stats = run(*s);
    if (stats.sent == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      world_.clock.advance(1);
    }
  }
  ASSERT_EQ(stats.sent, 1u);
  std::string text;
  for (int i = 0; i < 50 && text.find("sdc>") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(text.find("anna@example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("reminders@sdc.example"), std::string::npos) << text;
  EXPECT_NE(text.find("400 Elm Street"), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos) << text;
  EXPECT_EQ(outbox(h)[0].state, "sent");
}

TEST_P(NotifyTest, TheSmsGatewayGetsAJsonPostAndAFailedAnswerIsRetried) {
  httplib::Server server;
  std::mutex m;
  std::vector<nlohmann::json> got;
  std::atomic<int> fail_next{1};
  server.Post("/send", [&](const httplib::Request& req, httplib::Response& res) {
    if (fail_next.fetch_sub(1) > 0) {
      res.status = 503;
      return;
    }
    std::lock_guard lock(m);
    got.push_back(nlohmann::json::parse(req.body));
    res.status = 202;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  notify::SmsGateway gateway("http://127.0.0.1:" + std::to_string(port) + "/send", 5);
  const std::string h = holder("A201-555-008", "a@b.org, +15550100199, no smartphone", "fr");
  appointment("ap-1", h, world_.clock.now() + 3 * kDay);
  auto s = sender(nullptr, &gateway);
  EXPECT_EQ(run(*s).retried, 1u);  // 503
  world_.clock.advance(60);
  EXPECT_EQ(run(*s).sent, 1u);
  server.stop();
  t.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["to"], "+15550100199");
  EXPECT_EQ(got[0]["id"], outbox(h)[0].id);
  const std::string text = got[0]["text"];
  EXPECT_NE(text.find("400 Elm Street, Springfield"), std::string::npos) << text;
  EXPECT_EQ(outbox(h)[0].state, "sent");
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyTest, ::testing::ValuesIn(store_backends()), backend_name);

}  // namespace
}  // namespace sdc::testing
