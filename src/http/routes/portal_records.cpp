// The portal's record pages: every court hearing with its court's address,
// the check-in history, and who accessed the holder's record (from the
// audit trail: role, office, when, purpose). Reads only, each audited by the
// domain as a read of the holder's own record.
#include "http/portal.h"
#include "http/routes/routes.h"

namespace sdc::http {

namespace {

using portal::escape;
using portal::Page;
using portal::signed_in;
using portal::Texts;
using portal::Visit;

// The zone a holder's own times are shown in when no office or court names
// one: their reporting office's, else UTC.
std::string home_zone(Api& api, const Visit& v) {
  if (auto rv = api.scheduling.get_reporting(v.user, v.holder_id))
    if (auto o = api.offices.get(rv->requirement.office_id)) return o->time_zone;
  return "UTC";
}

void hearings_page(Api& api, const Call& c, const Visit& v) {
  const Texts& t = v.texts;
  auto all = api.hearings.for_holder(v.holder_id, v.user);
  if (!all) return portal::send_failure(api, c.res, v, t("portal.hearings.title"), "hearings");
  std::string b;
  if (all->empty()) b += "<p>" + t.html("portal.hearings.none") + "</p>";
  b += "<ul class=\"cards\">";
  for (const registry::Hearing& h : *all) {
    b += "<li class=\"hearing\"><p class=\"when\">" + escape(t.when(h.starts_at, h.time_zone)) +
         "</p>";
    b += "<p><strong>" + escape(h.court_name) + "</strong><br>" + escape(h.court_address) + "</p>";
    b += "<dl>";
    if (!h.judge.empty())
      b += "<dt>" + t.html("portal.hearings.judge") + "</dt><dd>" + escape(h.judge) + "</dd>";
    if (!h.hearing_type.empty())
      b += "<dt>" + t.html("portal.hearings.type") + "</dt><dd>" + escape(h.hearing_type) + "</dd>";
    b += "<dt>" + t.html("portal.hearings.status") + "</dt><dd>" + escape(h.status) + "</dd>";
    b += "</dl>";
    if (h.previous) {
      std::string old = t.when(h.previous->starts_at, h.previous->time_zone);
      if (h.previous->court_name != h.court_name) old += ", " + h.previous->court_name;
      b += "<p class=\"changed\">" +
           t.html("portal.hearings.changed",
                  {{"date", i18n::DateTime{h.changed_at, h.time_zone, i18n::DateStyle::date}},
                   {"old", old}}) +
           "</p>";
    }
    b += "</li>";
  }
  b += "</ul><p><a href=\"/portal/calendar.ics\" download=\"sdc.ics\">" +
       t.html("portal.appointments.calendar") + "</a></p>";
  portal::send_page(api, c.res, 200, t, Page{t("portal.hearings.title"), b, "hearings", "", ""},
                    &v);
}

const char* method_key(registry::CheckInMethod m) {
  switch (m) {
    case registry::CheckInMethod::kiosk:
      return "portal.checkins.method.kiosk";
    case registry::CheckInMethod::online:
      return "portal.checkins.method.online";
    case registry::CheckInMethod::officer:
      return "portal.checkins.method.officer";
  }
  return "portal.checkins.method.officer";
}

void check_ins_page(Api& api, const Call& c, const Visit& v) {
  const Texts& t = v.texts;
  auto rows = api.check_ins.history(v.user, v.holder_id);
  if (!rows) return portal::send_failure(api, c.res, v, t("portal.checkins.title"), "check-ins");
  std::string b;
  if (rows->empty()) {
    b += "<p>" + t.html("portal.checkins.none") + "</p>";
  } else {
    const std::string fallback_zone = home_zone(api, v);
    b += "<table><caption>" + t.html("portal.checkins.title") + "</caption><thead><tr>";
    b += "<th scope=\"col\">" + t.html("portal.checkins.column.when") + "</th>";
    b += "<th scope=\"col\">" + t.html("portal.checkins.column.office") + "</th>";
    b += "<th scope=\"col\">" + t.html("portal.checkins.column.method") + "</th>";
    b += "<th scope=\"col\">" + t.html("portal.checkins.column.result") +
         "</th></tr></thead><tbody>";
    for (const registry::CheckInRow& r : *rows) {
      std::string office = "—", zone = fallback_zone;
      if (!r.office_id.empty())
        if (auto o = api.offices.get(r.office_id)) {
          office = o->name;
          zone = o->time_zone;
        }
      b += "<tr><td>" + escape(t.when(r.at, zone)) + "</td><td>" + escape(office) + "</td><td>" +
           t.html(method_key(r.method)) + "</td><td>" +
           t.html(std::string("portal.checkins.outcome.") + registry::to_string(r.outcome)) +
           "</td></tr>";
    }
    b += "</tbody></table>";
  }
  portal::send_page(api, c.res, 200, t, Page{t("portal.checkins.title"), b, "check-ins", "", ""},
                    &v);
}

void access_page(Api& api, const Call& c, const Visit& v) {
  const Texts& t = v.texts;
  auto own = api.registry.own_record(v.user);
  if (!own) return portal::send_failure(api, c.res, v, t("portal.access.title"), "access");
  const std::string zone = home_zone(api, v);
  std::string b = "<p>" + t.html("portal.access.intro") + "</p>";
  std::string rows;
  for (const auto& a : own->accesses) {
    if (a.role == "holder") continue;  // the holder's own visits
    rows += "<tr><td>" + t.html("portal.role." + a.role) + "</td><td>" +
            escape(a.office.empty() ? std::string("—") : a.office) + "</td><td>" +
            escape(t.when(a.at, zone)) + "</td><td>" + t.html("portal.purpose." + a.purpose);
    if (a.outcome != "ok") rows += " (" + t.html("portal.access.refused") + ")";
    rows += "</td></tr>";
  }
  if (rows.empty()) {
    b += "<p>" + t.html("portal.access.none") + "</p>";
  } else {
    b += "<table><caption>" + t.html("portal.access.title") + "</caption><thead><tr>";
    b += "<th scope=\"col\">" + t.html("portal.access.column.role") + "</th>";
    b += "<th scope=\"col\">" + t.html("portal.access.column.office") + "</th>";
    b += "<th scope=\"col\">" + t.html("portal.access.column.when") + "</th>";
    b +=
        "<th scope=\"col\">" + t.html("portal.access.column.purpose") + "</th></tr></thead><tbody>";
    b += rows + "</tbody></table>";
  }
  portal::send_page(api, c.res, 200, t, Page{t("portal.access.title"), b, "access", "", ""}, &v);
}

}  // namespace

void add_portal_record_routes(Router& router, Api& api) {
  router.get("/portal/hearings", signed_in(api, hearings_page));
  router.get("/portal/check-ins", signed_in(api, check_ins_page));
  router.get("/portal/access", signed_in(api, access_page));
}

}  // namespace sdc::http
