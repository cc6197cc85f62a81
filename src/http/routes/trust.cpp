#include "http/problem.h"
#include "http/routes/routes.h"
#include "sdc/crypto/crypto.h"
#include "sdc/util/bytes.h"

namespace sdc::http {

void add_trust_routes(Router& router, Api& api) {
  router.get("/status/validity", [&api](const Call& c) {
    auto list = api.registry.status_list();
    if (!list) return error_response(c.res, list.error());
    auto d = crypto::sha256(list->token);
    std::string etag = "\"" + hex_encode(ByteView(d.data(), d.size())) + "\"";
    c.res.set_header("ETag", etag);
    c.res.set_header("Cache-Control", "public, max-age=" + std::to_string(api.status_list_ttl));
    if (c.req.get_header_value("If-None-Match") == etag) {
      c.res.status = 304;
      return;
    }
    c.res.set_content(std::string(as_chars(list->token)), std::string(kStatusListContentType));
  });
  router.get("/trust/root.pem",
             [&api](const Call& c) { c.res.set_content(api.root_pem, "application/x-pem-file"); });
  router.get("/trust/signers.pem", [&api](const Call& c) {
    c.res.set_content(api.signers_pem, "application/x-pem-file");
  });
}

}  // namespace sdc::http
