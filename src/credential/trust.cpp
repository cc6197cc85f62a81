#include "sdc/credential/trust.h"

#include <algorithm>

#include "sdc/util/file.h"

namespace sdc {

Result<TrustStore> TrustStore::from_pem(std::string_view root_pem, std::string_view signers_pem) {
  auto root = crypto::Certificate::from_pem(root_pem);
  if (!root) return fail(Errc::invalid_argument, "root certificate: " + root.error().message);
  if (!root->is_ca() || !root->can_sign_certificates() || !root->is_self_signed())
    return fail(Errc::invalid_argument,
                "root certificate: must be a self-signed CA allowed to sign certificates");
  auto bundle = crypto::Certificate::bundle_from_pem(signers_pem);
  if (!bundle) return fail(Errc::invalid_argument, "signer bundle: " + bundle.error().message);

  TrustStore store(std::move(*root));
  for (auto& cert : *bundle) {
    TrustedSigner s{cert, cert.kid(), std::nullopt, {}, 0, 0};
    for (const auto& other : store.signers_)
      if (other.kid == s.kid)
        return fail(Errc::invalid_argument,
                    "signer bundle: two certificates share the kid " + hex_encode(s.kid) +
                        "; the bundle is refused whole");
    if (!cert.issued_by(store.root_))
      s.untrusted_because = "the signer certificate does not chain to the root";
    else if (cert.is_ca())
      s.untrusted_because = "the signer certificate is a CA, not a document signer";
    else if (!cert.can_sign_documents())
      s.untrusted_because = "the signer certificate may not sign documents (keyUsage)";
    else if (!cert.has_p256_key())
      s.untrusted_because = "the signer key is not ECDSA P-256";
    if (s.untrusted_because.empty()) {
      if (auto v = crypto::Es256Verifier::create(cert.public_key())) s.verifier = std::move(*v);
      else s.untrusted_because = "the signer key cannot be used: " + v.error().message;
    }
    s.valid_from = std::max(cert.not_before(), store.root_.not_before());
    s.valid_until = std::min(cert.not_after(), store.root_.not_after());
    store.signers_.push_back(std::move(s));
  }
  return store;
}

Result<TrustStore> TrustStore::from_files(const std::filesystem::path& root,
                                          const std::filesystem::path& signers) {
  auto r = read_file(root, 1 << 20);
  if (!r) return fail(Errc::invalid_argument, r.error().message);
  auto s = read_file(signers, 16 << 20);
  if (!s) return fail(Errc::invalid_argument, s.error().message);
  return from_pem(*r, *s);
}

const TrustedSigner* TrustStore::find(ByteView kid) const {
  for (const auto& s : signers_)
    if (std::equal(s.kid.begin(), s.kid.end(), kid.begin(), kid.end())) return &s;
  return nullptr;
}

std::string TrustStore::check_at(const TrustedSigner& signer, UnixTime iat) {
  if (!signer.untrusted_because.empty()) return signer.untrusted_because;
  if (iat < signer.valid_from || iat > signer.valid_until)
    return "the signer certificate was not valid at the issue time " + format_time(iat);
  return {};
}

}  // namespace sdc
