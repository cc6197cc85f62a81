// The console's scheduling pages: a holder's reporting requirement (set or
// changed with each bad field named beside itself), their appointments
// (booked in a free slot of their reporting office, cancelled), their
// court hearings and their reporting compliance; and the import of the
// court calendar (an uploaded file, as POST /v1/hearings/import takes it)
// with its result line by line. Every read and change goes through the
// domain (Scheduling, Hearings, CheckIns), which decides what the role may
// do and audits it; a part the role may not read is left out, a change it
// may not make is refused with a 403 page. Every change is a POST with the
// session's CSRF token, answered with a redirect to the page that shows it.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/portal.h"
#include "http/problem.h"
#include "http/routes/routes.h"
#include "sdc/i18n/date_format.h"
#include "sdc/registry/hearing_import.h"

namespace sdc::http {

namespace {

using portal::escape;
using portal::kOfficer;
using portal::Page;
using portal::Texts;
using portal::Visit;
using registry::Action;
using registry::AppointmentRow;
using registry::AppointmentState;
using registry::ReportingView;
using registry::Scheduling;
using registry::Slot;

constexpr std::int64_t kDay = 86400;

std::string hidden_csrf(const Visit& v) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(v.csrf) + "\">";
}

std::string schedule_path(const std::string& holder_id) {
  return "/console/holders/" + holder_id + "/schedule";
}

// A page that only says why nothing is shown.
void refuse(Api& api, const Call& c, const Visit& v, int status, const std::string& title_key,
            const std::string& why, const char* current = "console") {
  portal::send_page(api, c.res, status, v.texts, Page{v.texts(title_key), "", current, "", why},
                    &v);
}

// The fields of the reporting form as entered, and the error of each
// (by field name).
struct ReportingForm {
  std::string office_id, cadence_days, window_days, anchor_date;
  std::map<std::string, std::string> errors;
};

// What the page says after a change, or why the change was refused.
struct Outcome {
  int status = 200;
  std::string notice;
  std::string error;
  const ReportingForm* reporting = nullptr;  // as entered, with its errors
};

// A labelled field with its hint and error, described by both.
std::string field_html(const Texts& t, const char* id, const char* label_key,
                       const std::string& control, const std::string& error,
                       const char* hint_key = nullptr) {
  std::string b = "<label for=\"" + std::string(id) + "\">" + t.html(label_key) + "</label>";
  if (hint_key)
    b += "<p class=\"hint\" id=\"" + std::string(id) + "-hint\">" + t.html(hint_key) + "</p>";
  if (!error.empty())
    b += "<p class=\"field-error\" id=\"" + std::string(id) + "-error\">" + escape(error) + "</p>";
  return b + control;
}

std::string described_by(const char* id, bool hint, const std::string& error) {
  std::string d;
  if (hint) d = std::string(id) + "-hint";
  if (!error.empty()) d += (d.empty() ? "" : " ") + std::string(id) + "-error";
  std::string a;
  if (!d.empty()) a += " aria-describedby=\"" + d + "\"";
  if (!error.empty()) a += " aria-invalid=\"true\"";
  return a;
}

std::string text_input(const Texts& t, const char* id, const char* label_key,
                       const std::string& value, const std::string& error, const char* hint_key,
                       bool numeric) {
  std::string control = "<input id=\"" + std::string(id) + "\" name=\"" + std::string(id) +
                        "\" type=\"text\" required maxlength=\"" + (numeric ? "3" : "10") +
                        "\" autocomplete=\"off\" spellcheck=\"false\"" +
                        (numeric ? " inputmode=\"numeric\"" : "") + " value=\"" + escape(value) +
                        "\"" + described_by(id, hint_key != nullptr, error) + ">";
  return field_html(t, id, label_key, control, error, hint_key);
}

std::string error_of(const ReportingForm& f, const std::string& name) {
  auto it = f.errors.find(name);
  return it == f.errors.end() ? std::string() : it->second;
}

// The form, folded away under its title while a requirement is shown and
// nothing was refused (a details element: no script).
std::string reporting_form(const Texts& t, const Visit& v, const std::string& holder_id,
                           const std::vector<registry::OfficeRow>& offices, const ReportingForm& f,
                           bool has_requirement) {
  const bool open = !has_requirement || !f.errors.empty();
  std::string b = std::string("<details class=\"change\"") + (open ? " open" : "") +
                  "><summary id=\"reporting-form-title\">" +
                  t.html(has_requirement ? "console.schedule.reporting.change"
                                         : "console.schedule.reporting.set") +
                  "</summary>";
  b += "<form method=\"post\" action=\"" + escape(schedule_path(holder_id)) +
       "/reporting\" class=\"stack\" aria-labelledby=\"reporting-form-title\">" + hidden_csrf(v);
  const std::string office_error = error_of(f, "office_id");
  std::string select = "<select id=\"office_id\" name=\"office_id\" required" +
                       described_by("office_id", false, office_error) + ">";
  select +=
      "<option value=\"\">" + t.html("console.schedule.reporting.choose_office") + "</option>";
  for (const registry::OfficeRow& o : offices)
    select += "<option value=\"" + escape(o.id) + "\"" + (o.id == f.office_id ? " selected" : "") +
              ">" + escape(o.name) + "</option>";
  select += "</select>";
  b += field_html(t, "office_id", "console.schedule.reporting.office", select, office_error);
  b += text_input(t, "cadence_days", "console.schedule.reporting.cadence", f.cadence_days,
                  error_of(f, "cadence_days"), "console.schedule.reporting.cadence_hint", true);
  b += text_input(t, "window_days", "console.schedule.reporting.window", f.window_days,
                  error_of(f, "window_days"), "console.schedule.reporting.window_hint", true);
  b += text_input(t, "anchor_date", "console.schedule.reporting.anchor", f.anchor_date,
                  error_of(f, "anchor_date"), "console.schedule.reporting.anchor_hint", false);
  b += "<button type=\"submit\">" + t.html("console.schedule.reporting.save") + "</button></form>";
  return b;
}

void fact(std::string& b, const Texts& t, const char* key, const std::string& html_value) {
  b += "<dt>" + t.html(key) + "</dt><dd>" + html_value + "</dd>";
}

std::string reporting_html(const Texts& t, const ReportingView& rv,
                           const registry::OfficeRow* office) {
  const registry::ReportingRow& r = rv.requirement;
  std::string b = "<dl class=\"facts\">";
  fact(b, t, "console.schedule.reporting.office",
       office ? escape(office->name) + "<br>" + escape(office->address) : escape(r.office_id));
  fact(b, t, "console.schedule.reporting.every",
       t.html("console.schedule.reporting.days", {{"count", std::int64_t{r.cadence_days}}}));
  fact(b, t, "console.schedule.reporting.window_facts",
       t.html("console.schedule.reporting.plus_minus", {{"count", std::int64_t{r.window_days}}}));
  fact(b, t, "console.schedule.reporting.anchor", escape(t.date(r.anchor_date)));
  fact(b, t, "console.schedule.reporting.next_due", escape(t.date(rv.next_due_date)));
  fact(b, t, "console.schedule.reporting.next_window",
       t.html("console.schedule.reporting.from_to",
              {{"start", t.date(rv.window_opens)}, {"end", t.date(rv.window_closes)}}));
  return b + "</dl>";
}

// The office-local date of now.
std::int64_t today(Api& api, const std::string& zone) {
  auto local = api.time_zones.to_local(zone, api.clock.now());
  const std::int64_t s = local ? *local : api.clock.now();
  return s >= 0 ? s / kDay : (s - kDay + 1) / kDay;
}

// Free slots of the office in the window of the next due date, from today
// on, at most kMaxSearchDays.
std::vector<Slot> free_times(Api& api, const registry::OfficeRow& office, const ReportingView& rv) {
  auto from = parse_iso_date(rv.window_opens), to = parse_iso_date(rv.window_closes);
  if (!from || !to) return {};
  const std::int64_t start = std::max(*from, today(api, office.time_zone));
  const std::int64_t end = std::min(*to, start + Scheduling::kMaxSearchDays - 1);
  if (end < start) return {};
  auto slots = api.scheduling.free_slots(office.id, format_iso_date(start), format_iso_date(end));
  return slots ? std::move(*slots) : std::vector<Slot>{};
}

// A choice of free times, one group per office-local day; the value is
// the slot's start (Unix seconds, UTC).
std::string book_form(const Texts& t, const Visit& v, const std::string& holder_id,
                      const registry::OfficeRow& office, const std::vector<Slot>& slots) {
  std::string b = "<form method=\"post\" action=\"/console/holders/" + escape(holder_id) +
                  "/appointments\" class=\"stack\">" + hidden_csrf(v);
  std::string select = "<select id=\"starts_at\" name=\"starts_at\" required>";
  std::string day;
  for (const Slot& s : slots) {
    const std::string d = s.local_start.substr(0, 10);
    if (d != day) {
      if (!day.empty()) select += "</optgroup>";
      day = d;
      select += "<optgroup label=\"" + escape(t.date(d)) + "\">";
    }
    select += "<option value=\"" + std::to_string(s.starts_at) + "\">" +
              escape(t.when(s.starts_at, office.time_zone, i18n::DateStyle::short_date) + ", " +
                     t.when(s.starts_at, office.time_zone, i18n::DateStyle::time)) +
              "</option>";
  }
  if (!day.empty()) select += "</optgroup>";
  select += "</select>";
  b += field_html(t, "starts_at", "console.schedule.book.time", select, "", nullptr);
  b += "<p class=\"hint\">" +
       t.html("console.schedule.book.free", {{"count", static_cast<std::int64_t>(slots.size())}}) +
       "</p>";
  b += "<button type=\"submit\">" + t.html("console.schedule.book.submit") + "</button></form>";
  return b;
}

const char* compliance_key(registry::ComplianceStatus s) {
  switch (s) {
    case registry::ComplianceStatus::on_time:
      return "console.schedule.compliance.on_time";
    case registry::ComplianceStatus::late:
      return "console.schedule.compliance.late";
    case registry::ComplianceStatus::missed:
      return "console.schedule.compliance.missed";
  }
  return "console.schedule.compliance.missed";
}

std::string hearing_html(const Texts& t, const registry::Hearing& h) {
  std::string b = "<li><p class=\"when\">" + escape(t.when(h.starts_at, h.time_zone)) + "</p>";
  b += "<p><strong>" + escape(h.court_name) + "</strong>";
  if (!h.court_address.empty()) b += "<br>" + escape(h.court_address);
  b += "</p><dl>";
  if (!h.judge.empty())
    b += "<dt>" + t.html("console.hearings.judge") + "</dt><dd>" + escape(h.judge) + "</dd>";
  b += "<dt>" + t.html("console.hearings.type") + "</dt><dd>" +
       t.html("console.hearings.type." + h.hearing_type) + "</dd>";
  b += "<dt>" + t.html("console.hearings.status") + "</dt><dd>" +
       t.html("console.hearings.status." + h.status) + "</dd></dl>";
  if (h.previous) {
    std::string old = t.when(h.previous->starts_at, h.previous->time_zone);
    if (h.previous->court_name != h.court_name) old += ", " + h.previous->court_name;
    b += "<p class=\"changed\">" +
         t.html("console.hearings.changed",
                {{"date", i18n::DateTime{h.changed_at, h.time_zone, i18n::DateStyle::date}},
                 {"old", old}}) +
         "</p>";
  }
  return b + "</li>";
}

// The zone an office's times are shown in; UTC for an office not found.
std::string zone_of(Api& api, const std::string& office_id) {
  auto o = api.offices.get(office_id);
  return o ? o->time_zone : std::string("UTC");
}

// The schedule page of holder {id}; `out` says what a change did.
void schedule_page(Api& api, const Call& c, const Visit& v, const Outcome& out) {
  const Texts& t = v.texts;
  const std::string& id = c.params["id"];
  const registry::Role role = v.user.role;
  // The domain decides whether the role reads schedules; a refusal is
  // audited in the holder's trail.
  auto rv = api.scheduling.get_reporting(v.user, id);
  if (!rv && rv.error().code == Errc::forbidden)
    return refuse(api, c, v, 403, "console.schedule.title", t("console.schedule.not_allowed"));
  auto h = api.registry.get_holder(v.user, id);
  if (!h) {
    if (h.error().code == Errc::forbidden)
      return refuse(api, c, v, 403, "console.schedule.title", t("console.schedule.not_allowed"));
    if (h.error().code == Errc::not_found)
      return refuse(api, c, v, 404, "console.schedule.title", t("problem.not_found"));
    return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
  }
  if (!rv && rv.error().code != Errc::not_found)
    return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
  const UnixTime now = api.clock.now();
  const auto& r = h->record;
  std::string b;
  b += "<p><strong>" + escape(r.family_name + (r.given_names.empty() ? "" : ", " + r.given_names)) +
       "</strong> · <a href=\"/console/holders/" + escape(id) + "\">" +
       t.html("console.schedule.back") + "</a></p>";

  // The reporting requirement.
  std::optional<registry::OfficeRow> office;
  if (rv)
    if (auto o = api.offices.get(rv->requirement.office_id)) office = std::move(*o);
  b += "<section aria-labelledby=\"reporting\"><h2 id=\"reporting\">" +
       t.html("console.schedule.reporting.title") + "</h2>";
  if (rv)
    b += reporting_html(t, *rv, office ? &*office : nullptr);
  else
    b += "<p>" + t.html("console.schedule.reporting.none") + "</p>";
  if (registry::allowed(role, Action::set_reporting)) {
    auto offices = api.offices.list();
    ReportingForm shown;
    if (out.reporting) {
      shown = *out.reporting;
    } else if (rv) {
      const auto& req = rv->requirement;
      shown = {req.office_id,
               std::to_string(req.cadence_days),
               std::to_string(req.window_days),
               req.anchor_date,
               {}};
    }
    b += reporting_form(t, v, id, offices ? *offices : std::vector<registry::OfficeRow>{}, shown,
                        rv.has_value());
  }
  b += "</section>";

  // The appointments, and a free slot to book.
  auto all = api.scheduling.appointments(v.user, id);
  if (!all) return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
  const bool books = registry::allowed(role, Action::book_appointment);
  b += "<section aria-labelledby=\"appointments\"><h2 id=\"appointments\">" +
       t.html("console.schedule.appointments.title") + "</h2>";
  if (all->empty()) b += "<p>" + t.html("console.schedule.appointments.none") + "</p>";
  b += "<ul class=\"cards\">";
  for (const AppointmentRow& a : *all) {
    auto o = api.offices.get(a.office_id);
    const std::string zone = o ? o->time_zone : "UTC";
    b += "<li><p class=\"when\">" + escape(t.when(a.starts_at, zone)) + "</p><p>" +
         (o ? escape(o->name) + "<br>" + escape(o->address) : escape(a.office_id)) + "</p><dl>";
    b += "<dt>" + t.html("console.schedule.appointments.state") + "</dt><dd>" +
         t.html("console.schedule.state." + std::string(registry::to_string(a.state))) + "</dd>";
    b += "<dt>" + t.html("console.schedule.appointments.due") + "</dt><dd>" +
         escape(t.date(a.due_date)) + "</dd></dl>";
    if (books && a.state == AppointmentState::booked &&
        a.starts_at - now >= Scheduling::kChangeCutoff)
      b += "<form method=\"post\" action=\"/console/holders/" + escape(id) + "/appointments/" +
           escape(a.id) + "/cancel\">" + hidden_csrf(v) +
           "<button type=\"submit\" class=\"danger\">" +
           t.html("console.schedule.appointments.cancel") + "</button></form>";
    b += "</li>";
  }
  b += "</ul>";
  if (books) b += "<p class=\"hint\">" + t.html("console.schedule.appointments.rule") + "</p>";
  if (books && rv && office) {
    b += "<h3 id=\"book\">" + t.html("console.schedule.book.title") + "</h3>";
    const bool due_booked = std::any_of(all->begin(), all->end(), [&](const AppointmentRow& a) {
      return a.state == AppointmentState::booked && a.due_date == rv->next_due_date &&
             a.ends_at > now;
    });
    if (due_booked) {
      b += "<p>" + t.html("console.schedule.book.already", {{"date", t.date(rv->next_due_date)}}) +
           "</p>";
    } else {
      b += "<p>" + escape(office->name) + "<br>" + escape(office->address) + "</p>";
      auto slots = free_times(api, *office, *rv);
      if (slots.empty())
        b += "<p>" + t.html("console.schedule.book.no_slots", {{"office", office->name}}) + "</p>";
      else
        b += book_form(t, v, id, *office, slots);
    }
  }
  b += "</section>";

  // Hearings: every one, or only the next for a role that sees no more.
  if (registry::allowed(role, Action::read_hearings)) {
    auto hs = api.hearings.for_holder(id, v.user);
    if (!hs) return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
    b += "<section aria-labelledby=\"hearings\"><h2 id=\"hearings\">" +
         t.html("console.hearings.title") + "</h2>";
    if (hs->empty()) b += "<p>" + t.html("console.hearings.none") + "</p>";
    b += "<ul class=\"cards\">";
    for (const registry::Hearing& hearing : *hs) b += hearing_html(t, hearing);
    b += "</ul></section>";
  } else if (registry::allowed(role, Action::read_next_hearing)) {
    auto next = api.hearings.next_for_holder(id, v.user, now);
    if (!next) return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
    b += "<section aria-labelledby=\"hearings\"><h2 id=\"hearings\">" +
         t.html("console.hearings.next") + "</h2>";
    if (!*next)
      b += "<p>" + t.html("console.hearings.none") + "</p>";
    else
      b += "<ul class=\"cards\">" + hearing_html(t, **next) + "</ul>";
    b += "</section>";
  }

  // Reporting compliance.
  if (registry::allowed(role, Action::read_compliance)) {
    auto comp = api.check_ins.compliance(v.user, id);
    if (!comp) return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
    const std::string home_zone = office ? office->time_zone : "UTC";
    b += "<section aria-labelledby=\"compliance\"><h2 id=\"compliance\">" +
         t.html("console.schedule.compliance.title") + "</h2><dl class=\"facts\">";
    fact(b, t, "console.schedule.compliance.on_time", std::to_string(comp->on_time));
    fact(b, t, "console.schedule.compliance.late", std::to_string(comp->late));
    fact(b, t, "console.schedule.compliance.missed", std::to_string(comp->missed));
    fact(b, t, "console.schedule.compliance.without", std::to_string(comp->without_appointment));
    fact(b, t, "console.schedule.compliance.last",
         comp->last_check_in ? escape(t.when(*comp->last_check_in, home_zone))
                             : t.html("console.schedule.compliance.never"));
    b += "</dl>";
    if (!comp->appointments.empty()) {
      b += "<ul class=\"holders\">";
      for (const registry::ComplianceEntry& e : comp->appointments) {
        const std::string zone = zone_of(api, e.appointment.office_id);
        b += "<li><strong>" + t.html(compliance_key(e.status)) + "</strong> · " +
             escape(t.when(e.appointment.starts_at, zone));
        if (!e.check_in_id.empty())
          b += "<br>" + t.html("console.schedule.compliance.checked_in",
                               {{"when", i18n::DateTime{e.checked_in_at, zone}}});
        b += "</li>";
      }
      b += "</ul>";
    }
    b += "</section>";
  }

  std::string notice = out.notice;
  if (notice.empty()) {
    auto find = [&](const std::string& aid) -> const AppointmentRow* {
      for (const auto& a : *all)
        if (!aid.empty() && a.id == aid) return &a;
      return nullptr;
    };
    if (c.req.get_param_value("saved") == "reporting") {
      notice = t("console.schedule.reporting.saved");
    } else if (const AppointmentRow* a = find(c.req.get_param_value("booked"))) {
      notice = t("console.schedule.book.done",
                 {{"when", i18n::DateTime{a->starts_at, zone_of(api, a->office_id)}}});
    } else if (const AppointmentRow* x = find(c.req.get_param_value("cancelled"))) {
      notice = t("console.schedule.appointments.cancelled",
                 {{"when", i18n::DateTime{x->starts_at, zone_of(api, x->office_id)}}});
    }
  }
  portal::send_page(api, c.res, out.status, t,
                    Page{t("console.schedule.title"), b, "console", notice, out.error}, &v);
}

// A whole number of days as typed; -1 (which the domain refuses, saying
// why) for anything else.
int days_of(const std::string& text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0) return -1;
  return n;
}

