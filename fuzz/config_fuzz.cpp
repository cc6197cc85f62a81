// libFuzzer target for sdcd's settings file (sdc/http/config.h):
// parse_config on arbitrary text. It must return settings or an error with
// a message, never throw, crash, hang or leak; and settings it returns must
// come back unchanged from the file render_config writes for them (the
// conninfo only when it carries no password, the TLS files only as a pair).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "sdc/http/config.h"

namespace {

bool same(const sdc::http::Config& a, const sdc::http::Config& b) {
  if (a.base_url != b.base_url || a.listen != b.listen || a.threads != b.threads ||
      a.store != b.store || a.status_list_size != b.status_list_size ||
      a.status_list_ttl != b.status_list_ttl || a.card_validity_days != b.card_validity_days ||
      a.openapi_path != b.openapi_path || a.tls() != b.tls())
    return false;
  if (a.tls() && (a.tls_cert != b.tls_cert || a.tls_key != b.tls_key)) return false;
  if (!sdc::http::conninfo_has_password(a.postgres) && a.postgres != b.postgres) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sdc::http::parse_config(text, "fuzz.toml", "/srv/sdcd");
  if (!parsed) {
    if (parsed.error().message.empty()) __builtin_trap();
    return 0;
  }
  auto again = sdc::http::parse_config(sdc::http::render_config(*parsed), "again.toml", "/other");
  if (!again || !same(*parsed, *again)) {
    std::fprintf(stderr, "round trip failed: %s\n--- rendered:\n%s\n",
                 again ? "settings differ" : again.error().message.c_str(),
                 sdc::http::render_config(*parsed).c_str());
    __builtin_trap();
  }
  // Checking the whole never throws either, whatever it decides.
  if (auto v = sdc::http::validate_config(*parsed); !v && v.error().message.empty())
    __builtin_trap();
  return 0;
}
