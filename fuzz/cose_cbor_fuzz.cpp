// libFuzzer target for the CBOR reader and the two decoders built on it
// (sdc/cbor.h, sdc/cose.h, sdc/credential.h): parse_cose_sign1,
// decode_claims and cbor::Reader::skip on the same arbitrary bytes. Each must
// return a value or an error, never crash, leak, read out of bounds or
// recurse without bound, and what they return must hold together:
//   - the views of a parsed COSE_Sign1 lie inside the input;
//   - claims that decode encode (preferred serialization) to bytes that
//     decode to the same claims;
//   - skip() consumes at least one byte per item and never passes the end,
//     and read_raw() returns exactly the bytes skip() consumes.
#include <cstddef>
#include <cstdint>

#include "sdc/cbor/cbor.h"
#include "sdc/credential/cose.h"
#include "sdc/credential/credential.h"

namespace {

bool inside(sdc::ByteView part, sdc::ByteView whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_claims(sdc::ByteView bytes) {
  auto claims = sdc::decode_claims(bytes);
  if (!claims) {
    if (claims.error().message.empty()) __builtin_trap();
    return;
  }
  auto again = sdc::decode_claims(sdc::encode_claims(*claims));
  if (!again || !(*again == *claims)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sdc::ByteView input(data, size);

  if (auto cose = sdc::parse_cose_sign1(input)) {
    if (!inside(cose->protected_bytes, input) || !inside(cose->payload, input) ||
        !inside(cose->signature, input))
      __builtin_trap();
    if (cose->kid && !inside(*cose->kid, cose->protected_bytes)) __builtin_trap();
    (void)sdc::cose_sig_structure(cose->protected_bytes, cose->payload);
    check_claims(cose->payload);
  }

  check_claims(input);

  sdc::cbor::Reader skipper(input);
  sdc::cbor::Reader raw_reader(input);
  while (!skipper.at_end()) {
    const std::size_t before = skipper.position();
    auto skipped = skipper.skip();
    auto raw = raw_reader.read_raw();
    if (skipped.has_value() != raw.has_value()) __builtin_trap();
    if (!skipped) break;
    if (skipper.position() <= before || skipper.position() > size) __builtin_trap();
    if (raw->data() != data + before || raw->size() != skipper.position() - before)
      __builtin_trap();
  }
  return 0;
}
