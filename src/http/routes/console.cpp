// The officers' pages: signing in and out, and the console's home with the
// search for a holder (A-number as typed, or family name and date of birth;
// a POSTed form, so nothing personal is in a URL). The
// verify page is in verify_page.cpp. Every officer role signs in here with
// the account's username and password (the same Accounts as /v1/login); the
// session lives in an HttpOnly cookie, never in a page. What each role may
// do is decided by the domain, as for the API.
#include <algorithm>
#include <string>
#include <vector>

#include "http/portal.h"
#include "http/routes/console_form.h"
#include "http/routes/routes.h"
#include "http/verify_answer.h"
#include "sdc/i18n/date_format.h"

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

bool finds_holders(registry::Role role) {
  return registry::allowed(role, registry::Action::find_by_a_number) ||
         registry::allowed(role, registry::Action::find_by_name);
}

// The fields of the find form as entered, and the error of each.
struct FindForm {
  std::string a_number, family_name, date_of_birth;
  std::string a_number_error, name_error;
};

std::string find_form(const Texts& t, const Visit& v, const FindForm& f) {
  std::string b = "<section aria-labelledby=\"find-title\"><h2 id=\"find-title\">" +
                  t.html("console.find.title") + "</h2>";
  b += "<form method=\"post\" action=\"/console/find\" class=\"stack\">";
  b += console::csrf_field(v);
  b += console::input(t, {"a_number", "console.find.a_number", f.a_number, f.a_number_error,
                          "console.find.a_number_hint"});
  b += "<p>" + t.html("console.find.or") + "</p>";
  b += console::input(t, {"family_name", "console.find.family_name", f.family_name, f.name_error});
  b += console::input(t, {"date_of_birth", "console.find.date_of_birth", f.date_of_birth, "",
                          "console.find.date_hint"});
  b += "<button type=\"submit\">" + t.html("console.find.submit") + "</button></form></section>";
  return b;
}

std::string home_body(const Texts& t, const Visit& v) {
  std::string b = "<p>" +
                  t.html("console.home.signed_in_as",
                         {{"role", t("portal.role." + std::string(to_string(v.user.role)))}}) +
                  "</p>";
  b += "<ul class=\"places\">";
  if (registry::allowed(v.user.role, registry::Action::enroll_holder))
    b += "<li><a href=\"/console/enroll\">" + t.html("console.nav.enroll") + "</a></li>";
  if (registry::allowed(v.user.role, registry::Action::verify_card))
    b += "<li><a href=\"/verify/\">" + t.html("console.nav.verify") + "</a></li>";
  if (registry::allowed(v.user.role, registry::Action::import_hearings))
    b += "<li><a href=\"/console/hearings/import\">" + t.html("console.hearings.nav") + "</a></li>";
  if (registry::allowed(v.user.role, registry::Action::read_audit))
    b += "<li><a href=\"/console/audit\">" + t.html("console.audit.nav") + "</a></li>";
  if (registry::allowed(v.user.role, registry::Action::read_users)) {
    b += "<li><a href=\"/console/users\">" + t.html("console.users.nav") + "</a></li>";
    b += "<li><a href=\"/console/offices\">" + t.html("console.offices.nav") + "</a></li>";
  }
  b += "</ul>";
  return b;
}

void home(Api& api, const Call& c, const Visit& v) {
  const Texts& t = v.texts;
  std::string b = home_body(t, v);
  if (finds_holders(v.user.role)) b += find_form(t, v, {});
  portal::send_page(api, c.res, 200, t, Page{t("console.home.title"), b, "console", "", ""}, &v);
}

std::string holders_html(const Texts& t, const std::vector<registry::HolderView>& found) {
  std::string b =
      "<section aria-labelledby=\"found-title\"><h2 id=\"found-title\">" +
      t.html("console.find.results", {{"count", static_cast<std::int64_t>(found.size())}}) +
      "</h2><ul class=\"holders\">";
  for (const registry::HolderView& h : found) {
    const auto& r = h.record;
    b += "<li><a href=\"/console/holders/" + escape(r.id) + "\"><strong>" + escape(r.family_name) +
         (r.given_names.empty() ? "" : ", " + escape(r.given_names)) + "</strong></a>";
    if (h.identity_shown)
      b += "<br>" + t.html("verify.field.date_of_birth") + ": " + escape(r.date_of_birth);
    if (h.a_number_shown) b += "<br>" + t.html("verify.field.a_number") + ": " + escape(r.a_number);
    b += "</li>";
  }
  return b + "</ul></section>";
}

