// libFuzzer target for the validity Status List Token (sdc/status_list.h):
// parse_status_list_token_unverified and load_status_list_token (against the
// vectors' trust store, fuzz_world.h) on arbitrary bytes. Both must return a
// value or an error, never crash, leak or read out of bounds; the list's
// inflation is capped at 64 MiB. A token that loads must also parse
// unverified to the same claims, and lookups at any index must stay inside
// the list.
#include <cstddef>
#include <cstdint>

#include "fuzz_world.h"
#include "sdc/credential/status_list.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)sdc::fuzz::world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& w = sdc::fuzz::world();
  const sdc::ByteView input(data, size);

  auto unverified = sdc::parse_status_list_token_unverified(input);
  if (unverified) {
    const auto& t = *unverified;
    if (t.list.size() == 0 || t.list.size() % 4 != 0) __builtin_trap();
    for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{t.list.size() - 1},
                                std::uint64_t{t.list.size()}, std::uint64_t{17}}) {
      auto a = sdc::lookup_status(t, t.claims.uri, index, t.claims.iat);
      if (a.validity == sdc::Validity::unknown && a.reason.empty()) __builtin_trap();
    }
  } else if (unverified.error().message.empty()) {
    __builtin_trap();
  }

  auto loaded = sdc::load_status_list_token(input, w.trust);
  if (loaded) {
    // Whatever the signature covers also parses without it.
    if (!unverified || unverified->claims.uri != loaded->claims.uri ||
        unverified->claims.iat != loaded->claims.iat ||
        unverified->claims.exp != loaded->claims.exp ||
        unverified->list.bytes() != loaded->list.bytes())
      __builtin_trap();
    sdc::StatusListCache cache;
    cache.offer(std::move(*loaded));
    (void)cache.find("https://sdc.example/status/7");
  } else if (loaded.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
