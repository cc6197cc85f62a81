#include "http/routes/routes.h"

namespace sdc::http {

void add_service_routes(Router& router, Api& api) {
  router.get("/healthz",
             [](const Call& c) { c.res.set_content("{\"status\":\"ok\"}", "application/json"); });
  router.get("/metrics", [&api](const Call& c) {
    c.res.set_content(api.metrics.render(api.registry.audit_batcher()),
                      "text/plain; version=0.0.4");
  });
  router.get("/openapi.yaml",
             [&api](const Call& c) { c.res.set_content(api.openapi, "application/yaml"); });
}

}  // namespace sdc::http