// Each line of the domain's "field: why" answer, in the catalogue's words,
// beside its field.
void field_errors(const Texts& t, const Error& e, ReportingForm& f) {
  if (e.code == Errc::not_found) {  // the holder was found, so the office was not
    f.errors["office_id"] = t("console.schedule.error.office");
    return;
  }
  std::size_t start = 0;
  while (start <= e.message.size()) {
    std::size_t end = e.message.find('\n', start);
    if (end == std::string::npos) end = e.message.size();
    const std::string line = e.message.substr(start, end - start);
    const std::string name = line.substr(0, line.find(':'));
    if (name == "office_id")
      f.errors[name] = t("console.schedule.error.office");
    else if (name == "cadence_days")
      f.errors[name] = t("console.schedule.error.cadence");
    else if (name == "window_days")
      f.errors[name] =
          t(line.find("half") != std::string::npos ? "console.schedule.error.window_half"
                                                   : "console.schedule.error.window");
    else if (name == "anchor_date")
      f.errors[name] = t("console.schedule.error.anchor");
    start = end + 1;
  }
}

void set_reporting(Api& api, const Call& c, const Visit& v) {
  const std::string& id = c.params["id"];
  const Texts& t = v.texts;
  if (!registry::allowed(v.user.role, Action::set_reporting)) {
    (void)api.registry.authorize(v.user, Action::set_reporting);
    return refuse(api, c, v, 403, "console.schedule.title",
                  t("console.schedule.reporting.not_allowed"));
  }
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  ReportingForm f{portal::field(*form, "office_id"),
                  portal::field(*form, "cadence_days"),
                  portal::field(*form, "window_days"),
                  portal::field(*form, "anchor_date"),
                  {}};
  registry::ReportingInput in{f.office_id, days_of(f.cadence_days), days_of(f.window_days),
                              f.anchor_date};
  auto r = api.scheduling.set_reporting(v.user, id, in);
  if (r) return portal::redirect(api, c.res, schedule_path(id) + "?saved=reporting", kOfficer);
  const Error& e = r.error();
  if (e.code == Errc::forbidden)
    return refuse(api, c, v, 403, "console.schedule.title",
                  t("console.schedule.reporting.not_allowed"));
  if (e.code == Errc::not_found && e.message.starts_with("no holder"))
    return refuse(api, c, v, 404, "console.schedule.title", t("problem.not_found"));
  if (e.code != Errc::invalid_argument && e.code != Errc::not_found)
    return portal::send_failure(api, c.res, v, t("console.schedule.title"), "console");
  field_errors(t, e, f);
  Outcome out{400, "", t("problem.bad_input"), &f};
  schedule_page(api, c, v, out);
}

