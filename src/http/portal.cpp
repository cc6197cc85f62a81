#include "http/portal.h"

#include "sdc/crypto/crypto.h"
#include "sdc/i18n/date_format.h"
#include "sdc/i18n/language.h"
#include "sdc/util/bytes.h"

namespace sdc::http::portal {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string csrf_token(std::string_view session_token) {
  std::string input = "sdc portal csrf v1:";
  input += session_token;
  const auto digest = crypto::sha256(as_bytes(input));
  return hex_encode(ByteView(digest.data(), 16));
}

std::string Texts::operator()(std::string_view key, const i18n::Args& args) const {
  auto t = catalogues_.format(language_, key, args);
  return t ? *t : std::string(key);
}

std::string Texts::html(std::string_view key, const i18n::Args& args) const {
  return escape((*this)(key, args));
}

std::string Texts::pattern(std::string_view key) const {
  for (std::string_view lang : {std::string_view(language_), i18n::kFallbackLanguage}) {
    if (const i18n::Catalogue* c = catalogues_.find(lang)) {
      auto it = c->messages.find(key);
      if (it != c->messages.end()) return it->second.pattern;
    }
  }
  return std::string(key);
}

std::string Texts::when(UnixTime t, std::string_view zone, i18n::DateStyle style) const {
  auto s = i18n::format_datetime(language_, t, zone, style);
  return s ? *s : format_time(t);
}

std::string Texts::date(std::string_view iso_date) const {
  auto days = parse_iso_date(iso_date);
  if (!days) return std::string(iso_date);
  return when(*days * 86400 + 12 * 3600, "UTC", i18n::DateStyle::date);
}

std::optional<Visit> current_visit(Api& api, const httplib::Request& req, const Site& site) {
  const std::string token = cookie(req, site.session_cookie);
  if (token.empty()) return std::nullopt;
  auto user = api.accounts.authenticate(token);
  if (!user || !*user) return std::nullopt;
  auto holder = registry::own_holder_id(**user);
  if (site.holders != holder.has_value()) return std::nullopt;
  return Visit{&site,
               **user,
               holder ? *holder : std::string(),
               token,
               csrf_token(token),
               Texts(api.catalogues, page_language(req))};
}

std::optional<Visit> visit(Api& api, const Call& call, const Site& site) {
  if (auto v = current_visit(api, call.req, site)) return v;
  const bool had_session = !cookie(call.req, site.session_cookie).empty();
  std::string login(site.login_path);
  redirect(api, call.res, had_session ? login + "?expired=1" : login);
  return std::nullopt;
}

RouteHandler signed_in(Api& api, PageHandler page, const Site& site) {
  return [&api, page = std::move(page), &site](const Call& c) {
    if (auto v = visit(api, c, site)) page(api, c, *v);
  };
}

std::optional<Form> posted_form(Api& api, const Call& call, const Visit& v) {
  auto form = parse_form_body(call.req);
  if (!form) {
    send_page(api, call.res, 400, v.texts,
              Page{v.texts("problem.bad_input"), "", "", "", v.texts("problem.bad_input")}, &v);
    return std::nullopt;
  }
  if (!form_allowed(api, call, v, field(*form, "csrf"))) return std::nullopt;
  return form;
}

bool form_allowed(Api& api, const Call& call, const Visit& v, std::string_view sent) {
  if (same_origin(call.req) && sent.size() == v.csrf.size() &&
      constant_time_equal(as_bytes(sent), as_bytes(v.csrf)))
    return true;
  send_page(
      api, call.res, 403, v.texts,
      Page{v.texts("problem.session_expired"), "", "", "", v.texts("problem.session_expired")}, &v);
  return false;
}

void send_failure(Api& api, httplib::Response& res, const Visit& v, const std::string& title,
                  const std::string& current) {
  send_page(api, res, 500, v.texts, Page{title, "", current, "", v.texts("problem.internal")}, &v);
}

void send_too_large(Api& api, const httplib::Request& req, httplib::Response& res,
                    std::size_t limit) {
  const Texts t(api.catalogues, page_language(req));
  const std::string mib = std::to_string(limit >> 20);
  const std::string body =
      "<p><a href=\"" + escape(req.path) + "\">" + t.html("console.upload.back") + "</a></p>";
  send_page(
      api, res, 413, t,
      Page{t("console.upload.title"), body, "", "", t("console.upload.too_large", {{"mib", mib}})},
      nullptr, kOfficer);
}

void security_headers(Api& api, httplib::Response& res, const Site& site, std::string_view csp) {
  res.set_header("Content-Security-Policy", std::string(csp.empty() ? site.csp : csp));
  res.set_header("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: under no-referrer a browser sends "Origin:
  // null" with a form, and same_origin() could not tell it from a foreign one.
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
  if (api.https) res.set_header("Strict-Transport-Security", "max-age=31536000");
}

std::string cookie_header(Api& api, std::string_view name, std::string_view value,
                          long long max_age, const Site& site) {
  std::string c(name);
  c += '=';
  c += value;
  c += "; Path=";
  c += site.cookie_path;
  c += "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (api.https) c += "; Secure";
  return c;
}

void redirect(Api& api, httplib::Response& res, const std::string& location, const Site& site) {
  security_headers(api, res, site);
  res.status = 303;
  res.set_header("Location", location);
  res.set_content("", "text/plain");
}

namespace {

constexpr NavItem kPortalNav[] = {
    {"home", "/portal/", "portal.nav.home"},
    {"appointments", "/portal/appointments", "portal.nav.appointments"},
    {"hearings", "/portal/hearings", "portal.nav.hearings"},
    {"check-ins", "/portal/check-ins", "portal.nav.checkins"},
    {"access", "/portal/access", "portal.nav.access_log"},
    {"language", "/portal/language", "portal.nav.language"},
};

bool verifies(registry::Role r) {
  return registry::allowed(r, registry::Action::verify_card);
}
// The console's home is for the roles that do more than verify.
bool uses_console(registry::Role r) {
  using registry::Role;
  return r != Role::field_officer && r != Role::checkpoint_screener && r != Role::kiosk;
}

bool enrolls(registry::Role r) {
  return registry::allowed(r, registry::Action::enroll_holder);
}
// The court calendar's import is the enrollment officers'.
bool imports_hearings(registry::Role r) {
  return registry::allowed(r, registry::Action::import_hearings);
}
bool reads_audit(registry::Role r) {
  return registry::allowed(r, registry::Action::read_audit);
}
// Users, roles and offices: administrators change them, auditors read them.
bool reads_users(registry::Role r) {
  return registry::allowed(r, registry::Action::read_users);
}

constexpr NavItem kOfficerNav[] = {
    {"console", "/console/", "console.nav.home", uses_console},
    {"enroll", "/console/enroll", "console.nav.enroll", enrolls},
    {"hearing-import", "/console/hearings/import", "console.hearings.nav", imports_hearings},
    {"audit", "/console/audit", "console.audit.nav", reads_audit},
    {"users", "/console/users", "console.users.nav", reads_users},
    {"offices", "/console/offices", "console.offices.nav", reads_users},
    {"verify", "/verify/", "console.nav.verify", verifies},
};

}  // namespace

const Site kPortal{true,
                   kSessionCookie,
                   "/portal",
                   "/portal/login",
                   "/portal/logout",
                   "/portal/language",
                   "/portal/static/portal.css",
                   "portal.name",
                   kPortalNav,
                   kContentSecurityPolicy};
const Site kOfficer{false,
                    "sdc_officer",
                    "/",
                    "/console/login",
                    "/console/logout",
                    "",
                    "/portal/static/portal.css",
                    "console.name",
                    kOfficerNav,
                    kOfficerContentSecurityPolicy};

void send_page(Api& api, httplib::Response& res, int status, const Texts& t, const Page& page,
               const Visit* v, const Site& site_without_visit) {
  const Site& site = v ? *v->site : site_without_visit;
  std::string h;
  h.reserve(4096 + page.body.size());
  h += "<!DOCTYPE html>\n<html lang=\"" + escape(t.language()) + "\">\n<head>\n";
  h += "<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + escape(page.title) + " · " + t.html(site.name_key) + "</title>\n";
  h += "<link rel=\"stylesheet\" href=\"" + escape(site.stylesheet) + "\">\n";
  h += page.head;
  h += "</head>\n<body>\n";
  h += "<a class=\"skip\" href=\"#main\">" + t.html("portal.skip_to_content") + "</a>\n";
  h += "<header><p class=\"brand\">" + t.html(site.name_key) + "</p>";
  if (v) {
    h += "<nav aria-label=\"" + t.html("portal.nav.label") + "\"><ul>";
    for (const NavItem& n : site.nav) {
      if (n.shown && !n.shown(v->user.role)) continue;
      h += "<li><a href=\"";
      h += n.href;
      h += '"';
      if (page.current == n.id) h += " aria-current=\"page\"";
      h += ">" + t.html(n.key) + "</a></li>";
    }
    h += "</ul></nav>";
    h += "<form class=\"logout\" method=\"post\" action=\"" + escape(site.logout_path) + "\">";
    h += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(v->csrf) + "\">";
    h += "<button type=\"submit\">" + t.html("portal.nav.logout") + "</button></form>";
  } else if (!site.language_path.empty()) {
    h += "<p class=\"languages\"><a href=\"" + escape(site.language_path) + "\">" +
         t.html("portal.nav.language") + "</a></p>";
  }
  h += "</header>\n<main id=\"main\">\n<h1>" + escape(page.title) + "</h1>\n";
  if (!page.notice.empty())
    h += "<p class=\"notice\" role=\"status\">" + escape(page.notice) + "</p>\n";
  if (!page.error.empty())
    h += "<p class=\"error\" role=\"alert\">" + escape(page.error) + "</p>\n";
  h += page.body;
  h += "\n</main>\n";
  h += page.tail;
  h += "</body>\n</html>\n";
  security_headers(api, res, site, page.csp);
  res.status = status;
  res.set_content(h, "text/html; charset=utf-8");
}

}  // namespace sdc::http::portal
