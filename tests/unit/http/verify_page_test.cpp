// The officers' pages over HTTP as a browser without JavaScript uses them:
// signing in with a form, the verify page's form with a photo (multipart)
// or the code's text, and what each role is shown. The server runs
// in-process over a temporary SQLite data folder. The multipart reader is
// tested on its own first.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "http/portal.h"
#include "http/portal_input.h"
#include "sdc/barcode/barcode.h"
#include "sdc/card/portrait.h"
#include "sdc/http/server.h"
#include "sdc/image/image.h"
#include "sdc/util/bytes.h"
#include "sdc/util/file.h"
#include "support/page_forms.h"
#include "support/test_server.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using sdc::http::portal::parse_multipart;
using sdc::registry::Role;
using sdc::test::multipart;

// ---- the multipart reader ----

TEST(Multipart, ReadsFieldsAndFilesAsABrowserSendsThem) {
  const std::string data("\x89PNG\r\n--not-the-boundary\r\n\0\xff", 26);
  auto parts = parse_multipart(
      "multipart/form-data; boundary=----WebKitFormBoundaryX1",
      multipart("----WebKitFormBoundaryX1",
                {{"csrf", "", "abc"}, {"photo", "card.png", data}, {"barcode", "", ""}}));
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  EXPECT_EQ((*parts)[0].data, "abc");
  EXPECT_EQ((*parts)[1].filename, "card.png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].data, data);
  EXPECT_EQ((*parts)[2].data, "");
  ASSERT_NE(sdc::http::portal::part(*parts, "photo"), nullptr);
  EXPECT_EQ(sdc::http::portal::part(*parts, "nothing"), nullptr);
  // A quoted boundary.
  EXPECT_TRUE(
      parse_multipart("multipart/form-data; boundary=\"q b\"", multipart("q b", {{"a", "", "1"}})));
}

TEST(Multipart, RefusesWhatIsNotAWholeForm) {
  const std::string ok = multipart("B", {{"a", "", "1"}});
  EXPECT_FALSE(parse_multipart("application/x-www-form-urlencoded", ok));
  EXPECT_FALSE(parse_multipart("multipart/form-data", ok));  // no boundary
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=" + std::string(71, 'x'), ok));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=B", ok.substr(0, ok.size() - 6)));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=B", "junk" + ok));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=B",
                               "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--"));  // no name
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=B",
                               "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n"));
  std::vector<std::tuple<std::string, std::string, std::string>> many;
  for (std::size_t i = 0; i <= sdc::http::portal::kMaxFormParts; ++i)
    many.emplace_back("f" + std::to_string(i), "", "v");
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=B", multipart("B", many)));
  const std::string long_header =
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX: " + std::string(2000, 'x') +
      "\r\n\r\nv\r\n--B--";
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=B", long_header));
}

// ---- the pages ----

