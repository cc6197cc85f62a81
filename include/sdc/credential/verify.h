// Offline verification of a card's barcode (credential-v1 §5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sdc/credential/credential.h"
#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"

namespace sdc {

// In the order the checks run; exactly one is reported.
enum class VerifyResult {
  not_sdc,
  malformed,
  unsupported_algorithm,
  unknown_signer,
  untrusted_signer,
  bad_signature,
  not_yet_valid,
  expired,
  revoked,
  suspended,
  valid,
};
// The spec's names: "NOT_SDC", "MALFORMED", ..., "VALID".
const char* to_string(VerifyResult r);

struct Verification {
  VerifyResult result = VerifyResult::not_sdc;
  std::string detail;            // why, for a person
  std::optional<Claims> claims;  // present once the signature has checked
  StatusAnswer status;           // meaningful for VALID, REVOKED, SUSPENDED
};

// The message catalogue key that explains `v` in plain words:
// "verify.result.<RESULT>", or "verify.validity.UNKNOWN" for an authentic,
// unexpired card whose validity could not be checked.
std::string explanation_key(const Verification& v);

// Verifies `barcode` at `now`. `lists` may be null (validity is then
// UNKNOWN: no list given). Thread-safe for concurrent calls on const inputs.
Verification verify_barcode(std::string_view barcode, const TrustStore& trust,
                            const StatusListCache* lists, UnixTime now);

}  // namespace sdc