// What an officer is told when Scheduling refuses a booking or a
// cancellation: the catalogue's words for the rule its message names.
std::string refusal(const Texts& t, const Error& e) {
  const std::string& m = e.message;
  if (e.code == Errc::not_found && m.find("reporting requirement") != std::string::npos)
    return t("console.schedule.refused.no_requirement");
  if (e.code == Errc::not_found) return t("problem.not_found");
  if (m.find("is full") != std::string::npos) return t("console.schedule.refused.full");
  if (m.find("has passed") != std::string::npos) return t("console.schedule.refused.past");
  if (m.find("24 hours") != std::string::npos) return t("console.schedule.refused.cutoff");
  if (m.find("already has appointment") != std::string::npos)
    return t("console.schedule.refused.one_per_date");
  if (auto at = m.find("closed on "); at != std::string::npos && m.size() >= at + 20)
    return t("console.schedule.refused.closed", {{"date", t.date(m.substr(at + 10, 10))}});
  if (m.find("outside the reporting window") != std::string::npos)
    return t("console.schedule.refused.window");
  if (m.find(" is cancelled") != std::string::npos ||
      m.find(" is office_closed") != std::string::npos)
    return t("console.schedule.refused.not_booked");
  if (e.code == Errc::internal) return t("problem.internal");
  return t("console.schedule.refused.choose");
}

