// COSE_Sign1 (RFC 9052) with ES256, as used by cards and status lists.
#pragma once

#include <optional>
#include <string_view>

#include "sdc/util/bytes.h"

namespace sdc {

struct Signer;

// Views into the decoded bytes, which must outlive this.
struct CoseSign1 {
  ByteView protected_bytes;  // the serialized protected header (bstr content)
  ByteView payload;
  ByteView signature;
  // From the protected header only.
  bool alg_is_es256 = false;
  std::optional<ByteView> kid;
  std::optional<std::string_view> content_type;  // header 16
};

// Structure errors (Errc::parse): not an array of four, wrong types, a tag
// other than 18, bytes after the item, a protected header that is not a
// CBOR map. A missing or unexpected `alg` is reported through alg_is_es256.
Result<CoseSign1> parse_cose_sign1(ByteView data);

// ["Signature1", protected, h'', payload] as CBOR.
Bytes cose_sig_structure(ByteView protected_bytes, ByteView payload);

// Builds tag 18 COSE_Sign1 with protected {1: -7, 4: kid[, 16: content_type]}.
Result<Bytes> cose_sign1(ByteView payload, const Signer& signer,
                         std::optional<std::string_view> content_type = std::nullopt);

}  // namespace sdc
