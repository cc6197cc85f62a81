// libFuzzer target for the query parameters of GET /v1/audit
// (src/http/audit_filter.h). The input is a query string, split on '&' and
// the first '=' as a server would (without percent-decoding, so that every
// byte reaches the parser). parse_audit_filter must return a filter or the
// parameter at fault with a reason, never throw, crash or hang; a filter it
// returns keeps its promises (a page of 1 to 1000, a 32-digit holder id,
// an action of lower-case letters, digits and '_', from before to).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/audit_filter.h"
#include "sdc/registry/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  sdc::http::QueryParams params;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = pair.find('=');
    params.emplace(std::string(pair.substr(0, eq)),
                   eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
  }
  auto f = sdc::http::parse_audit_filter(params);
  if (!f) {
    if (f.error().message.empty()) __builtin_trap();
    if (!params.contains(f.error().field)) __builtin_trap();  // names a parameter given
    return 0;
  }
  if (f->limit < 1 || f->limit > sdc::registry::Registry::kMaxAuditPage) __builtin_trap();
  if (!f->holder_id.empty() && f->holder_id.size() != 32) __builtin_trap();
  for (char c : f->holder_id)
    if (!std::isxdigit(static_cast<unsigned char>(c))) __builtin_trap();
  if (f->action.size() > 64) __builtin_trap();
  for (char c : f->action)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      __builtin_trap();
  if (f->from && f->to && *f->from >= *f->to) __builtin_trap();
  return 0;
}
