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
  if (auto ok = api.accounts.authorize(u, AdminAction::create_user); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  auto name = str_field(*j, "username", c.res);
  if (!name) return;
  auto pw = str_field(*j, "password", c.res);
  if (!pw) return;
  auto role_text = str_field(*j, "role", c.res);
  if (!role_text) return;
  auto role = registry::parse_role(*role_text);
  if (!role) return problem(c.res, 400, "role: unknown role", {{"role", "unknown role"}});
  std::string office_id;
  if (auto o = j->find("office_id"); o != j->end()) {
    if (!o->is_string())
      return problem(c.res, 400, "office_id: expected a string",
                     {{"office_id", "expected a string"}});
    office_id = o->get<std::string>();
  }
  auto made = api.accounts.create(*name, *pw, *role, &u, office_id);
  if (!made) {
    if (made.error().code == Errc::not_found)
      return problem(c.res, 400, "office_id: no such office", {{"office_id", "no such office"}});
    return error_response(c.res, made.error());
  }
  send_json(c.res, 201,
            {{"id", made->id},
             {"username", *name},
             {"role", registry::to_string(made->role)},
             {"office_id", made->office_id}});
}

void set_disabled(Api& api, const Call& c, const User& u) {
  const std::string& username = c.params["username"];
  // Which of the two the caller tries, if the body says, for the audit record.
  auto given = json::parse(c.req.body, nullptr, false);
  const bool enable = given.is_object() && given.contains("disabled") && given["disabled"] == false;
  if (auto ok = api.accounts.authorize(
          u, enable ? AdminAction::enable_user : AdminAction::disable_user, username);
      !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  if (!only_known_fields(*j, {"disabled"}, c.res)) return;
  auto d = j->find("disabled");
  if (d == j->end() || !d->is_boolean())
    return problem(c.res, 400, "disabled: expected true or false",
                   {{"disabled", "expected true or false"}});
  auto r = api.accounts.set_disabled(username, d->get<bool>(), u);
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, account_json(*r));
}

}  // namespace

void add_user_routes(Router& router, Api& api) {
  router.post("/v1/users",
              authed(api, [&api](const Call& c, const User& u) { create(api, c, u); }));
  router.get("/v1/users", authed(api, [&api](const Call& c, const User& u) {
               auto all = api.accounts.list(u);
               if (!all) return error_response(c.res, all.error());
               json arr = json::array();
               for (const auto& a : *all) arr.push_back(account_json(a));
               send_json(c.res, 200, {{"users", arr}});
             }));
  router.patch("/v1/users/{username}",
               authed(api, [&api](const Call& c, const User& u) { set_disabled(api, c, u); }));
}

}  // namespace sdc::http