// True when the role may book and cancel; otherwise answers 403 (the
// refusal audited by the domain).
bool may_book(Api& api, const Call& c, const Visit& v) {
  if (registry::allowed(v.user.role, Action::book_appointment)) return true;
  (void)api.registry.authorize(v.user, Action::book_appointment);
  refuse(api, c, v, 403, "console.schedule.title",
         v.texts("console.schedule.appointments.not_allowed"));
  return false;
}

void book(Api& api, const Call& c, const Visit& v) {
  if (!may_book(api, c, v)) return;
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const std::string& id = c.params["id"];
  const std::string s = portal::field(*form, "starts_at");
  UnixTime at = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), at);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return schedule_page(api, c, v, {400, "", v.texts("console.schedule.refused.choose")});
  auto r = api.scheduling.book(v.user, id, at);
  if (!r) {
    if (r.error().code == Errc::forbidden)
      return refuse(api, c, v, 403, "console.schedule.title",
                    v.texts("console.schedule.appointments.not_allowed"));
    return schedule_page(api, c, v, {status_for(r.error()), "", refusal(v.texts, r.error())});
  }
  portal::redirect(api, c.res, schedule_path(id) + "?booked=" + r->id, kOfficer);
}

void cancel(Api& api, const Call& c, const Visit& v) {
  if (!may_book(api, c, v)) return;
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  const std::string& id = c.params["id"];
  const std::string& appointment = c.params["appointment"];
  // Only an appointment of this holder is cancelled from their page.
  auto all = api.scheduling.appointments(v.user, id);
  if (!all) {
    if (all.error().code == Errc::not_found)
      return refuse(api, c, v, 404, "console.schedule.title", v.texts("problem.not_found"));
    return portal::send_failure(api, c.res, v, v.texts("console.schedule.title"), "console");
  }
  if (std::none_of(all->begin(), all->end(),
                   [&](const AppointmentRow& a) { return a.id == appointment; }))
    return schedule_page(api, c, v, {404, "", v.texts("problem.not_found")});
  auto r = api.scheduling.cancel(v.user, appointment);
  if (!r) return schedule_page(api, c, v, {status_for(r.error()), "", refusal(v.texts, r.error())});
  portal::redirect(api, c.res, schedule_path(id) + "?cancelled=" + r->id, kOfficer);
}

