#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
#include "sdc/registry/admin_audit.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::AdminAction;
using registry::User;

namespace {

// {"mon": "09:00-16:00", ..., "sun": null}: a day absent or null is closed.
std::optional<registry::WeekHours> hours_field(const json& j, httplib::Response& res) {
  if (!j.is_object()) {
    problem(res, 400, "hours: expected an object of weekdays", {{"hours", "expected an object"}});
    return std::nullopt;
  }
  registry::WeekHours week{};
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::size_t d = 0;
    while (d < week.size() && it.key() != registry::kWeekdayNames[d]) ++d;
    const std::string field = "hours." + it.key();
    if (d == week.size()) {
      problem(res, 400, field + ": unknown weekday (mon, tue, wed, thu, fri, sat, sun)",
              {{field, "unknown weekday"}});
      return std::nullopt;
    }
    if (it->is_null()) continue;
    auto h = it->is_string() ? registry::parse_day_hours(it->get<std::string>())
                             : fail(Errc::parse, "hours: expected \"HH:MM-HH:MM\" or null");
    if (!h) {
      std::string why = h.error().message.substr(h.error().message.find(": ") + 2);
      problem(res, 400, field + ": " + why, {{field, why}});
      return std::nullopt;
    }
    week[d] = *h;
  }
  return week;
}

std::optional<int> int_field(const json& j, const char* name, httplib::Response& res) {
  if (!j.is_number_integer()) {
    problem(res, 400, std::string(name) + ": expected an integer", {{name, "expected an integer"}});
    return std::nullopt;
  }
  auto v = j.get<std::int64_t>();
  if (v < -1'000'000 || v > 1'000'000) return -1;  // out of every range; the domain says which
  return static_cast<int>(v);
}

void create(Api& api, const Call& c, const User& u) {
  if (auto ok = api.offices.authorize(u, AdminAction::create_office); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(
          *j, {"name", "address", "time_zone", "phone", "hours", "slot_minutes", "slot_capacity"},
          c.res))
    return;
  auto name = str_field(*j, "name", c.res);
  if (!name) return;
  auto address = str_field(*j, "address", c.res, false);
  if (!address) return;
  auto tz = str_field(*j, "time_zone", c.res);
  if (!tz) return;
  auto phone = str_field(*j, "phone", c.res, false);
  if (!phone) return;
  registry::OfficeInput in{*name, *address, *tz, *phone};
  if (j->contains("hours")) {
    auto h = hours_field((*j)["hours"], c.res);
    if (!h) return;
    in.hours = *h;
  }
  for (auto [key, field] :
       {std::pair{"slot_minutes", &in.slot_minutes}, std::pair{"slot_capacity", &in.slot_capacity}})
    if (j->contains(key)) {
      auto v = int_field((*j)[key], key, c.res);
      if (!v) return;
      *field = *v;
    }
  auto r = api.offices.create(in, &u);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 201, office_json(*r));
}

void update(Api& api, const Call& c, const User& u) {
  const std::string& id = c.params["id"];
  if (auto ok = api.offices.authorize(u, AdminAction::update_office, id); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  registry::OfficeChange change;
  for (auto it = j->begin(); it != j->end(); ++it) {
    const std::string& k = it.key();
    if (k == "hours") {
      auto h = hours_field(*it, c.res);
      if (!h) return;
      change.hours = *h;
      continue;
    }
    if (k == "slot_minutes" || k == "slot_capacity") {
      auto v = int_field(*it, k.c_str(), c.res);
      if (!v) return;
      (k == "slot_minutes" ? change.slot_minutes : change.slot_capacity) = *v;
      continue;
    }
    std::optional<std::string>* slot = k == "name"        ? &change.name
                                       : k == "address"   ? &change.address
                                       : k == "time_zone" ? &change.time_zone
                                       : k == "phone"     ? &change.phone
                                                          : nullptr;
    if (!slot) return problem(c.res, 400, k + ": unknown field", {{k, "unknown field"}});
    if (!it->is_string())
      return problem(c.res, 400, k + ": expected a string", {{k, "expected a string"}});
    *slot = it->get<std::string>();
  }
  auto r = api.offices.update(id, change, u);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, office_json(*r));
}

void close_day(Api& api, const Call& c, const User& u) {
  const std::string& id = c.params["id"];
  const std::string& date = c.params["date"];
  if (auto ok = api.offices.authorize(u, AdminAction::close_office_day, id); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"reason"}, c.res)) return;
  auto reason = str_field(*j, "reason", c.res);
  if (!reason) return;
  auto r = api.offices.close_day(id, date, *reason, u);
  if (!r) return error_response(c.res, r.error());
  json out = closure_json(r->closure);
  out["appointments_cancelled"] = r->appointments_cancelled;
  send_json(c.res, 201, out);
}

void slots(Api& api, const Call& c) {
  const std::string from = c.req.get_param_value("from");
  const std::string to = c.req.has_param("to") ? c.req.get_param_value("to") : from;
  if (from.empty())
    return problem(c.res, 400, "from: required, a date (YYYY-MM-DD)", {{"from", "required"}});
  auto r = api.scheduling.free_slots(c.params["id"], from, to);
  if (!r) return error_response(c.res, r.error());
  json arr = json::array();
  for (const auto& s : *r) arr.push_back(slot_json(s));
  send_json(c.res, 200, {{"office_id", c.params["id"]}, {"slots", arr}});
}

}  // namespace

// Every signed-in role may read the offices, their closures and free slots:
// they are where holders report, and name nobody.
void add_office_routes(Router& router, Api& api) {
  router.get("/v1/offices", authed(api, [&api](const Call& c, const User&) {
               auto all = api.offices.list();
               if (!all) return error_response(c.res, all.error());
               json arr = json::array();
               for (const auto& o : *all) arr.push_back(office_json(o));
               send_json(c.res, 200, {{"offices", arr}});
             }));
  router.post("/v1/offices",
              authed(api, [&api](const Call& c, const User& u) { create(api, c, u); }));
  router.get("/v1/offices/{id}", authed(api, [&api](const Call& c, const User&) {
               auto r = api.offices.get(c.params["id"]);
               if (!r) return error_response(c.res, r.error());
               send_json(c.res, 200, office_json(*r));
             }));
  router.patch("/v1/offices/{id}",
               authed(api, [&api](const Call& c, const User& u) { update(api, c, u); }));
  router.del("/v1/offices/{id}", authed(api, [&api](const Call& c, const User& u) {
               auto r = api.offices.remove(c.params["id"], u);
               if (!r) return error_response(c.res, r.error());
               c.res.status = 204;
             }));
  router.get("/v1/offices/{id}/closures", authed(api, [&api](const Call& c, const User&) {
               auto r = api.offices.closures(c.params["id"]);
               if (!r) return error_response(c.res, r.error());
               json arr = json::array();
               for (const auto& x : *r) arr.push_back(closure_json(x));
               send_json(c.res, 200, {{"closures", arr}});
             }));
  router.put("/v1/offices/{id}/closures/{date}",
             authed(api, [&api](const Call& c, const User& u) { close_day(api, c, u); }));
  router.del("/v1/offices/{id}/closures/{date}", authed(api, [&api](const Call& c, const User& u) {
               auto r = api.offices.reopen_day(c.params["id"], c.params["date"], u);
               if (!r) return error_response(c.res, r.error());
               c.res.status = 204;
             }));
  router.get("/v1/offices/{id}/slots",
             authed(api, [&api](const Call& c, const User&) { slots(api, c); }));
}

}  // namespace sdc::http
