// ECDSA P-256 keys held in a PKCS#11 token (an HSM, a smart card, SoftHSM2),
// named by a PKCS#11 URI (RFC 7512):
//
//   pkcs11:token=sdc;object=signer?module-path=/usr/lib/softhsm/libsofthsm2.so
//          &pin-source=file:/etc/sdc/token.pin
//
// module-path names the vendor's PKCS#11 library (required). The user PIN
// comes from pin-value, else from pin-source (a file, "file:" optional, first
// line), else from the SDC_PKCS11_PIN environment variable. The private key
// never leaves the token: it is made there with CKA_SENSITIVE true and
// CKA_EXTRACTABLE false, and only digests are sent to it for signing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace sdc::crypto {

inline constexpr const char* kPkcs11PinVariable = "SDC_PKCS11_PIN";

// A private key object in a token, with its public key. Copies share one
// logged-in token; sign_es256() may be called from several threads at once
// (each call borrows a session of its own from a pool).
class Pkcs11Key {
 public:
  // Logs in to the token the URI names and finds the one EC private key that
  // matches its object/id, and the public key with the same label or id.
  static Result<Pkcs11Key> open(std::string_view uri);
  // Makes a new P-256 key pair in the token, private key not extractable.
  // The URI must name the object (object= or id=); Errc::conflict if the
  // token already holds a private key by that name.
  static Result<Pkcs11Key> generate_p256(std::string_view uri);

  // ES256 over `message`: SHA-256 here, CKM_ECDSA in the token; returns
  // r||s (64 bytes).
  Result<Bytes> sign_es256(ByteView message) const;
  // The public key (owned by this object, valid while it lives).
  EVP_PKEY* public_key() const;
  // The URI given, without any pin-value: fit to store and to print.
  const std::string& uri() const;

  struct State;

 private:
  explicit Pkcs11Key(std::shared_ptr<State> s) : state_(std::move(s)) {}
  std::shared_ptr<State> state_;
};

// The URI with any pin-value attribute removed (Errc::parse if it is not a
// pkcs11: URI).
Result<std::string> pkcs11_uri_without_pin(std::string_view uri);

}  // namespace sdc::crypto