// ---- the court calendar's import ----

std::string import_form(const Texts& t, const Visit& v, const std::string& error) {
  std::string b =
      "<form method=\"post\" action=\"/console/hearings/import\" "
      "enctype=\"multipart/form-data\" class=\"stack\">" +
      hidden_csrf(v);
  const std::string control =
      "<input id=\"calendar\" name=\"calendar\" type=\"file\" required "
      "accept=\".csv,.json,text/csv,application/json\"" +
      described_by("calendar", true, error) + ">";
  b += field_html(t, "calendar", "console.hearings.import.file", control, error,
                  "console.hearings.import.hint");
  b += "<button type=\"submit\">" + t.html("console.hearings.import.submit") + "</button></form>";
  return b;
}

bool may_import(Api& api, const Call& c, const Visit& v) {
  if (auto ok = api.hearings.authorize(v.user, Action::import_hearings); ok) return true;
  refuse(api, c, v, 403, "console.hearings.import.title",
         v.texts("console.hearings.import.not_allowed"), "hearing-import");
  return false;
}

void send_import_page(Api& api, const Call& c, const Visit& v, int status,
                      const std::string& result, const std::string& error,
                      const std::string& file_error) {
  const Texts& t = v.texts;
  portal::send_page(api, c.res, status, t,
                    Page{t("console.hearings.import.title"), result + import_form(t, v, file_error),
                         "hearing-import", "", error},
                    &v);
}

