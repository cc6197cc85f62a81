// The auditors' page of the console: the audit trail, filtered by holder,
// user, action and time, a page at a time, and the result of checking the
// hash chain against its signed checkpoints. The filter is a POSTed form,
// so no holder id is in a URL; its fields are read as GET /v1/audit reads
// its parameters (parse_audit_filter), each bad field named beside itself.
// Only roles allowed Action::read_audit see it: the domain refuses the
// others and audits the refusal, and every query is itself audited.
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "http/audit_filter.h"
#include "http/portal.h"
#include "http/routes/console_form.h"
#include "http/routes/routes.h"

namespace sdc::http {

namespace {

using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;
using registry::Action;

constexpr std::size_t kPageSize = 50;

// The filter's fields as entered, and the error of each.
struct AuditForm {
  std::string holder, user, action, from, to;
  std::string holder_error = {}, user_error = {}, action_error = {}, from_error = {}, to_error = {};
};

// A time as a datetime-local field sends it (no zone: taken as UTC), or as
// GET /v1/audit takes it (RFC 3339, seconds since 1970).
std::string as_rfc3339(const std::string& text) {
  static const std::regex minutes(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})");
  static const std::regex seconds(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})");
  if (std::regex_match(text, minutes)) return text + ":00Z";
  if (std::regex_match(text, seconds)) return text + "Z";
  return text;
}

std::string filter_form(const Texts& t, const Visit& v, const AuditForm& f) {
  using console::Field;
  // Folded away while nothing is filtered, so that the events come first.
  const bool used = !(f.holder + f.user + f.action + f.from + f.to).empty();
  std::string b = std::string("<details class=\"create\"") + (used ? " open" : "") + "><summary>" +
                  t.html("console.audit.filter") + "</summary>";
  b += "<form method=\"post\" action=\"/console/audit\" class=\"stack\">" + console::csrf_field(v);
  b += console::input(t, Field{"holder", "console.audit.holder", f.holder, f.holder_error,
                               "console.audit.holder_hint"});
  b += console::input(
      t, Field{"user", "console.audit.user", f.user, f.user_error, "console.audit.user_hint"});
  b += console::input(t, Field{"action", "console.audit.action", f.action, f.action_error,
                               "console.audit.action_hint"});
  b += console::input(t, Field{"from", "console.audit.from", f.from, f.from_error,
                               "console.audit.time_hint", "datetime-local"});
  b += console::input(t, Field{"to", "console.audit.to", f.to, f.to_error,
                               "console.audit.time_hint", "datetime-local"});
  b += "<button type=\"submit\">" + t.html("console.audit.submit") + "</button></form></details>";
  return b;
}

std::string role_name(const Texts& t, const std::string& role) {
  if (role == "holder") return t("console.audit.role_holder");
  if (registry::parse_role(role) || role == "system") return t("portal.role." + role);
  return role;
}

std::string events_html(const Texts& t, const Visit& v, const AuditForm& f,
                        const std::vector<registry::AuditEvent>& events, bool more) {
  std::string b = "<section aria-labelledby=\"events-title\"><h2 id=\"events-title\">" +
                  t.html("console.audit.events") + "</h2>";
  if (events.empty())
    return b + "<p role=\"status\">" + t.html("console.audit.none") + "</p></section>";
  b += "<div class=\"scroll\" role=\"region\" aria-labelledby=\"events-title\" tabindex=\"0\">";
  b += "<table class=\"trail\"><thead><tr>";
  for (const char* key :
       {"console.audit.col.seq", "console.audit.col.time", "console.audit.col.user",
        "console.audit.col.role", "console.audit.col.action", "console.audit.col.holder",
        "console.audit.col.outcome", "console.audit.col.detail"})
    b += "<th scope=\"col\">" + t.html(key) + "</th>";
  b += "</tr></thead><tbody>";
  for (const registry::AuditEvent& e : events) {
    const std::string at = format_time(e.at);
    b += "<tr><td>" + std::to_string(e.seq) + "</td><td><time datetime=\"" + at + "\">" + at +
         "</time></td><td>" + escape(e.actor) + "</td><td>" + escape(role_name(t, e.role)) +
         "</td><td>" + escape(e.action) + "</td><td class=\"id\">" + escape(e.holder_id) +
         "</td><td" + (e.outcome == "ok" ? "" : " class=\"changed\"") + ">" + escape(e.outcome) +
         "</td><td class=\"detail\">" + escape(e.detail) + "</td></tr>";
  }
  b += "</tbody></table></div>";
  if (more)
    b += console::button_form(v, "/console/audit",
                              {{"holder", f.holder},
                               {"user", f.user},
                               {"action", f.action},
                               {"from", f.from},
                               {"to", f.to},
                               {"after", std::to_string(events.back().seq)}},
                              t("console.audit.next"));
  return b + "</section>";
}

