#include "http/card_check.h"
#include "http/portal_input.h"
#include "http/problem.h"
#include "http/routes/routes.h"
#include "http/verify_answer.h"

namespace sdc::http {

using registry::Action;

void add_verify_routes(Router& router, Api& api) {
  router.post("/v1/verify", authed(api, [&api](const Call& c, const registry::User& user) {
                // Refused (and audited) before the request is read.
                if (auto ok = api.registry.authorize(user, Action::verify_card); !ok)
                  return error_response(c.res, ok.error());
                auto j = body_object(c.req, c.res);
                if (!j) return;
                auto barcode = presented_barcode(*j, c.res);
                if (!barcode) return;
                std::string language = portal::page_language(c.req);
                if (j->contains("language")) {
                  auto l = str_field(*j, "language", c.res);
                  if (!l) return;
                  language = *l;
                }
                auto out = verification_answer(api, user, *barcode, language);
                if (!out) return error_response(c.res, out.error());
                send_json(c.res, 200, *out);
              }));
}

}  // namespace sdc::http
