// libFuzzer target for the state file of a synced folder (sync.json,
// sdc/credential/sync_folder.h): parse_sync_state on arbitrary text. An
// error carries a message; a state it returns, written out by
// render_sync_state, reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sdc/credential/sync_folder.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(const sdc::SyncState& a, const sdc::SyncState& b) {
  return a.url == b.url && a.etag == b.etag && a.fetched_at == b.fetched_at &&
         a.list.uri == b.list.uri && a.list.iat == b.list.iat && a.list.exp == b.list.exp &&
         a.list.ttl == b.list.ttl;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = sdc::parse_sync_state(text);
  if (!state) {
    check(!state.error().message.empty());
    return 0;
  }
  auto again = sdc::parse_sync_state(sdc::render_sync_state(*state));
  check(again.has_value());
  check(same(*state, *again));
  return 0;
}