void find(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const Texts& t = v.texts;
  FindForm f{portal::field(*form, "a_number"), portal::field(*form, "family_name"),
             portal::field(*form, "date_of_birth"), "", ""};
  auto answer = [&](int status, const std::string& results, const std::string& error) {
    portal::send_page(api, c.res, status, t,
                      Page{t("console.home.title"), home_body(t, v) + find_form(t, v, f) + results,
                           "console", "", error},
                      &v);
  };
  Result<std::vector<registry::HolderView>> found = std::vector<registry::HolderView>{};
  if (!f.a_number.empty()) {
    auto one = api.registry.find_by_a_number(v.user, f.a_number);
    if (one)
      found->push_back(std::move(*one));
    else if (one.error().code != Errc::not_found)
      found = std::unexpected(one.error());
  } else if (!f.family_name.empty() && !f.date_of_birth.empty()) {
    found = api.registry.find_by_name(v.user, f.family_name, f.date_of_birth);
  } else {
    f.name_error = t("console.find.need");
    return answer(400, "", t("console.find.need"));
  }
  if (!found) {
    switch (found.error().code) {
      case Errc::forbidden:
        return answer(403, "", t("console.find.not_allowed"));
      case Errc::invalid_argument:
        if (!f.a_number.empty())
          f.a_number_error = t("console.find.bad_a_number");
        else
          f.name_error = t("console.find.bad_name");
        return answer(400, "", t("problem.bad_input"));
      default:
        return answer(500, "", t("problem.internal"));
    }
  }
  if (found->empty())
    return answer(200, "<p role=\"status\">" + t.html("console.find.none") + "</p>", "");
  answer(200, holders_html(t, *found), "");
}

// The case status form as entered, with its fields' errors.
struct CaseForm {
  std::string status, effective_date, reason;
  std::string status_error, date_error, reason_error;
};

std::string case_form(const Texts& t, const Visit& v, const std::string& id, const CaseForm& f) {
  std::string b = "<form method=\"post\" action=\"/console/holders/" + escape(id) +
                  "/case-status\" class=\"stack\" novalidate><h3>" + t.html("console.case.record") +
                  "</h3>";
  b += console::csrf_field(v);
  std::vector<std::pair<std::string, std::string>> statuses;
  using registry::CaseStatus;
  for (CaseStatus s : {CaseStatus::no_final_order, CaseStatus::final_order_of_removal,
                       CaseStatus::removal_stayed_or_protection_granted})
    statuses.emplace_back(registry::to_string(s), t("verify.case." + std::string(to_string(s))));
  b += console::select(t, {"status", "console.case.status", f.status, f.status_error}, statuses);
  b += console::input(t, {"effective_date", "console.case.effective", f.effective_date,
                          f.date_error, "console.case.effective_hint", "text", "off", 10, true});
  b += console::input(t, {"reason", "console.card.reason", f.reason, f.reason_error,
                          "console.card.reason_hint", "text", "off", 200});
  b += "<button type=\"submit\">" + t.html("console.case.submit") + "</button></form>";
  return b;
}

