// The key that makes ES256 signatures: a private key file loaded into memory
// (the default) or a key that stays inside a PKCS#11 token.
#pragma once

#include <variant>

#include "sdc/crypto/crypto.h"
#include "sdc/crypto/pkcs11.h"

namespace sdc::crypto {

// Thread-safe like the key it holds (const methods only).
class SigningKey {
 public:
  SigningKey(PrivateKey key) : key_(std::move(key)) {}  // NOLINT: a file key is a signing key
  SigningKey(Pkcs11Key key) : key_(std::move(key)) {}   // NOLINT: so is a token key

  // r||s (64 bytes) over SHA-256(message), in memory or in the token.
  Result<Bytes> sign_es256(ByteView message) const;
  // The public half (owned by this object).
  EVP_PKEY* public_key() const;
  // The file key, or nullptr when the key is in a token.
  const PrivateKey* file_key() const { return std::get_if<PrivateKey>(&key_); }
  // The token key, or nullptr for a file key.
  const Pkcs11Key* token_key() const { return std::get_if<Pkcs11Key>(&key_); }

 private:
  std::variant<PrivateKey, Pkcs11Key> key_;
};

}  // namespace sdc::crypto
