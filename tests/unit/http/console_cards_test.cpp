// The console's enrollment, cards and case status over HTTP, as a browser
// without JavaScript uses them: a multipart enrollment with a real photo
// (the Debian package's example faces), every problem shown at once and
// nothing written; issuing, the print files (the PNG's code verifies on the
// verify page), reissue, suspend, lift and revoke with reasons; recording a
// case status. Each role is limited exactly as the API.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "sdc/barcode/barcode.h"
#include "sdc/card/card_render.h"
#include "sdc/http/server.h"
#include "sdc/image/image.h"
#include "sdc/util/bytes.h"
#include "support/face_photos.h"
#include "support/page_forms.h"
#include "support/test_server.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using sdc::registry::Role;

using Parts = sdc::test::FormParts;
using sdc::test::csrf_of;

std::string multipart(const std::string& boundary, const Parts& parts) {
  return sdc::test::multipart(boundary, parts, "image/jpeg");
}

std::string photo(const std::string& name) {
  const sdc::Bytes b = sdc::test::face_photo(name);
  return std::string(sdc::as_chars(b));
}

class ConsoleCardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string up =
        served_.start(world_, fs::temp_directory_path() /
                                  ("sdc-console-cards-test-" + std::to_string(::getpid())));
    ASSERT_EQ(up, "");
    for (Role r : {Role::enrollment_officer, Role::field_officer, Role::checkpoint_screener,
                   Role::auditor}) {
      auto made = served_.server().add_user(name(r), password(r), r);
      ASSERT_TRUE(made);
      ids_[r] = made->id;
    }
    auto res = client().Post(
        "/v1/login",
        json{{"username", name(Role::auditor)}, {"password", password(Role::auditor)}}.dump(),
        "application/json");
    ASSERT_TRUE(res && res->status == 200);
    auditor_token_ = json::parse(res->body)["token"].get<std::string>();
  }
  static void TearDownTestSuite() { served_.stop(); }

  static std::string name(Role r) { return std::string("cards-") + sdc::registry::to_string(r); }
  static std::string password(Role r) { return "pw-" + name(r) + "-1"; }
  static httplib::Client client() { return served_.client(); }

  static std::string sign_in(Role r) {
    return sdc::test::sign_in_officer(client(), name(r), password(r));
  }

  static std::string csrf(const std::string& cookie, const std::string& page = "/console/") {
    auto r = client().Get(page, {{"Cookie", cookie}});
    EXPECT_TRUE(r);
    return r ? csrf_of(r->body) : std::string();
  }

  static httplib::Result post_multipart(const std::string& cookie, const std::string& path,
                                        Parts parts) {
    parts.insert(parts.begin(), {"csrf", "", csrf(cookie)});
    return client().Post(path, {{"Cookie", cookie}}, multipart("sdcEnroll9", parts),
                         "multipart/form-data; boundary=sdcEnroll9");
  }

  static httplib::Result post_form(const std::string& cookie, const std::string& path,
                                   const std::string& form) {
    return client().Post(path, {{"Cookie", cookie}}, "csrf=" + csrf(cookie) + "&" + form,
                         "application/x-www-form-urlencoded");
  }

  static Parts holder_fields(const std::string& a_number, const std::string& family) {
    return {{"a_number", "", a_number},
            {"family_name", "", family},
            {"given_names", "", "ADA"},
            {"date_of_birth", "", "1990-03-04"},
            {"sex", "", "F"},
            {"nationality", "", "uto"},
            {"contact", "", "+15555550100"},
            {"language", "", "es"}};
  }

  static json audit(const std::string& query) {
    auto r = client().Get("/v1/audit?" + query, {{"Authorization", "Bearer " + auditor_token_}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : query);
    return r ? json::parse(r->body)["events"] : json::array();
  }
  // What `r`'s account did, newest last.
  static json by(Role r) { return audit("user=" + ids_[r] + "&limit=1000"); }
  static std::size_t count(const json& events, const std::string& action,
                           const std::string& outcome = "") {
    std::size_t n = 0;
    for (const auto& e : events)
      n += e["action"] == action && (outcome.empty() || e["outcome"] == outcome);
    return n;
  }
  static std::string location(const httplib::Result& r) {
    return r ? r->get_header_value("Location") : std::string();
  }

  // Enrolls a holder through the form; their id.
  static std::string enroll(const std::string& cookie, const std::string& a_number,
                            const std::string& family) {
    Parts parts = holder_fields(a_number, family);
    parts.emplace_back("portrait", "face.jpg", photo("Tom_Cruise_avp_2014_4.jpg"));
    auto r = post_multipart(cookie, "/console/enroll", parts);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 303) << r->body;
    std::smatch m;
    const std::string to = location(r);
    if (!std::regex_match(to, m, std::regex("/console/holders/([0-9a-f]+)\\?done=enrolled"))) {
      ADD_FAILURE() << to;
      return {};
    }
    return m[1];
  }

  // Issues a card through the holder page's button; its document number.
  static std::string issue(const std::string& cookie, const std::string& holder) {
    auto r = post_form(cookie, "/console/holders/" + holder + "/cards", "");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 303) << r->body;
    std::smatch m;
    const std::string to = location(r);
    if (!std::regex_match(to, m, std::regex("/console/cards/([0-9A-Z]{9})\\?done=issued"))) {
      ADD_FAILURE() << to;
      return {};
    }
    return m[1];
  }

  static inline sdc::test::TestWorld world_;
  static inline sdc::test::TestServer served_;
  static inline std::string auditor_token_;
  static inline std::map<Role, std::string> ids_;
};

