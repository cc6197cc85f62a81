// The card's claims (credential-v1 §3), their CBOR encoding, and issuance:
// COSE_Sign1 with ES256, zlib, Base45, "SDC1:" prefix.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "sdc/credential/mrz.h"
#include "sdc/crypto/crypto.h"
#include "sdc/crypto/signing_key.h"
#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"

namespace sdc {

inline constexpr std::string_view kBarcodePrefix = "SDC1:";
inline constexpr std::size_t kMaxInflatedBarcode = 16 * 1024;
inline constexpr UnixTime kMaxCardValidity = 3653LL * 86400;
inline constexpr UnixTime kClockSkew = 5 * 60;
inline constexpr std::string_view kDefaultStatusUri = "https://sdc.invalid/status/1";

// The `sdc` map (claim -65537). JSON names are those of the spec.
struct Holder {
  std::string document_number;  // 9 chars: digits and capitals but I, O, Q
  std::string a_number;         // 9 digits
  std::string family_name;
  std::string given_names;
  std::string date_of_birth;       // YYYY-MM-DD, unknown parts XX
  std::string sex;                 // F, M or X
  std::string nationality;         // ICAO code, 1-3 letters
  Bytes portrait_sha256;           // SHA-256 of the enrolled portrait file (32 bytes)
  std::optional<Bytes> thumbnail;  // grayscale JPEG, <= 500 bytes
  std::uint64_t card_version = 1;
  std::string issuing_office;  // <= 8 chars

  bool operator==(const Holder&) const = default;
};

struct Claims {
  std::string iss;  // ICAO code of the issuing state
  UnixTime iat = 0;
  UnixTime exp = 0;  // 00:00:00 UTC of the day after the printed expiry date
  std::uint64_t status_index = 0;
  std::string status_uri;
  Holder holder;

  bool operator==(const Claims&) const = default;
};

// CBOR with preferred serialization.
Bytes encode_claims(const Claims& claims);
// Checks presence and CBOR type of every required claim and field; ignores
// unknown keys; refuses duplicates and indefinite lengths (Errc::parse).
Result<Claims> decode_claims(ByteView payload);

// The key that signs cards and status lists, with its certificate. The key
// is a file key or one in a PKCS#11 token (docs/KEYS.md).
struct Signer {
  crypto::SigningKey key;
  crypto::Certificate cert;
  Bytes kid;  // cert.kid(), cached
};
Result<Signer> load_signer(const std::filesystem::path& key_pem,
                           const std::filesystem::path& cert_pem);
// The signer whose private key is in the token `pkcs11_uri` names (see
// crypto/pkcs11.h for the URI and the PIN); fails unless the token's key is
// the certificate's.
Result<Signer> load_token_signer(std::string_view pkcs11_uri,
                                 const std::filesystem::path& cert_pem);

// Validates issuer rules (field formats, validity <= 3,653 days) and
// returns the barcode text "SDC1:" + Base45(zlib(COSE_Sign1)).
Result<std::string> issue_barcode(const Claims& claims, const Signer& signer);

// Issuer-side checks of the holder fields (the spec's "rule for issuers");
// Errc::invalid_argument whose message has a line per bad field, each
// naming the field and saying why ("sex: F, M or X").
Result<void> validate_holder(const Holder& holder);

// Accepts an A-number as typed in practice ("A123-456-789", "a 12345678",
// the old 8-digit form takes a leading 0) and returns its 9 digits.
Result<std::string> normalize_a_number(std::string_view typed);

// The printed expiry date (YYYY-MM-DD): the day before `exp`.
std::string printed_expiry_date(UnixTime exp);
// `exp` for a card valid for `days` days counted from the day of `iat`:
// midnight UTC `days` days after that day (so exp - iat <= days * 86400).
UnixTime expiry_for(UnixTime iat, int days);

// A fresh document number: 9 characters from digits and capitals other
// than I, O and Q.
std::string new_document_number(Random& random);

// The card's TD1 MRZ (credential-v1 §7): document code ID, the holder's
// fields, the printed expiry date, "A" + A-number as optional data 1.
Result<MrzLines> card_mrz(const Claims& claims);

// JSON with the spec's names: document_number, a_number, family_name,
// given_names, date_of_birth, sex, nationality, portrait_sha256 (hex),
// thumbnail (base64, only when present), card_version, issuing_office.
nlohmann::json holder_to_json(const Holder& holder);
// Claims as JSON: iss, issued_at, expires_at (RFC 3339), status_index,
// status_uri and holder.
nlohmann::json claims_to_json(const Claims& claims);
// Reads what holder_to_json writes; unknown keys are ignored. Fails with
// the name of the first missing or mistyped field.
Result<Holder> holder_from_json(const nlohmann::json& j);
Result<Claims> claims_from_json(const nlohmann::json& j);

}  // namespace sdc
