#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;
using registry::User;

namespace {

std::optional<registry::ReissueReason> reissue_reason(const std::string& text) {
  using R = registry::ReissueReason;
  for (R r : {R::lost, R::stolen, R::damaged, R::data_changed})
    if (text == registry::to_string(r)) return r;
  return std::nullopt;
}

void reissue(Api& api, const Call& c, const User& u) {
  const std::string& doc = c.params["document_number"];
  if (auto ok = api.registry.authorize(u, Action::reissue_card, "card " + doc); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  auto reason = str_field(*j, "reason", c.res);
  if (!reason) return;
  auto rr = reissue_reason(*reason);
  if (!rr)
    return problem(c.res, 400, "reason: one of lost, stolen, damaged, data_changed",
                   {{"reason", "one of lost, stolen, damaged, data_changed"}});
  auto card = api.registry.get_card(u, doc);
  if (!card) return error_response(c.res, card.error());
  auto r = api.registry.reissue_card(u, card->holder_id, *rr);
  api.status_list.changed();
  if (!r) return error_response(c.res, r.error());
  json out = card_json(r->card);
  out["issued"] = r->issued.to_json();
  send_json(c.res, 201, out);
}

// Revoke, suspend or lift a suspension.
using StateChange = Result<registry::CardRecord> (registry::Registry::*)(const User&,
                                                                         const std::string&,
                                                                         std::string_view);
struct CardStateRoute {
  const char* path;
  Action action;
  StateChange change;
};

void change_state(Api& api, const Call& c, const User& u, const CardStateRoute& route) {
  const std::string& doc = c.params["document_number"];
  if (auto ok = api.registry.authorize(u, route.action, "card " + doc); !ok)
    return error_response(c.res, ok.error());
  auto j = body_object(c.req, c.res);
  if (!j) return;
  auto reason = str_field(*j, "reason", c.res, false);
  if (!reason) return;
  auto r = (api.registry.*route.change)(u, doc, *reason);
  api.status_list.changed();
  if (!r) return error_response(c.res, r.error());
  send_json(c.res, 200, card_json(*r));
}

}  // namespace

void add_card_routes(Router& router, Api& api) {
  router.post("/v1/holders/{id}/cards", authed(api, [&api](const Call& c, const User& u) {
                auto r = api.registry.issue_card(u, c.params["id"]);
                api.status_list.changed();
                if (!r) return error_response(c.res, r.error());
                json out = card_json(r->card);
                out["issued"] = r->issued.to_json();
                send_json(c.res, 201, out);
              }));
  router.post("/v1/cards/{document_number}/reissue",
              authed(api, [&api](const Call& c, const User& u) { reissue(api, c, u); }));
  static constexpr CardStateRoute kChanges[] = {
      {"/v1/cards/{document_number}/revoke", Action::revoke_card, &registry::Registry::revoke_card},
      {"/v1/cards/{document_number}/suspend", Action::suspend_card,
       &registry::Registry::suspend_card},
      {"/v1/cards/{document_number}/lift-suspension", Action::lift_suspension,
       &registry::Registry::lift_suspension}};
  for (const CardStateRoute& route : kChanges)
    router.post(route.path, authed(api, [&api, &route](const Call& c, const User& u) {
                  change_state(api, c, u, route);
                }));
}

}  // namespace sdc::http