TEST_F(ConsoleCardsTest, EnrollmentShowsEveryProblemAtOnceAndWritesNothing) {
  const std::string officer = sign_in(Role::enrollment_officer);
  auto page = client().Get("/console/enroll", {{"Cookie", officer}});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(page->body.find("type=\"file\""), std::string::npos);

  const std::size_t before = count(by(Role::enrollment_officer), "enroll_holder");
  Parts bad = {{"a_number", "", "12"},     {"family_name", "", ""},
               {"given_names", "", "ADA"}, {"date_of_birth", "", "1990-13-40"},
               {"sex", "", "Q"},           {"nationality", "", "utopia"},
               {"language", "", "en"}};
  auto r = post_multipart(officer, "/console/enroll", bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  for (const char* field :
       {"a_number", "family_name", "date_of_birth", "sex", "nationality", "portrait"})
    EXPECT_NE(r->body.find("id=\"" + std::string(field) + "-error\""), std::string::npos)
        << field << " has its own error";
  EXPECT_EQ(r->body.find("id=\"given_names-error\""), std::string::npos);
  EXPECT_NE(r->body.find("Choose the holder&#39;s photo."), std::string::npos);
  EXPECT_NE(r->body.find("value=\"1990-13-40\""), std::string::npos) << "what was typed stays";
  EXPECT_NE(r->body.find("Nothing was saved."), std::string::npos);
  EXPECT_EQ(count(by(Role::enrollment_officer), "enroll_holder"), before);

  // A photo the quality check refuses says why, and the good fields stay good.
  Parts dogs = holder_fields("A402100001", "NOFACE");
  dogs.emplace_back("portrait", "dogs.jpg", photo("dogs.jpg"));
  auto d = post_multipart(officer, "/console/enroll", dogs);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 400);
  EXPECT_NE(d->body.find("No face was found"), std::string::npos) << d->body;
  EXPECT_EQ(d->body.find("id=\"a_number-error\""), std::string::npos);
  Parts crowd = holder_fields("A402100001", "NOFACE");
  crowd.emplace_back("portrait", "crowd.jpg", photo("bald_guys.jpg"));
  auto c = post_multipart(officer, "/console/enroll", crowd);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 400);
  EXPECT_NE(c->body.find("More than one face is in the photo"), std::string::npos);
  Parts junk = holder_fields("A402100001", "NOFACE");
  junk.emplace_back("portrait", "x.jpg", "not an image");
  auto j = post_multipart(officer, "/console/enroll", junk);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->status, 400);
  EXPECT_NE(j->body.find("The photo could not be read"), std::string::npos);
  EXPECT_EQ(count(by(Role::enrollment_officer), "enroll_holder"), before);

  // The same form in Spanish.
  auto es = client().Post("/console/enroll", {{"Cookie", officer}, {"Accept-Language", "es"}},
                          multipart("B", {{"csrf", "", csrf(officer)}, {"a_number", "", "1"}}),
                          "multipart/form-data; boundary=B");
  ASSERT_TRUE(es);
  EXPECT_EQ(es->status, 400);
  EXPECT_NE(es->body.find("Escriba el número A: 9 dígitos."), std::string::npos);

  // Without the session's CSRF token nothing is read.
  auto forged = client().Post("/console/enroll", {{"Cookie", officer}},
                              multipart("B", holder_fields("A402100002", "FORGED")),
                              "multipart/form-data; boundary=B");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
}

