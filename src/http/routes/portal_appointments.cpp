// The portal's reporting pages: the holder's window and appointments, free
// times to book, moving and cancelling (Scheduling decides and audits; its
// policy is shown as written in docs/SCHEDULING.md). Every change is a POST
// with the session's CSRF token, answered with a redirect to the page that
// shows it (so a reload never books twice).
#include <algorithm>
#include <charconv>

#include "http/portal.h"
#include "http/routes/routes.h"

namespace sdc::http {

namespace {

using portal::escape;
using portal::Page;
using portal::signed_in;
using portal::Texts;
using portal::Visit;
using registry::AppointmentRow;
using registry::AppointmentState;
using registry::ReportingView;
using registry::Scheduling;
using registry::Slot;

constexpr std::int64_t kDay = 86400;

// The office-local date of now.
std::int64_t today(Api& api, const std::string& zone) {
  auto local = api.time_zones.to_local(zone, api.clock.now());
  const std::int64_t s = local ? *local : api.clock.now();
  return s >= 0 ? s / kDay : (s - kDay + 1) / kDay;
}

// What a holder is told when Scheduling refuses: the catalogue's words for
// the policy the refusal names (scheduling.cpp's messages), never its
// internal text.
std::string refusal(const Texts& t, const Error& e, const ReportingView* rv) {
  const std::string& m = e.message;
  if (e.code == Errc::not_found || e.code == Errc::forbidden) return t("problem.not_found");
  if (m.find("is full") != std::string::npos) return t("problem.slot_full");
  if (m.find("has passed") != std::string::npos) return t("problem.slot_past");
  if (m.find("24 hours") != std::string::npos) return t("problem.too_late_to_change");
  if (auto at = m.find("closed on "); at != std::string::npos)
    return t("problem.office_closed", {{"date", t.date(m.substr(at + 10, 10))}});
  if (m.find("outside the reporting window") != std::string::npos && rv)
    return t("problem.outside_window",
             {{"start", t.date(rv->window_opens)}, {"end", t.date(rv->window_closes)}});
  if (e.code == Errc::internal) return t("problem.internal");
  return t("problem.bad_input");
}

std::string hidden_csrf(const Visit& v) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(v.csrf) + "\">";
}

// A form of free times, a group per office-local day, each a radio button
// whose value is the slot's start (Unix seconds, UTC).
std::string slots_form(const Visit& v, const std::string& action, const registry::OfficeRow& office,
                       const std::vector<Slot>& slots, const std::string& submit_key) {
  const Texts& t = v.texts;
  std::string b;
  b += "<form method=\"post\" action=\"" + escape(action) + "\" class=\"stack\">" + hidden_csrf(v);
  b += "<p>" +
       t.html("portal.appointments.free_slots",
              {{"count", static_cast<std::int64_t>(slots.size())}}) +
       "</p>";
  std::string day;
  for (const Slot& s : slots) {
    const std::string d = s.local_start.substr(0, 10);
    if (d != day) {
      if (!day.empty()) b += "</div></fieldset>";
      day = d;
      b += "<fieldset><legend>" + escape(t.date(d)) + "</legend><div class=\"slots\">";
    }
    const std::string id = "slot-" + std::to_string(s.starts_at);
    b += "<div class=\"slot\"><input type=\"radio\" required name=\"starts_at\" id=\"" + id +
         "\" value=\"" + std::to_string(s.starts_at) + "\"><label for=\"" + id + "\">" +
         escape(t.when(s.starts_at, office.time_zone, i18n::DateStyle::time)) + "</label></div>";
  }
  if (!day.empty()) b += "</div></fieldset>";
  b += "<button type=\"submit\">" + t.html(submit_key) + "</button></form>";
  return b;
}

// Free times of the office from `from` to `to` (days), at most
// kMaxSearchDays, from today on.
std::vector<Slot> free_times(Api& api, const registry::OfficeRow& office, std::int64_t from,
                             std::int64_t to) {
  from = std::max(from, today(api, office.time_zone));
  to = std::min(to, from + Scheduling::kMaxSearchDays - 1);
  if (to < from) return {};
  auto slots = api.scheduling.free_slots(office.id, format_iso_date(from), format_iso_date(to));
  return slots ? std::move(*slots) : std::vector<Slot>{};
}

std::optional<UnixTime> starts_at_of(const portal::Form& form) {
  const std::string s = portal::field(form, "starts_at");
  UnixTime t = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), t);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return t;
}

std::string where(const registry::OfficeRow* office) {
  if (!office) return {};
  return escape(office->name) + "<br>" + escape(office->address);
}

