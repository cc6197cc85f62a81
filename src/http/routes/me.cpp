// A holder's own routes (/v1/me/*), signed in with their card's document
// number and PIN, and the officer's PIN letter (/v1/holders/{id}/pin).
// What a holder sees, and that they see only their own record, is decided
// by the registry (Registry::own_record, HolderLogins).
#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
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
                        {"action", e.action},
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

void calendar(Api& api, const Call& c, const User& u) {
  auto own = api.registry.own_record(u);
  if (!own) return error_response(c.res, own.error());
  // The holder's appointments and hearings join the card's dates here, each
  // as a CalendarEvent from its own domain's read of this holder.
  auto events = registry::holder_calendar_events(*own, {}, {});
  registry::CalendarOptions o;
  o.name = "SDC";
  o.dtstamp = api.clock.now();
  auto ics = registry::write_icalendar(events, o);
  if (!ics) return error_response(c.res, ics.error());
  c.res.status = 200;
  c.res.set_content(*ics, "text/calendar; charset=utf-8");
}

}  // namespace

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
             authed(api, [&api](const Call& c, const User& u) { calendar(api, c, u); }));
  router.post("/v1/holders/{id}/pin", authed(api, [&api](const Call& c, const User& u) {
                auto r = api.holder_logins.issue_pin(u, c.params["id"]);
                if (!r) return error_response(c.res, r.error());
                c.res.set_header("Cache-Control", "no-store");
                send_json(c.res, 201,
                          {{"holder_id", c.params["id"]}, {"pin", r->pin}, {"reset", r->reset}});
              }));
}

}  // namespace sdc::http
