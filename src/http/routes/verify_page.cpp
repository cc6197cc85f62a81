// The verify page (/verify/) for field officers and checkpoint screeners,
// phone-first. Without JavaScript it is a form: a photo of the card's code
// (decoded here with zxing-cpp) or the code's text from a scanner, answered
// by the same verification as POST /v1/verify (verify_answer.h), shown with
// the faces large beside the result. With JavaScript (web/verify/app.js) it
// also reads the code with the camera, keeps the trust bundle and the newest
// validity list, and verifies in the browser when offline
// (web/verify/sdc-verifier.js). docs/VERIFY.md describes it.
#include <nlohmann/json.hpp>

#include "http/portal.h"
#include "http/routes/routes.h"
#include "http/verify_answer.h"
#include "sdc/barcode/barcode.h"
#include "sdc/util/clock.h"

namespace sdc::http {

std::string_view verify_app_script();       // web/verify/app.js
std::string_view verify_verifier_script();  // web/verify/sdc-verifier.js
std::string_view verify_service_worker();   // web/verify/sw.js
std::string_view verify_manifest();         // web/verify/manifest.webmanifest
std::string_view verify_icon();             // web/verify/icon.svg
std::string_view verify_stylesheet();       // web/verify/verify.css
std::string_view verify_zxing_script();     // zxing-wasm's reader script, from npm
std::string_view verify_zxing_wasm();       // and its WebAssembly module (zxing-cpp)

namespace {

using json = nlohmann::json;
using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;

// The texts the page's script shows when it verifies on the device.
constexpr const char* kScriptTexts[] = {
    "verify.page.offline",
    "verify.page.no_list",
    "verify.page.stale_list",
    "verify.page.list_as_of",
    "verify.page.camera_unavailable",
    "verify.page.camera_looking",
    "verify.page.on_card",
    "verify.page.no_photo",
    "verify.page.compare",
    "verify.field.name",
    "verify.field.document_number",
    "verify.field.date_of_birth",
    "verify.field.sex",
    "verify.field.nationality",
    "verify.field.a_number",
    "verify.field.card_version",
    "verify.field.issuing_office",
    "verify.field.expires_at",
    "verify.status_as_of",
    "verify.validity.UNKNOWN",
    "verify.result.NOT_SDC",
    "verify.result.MALFORMED",
    "verify.result.UNSUPPORTED_ALGORITHM",
    "verify.result.UNKNOWN_SIGNER",
    "verify.result.UNTRUSTED_SIGNER",
    "verify.result.BAD_SIGNATURE",
    "verify.result.NOT_YET_VALID",
    "verify.result.EXPIRED",
    "verify.result.REVOKED",
    "verify.result.SUSPENDED",
    "verify.result.VALID",
    "verify.page.unreadable_photo",
    "verify.page.too_large",
    "verify.page.no_input",
};

// good: authentic, valid and checked; warn: authentic but not (yet) good to
// rely on; bad: not a good card.
const char* verdict_class(const json& a) {
  const std::string r = a.value("result", "");
  const std::string validity = a.value("validity", "");
  if (r == "VALID") return validity == "VALID" ? "good" : "warn";
  if (r == "SUSPENDED" || r == "NOT_YET_VALID") return "warn";
  return "bad";
}

const char* verdict_mark(const char* cls) {
  return std::string_view(cls) == "good" ? "✔" : std::string_view(cls) == "warn" ? "!" : "✘";
}

void row(std::string& b, const Texts& t, const char* key, const std::string& value) {
  b += "<dt>" + t.html(key) + "</dt><dd>" + escape(value) + "</dd>";
}

std::string when(const Texts& t, const json& j, const char* key, std::string_view zone = "UTC") {
  if (!j.contains(key) || !j[key].is_string()) return {};
  auto at = parse_time(j[key].get<std::string>());
  return at ? t.when(*at, zone) : j[key].get<std::string>();
}

std::string result_html(const Texts& t, const json& a) {
  const char* cls = verdict_class(a);
  std::string b;
  b += "<section id=\"result\" class=\"verdict " + std::string(cls) +
       "\" aria-labelledby=\"result-title\" data-source=\"registry\">";
  b += "<h2 id=\"result-title\"><span class=\"mark\" aria-hidden=\"true\">" +
       std::string(verdict_mark(cls)) + "</span> " + escape(a.value("explanation", "")) + "</h2>";
  b += "<p class=\"code\">" + escape(a.value("result", "")) + " · " + t.html("verify.page.online");
  if (a.contains("status_as_of"))
    b += " · " + t.html("verify.status_as_of", {{"when", when(t, a, "status_as_of")}});
  b += "</p>";
  if (a.contains("holder")) {
    const json& h = a["holder"];
    b += "<div class=\"faces\">";
    auto face = [&](const char* key, const char* caption) {
      if (!h.contains(key)) return;
      b += "<figure><img src=\"" + escape(h[key].get<std::string>()) + "\" alt=\"" +
           t.html(caption) + "\"><figcaption>" + t.html(caption) + "</figcaption></figure>";
    };
    face("thumbnail_url", "verify.page.on_card");
    face("portrait_url", "verify.page.in_registry");
    if (!h.contains("thumbnail_url") && !h.contains("portrait_url") && h.contains("date_of_birth"))
      b += "<p>" + t.html("verify.page.no_photo") + "</p>";
    b += "</div>";
    if (h.contains("thumbnail_url") || h.contains("portrait_url"))
      b += "<p class=\"hint\">" + t.html("verify.page.compare") + "</p>";
    b += "<dl class=\"facts\">";
    row(b, t, "verify.field.name",
        h.value("family_name", "") +
            (h.value("given_names", "").empty() ? "" : ", " + h.value("given_names", "")));
    row(b, t, "verify.field.document_number", h.value("document_number", ""));
    if (h.contains("date_of_birth"))
      row(b, t, "verify.field.date_of_birth", h["date_of_birth"].get<std::string>());
    if (h.contains("sex")) row(b, t, "verify.field.sex", h["sex"].get<std::string>());
    if (h.contains("nationality"))
      row(b, t, "verify.field.nationality", h["nationality"].get<std::string>());
    if (h.contains("a_number"))
      row(b, t, "verify.field.a_number", h["a_number"].get<std::string>());
    if (h.contains("card_version"))
      row(b, t, "verify.field.card_version", std::to_string(h["card_version"].get<int>()));
    if (h.contains("issuing_office"))
      row(b, t, "verify.field.issuing_office", h["issuing_office"].get<std::string>());
    // The card's last day: exp is 00:00 UTC of the day after it.
    if (auto exp = parse_time(a.value("expires_at", "")))
      row(b, t, "verify.field.expires_at", t.when(*exp - 1, "UTC", i18n::DateStyle::date));
    b += "</dl>";
  }
  // What the registry adds for a field officer.
  if (a.contains("case_status")) {
    const std::string status = a["case_status"].value("status", "unknown");
    b += "<dl class=\"facts case\">";
    row(b, t, "verify.field.case_status", t("verify.case." + status));
    if (a.contains("next_hearing")) {
      const json& n = a["next_hearing"];
      row(b, t, "verify.field.next_hearing",
          n.is_null() ? t("verify.none")
                      : when(t, n, "starts_at", n.value("time_zone", "UTC")) + " — " +
                            n.value("court_name", ""));
    }
    if (a.contains("reporting")) {
      const json& r = a["reporting"];
      row(b, t, "verify.field.next_reporting",
          r.is_null() ? t("verify.none") : t.date(r.value("next_due_date", "")));
    }
    if (a.contains("compliance")) {
      const json& c = a["compliance"];
      row(b, t, "verify.field.compliance",
          t("verify.compliance.summary", {{"on_time", c.value("on_time", std::int64_t{0})},
                                          {"late", c.value("late", std::int64_t{0})},
                                          {"missed", c.value("missed", std::int64_t{0})}}));
    }
    b += "</dl>";
  }
  b += "</section>";
  return b;
}

std::string form_html(const Texts& t, const Visit& v, const std::string& barcode) {
  std::string b;
  b += "<section id=\"scan\" class=\"scan\" hidden aria-labelledby=\"scan-title\">";
  b += "<h2 id=\"scan-title\">" + t.html("verify.page.camera") + "</h2>";
  b += "<button type=\"button\" id=\"camera-start\">" + t.html("verify.page.camera") +
       "</button> <button type=\"button\" id=\"camera-stop\" hidden>" +
       t.html("verify.page.camera_stop") + "</button>";
  b += "<video id=\"camera\" playsinline muted hidden></video>";
  b += "<p id=\"camera-status\" role=\"status\"></p></section>";
  b += "<form id=\"verify-form\" method=\"post\" action=\"/verify/\" "
       "enctype=\"multipart/form-data\" class=\"stack\">";
  b += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(v.csrf) + "\">";
  b += "<label for=\"photo\">" + t.html("verify.page.photo") + "</label>";
  b += "<p class=\"hint\" id=\"photo-hint\">" + t.html("verify.page.photo_hint") + "</p>";
  b += "<input id=\"photo\" name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png\" "
       "capture=\"environment\" aria-describedby=\"photo-hint\">";
  b += "<label for=\"barcode\">" + t.html("verify.page.text") + "</label>";
  b += "<p class=\"hint\" id=\"barcode-hint\">" + t.html("verify.page.text_hint") + "</p>";
  b += "<textarea id=\"barcode\" name=\"barcode\" rows=\"3\" spellcheck=\"false\" "
       "autocapitalize=\"characters\" autocomplete=\"off\" aria-describedby=\"barcode-hint\">" +
       escape(barcode) + "</textarea>";
  b += "<button type=\"submit\">" + t.html("verify.page.submit") + "</button></form>";
  b += "<p id=\"device-state\" class=\"hint\" role=\"status\"></p>";
  return b;
}

std::string script_texts(const Texts& t, registry::Role role) {
  json texts = json::object();
  for (const char* key : kScriptTexts) texts[key] = t.pattern(key);
  texts["role"] = to_string(role);
  // A data block, never run; "</" cannot end it early.
  std::string s = texts.dump();
  for (std::size_t at = s.find("</"); at != std::string::npos; at = s.find("</", at + 2))
    s.replace(at, 2, "<\\/");
  return "<script type=\"application/json\" id=\"verify-texts\">" + s + "</script>\n";
}

void send_verify_page(Api& api, const Call& c, const Visit& v, int status,
                      const std::string& result, const std::string& error,
                      const std::string& barcode) {
  const Texts& t = v.texts;
  Page p{t("verify.page.title"), result + form_html(t, v, barcode), "verify", "", error};
  p.head =
      "<link rel=\"stylesheet\" href=\"/verify/verify.css\">\n"
      "<link rel=\"manifest\" href=\"/verify/manifest.webmanifest\">\n"
      "<link rel=\"icon\" href=\"/verify/icon.svg\" type=\"image/svg+xml\">\n"
      "<meta name=\"theme-color\" content=\"#0b3d62\">\n"
      "<script defer src=\"/verify/zxing.js\"></script>\n"
      "<script type=\"module\" src=\"/verify/app.js\"></script>\n";
  p.tail = script_texts(t, v.user.role);
  p.csp = portal::kVerifyContentSecurityPolicy;
  portal::send_page(api, c.res, status, t, p, &v);
}

bool may_verify(Api& api, const Call& c, const Visit& v) {
  if (registry::allowed(v.user.role, registry::Action::verify_card)) return true;
  // Refused, and the refusal audited by the domain.
  (void)api.registry.authorize(v.user, registry::Action::verify_card);
  const Texts& t = v.texts;
  portal::send_page(api, c.res, 403, t,
                    Page{t("verify.page.title"), "", "verify", "", t("verify.page.not_allowed")},
                    &v);
  return false;
}

void page(Api& api, const Call& c, const Visit& v) {
  if (!may_verify(api, c, v)) return;
  send_verify_page(api, c, v, 200, "", "", "");
}

// The code's text, from the form's photo (decoded here) or its text field.
struct Presented {
  std::string barcode;
  std::string error_key;  // set when nothing could be read
  int status = 200;
};

Presented presented(const std::string& text, const portal::FormPart* photo) {
  // Trimmed in one pass: the text may be a whole body of blanks.
  constexpr std::string_view kBlank = " \t\r\n\f\v";
  const std::size_t first = text.find_first_not_of(kBlank);
  if (first != std::string::npos)
    return {text.substr(first, text.find_last_not_of(kBlank) - first + 1), "", 200};
  if (!photo || photo->data.empty()) return {"", "verify.page.no_input", 400};
  auto read = read_qr_from_image_bytes(as_bytes(photo->data));
  if (read) return {*read, "", 200};
  if (read.error().code == Errc::limit) return {"", "verify.page.too_large", 413};
  return {"", "verify.page.unreadable_photo", 422};
}

void check(Api& api, const Call& c, const Visit& v) {
  if (!may_verify(api, c, v)) return;
  const Texts& t = v.texts;
  std::string csrf, text;
  const portal::FormPart* photo = nullptr;
  std::optional<std::vector<portal::FormPart>> parts;
  std::optional<portal::Form> form;
  const std::string type = c.req.get_header_value("Content-Type");
  if (type.rfind("multipart/", 0) == 0) {
    parts = portal::parse_multipart(type, c.req.body);
    if (parts) {
      if (auto* p = portal::part(*parts, "csrf")) csrf = p->data;
      if (auto* p = portal::part(*parts, "barcode")) text = p->data;
      photo = portal::part(*parts, "photo");
    }
  } else {
    form = portal::parse_form_body(c.req);
    if (form) {
      csrf = portal::field(*form, "csrf");
      text = portal::field(*form, "barcode");
    }
  }
  if (!parts && !form) return send_verify_page(api, c, v, 400, "", t("verify.page.not_a_form"), "");
  if (!portal::form_allowed(api, c, v, csrf)) return;
  Presented in = presented(text, photo);
  if (!in.error_key.empty()) return send_verify_page(api, c, v, in.status, "", t(in.error_key), "");
  auto answer = verification_answer(api, v.user, in.barcode, t.language());
  if (!answer) return portal::send_failure(api, c.res, v, t("verify.page.title"), "verify");
  send_verify_page(api, c, v, 200, result_html(t, *answer), "", "");
}

void asset(const Call& c, std::string_view body, const char* type) {
  c.res.status = 200;
  c.res.set_header("Cache-Control", "no-cache");
  c.res.set_header("X-Content-Type-Options", "nosniff");
  c.res.set_content(std::string(body), type);
}

}  // namespace

void add_verify_page_routes(Router& router, Api& api) {
  router.get("/verify/", portal::signed_in(api, page, kOfficer));
  router.post("/verify/", portal::signed_in(api, check, kOfficer));
  router.get("/verify/app.js", [](const Call& c) {
    asset(c, verify_app_script(), "text/javascript; charset=utf-8");
  });
  router.get("/verify/sdc-verifier.js", [](const Call& c) {
    asset(c, verify_verifier_script(), "text/javascript; charset=utf-8");
  });
  router.get("/verify/zxing.js", [](const Call& c) {
    asset(c, verify_zxing_script(), "text/javascript; charset=utf-8");
  });
  router.get("/verify/zxing_reader.wasm",
             [](const Call& c) { asset(c, verify_zxing_wasm(), "application/wasm"); });
  router.get("/verify/sw.js", [](const Call& c) {
    asset(c, verify_service_worker(), "text/javascript; charset=utf-8");
    c.res.set_header("Service-Worker-Allowed", "/verify/");
  });
  router.get("/verify/manifest.webmanifest",
             [](const Call& c) { asset(c, verify_manifest(), "application/manifest+json"); });
  router.get("/verify/icon.svg", [](const Call& c) { asset(c, verify_icon(), "image/svg+xml"); });
  router.get("/verify/verify.css",
             [](const Call& c) { asset(c, verify_stylesheet(), "text/css; charset=utf-8"); });
}

}  // namespace sdc::http
