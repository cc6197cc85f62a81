// libFuzzer target for the whole verifier (sdc/verify.h): verify_barcode on
// arbitrary text, against the vectors' trust store and validity list
// (fuzz_world.h). It must report exactly one result for any text, never
// crash, leak or read out of bounds, and keep its own promises: claims only
// once the signature has checked, a status answer only with them.
//
// A mutation of the barcode text almost never survives Base45 and zlib, so a
// custom mutator also decodes the input when it is an SDC1 barcode, mutates
// the COSE bytes inside, and encodes the result again: the COSE, CBOR, claims,
// trust and status code behind the envelope sees mutated structures too. The
// inputs (and any crash file) stay plain barcode text.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_world.h"
#include "sdc/credential/verify.h"
#include "sdc/util/zlib.h"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)sdc::fuzz::world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& w = sdc::fuzz::world();
  const std::string_view text = sdc::as_chars({data, size});
  auto v = sdc::verify_barcode(text, w.trust, &w.lists, w.now);

  using sdc::VerifyResult;
  const bool authentic = v.result >= VerifyResult::not_yet_valid;
  // Claims are reported exactly when the signature has checked.
  if (authentic != v.claims.has_value()) __builtin_trap();
  // Every outcome says why.
  if (v.detail.empty()) __builtin_trap();
  // A list's answer, and only for cards that got as far as the list.
  if (v.status.validity != sdc::Validity::unknown && v.result != VerifyResult::valid &&
      v.result != VerifyResult::revoked && v.result != VerifyResult::suspended)
    __builtin_trap();
  if (v.result == VerifyResult::revoked && v.status.validity != sdc::Validity::invalid)
    __builtin_trap();
  if (v.result == VerifyResult::suspended && v.status.validity != sdc::Validity::suspended)
    __builtin_trap();
  // Text without the prefix is NOT_SDC, whatever follows.
  if (!text.starts_with(sdc::kBarcodePrefix) && v.result != VerifyResult::not_sdc) __builtin_trap();
  (void)sdc::to_string(v.result);
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  // Half the time, or when the input is no decodable barcode, mutate the text.
  const std::string_view text = sdc::as_chars({data, size});
  if (seed % 2 == 0 || !text.starts_with(sdc::kBarcodePrefix))
    return LLVMFuzzerMutate(data, size, max_size);
  auto compressed = sdc::base45_decode(text.substr(sdc::kBarcodePrefix.size()));
  if (!compressed) return LLVMFuzzerMutate(data, size, max_size);
  auto inner = sdc::zlib_inflate(*compressed, sdc::kMaxInflatedBarcode);
  if (!inner || inner->empty()) return LLVMFuzzerMutate(data, size, max_size);

  sdc::Bytes cose = std::move(*inner);
  const std::size_t used = cose.size();
  cose.resize(used + 64 + used / 4);  // room to grow
  cose.resize(LLVMFuzzerMutate(cose.data(), used, cose.size()));
  const std::string out =
      std::string(sdc::kBarcodePrefix) + sdc::base45_encode(sdc::zlib_compress(cose));
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