void import_page(Api& api, const Call& c, const Visit& v) {
  if (!may_import(api, c, v)) return;
  send_import_page(api, c, v, 200, "", "", "");
}

std::string summary_html(const Texts& t, const registry::ImportSummary& s) {
  std::string b = "<section id=\"import-result\" aria-labelledby=\"import-result-title\">";
  b += "<h2 id=\"import-result-title\">" + t.html("console.hearings.import.result") + "</h2>";
  b += "<dl class=\"facts\">";
  auto count = [&](const char* key, std::size_t n) { fact(b, t, key, std::to_string(n)); };
  count("console.hearings.import.rows", s.rows);
  count("console.hearings.import.added", s.added);
  count("console.hearings.import.changed", s.changed);
  count("console.hearings.import.moved", s.moved);
  count("console.hearings.import.unchanged", s.unchanged);
  count("console.hearings.import.unmatched", s.unmatched);
  count("console.hearings.import.rejected", s.rejected.size());
  b += "</dl>";
  if (!s.rejected.empty()) {
    b += "<h3>" + t.html("console.hearings.import.bad_lines") + "</h3><ul class=\"cards\">";
    for (const registry::RejectedRow& row : s.rejected) {
      b += "<li><p><strong>" +
           t.html("console.hearings.import.line", {{"line", static_cast<std::int64_t>(row.line)}}) +
           "</strong></p>";
      // The domain's reasons name fields, never the row's values.
      for (const std::string& why : row.reasons) b += "<p>" + escape(why) + "</p>";
      b += "</li>";
    }
    b += "</ul>";
  }
  return b + "</section>";
}