std::string form_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class VerifyPageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string up = served_.start(
        world_, fs::temp_directory_path() / ("sdc-verify-page-test-" + std::to_string(::getpid())));
    ASSERT_EQ(up, "");
    for (Role r :
         {Role::enrollment_officer, Role::field_officer, Role::checkpoint_screener, Role::auditor})
      ASSERT_TRUE(served_.server().add_user(name(r), password(r), r));
    // A holder with a real portrait and a card.
    auto res = client().Post("/v1/login",
                             json{{"username", name(Role::enrollment_officer)},
                                  {"password", password(Role::enrollment_officer)}}
                                 .dump(),
                             "application/json");
    ASSERT_TRUE(res && res->status == 200);
    const httplib::Headers officer{
        {"Authorization", "Bearer " + json::parse(res->body)["token"].get<std::string>()}};
    auto e = client().Post(
        "/v1/holders", officer,
        json{{"a_number", "A402000001"},
             {"family_name", "OKAFOR"},
             {"given_names", "CHIDI"},
             {"date_of_birth", "1985-06-15"},
             {"sex", "M"},
             {"nationality", "UTO"},
             {"portrait_base64", sdc::base64_encode(sdc::make_specimen_silhouette_jpeg())},
             {"contact", "1 Main Street"},
             {"language", "en"}}
            .dump(),
        "application/json");
    ASSERT_TRUE(e && e->status == 201) << (e ? e->body : "");
    holder_id_ = json::parse(e->body)["id"].get<std::string>();
    auto c =
        client().Post("/v1/holders/" + holder_id_ + "/cards", officer, "{}", "application/json");
    ASSERT_TRUE(c && c->status == 201) << (c ? c->body : "");
    barcode_ = json::parse(c->body)["issued"]["barcode"].get<std::string>();
    auditor_token_ = [] {
      auto r = client().Post(
          "/v1/login",
          json{{"username", name(Role::auditor)}, {"password", password(Role::auditor)}}.dump(),
          "application/json");
      return json::parse(r->body)["token"].get<std::string>();
    }();
  }

  static void TearDownTestSuite() { served_.stop(); }

  static std::string name(Role r) { return std::string("page-") + sdc::registry::to_string(r); }
  static std::string password(Role r) { return "pw-" + name(r) + "-1"; }

  static httplib::Client client() { return served_.client(); }

  // The officer session cookie after signing in through the form.
  static std::string sign_in(Role r) {
    return sdc::test::sign_in_officer(client(), name(r), password(r));
  }

  static std::string csrf_of(const std::string& html) { return sdc::test::csrf_of(html); }

  // The verify page's answer to a form of `parts` (multipart), with the
  // session's CSRF token added.
  static httplib::Result verify_form(
      const std::string& cookie,
      std::vector<std::tuple<std::string, std::string, std::string>> parts) {
    auto page = client().Get("/verify/", {{"Cookie", cookie}});
    EXPECT_TRUE(page && page->status == 200);
    parts.insert(parts.begin(), {"csrf", "", csrf_of(page->body)});
    return client().Post("/verify/", {{"Cookie", cookie}}, multipart("sdcBoundary7", parts),
                         "multipart/form-data; boundary=sdcBoundary7");
  }

  // The result section of a verify page.
  static std::string result_of(const std::string& html) {
    auto at = html.find("<section id=\"result\"");
    if (at == std::string::npos) return {};
    return html.substr(at, html.find("</section>", at) - at);
  }

  static std::string png_of_qr(const std::string& text) {
    auto code = sdc::encode_qr(text);
    EXPECT_TRUE(code);
    const sdc::GrayImage g = sdc::qr_to_image(*code, 4);
    sdc::RgbImage rgb;
    rgb.width = g.width;
    rgb.height = g.height;
    rgb.rgb.reserve(g.pixels.size() * 3);
    for (auto p : g.pixels) rgb.rgb.insert(rgb.rgb.end(), {p, p, p});
    auto png = sdc::encode_png(rgb);
    EXPECT_TRUE(png);
    return std::string(sdc::as_chars(*png));
  }

  static std::size_t audit_count(const std::string& action) {
    auto r = client().Get("/v1/audit?holder=" + holder_id_ + "&limit=500",
                          {{"Authorization", "Bearer " + auditor_token_}});
    EXPECT_TRUE(r && r->status == 200);
    std::size_t n = 0;
    const json events = json::parse(r->body)["events"];
    for (const auto& e : events) n += e["action"] == action;
    return n;
  }

  static inline sdc::test::TestWorld world_;
  static inline sdc::test::TestServer served_;
  static inline std::string holder_id_, barcode_, auditor_token_;
};