TEST_F(ConsoleCardsTest, AnOfficerEnrollsIssuesAndPrintsACardWhoseCodeVerifies) {
  const std::string officer = sign_in(Role::enrollment_officer);
  const std::string holder = enroll(officer, "A402-100-010", "MENSAH");
  ASSERT_FALSE(holder.empty());
  auto page = client().Get("/console/holders/" + holder + "?done=enrolled", {{"Cookie", officer}});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("The holder is enrolled."), std::string::npos);
  EXPECT_NE(page->body.find("MENSAH, ADA"), std::string::npos);
  EXPECT_NE(page->body.find("<dd>UTO</dd>"), std::string::npos) << "the code typed in lower case";
  EXPECT_NE(page->body.find("action=\"/console/holders/" + holder + "/cards\""), std::string::npos);
  // The same A-number again is refused beside its field.
  Parts again = holder_fields("A402100010", "OTHER");
  again.emplace_back("portrait", "face.jpg", photo("Tom_Cruise_avp_2014_4.jpg"));
  auto twice = post_multipart(officer, "/console/enroll", again);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
  EXPECT_NE(twice->body.find("already enrolled"), std::string::npos);

  const std::string doc = issue(officer, holder);
  ASSERT_FALSE(doc.empty());
  auto card = client().Get("/console/cards/" + doc + "?done=issued", {{"Cookie", officer}});
  ASSERT_TRUE(card);
  ASSERT_EQ(card->status, 200) << card->body;
  EXPECT_NE(card->body.find("The card is issued and signed."), std::string::npos);
  for (const char* file : {"/preview-front.png", "/preview-back.png", "/card.pdf", "/front.png"})
    EXPECT_NE(card->body.find("/console/cards/" + doc + file), std::string::npos) << file;

  auto pdf = client().Get("/console/cards/" + doc + "/card.pdf", {{"Cookie", officer}});
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->status, 200);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf->body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf->get_header_value("Content-Disposition").rfind("inline", 0), 0u)
      << "the browser's viewer previews it";
  auto preview =
      client().Get("/console/cards/" + doc + "/preview-front.png", {{"Cookie", officer}});
  ASSERT_TRUE(preview);
  ASSERT_EQ(preview->status, 200);
  auto small = sdc::decode_image(sdc::as_bytes(preview->body));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->width, sdc::card_pixel_size(150).first);

  // The printed back's code is read back by the verify page: VALID.
  auto front = client().Get("/console/cards/" + doc + "/front.png", {{"Cookie", officer}});
  ASSERT_TRUE(front);
  ASSERT_EQ(front->status, 200);
  EXPECT_EQ(front->get_header_value("Content-Disposition"),
            "attachment; filename=\"sdc-" + doc + "-front.png\"");
  auto back = client().Get("/console/cards/" + doc + "/back.png", {{"Cookie", officer}});
  ASSERT_TRUE(back);
  ASSERT_EQ(back->status, 200);
  const std::string field = sign_in(Role::field_officer);
  auto verify_page = client().Get("/verify/", {{"Cookie", field}});
  ASSERT_TRUE(verify_page);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(verify_page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
  auto verified = client().Post(
      "/verify/", {{"Cookie", field}},
      multipart("V", {{"csrf", "", m[1]}, {"barcode", "", ""}, {"photo", "back.png", back->body}}),
      "multipart/form-data; boundary=V");
  ASSERT_TRUE(verified);
  ASSERT_EQ(verified->status, 200);
  EXPECT_NE(verified->body.find("class=\"verdict good\""), std::string::npos);
  EXPECT_NE(verified->body.find("MENSAH"), std::string::npos);

  // Each print reads the card and the portrait through the domain.
  const json events = audit("holder=" + holder + "&limit=500");
  EXPECT_GE(count(events, "read_holder_identity", "ok"), 4u);

  // A field officer sees the card's state, no preview and no print files.
  auto seen = client().Get("/console/cards/" + doc, {{"Cookie", field}});
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->status, 200);
  EXPECT_EQ(seen->body.find("preview-front.png"), std::string::npos);
  EXPECT_EQ(seen->body.find("/revoke\""), std::string::npos);
  auto refused = client().Get("/console/cards/" + doc + "/card.pdf", {{"Cookie", field}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->body.find("%PDF"), std::string::npos);
}

