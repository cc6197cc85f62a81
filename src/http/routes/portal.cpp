// The holder portal's entry: log in and out, the home page, the language
// switch, the calendar download and the style sheet. The appointment pages
// are in portal_appointments.cpp, the record pages (hearings, check-ins,
// who accessed my record) in portal_records.cpp. What a holder may see is
// decided by the domain, as for /v1/me.
#include "http/portal.h"

#include <algorithm>

#include "http/routes/routes.h"
#include "sdc/i18n/language.h"

namespace sdc::http {

std::string_view portal_stylesheet();  // web/portal.css, embedded at build time

namespace {

using portal::escape;
using portal::Page;
using portal::Texts;
using portal::Visit;
using registry::HolderLogins;

std::string login_body(const Texts& t, const std::string& document_number) {
  std::string b;
  b += "<form method=\"post\" action=\"/portal/login\" class=\"stack\">";
  b += "<label for=\"document_number\">" + t.html("portal.login.document_number") + "</label>";
  b += "<p class=\"hint\" id=\"document_number_hint\">" +
       t.html("portal.login.document_number_hint") + "</p>";
  b += "<input id=\"document_number\" name=\"document_number\" type=\"text\" required "
       "maxlength=\"32\" autocomplete=\"username\" autocapitalize=\"characters\" "
       "spellcheck=\"false\" "
       "aria-describedby=\"document_number_hint\" value=\"" +
       escape(document_number) + "\">";
  b += "<label for=\"pin\">" + t.html("portal.login.pin") + "</label>";
  b += "<input id=\"pin\" name=\"pin\" type=\"password\" required inputmode=\"numeric\" "
       "maxlength=\"12\" autocomplete=\"current-password\">";
  b += "<button type=\"submit\">" + t.html("portal.login.submit") + "</button></form>";
  return b;
}

void login_page(Api& api, const Call& c) {
  const Texts t(api.catalogues, portal::page_language(c.req));
  if (portal::current_visit(api, c.req)) return portal::redirect(api, c.res, "/portal/");
  Page p{t("portal.login.title"), login_body(t, ""), "", "", ""};
  if (c.req.has_param("expired")) p.error = t("problem.session_expired");
  portal::send_page(api, c.res, 200, t, p, nullptr);
}

void login(Api& api, const Call& c) {
  const Texts t(api.catalogues, portal::page_language(c.req));
  auto form = portal::parse_form_body(c.req);
  if (!form || !portal::same_origin(c.req)) {
    Page p{t("portal.login.title"), login_body(t, ""), "", "", t("problem.bad_input")};
    return portal::send_page(api, c.res, form ? 403 : 400, t, p, nullptr);
  }
  const std::string doc = portal::field(*form, "document_number");
  auto r = api.holder_logins.login(doc, portal::field(*form, "pin"));
  auto refuse = [&](int status, const std::string& why) {
    Page p{t("portal.login.title"), login_body(t, doc.size() <= 32 ? doc : ""), "", "", why};
    portal::send_page(api, c.res, status, t, p, nullptr);
  };
  if (!r)
    return refuse(r.error().code == Errc::invalid_argument ? 401 : 500,
                  r.error().code == Errc::invalid_argument ? t("portal.login.wrong_pin")
                                                           : t("problem.internal"));
  if (r->outcome == HolderLogins::LoginOutcome::locked)
    return refuse(423, t("portal.login.locked"));
  if (r->outcome != HolderLogins::LoginOutcome::ok) return refuse(401, t("portal.login.wrong_pin"));
  const long long max_age = std::max<long long>(1, r->expires_at - api.clock.now());
  c.res.set_header("Set-Cookie",
                   portal::cookie_header(api, portal::kSessionCookie, r->token, max_age));
  // The portal speaks the language the holder chose, once they are known.
  if (auto user = api.accounts.authenticate(r->token); user && *user)
    if (auto own = api.registry.own_record(**user))
      c.res.set_header(
          "Set-Cookie",
          portal::cookie_header(api, portal::kLanguageCookie,
                                i18n::resolve_language(own->holder.record.language), 400 * 86400));
  portal::redirect(api, c.res, "/portal/");
}

void logout(Api& api, const Call& c) {
  auto v = portal::visit(api, c);
  if (!v) return;
  if (!portal::posted_form(api, c, *v)) return;
  (void)api.accounts.logout(v->token);
  c.res.set_header("Set-Cookie", portal::cookie_header(api, portal::kSessionCookie, "", 0));
  portal::redirect(api, c.res, "/portal/login");
}

void home(Api& api, const Call& c) {
  auto v = portal::visit(api, c);
  if (!v) return;
  const Texts& t = v->texts;
  auto own = api.registry.own_record(v->user);
  if (!own) {
    return portal::send_failure(api, c.res, *v, t("portal.nav.home"), "home");
  }
  const auto& rec = own->holder.record;
  const UnixTime now = api.clock.now();
  std::string b;
  // The next booked appointment, or the deadline to book one.
  b += "<section aria-labelledby=\"next-reporting\"><h2 id=\"next-reporting\">" +
       t.html("portal.nav.appointments") + "</h2>";
  std::optional<registry::AppointmentRow> next;
  if (auto all = api.scheduling.appointments(v->user, v->holder_id)) {
    for (const auto& a : *all)
      if (a.state == registry::AppointmentState::booked && a.ends_at > now &&
          (!next || a.starts_at < next->starts_at))
        next = a;
  }
  if (next) {
    auto office = api.offices.get(next->office_id);
    const std::string zone = office ? office->time_zone : "UTC";
    b += "<p>" +
         t.html("portal.home.next_reporting", {{"when", i18n::DateTime{next->starts_at, zone}}}) +
         "</p>";
    if (office) b += "<p>" + escape(office->name) + "<br>" + escape(office->address) + "</p>";
  } else if (auto req = api.scheduling.get_reporting(v->user, v->holder_id)) {
    b += "<p>" +
         t.html("portal.home.no_next_reporting", {{"deadline", t.date(req->window_closes)}}) +
         "</p>";
  }
  b += "<p><a class=\"button\" href=\"/portal/appointments\">" +
       t.html("portal.appointments.book") + "</a></p></section>";
  // The next hearing.
  if (auto hearings = api.hearings.for_holder(v->holder_id, v->user)) {
    const registry::Hearing* h = nullptr;
    for (const auto& x : *hearings)
      if (x.status != "cancelled" && x.starts_at > now && (!h || x.starts_at < h->starts_at))
        h = &x;
    if (h) {
      b += "<section aria-labelledby=\"next-hearing\"><h2 id=\"next-hearing\">" +
           t.html("portal.nav.hearings") + "</h2><p>" +
           t.html("portal.home.next_hearing", {{"when", i18n::DateTime{h->starts_at, h->time_zone}},
                                               {"court", h->court_name}}) +
           "</p><p><a href=\"/portal/hearings\">" + t.html("portal.hearings.title") +
           "</a></p></section>";
    }
  }
  std::string name =
      rec.given_names.empty() ? rec.family_name : rec.given_names + " " + rec.family_name;
  portal::send_page(api, c.res, 200, t,
                    Page{t("portal.home.welcome", {{"name", name}}), b, "home", "", ""}, &*v);
}

std::string language_body(const Texts& t, const std::string* csrf) {
  std::string b = "<form method=\"post\" action=\"/portal/language\" class=\"stack\">";
  if (csrf) b += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(*csrf) + "\">";
  b += "<fieldset><legend>" + t.html("portal.language.choose") + "</legend>";
  for (std::string_view code : i18n::kLanguages) {
    const std::string id = "lang-" + std::string(code);
    b += "<div class=\"choice\"><input type=\"radio\" name=\"lang\" id=\"" + id + "\" value=\"" +
         std::string(code) + "\"";
    if (code == t.language()) b += " checked";
    b += "><label for=\"" + id + "\" lang=\"" + std::string(code) + "\">" +
         t.html("portal.language.name." + std::string(code)) + "</label></div>";
  }
  b +=
      "</fieldset><button type=\"submit\">" + t.html("portal.language.submit") + "</button></form>";
  return b;
}

void language_page(Api& api, const Call& c) {
  auto v = portal::current_visit(api, c.req);
  const Texts t = v ? v->texts : Texts(api.catalogues, portal::page_language(c.req));
  Page p{t("portal.language.title"), language_body(t, v ? &v->csrf : nullptr), "language", "", ""};
  if (c.req.has_param("saved"))
    p.notice =
        t("portal.language.saved", {{"language", t("portal.language.name." + t.language())}});
  portal::send_page(api, c.res, 200, t, p, v ? &*v : nullptr);
}

void choose_language(Api& api, const Call& c) {
  auto v = portal::current_visit(api, c.req);
  std::optional<portal::Form> form;
  if (v) {
    form = portal::posted_form(api, c, *v);
    if (!form) return;
  } else {
    form = portal::parse_form_body(c.req);
    if (!form || !portal::same_origin(c.req)) {
      const Texts t(api.catalogues, portal::page_language(c.req));
      Page p{t("portal.language.title"), language_body(t, nullptr), "language", "",
             t("problem.bad_input")};
      return portal::send_page(api, c.res, 400, t, p, nullptr);
    }
  }
  const std::string lang = portal::field(*form, "lang");
  if (!i18n::is_supported(lang)) {
    const Texts t = v ? v->texts : Texts(api.catalogues, portal::page_language(c.req));
    Page p{t("portal.language.title"), language_body(t, v ? &v->csrf : nullptr), "language", "",
           t("problem.bad_input")};
    return portal::send_page(api, c.res, 400, t, p, v ? &*v : nullptr);
  }
  // A holder's choice is kept with their record: their reminders follow it.
  if (v) {
    if (auto r = api.registry.set_own_language(v->user, lang); !r) {
      Page p{v->texts("portal.language.title"), language_body(v->texts, &v->csrf), "language", "",
             v->texts("problem.internal")};
      return portal::send_page(api, c.res, 500, v->texts, p, &*v);
    }
  }
  c.res.set_header("Set-Cookie",
                   portal::cookie_header(api, portal::kLanguageCookie, lang, 400 * 86400));
  portal::redirect(api, c.res, "/portal/language?saved=1");
}

}  // namespace

void add_portal_routes(Router& router, Api& api) {
  router.get("/portal/", [&api](const Call& c) { home(api, c); });
  router.get("/portal/login", [&api](const Call& c) { login_page(api, c); });
  router.post("/portal/login", [&api](const Call& c) { login(api, c); });
  router.post("/portal/logout", [&api](const Call& c) { logout(api, c); });
  router.get("/portal/language", [&api](const Call& c) { language_page(api, c); });
  router.post("/portal/language", [&api](const Call& c) { choose_language(api, c); });
  router.get("/portal/calendar.ics", [&api](const Call& c) {
    auto v = portal::visit(api, c);
    if (!v) return;
    send_calendar(api, c, v->user);
    c.res.set_header("Content-Disposition", "attachment; filename=\"sdc.ics\"");
    c.res.set_header("Cache-Control", "no-store");
  });
  router.get("/portal/static/portal.css", [](const Call& c) {
    c.res.status = 200;
    c.res.set_header("Cache-Control", "public, max-age=3600");
    c.res.set_header("X-Content-Type-Options", "nosniff");
    c.res.set_content(std::string(portal_stylesheet()), "text/css; charset=utf-8");
  });
  add_portal_appointment_routes(router, api);
  add_portal_record_routes(router, api);
}

}  // namespace sdc::http
