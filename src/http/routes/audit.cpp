#include "http/audit_filter.h"
#include "http/problem.h"
#include "http/routes/routes.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::User;

namespace {

void query(Api& api, const Call& c, const User& u) {
  auto filter = parse_audit_filter(c.req.params);
  if (!filter) {
    // A caller who may not read the trail is refused (and audited) first.
    if (auto ok = api.registry.authorize(u, Action::read_audit); !ok)
      return error_response(c.res, ok.error());
    std::string detail = filter.error().field + ": " + filter.error().message;
    return problem(c.res, 400, detail, {{filter.error().field, filter.error().message}});
  }
  auto events = api.registry.audit_query(u, *filter);
  if (!events) return error_response(c.res, events.error());
  json arr = json::array();
  for (const auto& e : *events)
    arr.push_back({{"seq", e.seq},
                   {"at", format_time(e.at)},
                   {"user", e.actor},
                   {"role", e.role},
                   {"action", e.action},
                   {"holder_id", e.holder_id},
                   {"outcome", e.outcome},
                   {"detail", e.detail}});
  json out = {{"events", arr}};
  // A full page may have more after it: pass next_after as `after`.
  out["next_after"] = events->size() == filter->limit ? json(events->back().seq) : json();
  send_json(c.res, 200, out);
}

}  // namespace

void add_audit_routes(Router& router, Api& api) {
  router.get("/v1/audit", authed(api, [&api](const Call& c, const User& u) { query(api, c, u); }));
}

}  // namespace sdc::http