registry::CalendarFormat format_of(const portal::FormPart& file) {
  std::string type = file.content_type.substr(0, file.content_type.find(';'));
  for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (type == "text/csv") return registry::CalendarFormat::csv;
  if (type == "application/json") return registry::CalendarFormat::json;
  return registry::CalendarFormat::detect;
}

void import(Api& api, const Call& c, const Visit& v) {
  // Refused (and audited) before the calendar is read.
  if (!may_import(api, c, v)) return;
  const Texts& t = v.texts;
  auto parts = portal::parse_multipart(c.req.get_header_value("Content-Type"), c.req.body);
  if (!parts)
    return send_import_page(api, c, v, 400, "", t("console.hearings.import.not_a_form"), "");
  const portal::FormPart* csrf = portal::part(*parts, "csrf");
  if (!portal::form_allowed(api, c, v, csrf ? csrf->data : std::string())) return;
  const portal::FormPart* file = portal::part(*parts, "calendar");
  if (!file || file->data.empty())
    return send_import_page(api, c, v, 400, "", t("problem.bad_input"),
                            t("console.hearings.import.choose"));
  auto parsed = registry::parse_calendar(file->data, format_of(*file), api.time_zones);
  if (!parsed) {
    const Error& e = parsed.error();
    if (e.code == Errc::limit)
      return send_import_page(api, c, v, 413, "", t("problem.bad_input"),
                              t("console.hearings.import.too_large"));
    if (e.code == Errc::parse)
      return send_import_page(api, c, v, 400, "", t("problem.bad_input"),
                              t("console.hearings.import.unreadable", {{"why", e.message}}));
    return portal::send_failure(api, c.res, v, t("console.hearings.import.title"),
                                "hearing-import");
  }
  auto done = api.hearings.import(*parsed, v.user);
  if (!done) {
    if (done.error().code == Errc::forbidden)
      return refuse(api, c, v, 403, "console.hearings.import.title",
                    t("console.hearings.import.not_allowed"), "hearing-import");
    return portal::send_failure(api, c.res, v, t("console.hearings.import.title"),
                                "hearing-import");
  }
  send_import_page(api, c, v, 200, summary_html(t, *done), "", "");
}

}  // namespace

void add_console_schedule_routes(Router& router, Api& api) {
  router.get("/console/holders/{id}/schedule",
             portal::signed_in(
                 api, [](Api& a, const Call& c, const Visit& v) { schedule_page(a, c, v, {}); },
                 kOfficer));
  router.post("/console/holders/{id}/schedule/reporting",
              portal::signed_in(api, set_reporting, kOfficer));
  router.post("/console/holders/{id}/appointments", portal::signed_in(api, book, kOfficer));
  router.post("/console/holders/{id}/appointments/{appointment}/cancel",
              portal::signed_in(api, cancel, kOfficer));
  router.get("/console/hearings/import", portal::signed_in(api, import_page, kOfficer));
  router.post("/console/hearings/import", portal::signed_in(api, import, kOfficer));
}

}  // namespace sdc::http
