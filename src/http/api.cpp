#include "http/api.h"

#include "http/problem.h"

namespace sdc::http {

std::string_view bearer_token(const httplib::Request& req) {
  auto it = req.headers.find("Authorization");
  if (it == req.headers.end()) return {};
  std::string_view h = it->second;
  if (h.rfind("Bearer ", 0) != 0) return {};
  return h.substr(7);
}

RouteHandler authed(Api& api, AuthedHandler handler) {
  return [&api, handler = std::move(handler)](const Call& call) {
    auto token = bearer_token(call.req);
    if (token.empty()) return problem(call.res, 401, "a bearer token is required");
    auto user = api.accounts.authenticate(token);
    if (!user) return error_response(call.res, user.error());
    if (!*user) return problem(call.res, 401, "the token is unknown, expired or revoked");
    handler(call, **user);
  };
}

}  // namespace sdc::http
