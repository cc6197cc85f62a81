// What every route of sdcd works with: the domain objects, the trust
// material and the service's shared state. Server owns all of it and hands
// the routes one Api; it outlives every request. Internal to the http module.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "http/live_status_list.h"
#include "http/metrics.h"
#include "http/router.h"
#include "sdc/credential/trust.h"
#include "sdc/i18n/catalogues.h"
#include "sdc/registry/accounts.h"
#include "sdc/registry/check_ins.h"
#include "sdc/registry/hearings.h"
#include "sdc/registry/holder_logins.h"
#include "sdc/registry/offices.h"
#include "sdc/registry/registry.h"
#include "sdc/registry/scheduling.h"
#include "sdc/util/clock.h"

namespace sdc::http {

struct Api {
  registry::Registry& registry;
  registry::Accounts& accounts;
  registry::Offices& offices;
  registry::Scheduling& scheduling;
  const Clock& clock;
  const TrustStore& trust;
  LiveStatusList& status_list;
  Metrics& metrics;
  const std::string& root_pem;     // served at /trust/root.pem
  const std::string& signers_pem;  // served at /trust/signers.pem
  const std::string& openapi;      // served at /openapi.yaml
  std::uint64_t status_list_ttl;   // seconds verifiers may cache the list
  registry::Hearings& hearings;
  const registry::TimeZones& time_zones;  // the zones offices and court calendars name
  registry::HolderLogins& holder_logins;
  const i18n::Catalogues& catalogues;  // holder-facing texts in five languages
  registry::CheckIns& check_ins;
  bool https = false;  // served over TLS: cookies are Secure, pages send HSTS
  // Recomputes the audit chain and holds it against the signed checkpoints
  // (registry::verify_audit). It reads the whole trail and checks no role:
  // a route authorizes the caller for Action::read_audit first.
  std::function<Result<registry::AuditReport>()> check_audit_chain = {};
};

using AuthedHandler = std::function<void(const Call&, const registry::User&)>;

// A route for signed-in callers: the bearer token of the Authorization
// header is checked first (401 without a live session), then `handler` runs
// with the user. What the user may do is decided by the domain.
RouteHandler authed(Api& api, AuthedHandler handler);

// The bearer token of the request, empty when there is none.
std::string_view bearer_token(const httplib::Request& req);

}  // namespace sdc::http