TEST_F(ConsoleCardsTest, CardChangesNeedAReasonAndTheRightRole) {
  const std::string officer = sign_in(Role::enrollment_officer);
  const std::string holder = enroll(officer, "A402100020", "BOATENG");
  const std::string doc = issue(officer, holder);
  ASSERT_FALSE(doc.empty());
  const std::string path = "/console/cards/" + doc;
  auto state = [&] {
    auto r = client().Get(path, {{"Cookie", officer}});
    std::smatch m;
    std::regex_search(r->body, m, std::regex("<dt>State</dt><dd>([a-z]+)</dd>"));
    return std::string(m[1]);
  };
  EXPECT_EQ(state(), "valid");

  // A change without a reason is refused beside the field; nothing changes.
  auto blank = post_form(officer, path + "/suspend", "reason=+++");
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->status, 400);
  EXPECT_NE(blank->body.find("id=\"suspend-reason-error\""), std::string::npos);
  EXPECT_EQ(state(), "valid");

  // An auditor may not change a card: refused and audited.
  const std::string auditor = sign_in(Role::auditor);
  auto denied = post_form(auditor, path + "/revoke", "reason=test");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(state(), "valid");
  EXPECT_GE(count(by(Role::auditor), "revoke_card", "denied"), 1u);

  auto suspended = post_form(officer, path + "/suspend", "reason=reported+lost+by+phone");
  ASSERT_TRUE(suspended);
  EXPECT_EQ(suspended->status, 303);
  EXPECT_EQ(location(suspended), path + "?done=suspended");
  EXPECT_EQ(state(), "suspended");
  auto page = client().Get(path, {{"Cookie", officer}});
  EXPECT_NE(page->body.find("reported lost by phone"), std::string::npos);
  EXPECT_NE(page->body.find(path + "/lift\""), std::string::npos);
  EXPECT_EQ(page->body.find(path + "/suspend\""), std::string::npos);
  EXPECT_NE(page->body.find("Only a valid card can be printed."), std::string::npos);
  auto print = client().Get(path + "/card.pdf", {{"Cookie", officer}});
  ASSERT_TRUE(print);
  EXPECT_EQ(print->status, 409);
  EXPECT_NE(print->body.find("Only a valid card can be printed."), std::string::npos);

  auto lifted = post_form(officer, path + "/lift", "reason=card+found");
  ASSERT_TRUE(lifted);
  EXPECT_EQ(lifted->status, 303);
  EXPECT_EQ(state(), "valid");

  // A replacement: the old card stops being valid, the new one is shown.
  auto reissued = post_form(officer, path + "/reissue", "reissue-reason=damaged");
  ASSERT_TRUE(reissued);
  ASSERT_EQ(reissued->status, 303);
  std::smatch m;
  const std::string to = location(reissued);
  ASSERT_TRUE(std::regex_match(to, m, std::regex("/console/cards/([0-9A-Z]{9})\\?done=reissued")));
  const std::string second = m[1];
  EXPECT_NE(second, doc);
  EXPECT_EQ(state(), "revoked");
  auto bad_reason =
      post_form(officer, "/console/cards/" + second + "/reissue", "reissue-reason=bored");
  ASSERT_TRUE(bad_reason);
  EXPECT_EQ(bad_reason->status, 400);

  auto revoked = post_form(officer, "/console/cards/" + second + "/revoke", "reason=fraud+check");
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 303);
  auto holder_page = client().Get("/console/holders/" + holder, {{"Cookie", officer}});
  ASSERT_TRUE(holder_page);
  EXPECT_NE(holder_page->body.find("fraud check"), std::string::npos);
  // A change the state does not allow is told apart.
  auto again = post_form(officer, "/console/cards/" + second + "/suspend", "reason=x");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
}