TEST_F(VerifyPageTest, OfficersSignInWithAFormAndStartWhereTheirRoleWorks) {
  auto wrong =
      client().Post("/console/login", "username=" + name(Role::field_officer) + "&password=nope",
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  EXPECT_NE(wrong->body.find("Wrong username or password."), std::string::npos);

  auto field = client().Post(
      "/console/login",
      "username=" + name(Role::field_officer) + "&password=" + password(Role::field_officer),
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(field);
  EXPECT_EQ(field->get_header_value("Location"), "/verify/");
  auto officer = client().Post("/console/login",
                               "username=" + name(Role::enrollment_officer) +
                                   "&password=" + password(Role::enrollment_officer),
                               "application/x-www-form-urlencoded");
  ASSERT_TRUE(officer);
  EXPECT_EQ(officer->get_header_value("Location"), "/console/");

  // A form from another site is refused, even with the right password.
  auto foreign = client().Post(
      "/console/login", {{"Origin", "https://elsewhere.example"}},
      "username=" + name(Role::field_officer) + "&password=" + password(Role::field_officer),
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_FALSE(foreign->has_header("Set-Cookie"));

  // Without a session the pages send to the sign-in page.
  for (const char* path : {"/verify/", "/console/"}) {
    auto r = client().Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 303) << path;
    EXPECT_EQ(r->get_header_value("Location"), "/console/login") << path;
  }
  // A holder's portal session is no officer session.
  auto as_portal = client().Get("/verify/", {{"Cookie", "sdc_portal=x"}});
  ASSERT_TRUE(as_portal);
  EXPECT_EQ(as_portal->status, 303);
}

TEST_F(VerifyPageTest, ThePageHasAStrictPolicyAndNoInlineScript) {
  const std::string cookie = sign_in(Role::checkpoint_screener);
  auto r = client().Get("/verify/", {{"Cookie", cookie}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string csp = r->get_header_value("Content-Security-Policy");
  // Scripts of this server only; the QR reader may compile WebAssembly, and
  // nothing may run a string as script.
  EXPECT_NE(csp.find("script-src 'self' 'wasm-unsafe-eval';"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("'unsafe-eval'"), std::string::npos) << csp;
  // Otherwise the officers' policy, word for word.
  std::string officers(sdc::http::portal::kOfficerContentSecurityPolicy);
  const std::string scripts = "script-src 'self'";
  officers.replace(officers.find(scripts), scripts.size(), scripts + " 'wasm-unsafe-eval'");
  EXPECT_EQ(csp, officers);
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
  // Every script is a file of this server or a data block that never runs.
  std::regex script("<script([^>]*)>");
  for (std::sregex_iterator it(r->body.begin(), r->body.end(), script), end; it != end; ++it) {
    const std::string attrs = (*it)[1];
    EXPECT_TRUE(attrs.find("src=\"/verify/") != std::string::npos ||
                attrs.find("type=\"application/json\"") != std::string::npos)
        << attrs;
  }
  EXPECT_NE(r->body.find("rel=\"manifest\" href=\"/verify/manifest.webmanifest\""),
            std::string::npos);
  for (const char* path :
       {"/verify/app.js", "/verify/sdc-verifier.js", "/verify/zxing.js", "/verify/sw.js",
        "/verify/manifest.webmanifest", "/verify/icon.svg", "/verify/verify.css"}) {
    auto a = client().Get(path);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200) << path;
    EXPECT_FALSE(a->body.empty()) << path;
  }
  // The QR reader's module: whole (NUL bytes and all), as WebAssembly.
  auto wasm = client().Get("/verify/zxing_reader.wasm");
  ASSERT_TRUE(wasm);
  EXPECT_EQ(wasm->status, 200);
  EXPECT_EQ(wasm->get_header_value("Content-Type"), "application/wasm");
  EXPECT_EQ(wasm->body.substr(0, 8), std::string("\0asm\1\0\0\0", 8));
  auto module = sdc::read_file(fs::path(SDC_SOURCE_DIR) /
                               "web/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm");
  ASSERT_TRUE(module);
  EXPECT_EQ(wasm->body, *module);
  // The console's pages keep the officers' policy, without WebAssembly.
  auto console = client().Get("/console/login");
  ASSERT_TRUE(console);
  EXPECT_EQ(console->get_header_value("Content-Security-Policy"),
            std::string(sdc::http::portal::kOfficerContentSecurityPolicy));
  EXPECT_EQ(console->get_header_value("Content-Security-Policy").find("wasm"), std::string::npos);
  // The texts the page's script shows are all in the catalogue.
  std::smatch block;
  ASSERT_TRUE(std::regex_search(
      r->body, block,
      std::regex("<script type=\"application/json\" id=\"verify-texts\">(.*?)</script>")));
  const json texts = json::parse(block[1].str());
  EXPECT_EQ(texts["role"], "checkpoint_screener");
  EXPECT_GT(texts.size(), 20u);
  for (const auto& [key, value] : texts.items()) {
    if (key == "role") continue;
    EXPECT_NE(value, key) << "no text for " << key;
  }
  EXPECT_EQ(texts["verify.page.list_as_of"], "This device's validity list is from {when}.");
  auto manifest = client().Get("/verify/manifest.webmanifest");
  auto m = json::parse(manifest->body);
  EXPECT_EQ(m["start_url"], "/verify/");
  EXPECT_EQ(m["scope"], "/verify/");
}

TEST_F(VerifyPageTest, EachRoleSeesWhatItMayAndTheCheckIsAudited) {
  const std::size_t before = audit_count("verify_card");
  const std::string field = sign_in(Role::field_officer);
  auto f = verify_form(field, {{"barcode", "", barcode_}});
  ASSERT_TRUE(f);
  ASSERT_EQ(f->status, 200) << f->body;
  EXPECT_NE(f->body.find("class=\"verdict good\""), std::string::npos);
  EXPECT_NE(f->body.find("The card is genuine and valid."), std::string::npos);
  EXPECT_NE(f->body.find("A-number"), std::string::npos);
  EXPECT_NE(f->body.find("402000001"), std::string::npos);
  EXPECT_NE(f->body.find("Case status"), std::string::npos);
  EXPECT_NE(f->body.find("alt=\"Photo in the registry\""), std::string::npos);
  EXPECT_NE(f->body.find("alt=\"Photo on the card\">"), std::string::npos)
      << "the card's signed thumbnail";
  EXPECT_EQ(audit_count("verify_card"), before + 1);

  const std::string screener = sign_in(Role::checkpoint_screener);
  auto s = verify_form(screener, {{"barcode", "", barcode_}});
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 200) << s->body;
  EXPECT_NE(s->body.find("class=\"verdict good\""), std::string::npos);
  EXPECT_NE(s->body.find("OKAFOR"), std::string::npos);
  EXPECT_NE(s->body.find("alt=\"Photo on the card\""), std::string::npos);
  const std::string result = result_of(s->body);
  ASSERT_FALSE(result.empty()) << s->body;
  for (const char* hidden :
       {"402000001", "A-number", "Case status", "Photo in the registry", "Next hearing"})
    EXPECT_EQ(result.find(hidden), std::string::npos) << hidden;
  EXPECT_EQ(s->body.find("402000001"), std::string::npos);
  EXPECT_EQ(audit_count("verify_card"), before + 2);

  // An auditor does not verify cards; the refusal is audited.
  const std::string auditor = sign_in(Role::auditor);
  auto a = client().Get("/verify/", {{"Cookie", auditor}});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 403);
  EXPECT_NE(a->body.find("Your role does not verify cards."), std::string::npos);
}

TEST_F(VerifyPageTest, APhotoIsDecodedHereAndBadInputIsToldApart) {
  const std::string cookie = sign_in(Role::field_officer);
  auto photo =
      verify_form(cookie, {{"photo", "card.png", png_of_qr(barcode_)}, {"barcode", "", ""}});
  ASSERT_TRUE(photo);
  ASSERT_EQ(photo->status, 200) << photo->body;
  EXPECT_NE(photo->body.find("class=\"verdict good\""), std::string::npos);

  // A QR code that is no card's.
  auto other = verify_form(cookie, {{"photo", "qr.png", png_of_qr("HELLO WORLD")}});
  ASSERT_TRUE(other);
  ASSERT_EQ(other->status, 200);
  EXPECT_NE(other->body.find("class=\"verdict bad\""), std::string::npos);
  EXPECT_NE(other->body.find("This is not the code of an SDC card."), std::string::npos);

  // A forged card: one character of the signed text changed.
  std::string forged = barcode_;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  auto f = verify_form(cookie, {{"barcode", "", forged}});
  ASSERT_TRUE(f);
  ASSERT_EQ(f->status, 200);
  EXPECT_NE(f->body.find("class=\"verdict bad\""), std::string::npos);
  EXPECT_EQ(f->body.find("OKAFOR"), std::string::npos) << "no holder data from a forged card";

  const std::size_t verified = audit_count("verify_card");
  auto unreadable = verify_form(cookie, {{"photo", "noise.png", std::string(3000, '\x42')}});
  ASSERT_TRUE(unreadable);
  EXPECT_EQ(unreadable->status, 422);
  EXPECT_NE(unreadable->body.find("No card code could be read in this photo."), std::string::npos);
  // A text of nothing but blanks, almost as large as a body may be.
  auto nothing = verify_form(cookie, {{"barcode", "", " \r\n" + std::string(900 * 1024, ' ')}});
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->status, 400);
  EXPECT_NE(nothing->body.find("Send a photo of the card"), std::string::npos);
  auto broken = client().Post("/verify/", {{"Cookie", cookie}}, "--x\r\nbroken",
                              "multipart/form-data; boundary=x");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400);
  EXPECT_NE(broken->body.find("The form could not be read."), std::string::npos);
  // Without the session's CSRF token nothing is verified.
  auto no_csrf =
      client().Post("/verify/", {{"Cookie", cookie}}, multipart("b1", {{"barcode", "", barcode_}}),
                    "multipart/form-data; boundary=b1");
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(audit_count("verify_card"), verified) << "nothing verified, nothing recorded";
}

