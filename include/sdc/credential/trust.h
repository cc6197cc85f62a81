// The verifier's trust: one root certificate and a bundle of document-signer
// certificates (credential-v1 §4). Chains and signer properties are checked
// once, when the store is built; per card only a lookup and a time window
// remain.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/crypto/crypto.h"

namespace sdc {

struct TrustedSigner {
  crypto::Certificate cert;
  Bytes kid;
  // Prepared once from the certificate's key (absent if the key is unusable).
  std::optional<crypto::Es256Verifier> verifier;
  // Empty when the certificate chains to the root, is no CA, may sign
  // documents and has a P-256 key; otherwise why it is not trusted.
  std::string untrusted_because;
  // The period in which the signer (and the root above it) was valid.
  UnixTime valid_from = 0;
  UnixTime valid_until = 0;
};

class TrustStore {
 public:
  // Fails (Errc::invalid_argument) when the root is not a self-signed CA,
  // the bundle does not parse, or two certificates share a kid: such a
  // bundle is refused whole.
  static Result<TrustStore> from_pem(std::string_view root_pem, std::string_view signers_pem);
  static Result<TrustStore> from_files(const std::filesystem::path& root,
                                       const std::filesystem::path& signers);

  // nullptr when no certificate has this kid.
  const TrustedSigner* find(ByteView kid) const;
  const crypto::Certificate& root() const { return root_; }
  const std::vector<TrustedSigner>& signers() const { return signers_; }

  // Empty if `signer` may vouch for something signed at `iat`; otherwise why not.
  static std::string check_at(const TrustedSigner& signer, UnixTime iat);

 private:
  TrustStore(crypto::Certificate root) : root_(std::move(root)) {}
  crypto::Certificate root_;
  std::vector<TrustedSigner> signers_;
};

}  // namespace sdc
