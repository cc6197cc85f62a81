// The console's enrollment: an enrollment officer enters a holder's
// identifiers and uploads the portrait (multipart form). Every problem is
// shown at once beside its field: the domain's checks of the identifiers
// (Registry::check_holder_input, the same as enroll's) and the portrait
// quality check's reasons, each in the officer's language. An accepted
// photo is normalised (35:45, head ~75% of the height) before it is stored.
// Nothing is written until every field is good; then Registry::enroll
// writes and audits the record and the officer goes to the holder's page.
#include <array>
#include <string>
#include <vector>

#include "http/portal.h"
#include "http/problem.h"
#include "http/routes/console_form.h"
#include "http/routes/routes.h"
#include "sdc/card/portrait.h"
#include "sdc/util/bytes.h"

namespace sdc::http {

namespace {

using console::Field;
using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;

constexpr std::array kLanguages = {"en", "es", "pt", "ht", "fr"};

// The form as entered, with every field's problems.
struct EnrollForm {
  registry::HolderInput in;
  std::string portrait_error;
  std::vector<std::string> portrait_reasons;  // the quality check's, in words
  std::map<std::string, std::string> errors;  // field -> message
};

std::string error_of(const EnrollForm& f, const std::string& field) {
  auto it = f.errors.find(field);
  return it == f.errors.end() ? std::string() : it->second;
}

std::string form_html(const Texts& t, const Visit& v, const EnrollForm& f) {
  const auto& in = f.in;
  std::string b =
      "<form method=\"post\" action=\"/console/enroll\" enctype=\"multipart/form-data\" "
      "class=\"stack\" novalidate>";
  b += console::csrf_field(v);
  b += console::input(t,
                      {"a_number", "console.enroll.a_number", in.a_number, error_of(f, "a_number"),
                       "console.enroll.a_number_hint", "text", "off", 20, true});
  b += console::input(t, {"family_name", "console.enroll.family_name", in.family_name,
                          error_of(f, "family_name"), nullptr, "text", "off", 100, true});
  b += console::input(t, {"given_names", "console.enroll.given_names", in.given_names,
                          error_of(f, "given_names"), nullptr, "text", "off", 100});
  b += console::input(t, {"date_of_birth", "console.enroll.date_of_birth", in.date_of_birth,
                          error_of(f, "date_of_birth"), "console.enroll.date_of_birth_hint", "text",
                          "off", 10, true});
  b += console::select(
      t, {"sex", "console.enroll.sex", in.sex.empty() ? "X" : in.sex, error_of(f, "sex")},
      {{"F", t("console.enroll.sex_F")},
       {"M", t("console.enroll.sex_M")},
       {"X", t("console.enroll.sex_X")}});
  b += console::input(
      t, {"nationality", "console.enroll.nationality", in.nationality, error_of(f, "nationality"),
          "console.enroll.nationality_hint", "text", "off", 3, true});
  b += console::input(t, {"contact", "console.enroll.contact", in.contact, error_of(f, "contact"),
                          "console.enroll.contact_hint", "text", "off", 200});
  std::vector<std::pair<std::string, std::string>> languages;
  for (const char* code : kLanguages)
    languages.emplace_back(code, t("language.name." + std::string(code)));
  b += console::select(t,
                       {"language", "console.enroll.language",
                        in.language.empty() ? "en" : in.language, error_of(f, "language")},
                       languages);
  std::string photo_error = f.portrait_error;
  for (const std::string& reason : f.portrait_reasons)
    photo_error += (photo_error.empty() ? "" : " ") + reason;
  b += console::file_input(t,
                           {"portrait", "console.enroll.portrait", "", photo_error,
                            "console.enroll.portrait_hint", "file", "off", 0, true},
                           "image/jpeg,image/png");
  b += "<button type=\"submit\">" + t.html("console.enroll.submit") + "</button></form>";
  return b;
}

void send_form(Api& api, const Call& c, const Visit& v, int status, const EnrollForm& f,
               const std::string& error) {
  const Texts& t = v.texts;
  portal::send_page(api, c.res, status, t,
                    Page{t("console.enroll.title"), form_html(t, v, f), "enroll", "", error}, &v);
}

// True when the role may enroll; else the refusal is audited and answered.
bool may_enroll(Api& api, const Call& c, const Visit& v) {
  if (api.registry.authorize(v.user, registry::Action::enroll_holder)) return true;
  const Texts& t = v.texts;
  portal::send_page(
      api, c.res, 403, t,
      Page{t("console.enroll.title"), "", "enroll", "", t("console.enroll.not_allowed")}, &v);
  return false;
}

void page(Api& api, const Call& c, const Visit& v) {
  if (!may_enroll(api, c, v)) return;
  send_form(api, c, v, 200, {}, "");
}

// The portrait's problems in the officer's words; the normalised JPEG when
// it is accepted.
std::optional<Bytes> take_portrait(const Texts& t, const portal::FormPart* file, EnrollForm& f) {
  if (!file || file->data.empty()) {
    f.portrait_error = t("console.enroll.portrait_missing");
    return std::nullopt;
  }
  auto intake = intake_portrait(as_bytes(file->data));
  if (!intake) {
    f.portrait_error = t(intake.error().code == Errc::internal ? "problem.internal"
                                                               : "console.portrait.unreadable");
    return std::nullopt;
  }
  if (!intake->portrait) {
    for (const PortraitProblem& p : intake->report.problems)
      f.portrait_reasons.push_back(t("console.portrait." + p.code));
    return std::nullopt;
  }
  return std::move(intake->portrait->jpeg);
}

constexpr std::array kFields = {"a_number", "family_name", "given_names", "date_of_birth",
                                "sex",      "nationality", "contact",     "language"};

// The domain's refusal of the identifiers, each under its field in the
// officer's words; true when every line had a field of the form.
bool place_problems(const Texts& t, const std::string& message, EnrollForm& f) {
  bool all_placed = true;
  std::size_t at = 0;
  while (at < message.size()) {
    std::size_t end = std::min(message.find('\n', at), message.size());
    const FieldError fe = field_error(message.substr(at, end - at));
    at = end + 1;
    if (fe.field == "portrait_base64") continue;  // judged by the quality check
    if (std::find(kFields.begin(), kFields.end(), fe.field) == kFields.end()) {
      all_placed = false;
      continue;
    }
    f.errors.emplace(fe.field, t("console.enroll.error." + fe.field));
  }
  return all_placed;
}

void enroll(Api& api, const Call& c, const Visit& v) {
  const Texts& t = v.texts;
  const std::string type = c.req.get_header_value("Content-Type");
  auto parts =
      type.rfind("multipart/", 0) == 0 ? portal::parse_multipart(type, c.req.body) : std::nullopt;
  if (!parts) {
    if (!may_enroll(api, c, v)) return;
    return send_form(api, c, v, 400, {}, t("console.enroll.not_a_form"));
  }
  auto text = [&](const char* name) {
    const portal::FormPart* p = portal::part(*parts, name);
    return p && p->filename.empty() ? p->data : std::string();
  };
  if (!portal::form_allowed(api, c, v, text("csrf"))) return;
  if (!may_enroll(api, c, v)) return;
  EnrollForm f;
  f.in.a_number = text("a_number");
  f.in.family_name = text("family_name");
  f.in.given_names = text("given_names");
  f.in.date_of_birth = text("date_of_birth");
  f.in.sex = text("sex");
  // ICAO codes are capitals; an officer may type them in lower case.
  f.in.nationality = text("nationality");
  for (char& ch : f.in.nationality)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  f.in.contact = text("contact");
  f.in.language = text("language");
  auto portrait = take_portrait(t, portal::part(*parts, "portrait"), f);
  // The identifiers are checked whatever the photo's fate, so that every
  // problem shows at once.
  registry::HolderInput probe = f.in;
  probe.portrait = portrait ? *portrait : Bytes{0};
  bool placed = true;
  if (auto ok = api.registry.check_holder_input(probe); !ok) {
    if (ok.error().code != Errc::invalid_argument)
      return portal::send_failure(api, c.res, v, t("console.enroll.title"), "enroll");
    placed = place_problems(t, ok.error().message, f);
  }
  if (std::find(kLanguages.begin(), kLanguages.end(), f.in.language) == kLanguages.end())
    f.errors.emplace("language", t("console.enroll.error.language"));
  if (!f.errors.empty() || !portrait || !placed) {
    if (portrait) f.portrait_error = t("console.enroll.portrait_again");
    return send_form(api, c, v, 400, f, t(placed ? "console.enroll.fix" : "problem.bad_input"));
  }
  f.in.portrait = std::move(*portrait);
  auto made = api.registry.enroll(v.user, f.in);
  if (!made) {
    f.portrait_error = t("console.enroll.portrait_again");
    switch (made.error().code) {
      case Errc::conflict:
        f.errors.emplace("a_number", t("console.enroll.error.a_number_taken"));
        return send_form(api, c, v, 409, f, t("console.enroll.fix"));
      case Errc::invalid_argument:
        place_problems(t, made.error().message, f);
        return send_form(api, c, v, 400, f, t("console.enroll.fix"));
      case Errc::forbidden:
        return send_form(api, c, v, 403, f, t("console.enroll.not_allowed"));
      default:
        return portal::send_failure(api, c.res, v, t("console.enroll.title"), "enroll");
    }
  }
  portal::redirect(api, c.res, "/console/holders/" + made->id + "?done=enrolled", kOfficer);
}

}  // namespace

void add_console_enroll_routes(Router& router, Api& api) {
  router.get("/console/enroll", portal::signed_in(api, page, kOfficer));
  router.post("/console/enroll", portal::signed_in(api, enroll, kOfficer));
}

}  // namespace sdc::http