TEST_F(VerifyPageTest, ThePageSpeaksTheOfficersLanguage) {
  const std::string cookie = sign_in(Role::checkpoint_screener);
  auto page = client().Get("/verify/", {{"Cookie", cookie}, {"Accept-Language", "pt-BR"}});
  ASSERT_TRUE(page);
  const std::string csrf = csrf_of(page->body);
  EXPECT_NE(page->body.find("<html lang=\"pt\">"), std::string::npos);
  EXPECT_NE(page->body.find("Verificar um cartão"), std::string::npos);
  auto r = client().Post("/verify/", {{"Cookie", cookie}, {"Accept-Language", "pt-BR"}},
                         "csrf=" + csrf + "&barcode=" + form_encoded(barcode_),
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("O cartão é autêntico e válido."), std::string::npos);
}

}  // namespace

namespace {

class ConsoleFindTest : public VerifyPageTest {
 protected:
  static httplib::Result find(const std::string& cookie, const std::string& form) {
    auto home = client().Get("/console/", {{"Cookie", cookie}});
    EXPECT_TRUE(home && home->status == 200);
    return client().Post("/console/find", {{"Cookie", cookie}},
                         "csrf=" + csrf_of(home->body) + "&" + form,
                         "application/x-www-form-urlencoded");
  }
};

TEST_F(ConsoleFindTest, AnOfficerFindsAHolderByANumberAsTypedOrByNameAndDateOfBirth) {
  const std::string officer = sign_in(Role::enrollment_officer);
  auto home = client().Get("/console/", {{"Cookie", officer}});
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("action=\"/console/find\""), std::string::npos);