std::string chain_html(const Texts& t, const registry::AuditReport& r) {
  std::string b = "<section aria-labelledby=\"chain-title\"><h2 id=\"chain-title\">" +
                  t.html("console.audit.chain") + "</h2>";
  b += r.intact ? "<p class=\"notice\">" + t.html("console.audit.chain_intact") + "</p>"
                : "<p class=\"error\">" + t.html("console.audit.chain_broken") + "</p>";
  b += "<dl class=\"facts\"><dt>" + t.html("console.audit.records") + "</dt><dd>" +
       std::to_string(r.records) + "</dd><dt>" + t.html("console.audit.checkpoints") + "</dt><dd>" +
       std::to_string(r.checkpoints) + "</dd>";
  if (r.first_bad_seq != 0)
    b += "<dt>" + t.html("console.audit.first_bad") + "</dt><dd>" +
         std::to_string(r.first_bad_seq) + "</dd>";
  if (!r.problem.empty())
    b += "<dt>" + t.html("console.audit.problem") + "</dt><dd>" + escape(r.problem) + "</dd>";
  return b + "</dl></section>";
}

// The page for `form`: the events `filter` finds (the newest when it
// filters nothing), or the form's errors (400) without one; with
// `with_chain`, the check of the whole chain, which rehashes every record, so
// it runs when the page opens, not again for each filter or page of events.
// The caller may read the trail (authorized).
void answer(Api& api, const Call& c, const Visit& v, const AuditForm& form,
            std::optional<registry::AuditFilter> filter, bool with_chain) {
  const Texts& t = v.texts;
  auto send = [&](int status, const std::string& body, const std::string& error) {
    portal::send_page(api, c.res, status, t,
                      Page{t("console.audit.title"), body, "audit", "", error}, &v);
  };
  std::string chain;
  if (with_chain) {
    auto report = api.check_audit_chain
                      ? api.check_audit_chain()
                      : Result<registry::AuditReport>(fail(Errc::internal, "no audit chain check"));
    chain = report ? chain_html(t, *report)
                   : "<p class=\"error\">" + t.html("console.audit.chain_failed") + "</p>";
  }
  if (!filter) return send(400, filter_form(t, v, form) + chain, t("problem.bad_input"));
  filter->limit = kPageSize;
  auto events = api.registry.audit_query(v.user, *filter);
  if (!events) {
    if (events.error().code == Errc::forbidden)
      return send(403, "", t("console.audit.not_allowed"));
    if (events.error().code == Errc::invalid_argument)
      return send(400, filter_form(t, v, form) + chain, t("problem.bad_input"));
    return send(500, filter_form(t, v, form) + chain, t("problem.internal"));
  }
  send(200,
       filter_form(t, v, form) + chain +
           events_html(t, v, form, *events, events->size() == kPageSize),
       "");
}

// Whether the visitor may read the trail; after answering 403 if not (the
// refusal audited by the domain).
bool may_read(Api& api, const Call& c, const Visit& v) {
  auto ok = api.registry.authorize(v.user, Action::read_audit, "console audit page");
  if (ok) return true;
  const Texts& t = v.texts;
  const bool refused = ok.error().code == Errc::forbidden;
  portal::send_page(api, c.res, refused ? 403 : 500, t,
                    Page{t("console.audit.title"), "", "audit", "",
                         refused ? t("console.audit.not_allowed") : t("problem.internal")},
                    &v);
  return false;
}

void audit_page(Api& api, const Call& c, const Visit& v) {
  if (!may_read(api, c, v)) return;
  answer(api, c, v, {}, parse_audit_filter({}).value(), true);
}

void audit_filter(Api& api, const Call& c, const Visit& v) {
  auto posted = portal::posted_form(api, c, v);
  if (!posted) return;
  if (!may_read(api, c, v)) return;
  const Texts& t = v.texts;
  AuditForm f{portal::field(*posted, "holder"), portal::field(*posted, "user"),
              portal::field(*posted, "action"), portal::field(*posted, "from"),
              portal::field(*posted, "to")};
  // Each field on its own first, so that every bad one is named.
  QueryParams params;
  bool bad = false;  // a field is wrong on its own
  auto take = [&](const char* name, const std::string& value, std::string& error,
                  const char* error_key) {
    if (value.empty()) return;
    if (!parse_audit_filter({{name, value}})) {
      error = t(error_key);
      bad = true;
    }
    params.emplace(name, value);
  };
  take("holder", f.holder, f.holder_error, "console.audit.bad_holder");
  take("user", f.user, f.user_error, "console.audit.bad_user");
  take("action", f.action, f.action_error, "console.audit.bad_action");
  take("from", as_rfc3339(f.from), f.from_error, "console.audit.bad_time");
  take("to", as_rfc3339(f.to), f.to_error, "console.audit.bad_time");
  const std::string after = portal::field(*posted, "after");
  if (!after.empty()) params.emplace("after", after);
  std::optional<registry::AuditFilter> filter;
  if (!bad) {
    auto whole = parse_audit_filter(params);
    if (whole)
      filter = *whole;
    else if (whole.error().field == "to")
      f.to_error = t("console.audit.bad_range");
  }
  answer(api, c, v, f, filter, false);
}

}  // namespace

void add_console_audit_routes(Router& router, Api& api) {
  router.get("/console/audit", portal::signed_in(api, audit_page, kOfficer));
  router.post("/console/audit", portal::signed_in(api, audit_filter, kOfficer));
}

}  // namespace sdc::http
