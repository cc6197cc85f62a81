#include "http/audit_filter.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>

#include "sdc/registry/accounts.h"
#include "sdc/registry/registry.h"

namespace sdc::http {

namespace {

bool whole_number(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

std::expected<registry::AuditFilter, ParamError> parse_audit_filter(const QueryParams& params) {
  registry::AuditFilter f;
  f.order = registry::AuditFilter::Order::newest_first;
  f.limit = 100;
  auto bad = [](const char* field, const char* why) {
    return std::unexpected(ParamError{field, why});
  };
  static const char* const kKnown[] = {"holder", "user",  "action", "from",
                                       "to",     "after", "limit",  "order"};
  for (const auto& param : params) {
    const std::string& name = param.first;
    if (std::find_if(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return name == k; }) == std::end(kKnown))
      return std::unexpected(ParamError{name, "unknown parameter"});
  }
  auto value = [&](const char* name) -> const std::string* {
    auto it = params.lower_bound(name);  // the first of equal keys, as httplib reads it
    return it == params.end() || it->first != name ? nullptr : &it->second;
  };
  if (const std::string* holder = value("holder")) {
    f.holder_id = *holder;
    bool hex = f.holder_id.size() == 32 &&
               std::all_of(f.holder_id.begin(), f.holder_id.end(),
                           [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!hex) return bad("holder", "a holder id: 32 hexadecimal digits");
  }
  if (const std::string* user = value("user")) {
    f.actor = *user;
    if (!registry::valid_username(f.actor))
      return bad("user", "a user id: letters, digits, '.', '-', '_'");
  }
  if (const std::string* action = value("action")) {
    f.action = *action;
    const bool name = !f.action.empty() && f.action.size() <= 64 &&
                      std::all_of(f.action.begin(), f.action.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                      });
    if (!name) return bad("action", "an audit action: lower-case letters, digits and '_'");
  }
  for (const char* which : {"from", "to"}) {
    const std::string* text = value(which);
    if (!text) continue;
    auto t = parse_time(*text);
    if (!t) return bad(which, "a time: RFC 3339 (2026-01-31T00:00:00Z) or seconds since 1970");
    (std::string_view(which) == "from" ? f.from : f.to) = *t;
  }
  if (f.from && f.to && *f.from >= *f.to) return bad("to", "must be later than from");
  if (const std::string* after = value("after"); after && !whole_number(*after, f.after))
    return bad("after", "a sequence number (next_after of the previous page)");
  if (const std::string* limit = value("limit")) {
    std::uint64_t n = 0;
    if (!whole_number(*limit, n) || n < 1 || n > registry::Registry::kMaxAuditPage)
      return bad("limit", "a whole number from 1 to 1000");
    f.limit = static_cast<std::size_t>(n);
  }
  if (const std::string* order = value("order")) {
    if (*order == "oldest")
      f.order = registry::AuditFilter::Order::oldest_first;
    else if (*order != "newest")
      return bad("order", "newest or oldest");
  }
  return f;
}

}  // namespace sdc::http