  const std::size_t before = audit_count("find_by_a_number");
  auto by_number = find(officer, "a_number=A402-000-001&family_name=&date_of_birth=");
  ASSERT_TRUE(by_number);
  ASSERT_EQ(by_number->status, 200) << by_number->body;
  EXPECT_NE(by_number->body.find("OKAFOR, CHIDI"), std::string::npos);
  EXPECT_NE(by_number->body.find("402000001"), std::string::npos);
  EXPECT_NE(by_number->body.find("Holders found: 1"), std::string::npos);
  EXPECT_EQ(audit_count("find_by_a_number"), before + 1) << "the search is audited";

  auto by_name = find(officer, "a_number=&family_name=okafor&date_of_birth=1985-06-15");
  ASSERT_TRUE(by_name);
  ASSERT_EQ(by_name->status, 200) << by_name->body;
  EXPECT_NE(by_name->body.find("OKAFOR, CHIDI"), std::string::npos);

  auto nobody = find(officer, "a_number=A999-999-999");
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->status, 200);
  EXPECT_NE(nobody->body.find("No holder matches."), std::string::npos);

  // Each bad field is named beside itself and nothing is found.
  auto bad = find(officer, "a_number=12");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("id=\"a_number-error\""), std::string::npos) << bad->body;
  EXPECT_NE(bad->body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_NE(bad->body.find("value=\"12\""), std::string::npos) << "what was typed stays";
  auto empty = find(officer, "a_number=&family_name=&date_of_birth=");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  EXPECT_NE(empty->body.find("Give an A-number, or a family name and a date of birth."),
            std::string::npos);

  // Without the session's CSRF token nothing is searched.
  const std::size_t searched = audit_count("find_by_a_number");
  auto forged = client().Post("/console/find", {{"Cookie", officer}}, "a_number=A402000001",
                              "application/x-www-form-urlencoded");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_EQ(audit_count("find_by_a_number"), searched);
}

