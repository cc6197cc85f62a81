#include "sdc/credential/verify.h"

#include "http/card_check.h"
#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/views.h"
#include "sdc/util/bytes.h"

namespace sdc::http {

using json = nlohmann::json;
using registry::Action;

namespace {

json cardholder_json(const registry::CardholderView& v) {
  const Holder& h = v.holder;
  json j = {{"document_number", h.document_number},
            {"family_name", h.family_name},
            {"given_names", h.given_names}};
  if (v.identity_shown) {
    j["date_of_birth"] = h.date_of_birth;
    j["sex"] = h.sex;
    j["nationality"] = h.nationality;
    j["portrait_sha256"] = hex_encode(h.portrait_sha256);
    if (h.thumbnail) j["thumbnail"] = base64_encode(*h.thumbnail);
    j["card_version"] = h.card_version;
    j["issuing_office"] = h.issuing_office;
  }
  if (v.a_number_shown) j["a_number"] = h.a_number;
  return j;
}

}  // namespace

void add_verify_routes(Router& router, Api& api) {
  router.post("/v1/verify", authed(api, [&api](const Call& c, const registry::User& user) {
                // Refused (and audited) before the request is read.
                if (auto ok = api.registry.authorize(user, Action::verify_card); !ok)
                  return error_response(c.res, ok.error());
                auto j = body_object(c.req, c.res);
                if (!j) return;
                auto barcode = presented_barcode(*j, c.res);
                if (!barcode) return;
                auto v = verify_presented(api, *barcode);
                std::string result = to_string(v.result);
                json out = {{"result", result}, {"detail", v.detail}};
                out["validity"] = to_string(v.status.validity);
                if (v.status.as_of) out["status_as_of"] = format_time(*v.status.as_of);
                if (v.claims) {
                  out["holder"] =
                      cardholder_json(registry::cardholder_view_for(user.role, v.claims->holder));
                  out["issued_at"] = format_time(v.claims->iat);
                  out["expires_at"] = format_time(v.claims->exp);
                }
                // Every verification is audited, a forged or unreadable card's
                // too, with the online extras for a card the registry knows.
                // Nothing is answered unless its audit record is durable.
                auto online = api.registry.record_verification(
                    user, v.claims ? v.claims->holder.document_number : "", result);
                if (!online) return error_response(c.res, online.error());
                if (*online) out["case_status"] = case_json(**online);
                send_json(c.res, 200, out);
              }));
}

}  // namespace sdc::http
