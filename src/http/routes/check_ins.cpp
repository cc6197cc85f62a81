// POST /v1/check-ins (a kiosk or an officer with a presented card, an
// officer for a named holder, a holder online) and
// GET /v1/holders/{id}/compliance. docs/CHECK_INS.md.
#include "sdc/registry/check_ins.h"

#include "http/card_check.h"
#include "http/problem.h"
#include "http/routes/routes.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::Role;
using registry::User;

namespace {

json place_json(const registry::AppointmentPlace& p) {
  return {{"starts_at", format_time(p.starts_at)},
          {"ends_at", format_time(p.ends_at)},
          {"office_id", p.office_id},
          {"office_name", p.office_name},
          {"office_address", p.office_address},
          {"time_zone", p.time_zone}};
}

// What a kiosk shows (DESIGN.md): the name on the card, the check-in's
// result and the next appointment; no ids, no A-number, no date of birth.
json kiosk_json(const registry::CheckInAnswer& a, const Holder& card_holder) {
  json j = {{"check_in",
             {{"at", format_time(a.check_in.at)},
              {"method", to_string(a.check_in.method)},
              {"outcome", to_string(a.check_in.outcome)}}},
            {"holder",
             {{"family_name", card_holder.family_name}, {"given_names", card_holder.given_names}}}};
  j["next_appointment"] = a.next ? place_json(*a.next) : json(nullptr);
  return j;
}

json check_in_json(const registry::CheckInAnswer& a) {
  const registry::CheckInRow& r = a.check_in;
  json j = {{"check_in",
             {{"id", r.id},
              {"holder_id", r.holder_id},
              {"office_id", r.office_id},
              {"at", format_time(r.at)},
              {"method", to_string(r.method)},
              {"appointment_id", r.appointment_id},
              {"outcome", to_string(r.outcome)},
              {"recorded_by", r.recorded_by}}}};
  j["next_appointment"] = a.next ? place_json(*a.next) : json(nullptr);
  return j;
}

// A presented card that is not good: 409 for a card the registry revoked
// or suspended, 422 for one that is forged, expired or unreadable; the
// spec's result either way.
void card_refused(httplib::Response& res, const Error& e) {
  const int status = e.code == Errc::conflict ? 409 : 422;
  json j = {{"type", "about:blank"},
            {"title", title_for(status)},
            {"status", status},
            {"detail", "the card is not accepted: " + e.message},
            {"result", e.message}};
  res.status = status;
  res.set_content(j.dump(), "application/problem+json");
}

void with_card(Api& api, const Call& c, const User& u, const json& j,
               const std::string& office_id) {
  // Refused (and audited) before the card is read.
  if (auto ok = api.check_ins.authorize(u, Action::check_in_card); !ok)
    return error_response(c.res, ok.error());
  auto barcode = presented_barcode(j, c.res);
  if (!barcode) return;
  Verification v = verify_presented(api, *barcode);
  auto r = api.check_ins.check_in_with_card(u, office_id, v);
  if (!r) {
    const Errc code = r.error().code;
    if (code == Errc::conflict || code == Errc::invalid_argument)
      return card_refused(c.res, r.error());
    return error_response(c.res, r.error());
  }
  if (u.role == Role::kiosk) return send_json(c.res, 201, kiosk_json(*r, v.claims->holder));
  send_json(c.res, 201, check_in_json(*r));
}

void check_in(Api& api, const Call& c, const User& u) {
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"barcode", "image_base64", "office_id", "holder_id"}, c.res)) return;
  if (u.role == Role::holder) {
    // A holder checks in only themself: the holder comes from the session.
    if (!j->empty()) return problem(c.res, 400, "a holder's check-in takes no fields");
    auto r = api.check_ins.check_in_online(u);
    if (!r) return error_response(c.res, r.error());
    return send_json(c.res, 201, check_in_json(*r));
  }
  auto office = str_field(*j, "office_id", c.res, false);
  if (!office) return;
  if (!j->contains("holder_id")) return with_card(api, c, u, *j, *office);
  if (j->contains("barcode") || j->contains("image_base64"))
    return problem(c.res, 400, "holder_id: give a holder or a card, not both",
                   {{"holder_id", "give a holder or a card, not both"}});
  auto holder = str_field(*j, "holder_id", c.res);
  if (!holder) return;
  auto r = api.check_ins.check_in_for(u, *holder, *office);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 201, check_in_json(*r));
}

void compliance(Api& api, const Call& c, const User& u) {
  const std::string& id = c.params["id"];
  auto r = api.check_ins.compliance(u, id);
  if (!r) return error_response(c.res, r.error());
  json arr = json::array();
  for (const registry::ComplianceEntry& e : r->appointments) {
    json a = {{"appointment_id", e.appointment.id},
              {"office_id", e.appointment.office_id},
              {"starts_at", format_time(e.appointment.starts_at)},
              {"ends_at", format_time(e.appointment.ends_at)},
              {"due_date", e.appointment.due_date},
              {"status", to_string(e.status)}};
    a["check_in_id"] = e.check_in_id.empty() ? json(nullptr) : json(e.check_in_id);
    a["checked_in_at"] = e.check_in_id.empty() ? json(nullptr) : json(format_time(e.checked_in_at));
    arr.push_back(std::move(a));
  }
  json out = {
      {"holder_id", r->holder_id}, {"appointments", arr},
      {"on_time", r->on_time},     {"late", r->late},
      {"missed", r->missed},       {"check_ins_without_appointment", r->without_appointment}};
  out["last_check_in"] = r->last_check_in ? json(format_time(*r->last_check_in)) : json(nullptr);
  send_json(c.res, 200, out);
}

}  // namespace

void add_check_in_routes(Router& router, Api& api) {
  router.post("/v1/check-ins",
              authed(api, [&api](const Call& c, const User& u) { check_in(api, c, u); }));
  router.get("/v1/holders/{id}/compliance",
             authed(api, [&api](const Call& c, const User& u) { compliance(api, c, u); }));
}

}  // namespace sdc::http