TEST_F(ConsoleFindTest, AScreenerHasNoSearchAndIsRefusedOne) {
  const std::string screener = sign_in(Role::checkpoint_screener);
  auto home = client().Get("/console/", {{"Cookie", screener}});
  ASSERT_TRUE(home);
  ASSERT_EQ(home->status, 200);
  EXPECT_EQ(home->body.find("action=\"/console/find\""), std::string::npos);
  // A form made by hand is refused by the domain, and the refusal audited.
  auto r = client().Post("/console/find", {{"Cookie", screener}},
                         "csrf=" + csrf_of(home->body) + "&a_number=A402000001",
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("Your role does not look up holders."), std::string::npos);
  EXPECT_EQ(r->body.find("OKAFOR"), std::string::npos);
}

}  // namespace

namespace {

TEST_F(ConsoleFindTest, TheHolderPageShowsWhatTheRoleMayReadAndEachReadIsAudited) {
  const std::string officer = sign_in(Role::enrollment_officer);
  auto found = find(officer, "a_number=A402000001");
  ASSERT_TRUE(found);
  const std::string link = "/console/holders/" + holder_id_;
  ASSERT_NE(found->body.find("href=\"" + link + "\""), std::string::npos) << found->body;

  const std::size_t reads = audit_count("read_holder_name");
  auto page = client().Get(link, {{"Cookie", officer}});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  for (const char* shown : {"OKAFOR, CHIDI", "1985-06-15", "402000001", "Enrolled photo", "Cards",
                            "valid", "Case status, newest first", "No case status is recorded."})
    EXPECT_NE(page->body.find(shown), std::string::npos) << shown;
  EXPECT_EQ(audit_count("read_holder_name"), reads + 1);

  // A screener reads the name and identity, the cards' validity, never the
  // A-number or the case status.
  const std::string screener = sign_in(Role::checkpoint_screener);
  auto s = client().Get(link, {{"Cookie", screener}});
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 200) << s->body;
  EXPECT_NE(s->body.find("OKAFOR, CHIDI"), std::string::npos);
  EXPECT_EQ(s->body.find("402000001"), std::string::npos);
  EXPECT_EQ(s->body.find("Case status"), std::string::npos);

  auto unknown =
      client().Get("/console/holders/00000000000000000000000000000000", {{"Cookie", officer}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto signed_out = client().Get(link);
  ASSERT_TRUE(signed_out);
  EXPECT_EQ(signed_out->status, 303);
}

}  // namespace