// The appointments page; `error` (plain text) when a change was refused.
void appointments_page(Api& api, const Call& c, const Visit& v, int status,
                       const std::string& error) {
  const Texts& t = v.texts;
  const UnixTime now = api.clock.now();
  std::string b;
  auto rv = api.scheduling.get_reporting(v.user, v.holder_id);
  std::optional<registry::OfficeRow> office;
  if (rv) {
    if (auto o = api.offices.get(rv->requirement.office_id)) office = std::move(*o);
    b += "<p>" +
         t.html("portal.appointments.window",
                {{"start", t.date(rv->window_opens)}, {"end", t.date(rv->window_closes)}}) +
         "</p>";
  }
  auto all = api.scheduling.appointments(v.user, v.holder_id);
  std::vector<AppointmentRow> booked;
  if (all)
    for (const auto& a : *all)
      if (a.state == AppointmentState::booked && a.ends_at > now) booked.push_back(a);
  std::string notice;
  auto find = [&](const std::string& id) -> const AppointmentRow* {
    if (!all) return nullptr;
    for (const auto& a : *all)
      if (a.id == id) return &a;
    return nullptr;
  };
  auto zone_of = [&](const std::string& office_id) {
    auto o = api.offices.get(office_id);
    return o ? o->time_zone : std::string("UTC");
  };
  if (const AppointmentRow* a = find(c.req.get_param_value("booked"))) {
    auto o = api.offices.get(a->office_id);
    notice = t("portal.appointments.booked",
               {{"when", i18n::DateTime{a->starts_at, zone_of(a->office_id)}},
                {"office", o ? o->name : std::string()}});
  } else if (const AppointmentRow* m = find(c.req.get_param_value("moved"))) {
    notice = t("portal.appointments.moved",
               {{"when", i18n::DateTime{m->starts_at, zone_of(m->office_id)}}});
  } else if (const AppointmentRow* x = find(c.req.get_param_value("cancelled"))) {
    notice = t("portal.appointments.cancelled",
               {{"when", i18n::DateTime{x->starts_at, zone_of(x->office_id)}}});
  }

  b += "<section aria-labelledby=\"booked\"><h2 id=\"booked\">" +
       t.html("portal.appointments.yours") + "</h2>";
  if (booked.empty()) {
    b += "<p>" + t.html("portal.appointments.none_booked") + "</p>";
  } else {
    b += "<ul class=\"cards\">";
    for (const auto& a : booked) {
      auto o = api.offices.get(a.office_id);
      const std::string zone = o ? o->time_zone : "UTC";
      b += "<li class=\"appointment\"><p class=\"when\">" + escape(t.when(a.starts_at, zone)) +
           "</p><p>" + where(o ? &*o : nullptr) + "</p>";
      if (a.starts_at - now >= Scheduling::kChangeCutoff) {
        b += "<p class=\"actions\"><a href=\"/portal/appointments/" + escape(a.id) + "/move\">" +
             t.html("portal.appointments.move") + "</a> <a href=\"/portal/appointments/" +
             escape(a.id) + "/cancel\">" + t.html("portal.appointments.cancel") + "</a></p>";
      }
      b += "</li>";
    }
    b += "</ul>";
  }
  b += "<p class=\"hint\">" + t.html("portal.appointments.change_rule") + "</p>";
  b += "<p><a href=\"/portal/calendar.ics\" download=\"sdc.ics\">" +
       t.html("portal.appointments.calendar") + "</a></p></section>";

  // Free times of the next due date's window, unless it is already booked.
  if (rv && office) {
    const bool due_booked = std::any_of(booked.begin(), booked.end(), [&](const auto& a) {
      return a.due_date == rv->next_due_date;
    });
    if (!due_booked) {
      b += "<section aria-labelledby=\"book\"><h2 id=\"book\">" +
           t.html("portal.appointments.book") + "</h2><p>" + where(&*office) + "</p>";
      auto from = parse_iso_date(rv->window_opens), to = parse_iso_date(rv->window_closes);
      auto slots = from && to ? free_times(api, *office, *from, *to) : std::vector<Slot>{};
      if (slots.empty())
        b += "<p>" + t.html("portal.appointments.no_free_slots", {{"office", office->name}}) +
             "</p>";
      else
        b += slots_form(v, "/portal/appointments", *office, slots, "portal.appointments.book");
      b += "</section>";
    }
  } else if (!rv) {
    b += "<p>" + t.html("portal.appointments.no_requirement") + "</p>";
  }
  portal::send_page(api, c.res, status, t,
                    Page{t("portal.appointments.title"), b, "appointments", notice, error}, &v);
}

// The holder's appointment `id` that may still be changed, or nullopt
// after answering (404 for one that is not theirs or not booked).
std::optional<AppointmentRow> changeable(Api& api, const Call& c, const Visit& v) {
  auto all = api.scheduling.appointments(v.user, v.holder_id);
  if (all)
    for (const auto& a : *all)
      if (a.id == c.params["id"] && a.state == AppointmentState::booked) return a;
  portal::send_page(api, c.res, 404, v.texts,
                    Page{v.texts("problem.not_found"), "", "appointments", "", ""}, &v);
  return std::nullopt;
}

