// libFuzzer target for the barcode's outer encodings (sdc/bytes.h,
// sdc/zlib.h): base45_decode on the input as text and zlib_inflate on it as
// bytes with the barcode's 16 KiB cap. Both must return a value or an error,
// never crash, leak or read out of bounds, and:
//   - Base45 is canonical: text that decodes encodes back to itself, and any
//     bytes encode to text that decodes back to them;
//   - inflation never returns more than the cap, and what it returns
//     survives a compress/inflate round trip.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "sdc/util/bytes.h"
#include "sdc/credential/credential.h"
#include "sdc/util/zlib.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sdc::ByteView input(data, size);
  const std::string_view text = sdc::as_chars(input);

  if (auto decoded = sdc::base45_decode(text)) {
    if (sdc::base45_encode(*decoded) != text) __builtin_trap();
  }
  auto round = sdc::base45_decode(sdc::base45_encode(input));
  if (!round || !std::equal(round->begin(), round->end(), input.begin(), input.end()))
    __builtin_trap();

  constexpr std::size_t kCap = sdc::kMaxInflatedBarcode;  // 16 KiB
  if (auto inflated = sdc::zlib_inflate(input, kCap)) {
    if (inflated->size() > kCap) __builtin_trap();
    auto again = sdc::zlib_inflate(sdc::zlib_compress(*inflated), kCap);
    if (!again || *again != *inflated) __builtin_trap();
  } else if (inflated.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
