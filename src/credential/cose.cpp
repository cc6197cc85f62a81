#include "sdc/credential/cose.h"

#include "sdc/cbor/cbor.h"
#include "sdc/credential/credential.h"

namespace sdc {
namespace {

constexpr std::uint64_t kCoseSign1Tag = 18;
constexpr std::int64_t kHeaderAlg = 1;
constexpr std::int64_t kHeaderKid = 4;
constexpr std::int64_t kHeaderContentType = 16;
constexpr std::int64_t kAlgEs256 = -7;

Error malformed(std::string m) { return Error{Errc::parse, "COSE_Sign1: " + std::move(m)}; }

// Reads the protected header map; unknown labels are skipped.
Result<void> read_protected(ByteView bytes, CoseSign1& out) {
  if (bytes.empty()) return {};  // h'' is the empty map
  cbor::Reader r(bytes);
  auto n = r.read_map();
  if (!n) return std::unexpected(malformed("protected header is not a map"));
  if (auto u = r.check_unique_keys(*n); !u) return std::unexpected(malformed(u.error().message));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto major = r.peek();
    if (!major) return std::unexpected(major.error());
    std::optional<std::int64_t> label;
    if (*major == cbor::Major::unsigned_int || *major == cbor::Major::negative_int) {
      auto l = r.read_int();
      if (!l) {
        if (auto s = r.skip(); !s) return s;
      } else {
        label = *l;
      }
    } else if (auto s = r.skip(); !s) {
      return s;
    }
    auto value_major = r.peek();
    if (!value_major) return std::unexpected(value_major.error());
    if (label == kHeaderAlg && (*value_major == cbor::Major::negative_int ||
                                *value_major == cbor::Major::unsigned_int)) {
      if (auto alg = r.read_int()) {
        out.alg_is_es256 = *alg == kAlgEs256;
      } else if (auto s = r.skip(); !s) {
        return s;
      }
    } else if (label == kHeaderKid && *value_major == cbor::Major::bytes) {
      out.kid = *r.read_bytes();
    } else if (label == kHeaderContentType && *value_major == cbor::Major::text) {
      out.content_type = *r.read_text();
    } else if (auto s = r.skip(); !s) {
      return s;
    }
  }
  if (!r.at_end()) return std::unexpected(malformed("bytes after the protected header"));
  return {};
}

}  // namespace

Result<CoseSign1> parse_cose_sign1(ByteView data) {
  cbor::Reader r(data);
  auto major = r.peek();
  if (!major) return std::unexpected(malformed("empty"));
  if (*major == cbor::Major::tag) {
    auto tag = r.read_tag();
    if (!tag) return std::unexpected(tag.error());
    if (*tag != kCoseSign1Tag)
      return std::unexpected(malformed("tag " + std::to_string(*tag) + " is not 18"));
  }
  auto n = r.read_array();
  if (!n || *n != 4) return std::unexpected(malformed("not an array of four items"));
  CoseSign1 out;
  auto prot = r.read_bytes();
  if (!prot) return std::unexpected(malformed("protected header is not a byte string"));
  out.protected_bytes = *prot;
  auto unprot = r.read_map();
  if (!unprot) return std::unexpected(malformed("unprotected header is not a map"));
  if (auto u = r.check_unique_keys(*unprot); !u) return std::unexpected(malformed(u.error().message));
  for (std::uint64_t i = 0; i < 2 * *unprot; ++i)
    if (auto s = r.skip(); !s) return std::unexpected(malformed(s.error().message));
  auto payload = r.read_bytes();
  if (!payload) return std::unexpected(malformed("payload is not a byte string"));
  out.payload = *payload;
  auto sig = r.read_bytes();
  if (!sig) return std::unexpected(malformed("signature is not a byte string"));
  out.signature = *sig;
  if (!r.at_end()) return std::unexpected(malformed("bytes after the COSE_Sign1 item"));
  if (auto p = read_protected(out.protected_bytes, out); !p)
    return std::unexpected(malformed(p.error().message));
  return out;
}

Bytes cose_sig_structure(ByteView protected_bytes, ByteView payload) {
  cbor::Writer w;
  w.array(4).text("Signature1").bytes(protected_bytes).bytes({}).bytes(payload);
  return std::move(w).take();
}

Result<Bytes> cose_sign1(ByteView payload, const Signer& signer,
                         std::optional<std::string_view> content_type) {
  cbor::Writer hdr;
  hdr.map(content_type ? 3 : 2).uint(kHeaderAlg).integer(kAlgEs256).uint(kHeaderKid).bytes(signer.kid);
  if (content_type) hdr.uint(kHeaderContentType).text(*content_type);
  const Bytes& prot = hdr.data();
  auto sig = signer.key.sign_es256(cose_sig_structure(prot, payload));
  if (!sig) return std::unexpected(sig.error());
  cbor::Writer w;
  w.tag(kCoseSign1Tag).array(4).bytes(prot).map(0).bytes(payload).bytes(*sig);
  return std::move(w).take();
}

}  // namespace sdc