// A holder's record as the role may see it: identity (with the enrolled
// photo), the cards and the case status with its history. Each part is a
// read the domain audits; a part the role may not read is left out. With
// `case_form_in`, the case status form comes back with its errors.
void holder_page(Api& api, const Call& c, const Visit& v, int page_status = 200,
                 const CaseForm* case_form_in = nullptr) {
  const Texts& t = v.texts;
  const std::string& id = c.params["id"];
  auto refuse = [&](int status, const std::string& why) {
    portal::send_page(api, c.res, status, t,
                      Page{t("console.holder.title"), "", "console", "", why}, &v);
  };
  auto h = api.registry.get_holder(v.user, id);
  if (!h) {
    if (h.error().code == Errc::forbidden) return refuse(403, t("console.holder.not_allowed"));
    if (h.error().code == Errc::not_found) return refuse(404, t("problem.not_found"));
    return refuse(500, t("problem.internal"));
  }
  const auto& r = h->record;
  std::string b;
  b += "<section aria-labelledby=\"identity\"><h2 id=\"identity\">" +
       escape(r.family_name + (r.given_names.empty() ? "" : ", " + r.given_names)) + "</h2>";
  if (h->identity_shown && !r.portrait.empty())
    b += "<div class=\"faces\"><figure><img src=\"" + escape(image_data_url(r.portrait)) +
         "\" alt=\"" + t.html("console.holder.portrait") + "\"><figcaption>" +
         t.html("console.holder.portrait") + "</figcaption></figure></div>";
  b += "<dl class=\"facts\">";
  if (h->identity_shown) {
    console::fact(b, t, "verify.field.date_of_birth", r.date_of_birth);
    console::fact(b, t, "verify.field.sex", r.sex);
    console::fact(b, t, "verify.field.nationality", r.nationality);
  }
  if (h->a_number_shown) console::fact(b, t, "verify.field.a_number", r.a_number);
  b += "</dl></section>";

  if (registry::allowed(v.user.role, registry::Action::read_card_validity)) {
    auto cards = api.registry.cards_of_holder(v.user, id);
    if (!cards) return refuse(500, t("problem.internal"));
    b += "<section aria-labelledby=\"cards\"><h2 id=\"cards\">" + t.html("console.holder.cards") +
         "</h2>";
    if (cards->empty()) b += "<p>" + t.html("console.holder.no_cards") + "</p>";
    b += "<ul class=\"holders\">";
    for (const registry::CardRecord& card : *cards) {
      b += "<li><a href=\"/console/cards/" + escape(card.document_number) + "\"><strong>" +
           escape(card.document_number) + "</strong></a> · " +
           t.html("console.card." + std::string(registry::to_string(card.state))) + "<br>" +
           t.html("verify.field.card_version") + ": " + std::to_string(card.card_version) + "<br>" +
           t.html("verify.field.expires_at") + ": " +
           escape(t.when(card.expires_at - 1, "UTC", i18n::DateStyle::date));
      if (card.state != CardState::valid)
        b += "<br>" + t.html("console.card.reason") + ": " + escape(card.state_reason);
      b += "</li>";
    }
    b += "</ul>";
    if (registry::allowed(v.user.role, registry::Action::issue_card))
      b += "<form method=\"post\" action=\"/console/holders/" + escape(id) + "/cards\">" +
           console::csrf_field(v) + "<button type=\"submit\">" + t.html("console.card.issue") +
           "</button></form>";
    b += "</ul></section>";
  }
  if (registry::allowed(v.user.role, registry::Action::read_case_status)) {
    auto history = api.registry.case_status_history(v.user, id);
    if (!history) return refuse(500, t("problem.internal"));
    b += "<section aria-labelledby=\"case\"><h2 id=\"case\">" +
         t.html("console.holder.case_history") + "</h2>";
    if (history->empty()) b += "<p>" + t.html("verify.case.unknown") + "</p>";
    b += "<ol class=\"holders\" reversed>";
    for (auto it = history->rbegin(); it != history->rend(); ++it) {
      b += "<li><strong>" + t.html("verify.case." + std::string(registry::to_string(it->status))) +
           "</strong><br>" + t.html("console.case.effective") + ": " +
           escape(t.date(it->effective_date));
      if (!it->reason.empty())
        b += "<br>" + t.html("console.card.reason") + ": " + escape(it->reason);
      b += "</li>";
    }
    b += "</ol>";
    if (registry::allowed(v.user.role, registry::Action::set_case_status))
      b += case_form(t, v, id, case_form_in ? *case_form_in : CaseForm{});
    b += "</section>";
  }
  if (registry::allowed(v.user.role, registry::Action::read_schedule))
    b += "<p><a href=\"/console/holders/" + escape(id) + "/schedule\">" +
         t.html("console.schedule.link") + "</a></p>";
  std::string notice;
  const std::string done = c.req.get_param_value("done");
  if (done == "enrolled" || done == "case") notice = t("console.holder.done_" + done);
  portal::send_page(api, c.res, page_status, t,
                    Page{t("console.holder.title"), b, "console", notice,
                         case_form_in ? t("console.case.fix") : ""},
                    &v);
}

void set_case_status(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const Texts& t = v.texts;
  const std::string& id = c.params["id"];
  if (!api.registry.authorize(v.user, registry::Action::set_case_status, "holder " + id))
    return portal::send_page(
        api, c.res, 403, t,
        Page{t("console.holder.title"), "", "console", "", t("console.holder.not_allowed")}, &v);
  CaseForm f{portal::field(*form, "status"),
             portal::field(*form, "effective_date"),
             portal::field(*form, "reason"),
             "",
             "",
             ""};
  auto status = registry::parse_case_status(f.status);
  if (!status || *status == registry::CaseStatus::unknown)
    f.status_error = t("console.case.bad_status");
  if (f.reason.size() > 200) f.reason_error = t("console.card.reason_too_long");
  if (f.status_error.empty() && f.reason_error.empty()) {
    auto r = api.registry.set_case_status(v.user, id, *status, f.effective_date, f.reason);
    if (r) return portal::redirect(api, c.res, "/console/holders/" + id + "?done=case", kOfficer);
    switch (r.error().code) {
      case Errc::invalid_argument:
        f.date_error = t("console.case.bad_date");
        break;
      case Errc::forbidden:
        return portal::send_page(
            api, c.res, 403, t,
            Page{t("console.holder.title"), "", "console", "", t("console.holder.not_allowed")},
            &v);
      case Errc::not_found:
        return portal::send_page(
            api, c.res, 404, t,
            Page{t("console.holder.title"), "", "console", "", t("problem.not_found")}, &v);
      default:
        return portal::send_failure(api, c.res, v, t("console.holder.title"), "console");
    }
  }
  holder_page(api, c, v, 400, &f);
}

}  // namespace

void add_console_routes(Router& router, Api& api) {
  router.get("/console/login", [&api](const Call& c) { login_page(api, c); });
  router.post("/console/login", [&api](const Call& c) { login(api, c); });
  router.post("/console/logout", [&api](const Call& c) { logout(api, c); });
  router.get("/console/", portal::signed_in(api, home, kOfficer));
  router.post("/console/find", portal::signed_in(api, find, kOfficer));
  router.get(
      "/console/holders/{id}",
      portal::signed_in(
          api, [](Api& a, const Call& c, const Visit& v) { holder_page(a, c, v); }, kOfficer));
  router.post("/console/holders/{id}/case-status",
              portal::signed_in(api, set_case_status, kOfficer));
}

}  // namespace sdc::http
