#include "http/problem.h"
#include "http/routes/routes.h"

namespace sdc::http {

using registry::Accounts;

void add_session_routes(Router& router, Api& api) {
  router.post("/v1/login", [&api](const Call& c) {
    auto j = body_object(c.req, c.res);
    if (!j) return;
    auto username = str_field(*j, "username", c.res);
    if (!username) return;
    auto password = str_field(*j, "password", c.res);
    if (!password) return;
    auto r = api.accounts.login(*username, *password);
    if (!r) return error_response(c.res, r.error());
    if (r->outcome == Accounts::LoginOutcome::locked) {
      c.res.set_header("Retry-After", std::to_string(r->retry_after));
      return problem(c.res, 429, "too many failed logins; try again later");
    }
    if (r->outcome != Accounts::LoginOutcome::ok)
      return problem(c.res, 401, "wrong username or password");
    send_json(c.res, 200,
              {{"token", r->token},
               {"expires_at", format_time(r->expires_at)},
               {"role", registry::to_string(r->role)}});
  });
  router.post("/v1/logout", authed(api, [&api](const Call& c, const registry::User&) {
                auto r = api.accounts.logout(bearer_token(c.req));
                if (!r) return error_response(c.res, r.error());
                c.res.status = 204;
              }));
}

}  // namespace sdc::http
