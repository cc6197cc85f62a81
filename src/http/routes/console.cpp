// The officers' pages: signing in and out, and the console's home. The
// verify page is in verify_page.cpp. Every officer role signs in here with
// the account's username and password (the same Accounts as /v1/login); the
// session lives in an HttpOnly cookie, never in a page. What each role may
// do is decided by the domain, as for the API.
#include <algorithm>

#include "http/portal.h"
#include "http/routes/routes.h"

namespace sdc::http {

namespace {

using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;
using registry::Accounts;

std::string login_body(const Texts& t, const std::string& username) {
  std::string b;
  b += "<form method=\"post\" action=\"/console/login\" class=\"stack\">";
  b += "<label for=\"username\">" + t.html("console.login.username") + "</label>";
  b += "<input id=\"username\" name=\"username\" type=\"text\" required maxlength=\"64\" "
       "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" value=\"" +
       escape(username) + "\">";
  b += "<label for=\"password\">" + t.html("console.login.password") + "</label>";
  b += "<input id=\"password\" name=\"password\" type=\"password\" required maxlength=\"200\" "
       "autocomplete=\"current-password\">";
  b += "<button type=\"submit\">" + t.html("console.login.submit") + "</button></form>";
  return b;
}

// Where a role starts: the verify page for the roles that only verify.
std::string start_page(registry::Role role) {
  using registry::Role;
  return role == Role::checkpoint_screener || role == Role::field_officer ? "/verify/"
                                                                          : "/console/";
}

void login_page(Api& api, const Call& c) {
  const Texts t(api.catalogues, portal::page_language(c.req));
  if (auto v = portal::current_visit(api, c.req, kOfficer))
    return portal::redirect(api, c.res, start_page(v->user.role), kOfficer);
  Page p{t("console.login.title"), login_body(t, ""), "", "", ""};
  if (c.req.has_param("expired")) p.error = t("problem.session_expired");
  portal::send_page(api, c.res, 200, t, p, nullptr, kOfficer);
}

void login(Api& api, const Call& c) {
  const Texts t(api.catalogues, portal::page_language(c.req));
  auto form = portal::parse_form_body(c.req);
  if (!form || !portal::same_origin(c.req)) {
    Page p{t("console.login.title"), login_body(t, ""), "", "", t("problem.bad_input")};
    return portal::send_page(api, c.res, form ? 403 : 400, t, p, nullptr, kOfficer);
  }
  const std::string username = portal::field(*form, "username");
  auto refuse = [&](int status, const std::string& why) {
    Page p{t("console.login.title"), login_body(t, username.size() <= 64 ? username : ""), "", "",
           why};
    portal::send_page(api, c.res, status, t, p, nullptr, kOfficer);
  };
  auto r = api.accounts.login(username, portal::field(*form, "password"));
  if (!r) return refuse(500, t("problem.internal"));
  if (r->outcome == Accounts::LoginOutcome::locked) {
    c.res.set_header("Retry-After", std::to_string(r->retry_after));
    return refuse(429, t("console.login.locked"));
  }
  if (r->outcome != Accounts::LoginOutcome::ok) return refuse(401, t("console.login.wrong"));
  if (r->role == registry::Role::holder) return refuse(401, t("console.login.wrong"));
  const long long max_age = std::max<long long>(1, r->expires_at - api.clock.now());
  c.res.set_header("Set-Cookie", portal::cookie_header(api, kOfficer.session_cookie, r->token,
                                                       max_age, kOfficer));
  portal::redirect(api, c.res, start_page(r->role), kOfficer);
}

void logout(Api& api, const Call& c) {
  auto v = portal::visit(api, c, kOfficer);
  if (!v) return;
  if (!portal::posted_form(api, c, *v)) return;
  (void)api.accounts.logout(v->token);
  c.res.set_header("Set-Cookie",
                   portal::cookie_header(api, kOfficer.session_cookie, "", 0, kOfficer));
  portal::redirect(api, c.res, std::string(kOfficer.login_path), kOfficer);
}

void home(Api& api, const Call& c, const Visit& v) {
  const Texts& t = v.texts;
  std::string b;
  b += "<p>" +
       t.html("console.home.signed_in_as",
              {{"role", t("portal.role." + std::string(to_string(v.user.role)))}}) +
       "</p>";
  b += "<ul class=\"places\">";
  if (registry::allowed(v.user.role, registry::Action::verify_card))
    b += "<li><a href=\"/verify/\">" + t.html("console.nav.verify") + "</a></li>";
  b += "</ul>";
  portal::send_page(api, c.res, 200, t, Page{t("console.home.title"), b, "console", "", ""}, &v);
}

}  // namespace

void add_console_routes(Router& router, Api& api) {
  router.get("/console/login", [&api](const Call& c) { login_page(api, c); });
  router.post("/console/login", [&api](const Call& c) { login(api, c); });
  router.post("/console/logout", [&api](const Call& c) { logout(api, c); });
  router.get("/console/", portal::signed_in(api, home, kOfficer));
}

}  // namespace sdc::http
