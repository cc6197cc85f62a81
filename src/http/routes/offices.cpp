#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
#include "sdc/registry/admin_audit.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::AdminAction;
using registry::User;

namespace {

void create(Api& api, const Call& c, const User& u) {
  if (auto ok = api.offices.authorize(u, AdminAction::create_office); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"name", "address", "time_zone", "phone"}, c.res)) return;
  auto name = str_field(*j, "name", c.res);
  if (!name) return;
  auto address = str_field(*j, "address", c.res, false);
  if (!address) return;
  auto tz = str_field(*j, "time_zone", c.res);
  if (!tz) return;
  auto phone = str_field(*j, "phone", c.res, false);
  if (!phone) return;
  auto r = api.offices.create({*name, *address, *tz, *phone}, &u);
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

}  // namespace

// Every signed-in role may read the offices: they are where holders report.
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
}

}  // namespace sdc::http