void move_page(Api& api, const Call& c, const Visit& v, int status, const std::string& error) {
  auto a = changeable(api, c, v);
  if (!a) return;
  const Texts& t = v.texts;
  auto office = api.offices.get(a->office_id);
  auto rv = api.scheduling.get_reporting(v.user, v.holder_id);
  std::string b;
  if (office) {
    b += "<p>" +
         t.html("portal.appointments.current",
                {{"when", i18n::DateTime{a->starts_at, office->time_zone}}}) +
         "</p><p>" + where(&*office) + "</p>";
    auto due = parse_iso_date(a->due_date);
    const int w = rv ? rv->requirement.window_days : 0;
    std::vector<Slot> slots;
    if (due) slots = free_times(api, *office, *due - w, *due + w);
    std::erase_if(slots, [&](const Slot& s) { return s.starts_at == a->starts_at; });
    if (slots.empty())
      b += "<p>" + t.html("portal.appointments.no_free_slots", {{"office", office->name}}) + "</p>";
    else
      b += slots_form(v, "/portal/appointments/" + a->id + "/move", *office, slots,
                      "portal.appointments.move");
  }
  b += "<p><a href=\"/portal/appointments\">" + t.html("portal.appointments.back") + "</a></p>";
  portal::send_page(api, c.res, status, t,
                    Page{t("portal.appointments.move_title"), b, "appointments", "", error}, &v);
}

void cancel_page(Api& api, const Call& c, const Visit& v, int status, const std::string& error) {
  auto a = changeable(api, c, v);
  if (!a) return;
  const Texts& t = v.texts;
  auto office = api.offices.get(a->office_id);
  const std::string zone = office ? office->time_zone : "UTC";
  std::string b;
  b += "<form method=\"post\" action=\"/portal/appointments/" + escape(a->id) +
       "/cancel\" class=\"stack\">" + hidden_csrf(v);
  b +=
      "<p>" +
      t.html("portal.appointments.confirm_cancel", {{"when", i18n::DateTime{a->starts_at, zone}}}) +
      "</p><p>" + where(office ? &*office : nullptr) + "</p>";
  b += "<button type=\"submit\" class=\"danger\">" + t.html("portal.appointments.cancel") +
       "</button></form>";
  b += "<p><a href=\"/portal/appointments\">" + t.html("portal.appointments.back") + "</a></p>";
  portal::send_page(api, c.res, status, t,
                    Page{t("portal.appointments.cancel_title"), b, "appointments", "", error}, &v);
}

int status_of(const Error& e) {
  switch (e.code) {
    case Errc::conflict:
      return 409;
    case Errc::not_found:
    case Errc::forbidden:
      return 404;
    case Errc::internal:
      return 500;
    default:
      return 400;
  }
}

void book(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  auto at = starts_at_of(*form);
  if (!at) return appointments_page(api, c, v, 400, v.texts("portal.appointments.choose"));
  auto r = api.scheduling.book(v.user, v.holder_id, *at);
  if (!r) {
    auto rv = api.scheduling.get_reporting(v.user, v.holder_id);
    return appointments_page(api, c, v, status_of(r.error()),
                             refusal(v.texts, r.error(), rv ? &*rv : nullptr));
  }
  portal::redirect(api, c.res, "/portal/appointments?booked=" + r->id);
}

void move(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  auto at = starts_at_of(*form);
  if (!at) return move_page(api, c, v, 400, v.texts("portal.appointments.choose"));
  auto r = api.scheduling.move(v.user, c.params["id"], *at);
  if (!r) {
    auto rv = api.scheduling.get_reporting(v.user, v.holder_id);
    return move_page(api, c, v, status_of(r.error()),
                     refusal(v.texts, r.error(), rv ? &*rv : nullptr));
  }
  portal::redirect(api, c.res, "/portal/appointments?moved=" + r->id);
}

void cancel(Api& api, const Call& c, const Visit& v) {
  auto form = portal::posted_form(api, c, v);
  if (!form) return;
  auto r = api.scheduling.cancel(v.user, c.params["id"]);
  if (!r) return cancel_page(api, c, v, status_of(r.error()), refusal(v.texts, r.error(), nullptr));
  portal::redirect(api, c.res, "/portal/appointments?cancelled=" + r->id);
}

}  // namespace

void add_portal_appointment_routes(Router& router, Api& api) {
  router.get("/portal/appointments", signed_in(api, [](Api& a, const Call& c, const Visit& v) {
               appointments_page(a, c, v, 200, "");
             }));
  router.post("/portal/appointments", signed_in(api, book));
  router.get(
      "/portal/appointments/{id}/move",
      signed_in(api, [](Api& a, const Call& c, const Visit& v) { move_page(a, c, v, 200, ""); }));
  router.post("/portal/appointments/{id}/move", signed_in(api, move));
  router.get(
      "/portal/appointments/{id}/cancel",
      signed_in(api, [](Api& a, const Call& c, const Visit& v) { cancel_page(a, c, v, 200, ""); }));
  router.post("/portal/appointments/{id}/cancel", signed_in(api, cancel));
}

}  // namespace sdc::http
