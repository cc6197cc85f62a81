// Reporting requirements and appointments (registry/scheduling.h).
#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::User;

namespace {

std::optional<int> int_member(const json& j, const char* name, httplib::Response& res) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) {
    problem(res, 400, std::string(name) + ": required, an integer",
            {{name, "required, an integer"}});
    return std::nullopt;
  }
  auto v = it->get<std::int64_t>();
  return v < -1'000'000 || v > 1'000'000 ? -1 : static_cast<int>(v);  // the domain says why
}

// {"starts_at": "2026-12-10T14:00:00Z"}: the slot's start, RFC 3339.
std::optional<UnixTime> starts_at(Api& api, const Call& c, const User& u, Action action) {
  auto j = body_object(c.req, c.res);
  if (!j) return std::nullopt;
  if (!only_known_fields(*j, {"starts_at"}, c.res)) return std::nullopt;
  auto text = str_field(*j, "starts_at", c.res);
  if (!text) return std::nullopt;
  auto t = parse_time(*text);
  if (!t) {
    // A caller who may not book is refused (and audited) before being told
    // what is wrong with the input; a holder's own booking was checked.
    if (auto ok = registry::own_holder_id(u) ? Result<void>{} : api.registry.authorize(u, action);
        !ok) {
      error_response(c.res, ok.error());
      return std::nullopt;
    }
    problem(c.res, 400, "starts_at: an RFC 3339 time, e.g. 2026-12-10T14:00:00Z",
            {{"starts_at", "an RFC 3339 time"}});
    return std::nullopt;
  }
  return *t;
}

void put_reporting(Api& api, const Call& c, const User& u) {
  const std::string& holder = c.params["id"];
  if (auto ok = api.registry.authorize(u, Action::set_reporting); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"office_id", "cadence_days", "window_days", "anchor_date"}, c.res))
    return;
  registry::ReportingInput in;
  auto office = str_field(*j, "office_id", c.res);
  if (!office) return;
  in.office_id = *office;
  auto cadence = int_member(*j, "cadence_days", c.res);
  if (!cadence) return;
  in.cadence_days = *cadence;
  auto window = int_member(*j, "window_days", c.res);
  if (!window) return;
  in.window_days = *window;
  auto anchor = str_field(*j, "anchor_date", c.res);
  if (!anchor) return;
  in.anchor_date = *anchor;
  auto r = api.scheduling.set_reporting(u, holder, in);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, reporting_json(*r));
}

void book(Api& api, const Call& c, const User& u) {
  if (auto ok = api.registry.authorize(u, Action::book_appointment); !ok)
    return error_response(c.res, ok.error());
  auto t = starts_at(api, c, u, Action::book_appointment);
  if (!t) return;
  auto r = api.scheduling.book(u, c.params["id"], *t);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 201, appointment_json(*r));
}

// `own`: a holder moving their own appointment (the domain checks whose it
// is); otherwise the caller's role must allow booking.
void move(Api& api, const Call& c, const User& u, bool own = false) {
  if (!own)
    if (auto ok = api.registry.authorize(u, Action::book_appointment); !ok)
      return error_response(c.res, ok.error());
  auto t = starts_at(api, c, u, Action::book_appointment);
  if (!t) return;
  auto r = api.scheduling.move(u, c.params["id"], *t);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, appointment_json(*r));
}

// The signed-in holder's own id; otherwise answers 403 (audited) and nullopt.
std::optional<std::string> own_holder(Api& api, const Call& c, const User& u) {
  if (auto ok = api.registry.authorize(u, Action::read_own_record); !ok) {
    error_response(c.res, ok.error());
    return std::nullopt;
  }
  auto id = registry::own_holder_id(u);
  if (!id) problem(c.res, 403, "not a holder's session");
  return id;
}

void list_appointments(Api& api, const Call& c, const User& u, const std::string& holder) {
  auto r = api.scheduling.appointments(u, holder);
  if (!r) return error_response(c.res, r.error());
  json arr = json::array();
  for (const auto& a : *r) arr.push_back(appointment_json(a));
  send_json(c.res, 200, {{"appointments", arr}});
}

void get_reporting(Api& api, const Call& c, const User& u, const std::string& holder) {
  auto r = api.scheduling.get_reporting(u, holder);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, reporting_json(*r));
}

void book_for(Api& api, const Call& c, const User& u, const std::string& holder) {
  auto t = starts_at(api, c, u, Action::book_appointment);
  if (!t) return;
  auto r = api.scheduling.book(u, holder, *t);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 201, appointment_json(*r));
}

}  // namespace

// The holder's own schedule (a holder's session): the same calls, on the
// record the session belongs to.
void add_own_appointment_routes(Router& router, Api& api) {
  router.get("/v1/me/reporting", authed(api, [&api](const Call& c, const User& u) {
               auto h = own_holder(api, c, u);
               if (!h) return;
               auto r = api.scheduling.get_reporting(u, *h);
               if (!r) return error_response(c.res, r.error());
               // A holder is not told which officer set it (as /v1/me names no actor).
               json j = reporting_json(*r);
               j.erase("set_by");
               send_json(c.res, 200, j);
             }));
  router.get("/v1/me/appointments", authed(api, [&api](const Call& c, const User& u) {
               if (auto h = own_holder(api, c, u)) list_appointments(api, c, u, *h);
             }));
  router.post("/v1/me/appointments", authed(api, [&api](const Call& c, const User& u) {
                if (auto h = own_holder(api, c, u)) book_for(api, c, u, *h);
              }));
  router.patch("/v1/me/appointments/{id}", authed(api, [&api](const Call& c, const User& u) {
                 if (own_holder(api, c, u)) move(api, c, u, true);
               }));
  router.del("/v1/me/appointments/{id}", authed(api, [&api](const Call& c, const User& u) {
               if (!own_holder(api, c, u)) return;
               auto r = api.scheduling.cancel(u, c.params["id"]);
               if (!r) return error_response(c.res, r.error());
               send_json(c.res, 200, appointment_json(*r));
             }));
}

void add_appointment_routes(Router& router, Api& api) {
  add_own_appointment_routes(router, api);
  // By holder id: officers' routes. A holder's session is refused here
  // (audited) even for its own record, which it reads under /v1/me.
  router.get("/v1/holders/{id}/reporting", authed(api, [&api](const Call& c, const User& u) {
               if (auto ok = api.registry.authorize(u, Action::read_schedule); !ok)
                 return error_response(c.res, ok.error());
               get_reporting(api, c, u, c.params["id"]);
             }));
  router.put("/v1/holders/{id}/reporting",
             authed(api, [&api](const Call& c, const User& u) { put_reporting(api, c, u); }));
  router.get("/v1/holders/{id}/appointments", authed(api, [&api](const Call& c, const User& u) {
               if (auto ok = api.registry.authorize(u, Action::read_schedule); !ok)
                 return error_response(c.res, ok.error());
               list_appointments(api, c, u, c.params["id"]);
             }));
  router.post("/v1/holders/{id}/appointments",
              authed(api, [&api](const Call& c, const User& u) { book(api, c, u); }));
  router.patch("/v1/appointments/{id}",
               authed(api, [&api](const Call& c, const User& u) { move(api, c, u); }));
  router.del("/v1/appointments/{id}", authed(api, [&api](const Call& c, const User& u) {
               if (auto ok = api.registry.authorize(u, Action::book_appointment); !ok)
                 return error_response(c.res, ok.error());
               auto r = api.scheduling.cancel(u, c.params["id"]);
               if (!r) return error_response(c.res, r.error());
               send_json(c.res, 200, appointment_json(*r));
             }));
}

}  // namespace sdc::http
