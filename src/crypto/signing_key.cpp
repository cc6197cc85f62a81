#include "sdc/crypto/signing_key.h"

namespace sdc::crypto {

Result<Bytes> SigningKey::sign_es256(ByteView message) const {
  return std::visit([&](const auto& k) { return k.sign_es256(message); }, key_);
}

EVP_PKEY* SigningKey::public_key() const {
  if (const auto* k = file_key()) return k->get();
  return std::get<Pkcs11Key>(key_).public_key();
}

}  // namespace sdc::crypto
