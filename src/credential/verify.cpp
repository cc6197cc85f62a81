#include "sdc/credential/verify.h"

#include "sdc/credential/cose.h"
#include "sdc/util/zlib.h"

namespace sdc {

const char* to_string(VerifyResult r) {
  switch (r) {
    case VerifyResult::not_sdc:
      return "NOT_SDC";
    case VerifyResult::malformed:
      return "MALFORMED";
    case VerifyResult::unsupported_algorithm:
      return "UNSUPPORTED_ALGORITHM";
    case VerifyResult::unknown_signer:
      return "UNKNOWN_SIGNER";
    case VerifyResult::untrusted_signer:
      return "UNTRUSTED_SIGNER";
    case VerifyResult::bad_signature:
      return "BAD_SIGNATURE";
    case VerifyResult::not_yet_valid:
      return "NOT_YET_VALID";
    case VerifyResult::expired:
      return "EXPIRED";
    case VerifyResult::revoked:
      return "REVOKED";
    case VerifyResult::suspended:
      return "SUSPENDED";
    case VerifyResult::valid:
      return "VALID";
  }
  return "MALFORMED";
}

Verification verify_barcode(std::string_view barcode, const TrustStore& trust,
                            const StatusListCache* lists, UnixTime now) {
  Verification v;
  auto done = [&](VerifyResult r, std::string detail) {
    v.result = r;
    v.detail = std::move(detail);
    return std::move(v);
  };

  if (!barcode.starts_with(kBarcodePrefix))
    return done(VerifyResult::not_sdc, "the text does not start with SDC1:");
  auto compressed = base45_decode(barcode.substr(kBarcodePrefix.size()));
  if (!compressed) return done(VerifyResult::not_sdc, compressed.error().message);
  auto cose_bytes = zlib_inflate(*compressed, kMaxInflatedBarcode);
  if (!cose_bytes) return done(VerifyResult::malformed, cose_bytes.error().message);
  auto cose = parse_cose_sign1(*cose_bytes);
  if (!cose) return done(VerifyResult::malformed, cose.error().message);
  auto claims = decode_claims(cose->payload);
  if (!claims) return done(VerifyResult::malformed, "claims: " + claims.error().message);

  if (!cose->alg_is_es256)
    return done(VerifyResult::unsupported_algorithm,
                "the protected header does not name ES256 (-7)");
  if (!cose->kid) return done(VerifyResult::unknown_signer, "the protected header has no kid");
  const TrustedSigner* signer = trust.find(*cose->kid);
  if (!signer)
    return done(VerifyResult::unknown_signer,
                "no certificate in the signer bundle has kid " + hex_encode(*cose->kid));
  if (auto why = TrustStore::check_at(*signer, claims->iat); !why.empty())
    return done(VerifyResult::untrusted_signer, why);
  if (claims->exp - claims->iat > kMaxCardValidity)
    return done(VerifyResult::untrusted_signer, "the card claims more than 3,653 days of validity");
  if (!signer->verifier->verify(cose_sig_structure(cose->protected_bytes, cose->payload),
                                cose->signature))
    return done(VerifyResult::bad_signature, "the signature does not verify");

  v.claims = std::move(*claims);
  const Claims& c = *v.claims;
  if (c.iat > now + kClockSkew)
    return done(VerifyResult::not_yet_valid, "issued at " + format_time(c.iat) + ", in the future");
  if (now >= c.exp) return done(VerifyResult::expired, "expired at " + format_time(c.exp));

  const StatusListToken* list = lists ? lists->find(c.status_uri) : nullptr;
  if (!list) {
    v.status.reason = "no validity list for " + c.status_uri + " was given";
  } else {
    v.status = lookup_status(*list, c.status_uri, c.status_index, now);
  }
  switch (v.status.validity) {
    case Validity::invalid:
      return done(VerifyResult::revoked, "the validity list marks the card invalid");
    case Validity::suspended:
      return done(VerifyResult::suspended, "the validity list marks the card suspended");
    case Validity::valid:
      return done(VerifyResult::valid, "authentic, and valid per the list");
    case Validity::unknown:
      break;
  }
  return done(VerifyResult::valid, "authentic; validity unknown: " + v.status.reason);
}

std::string explanation_key(const Verification& v) {
  if (v.result == VerifyResult::valid && v.status.validity == Validity::unknown)
    return "verify.validity.UNKNOWN";
  return std::string("verify.result.") + to_string(v.result);
}

}  // namespace sdc