TEST_F(ConsoleCardsTest, ACaseStatusIsRecordedWithItsDateAndOnlyByTheRoleThatMay) {
  const std::string officer = sign_in(Role::enrollment_officer);
  const std::string holder = enroll(officer, "A402100030", "ADEYEMI");
  ASSERT_FALSE(holder.empty());
  const std::string path = "/console/holders/" + holder + "/case-status";

  auto bad = post_form(officer, path, "status=final_order_of_removal&effective_date=soon&reason=");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("id=\"effective_date-error\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"soon\""), std::string::npos);
  auto unknown = post_form(officer, path, "status=deported&effective_date=2026-01-02");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("id=\"status-error\""), std::string::npos);

  const std::string field = sign_in(Role::field_officer);
  auto denied =
      post_form(field, path, "status=final_order_of_removal&effective_date=2026-01-02&reason=x");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_GE(count(by(Role::field_officer), "set_case_status", "denied"), 1u);

  auto ok = post_form(officer, path,
                      "status=final_order_of_removal&effective_date=2026-01-02&reason=IJ+order");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 303);
  auto page = client().Get("/console/holders/" + holder + "?done=case", {{"Cookie", field}});
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Final order of removal: removable."), std::string::npos);
  EXPECT_NE(page->body.find("IJ order"), std::string::npos);
  EXPECT_EQ(page->body.find("action=\"" + path + "\""), std::string::npos)
      << "the field officer reads the status, never records one";
}

// What the server answers to `head` followed by `body_bytes` bytes, over a
// plain socket (a client that keeps sending after the answer).
std::string raw_exchange(int port, const std::string& head, std::size_t body_bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  const std::string chunk(64 * 1024, 'x');
  for (std::size_t sent = 0; sent < body_bytes; sent += chunk.size())
    if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) break;
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    answer.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

TEST_F(ConsoleCardsTest, AFileOverTheUploadBoundGetsAPageSayingSoAndNothingIsRead) {
  const std::size_t bytes = std::size_t{13} << 20;
  const std::string answer =
      raw_exchange(served_.port(),
                   "POST /console/enroll HTTP/1.1\r\nHost: x\r\nAccept-Language: es\r\n"
                   "Content-Type: multipart/form-data; boundary=B\r\nContent-Length: " +
                       std::to_string(bytes) + "\r\n\r\n",
                   bytes);
  ASSERT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer.substr(0, 80);
  EXPECT_NE(answer.find("Content-Type: text/html"), std::string::npos);
  EXPECT_NE(answer.find("El archivo supera los 12 MiB"), std::string::npos) << answer;
  EXPECT_NE(answer.find("href=\"/console/enroll\""), std::string::npos);
  // An API call over its own bound stays problem+json.
  const std::string api =
      raw_exchange(served_.port(),
                   "POST /v1/holders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 2000000\r\n\r\n",
                   2000000);
  ASSERT_TRUE(api.starts_with("HTTP/1.1 413 ")) << api.substr(0, 80);
  EXPECT_NE(api.find("application/problem+json"), std::string::npos);
}

TEST_F(ConsoleCardsTest, RolesThatDoNotEnrollAreRefusedAndTheRefusalIsAudited) {
  for (Role r : {Role::checkpoint_screener, Role::auditor, Role::field_officer}) {
    const std::string cookie = sign_in(r);
    auto page = client().Get("/console/enroll", {{"Cookie", cookie}});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 403) << sdc::registry::to_string(r);
    EXPECT_EQ(page->body.find("type=\"file\""), std::string::npos);
  }
  for (Role r : {Role::checkpoint_screener, Role::auditor, Role::field_officer})
    EXPECT_GE(count(by(r), "enroll_holder", "denied"), 1u) << sdc::registry::to_string(r);
}

}  // namespace
