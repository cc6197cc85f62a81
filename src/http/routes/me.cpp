// A holder's own routes (/v1/me/*), signed in with their card's document
// number and PIN, and the officer's PIN letter (/v1/holders/{id}/pin).
// What a holder sees, and that they see only their own record, is decided
// by the registry (Registry::own_record, HolderLogins).
#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
#include "sdc/i18n/language.h"
#include "sdc/registry/holder_calendar.h"
#include "sdc/registry/icalendar.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::HolderLogins;
using registry::User;

namespace {

json own_json(const registry::OwnRecord& own) {
  json j = holder_json(own.holder);
  j.erase("contact");
  j["card"] = own.card ? card_json(*own.card) : json(nullptr);
  j["case_status"] = {{"status", registry::to_string(own.case_status.status)},
                      {"effective_date", own.case_status.effective_date}};
  json accesses = json::array();
  for (const auto& e : own.accesses)
    accesses.push_back({{"at", format_time(e.at)},
                        {"role", e.role},
                        {"office", e.office},
                        {"action", e.action},
                        {"purpose", e.purpose},
                        {"outcome", e.outcome}});
  j["accesses"] = accesses;
  return j;
}

void login(Api& api, const Call& c) {
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"document_number", "pin"}, c.res)) return;
  auto doc = str_field(*j, "document_number", c.res);
  if (!doc) return;
  auto pin = str_field(*j, "pin", c.res);
  if (!pin) return;
  auto r = api.holder_logins.login(*doc, *pin);
  if (!r) return error_response(c.res, r.error());
  if (r->outcome == HolderLogins::LoginOutcome::locked)
    return problem(c.res, 423,
                   "the PIN is locked after too many wrong PINs; an officer can issue a new one");
  if (r->outcome != HolderLogins::LoginOutcome::ok)
    return problem(c.res, 401, "wrong document number or PIN");
  send_json(c.res, 200, {{"token", r->token}, {"expires_at", format_time(r->expires_at)}});
}

void change_pin(Api& api, const Call& c, const User& u) {
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"current_pin", "new_pin"}, c.res)) return;
  auto current = str_field(*j, "current_pin", c.res);
  if (!current) return;
  auto next = str_field(*j, "new_pin", c.res);
  if (!next) return;
  auto r = api.holder_logins.set_pin(u, *current, *next);
  if (!r) {
    if (r.error().code == Errc::unauthorized)
      return problem(c.res, 400, "current_pin: wrong PIN", {{"current_pin", "wrong PIN"}});
    if (r.error().code == Errc::limit)
      return problem(c.res, 423,
                     "the PIN is locked after too many wrong PINs; an officer can issue a new one");
    return error_response(c.res, r.error());
  }
  c.res.status = 204;
}

// A text of the holder's language; the English one (logged) if it lacks it.
std::string text(Api& api, std::string_view lang, std::string_view key, const i18n::Args& args) {
  auto t = api.catalogues.format(lang, key, args);
  return t ? *t : std::string(key);
}

// The holder's booked appointments, each in its office's zone.
Result<std::vector<registry::CalendarEvent>> appointment_events(Api& api, const User& u,
                                                                const std::string& holder,
                                                                std::string_view lang) {
  auto all = api.scheduling.appointments(u, holder);
  if (!all) return std::unexpected(all.error());
  std::vector<registry::CalendarEvent> out;
  for (const auto& a : *all) {
    if (a.state != registry::AppointmentState::booked) continue;
    auto office = api.offices.get(a.office_id);
    if (!office) return std::unexpected(office.error());
    const i18n::Args args = {{"office", office->name}, {"address", office->address}};
    registry::CalendarEvent e;
    e.uid = "appointment-" + a.id + "@sdc";
    e.start = a.starts_at;
    e.duration = a.ends_at - a.starts_at;
    e.time_zone = office->time_zone;
    e.summary = text(api, lang, "calendar.appointment.summary", args);
    e.location = office->address;
    e.description = text(api, lang, "calendar.appointment.description", args);
    e.sequence = static_cast<std::uint64_t>(a.updated_at - a.created_at);  // grows with every move
    e.last_modified = a.updated_at;
    out.push_back(std::move(e));
  }
  return out;
}

// The holder's hearings that are not cancelled, each in its court's zone.
Result<std::vector<registry::CalendarEvent>> hearing_events(Api& api, const User& u,
                                                            const std::string& holder,
                                                            std::string_view lang) {
  auto all = api.hearings.for_holder(holder, u);
  if (!all) return std::unexpected(all.error());
  std::vector<registry::CalendarEvent> out;
  for (const auto& h : *all) {
    if (h.status == "cancelled") continue;
    const i18n::Args args = {{"court", h.court_name}, {"address", h.court_address}};
    registry::CalendarEvent e;
    e.uid = "hearing-" + h.id + "@sdc";
    e.start = h.starts_at;
    e.time_zone = h.time_zone;
    e.summary = text(api, lang, "calendar.hearing.summary", args);
    e.location = h.court_address.empty() ? h.court_name : h.court_name + ", " + h.court_address;
    e.description = text(api, lang, "calendar.hearing.description", args);
    e.sequence = static_cast<std::uint64_t>(h.changed_at);  // 0, then grows with every move
    e.last_modified = h.updated_at;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

void send_calendar(Api& api, const Call& c, const User& u) {
  auto own = api.registry.own_record(u);
  if (!own) return error_response(c.res, own.error());
  const std::string& holder = own->holder.record.id;
  const std::string_view lang = i18n::resolve_language(own->holder.record.language);
  auto appointments = appointment_events(api, u, holder, lang);
  if (!appointments) return error_response(c.res, appointments.error());
  auto hearings = hearing_events(api, u, holder, lang);
  if (!hearings) return error_response(c.res, hearings.error());
  auto events =
      registry::holder_calendar_events(*own, std::move(*appointments), std::move(*hearings));
  registry::CalendarOptions o;
  o.name = "SDC";
  o.dtstamp = api.clock.now();
  auto ics = registry::write_icalendar(events, o);
  if (!ics) return error_response(c.res, ics.error());
  c.res.status = 200;
  c.res.set_content(*ics, "text/calendar; charset=utf-8");
}

void add_me_routes(Router& router, Api& api) {
  router.post("/v1/me/login", [&api](const Call& c) { login(api, c); });
  router.get("/v1/me", authed(api, [&api](const Call& c, const User& u) {
               auto own = api.registry.own_record(u);
               if (!own) return error_response(c.res, own.error());
               send_json(c.res, 200, own_json(*own));
             }));
  router.put("/v1/me/pin",
             authed(api, [&api](const Call& c, const User& u) { change_pin(api, c, u); }));
  router.get("/v1/me/calendar.ics",
             authed(api, [&api](const Call& c, const User& u) { send_calendar(api, c, u); }));
  router.post("/v1/holders/{id}/pin", authed(api, [&api](const Call& c, const User& u) {
                auto r = api.holder_logins.issue_pin(u, c.params["id"]);
                if (!r) return error_response(c.res, r.error());
                c.res.set_header("Cache-Control", "no-store");
                send_json(c.res, 201,
                          {{"holder_id", c.params["id"]}, {"pin", r->pin}, {"reset", r->reset}});
              }));
}

}  // namespace sdc::http
