// The query parameters of GET /v1/audit, read into a registry::AuditFilter.
// Internal to the http module; a free function so that it can be tested and
// fuzzed without a server.
#pragma once

#include <expected>
#include <map>
#include <string>

#include "sdc/registry/store.h"

namespace sdc::http {

// A request's query parameters, as cpp-httplib keeps them (httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

// The first parameter that is wrong, and why.
struct ParamError {
  std::string field;
  std::string message;
};

// holder (32 hex digits), user (a user id), action (an audit action such
// as verify_card: lower-case letters, digits, '_'), from and to (RFC 3339 or
// seconds since 1970; from < to), after (a sequence number), limit (1 to
// Registry::kMaxAuditPage, default 100), order (newest, the default, or
// oldest). Any other name is an error. When a name is repeated, the first
// value counts. Never throws.
std::expected<registry::AuditFilter, ParamError> parse_audit_filter(const QueryParams& params);

}  // namespace sdc::http
