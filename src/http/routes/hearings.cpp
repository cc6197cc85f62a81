// Court hearings: the court calendar's import, and a holder's hearings.
// docs/HEARINGS.md has the calendar's format.
#include "sdc/registry/hearings.h"

#include <string_view>

#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
#include "sdc/registry/hearing_import.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::User;

namespace {

json summary_json(const registry::ImportSummary& s) {
  json rejected = json::array();
  for (const auto& r : s.rejected) rejected.push_back({{"line", r.line}, {"reasons", r.reasons}});
  return {{"rows", s.rows},      {"added", s.added},         {"changed", s.changed},
          {"moved", s.moved},    {"unchanged", s.unchanged}, {"unmatched", s.unmatched},
          {"rejected", rejected}};
}

// text/csv or application/json (parameters such as charset ignored).
std::optional<registry::CalendarFormat> format_of(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (type == "text/csv") return registry::CalendarFormat::csv;
  if (type == "application/json") return registry::CalendarFormat::json;
  return std::nullopt;
}

void import(Api& api, const Call& c, const User& u) {
  // Refused before the calendar is read.
  if (auto ok = api.hearings.authorize(u, Action::import_hearings); !ok)
    return error_response(c.res, ok.error());
  auto format = format_of(c.req);
  if (!format)
    return problem(c.res, 415, "a court calendar is sent as text/csv or application/json");
  auto parsed = registry::parse_calendar(c.req.body, *format, api.time_zones);
  if (!parsed) {
    const Error& e = parsed.error();
    if (e.code == Errc::limit) return problem(c.res, 413, e.message);
    if (e.code == Errc::parse)
      return problem(c.res, 400, "the court calendar cannot be read: " + e.message,
                     {{"calendar", e.message}});
    return error_response(c.res, e);
  }
  auto done = api.hearings.import(*parsed, u);
  if (!done) return error_response(c.res, done.error());
  send_json(c.res, 200, summary_json(*done));
}

void list(Api& api, const Call& c, const User& u, const std::string& id);

void of_holder(Api& api, const Call& c, const User& u) {
  // Officers' route: a holder's session is refused (audited), even for its
  // own record, which it reads at /v1/me/hearings.
  if (registry::own_holder_id(u))
    if (auto ok = api.registry.authorize(u, Action::read_hearings); !ok)
      return error_response(c.res, ok.error());
  list(api, c, u, c.params["id"]);
}

void list(Api& api, const Call& c, const User& u, const std::string& id) {
  const std::string next = c.req.get_param_value("next");
  if (!next.empty() && next != "1" && next != "true" && next != "0" && next != "false")
    return problem(c.res, 400, "next: 1 or true for the next hearing only",
                   {{"next", "expected 1, true, 0 or false"}});
  if (next == "1" || next == "true") {
    auto r = api.hearings.next_for_holder(id, u, api.clock.now());
    if (!r) return error_response(c.res, r.error());
    json arr = json::array();
    if (*r) arr.push_back(hearing_json(**r));
    return send_json(c.res, 200, {{"holder_id", id}, {"hearings", arr}});
  }
  auto r = api.hearings.for_holder(id, u);
  if (!r) return error_response(c.res, r.error());
  json arr = json::array();
  for (const auto& h : *r) arr.push_back(hearing_json(h));
  send_json(c.res, 200, {{"holder_id", id}, {"hearings", arr}});
}

}  // namespace

void add_hearing_routes(Router& router, Api& api) {
  router.post("/v1/hearings/import",
              authed(api, [&api](const Call& c, const User& u) { import(api, c, u); }));
  router.get("/v1/holders/{id}/hearings",
             authed(api, [&api](const Call& c, const User& u) { of_holder(api, c, u); }));
  // Every hearing of the signed-in holder (a holder's session).
  router.get("/v1/me/hearings", authed(api, [&api](const Call& c, const User& u) {
               if (auto ok = api.registry.authorize(u, Action::read_own_record); !ok)
                 return error_response(c.res, ok.error());
               if (auto own = registry::own_holder_id(u)) list(api, c, u, *own);
             }));
}

}  // namespace sdc::http
