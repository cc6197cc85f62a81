// OpenSSL 3 and libsodium behind move-only RAII types: SHA-256, ECDSA P-256
// (ES256 with raw r||s signatures), X.509 certificates, and the system CSPRNG.
// All types are safe to use from several threads once constructed (const
// methods only).
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;

namespace sdc::crypto {

using Digest = std::array<std::uint8_t, 32>;
Digest sha256(ByteView data);

// The operating system's CSPRNG (OpenSSL RAND_bytes).
Random& system_random();

struct PkeyFree {
  void operator()(EVP_PKEY* p) const;
};
struct X509Free {
  void operator()(X509* p) const;
};

// An ECDSA P-256 private key. Never printed or logged; saved only with mode 0600.
class PrivateKey {
 public:
  static Result<PrivateKey> generate_p256();
  static Result<PrivateKey> from_pem(std::string_view pem);
  static Result<PrivateKey> load(const std::filesystem::path& path);
  // Writes PKCS#8 PEM atomically with mode 0600.
  Result<void> save(const std::filesystem::path& path) const;

  // ES256 over `message`: SHA-256, then ECDSA; returns r||s (64 bytes).
  Result<Bytes> sign_es256(ByteView message) const;
  // The matching public key in DER SubjectPublicKeyInfo form.
  Bytes public_key_der() const;

  EVP_PKEY* get() const { return key_.get(); }

 private:
  explicit PrivateKey(EVP_PKEY* k) : key_(k) {}
  std::unique_ptr<EVP_PKEY, PkeyFree> key_;
};

// Verifies an ES256 signature (raw r||s, 64 bytes) over `message` with `key`.
// A signature of any other length does not verify.
bool verify_es256(EVP_PKEY* key, ByteView message, ByteView signature);

// An ES256 verifier for one public key, prepared once: each verify() works
// on a copy of the prepared context, so it is thread-safe and skips the
// per-call algorithm fetch and key setup of EVP_DigestVerifyInit.
class Es256Verifier {
 public:
  static Result<Es256Verifier> create(EVP_PKEY* key);
  // Same contract as verify_es256().
  bool verify(ByteView message, ByteView signature) const;

 private:
  struct CtxFree {
    void operator()(evp_pkey_ctx_st* c) const;
  };
  // This thread's copy of ctx_ (an EVP_PKEY_CTX is used by one thread at a
  // time), made on first use and kept.
  evp_pkey_ctx_st* thread_ctx() const;
  std::shared_ptr<evp_pkey_ctx_st> ctx_;
  std::uint64_t id_ = 0;  // names this key's copies in each thread
};

class Certificate {
 public:
  static Result<Certificate> from_pem(std::string_view pem);
  // Every certificate in a PEM bundle, in order; fails if there is none or
  // any block does not parse.
  static Result<std::vector<Certificate>> bundle_from_pem(std::string_view pem);

  std::string to_pem() const;
  Bytes der() const;
  // The first 8 bytes of SHA-256 over the DER (credential-v1 §2).
  Bytes kid() const;
  std::string subject() const;
  bool is_ca() const;
  bool can_sign_certificates() const;  // keyUsage keyCertSign (or no keyUsage)
  bool can_sign_documents() const;     // keyUsage digitalSignature (or no keyUsage)
  bool has_p256_key() const;
  UnixTime not_before() const;
  UnixTime not_after() const;
  // True if `issuer` signed this certificate and the pair forms a valid path
  // (issuer is a CA allowed to sign certificates); validity times are not
  // checked here.
  bool issued_by(const Certificate& issuer) const;

  // True if the certificate names itself as issuer and its signature
  // verifies with its own key.
  bool is_self_signed() const;

  EVP_PKEY* public_key() const;
  // True if `key` is the private half of this certificate's public key.
  bool matches(const PrivateKey& key) const;
  // True if `key` (public or private) is this certificate's key.
  bool has_key(EVP_PKEY* key) const;
  X509* get() const { return cert_.get(); }
  Certificate copy() const;

 private:
  explicit Certificate(X509* c) : cert_(c, X509Free{}) {}
  std::shared_ptr<X509> cert_;
};

// A self-signed root: CA:TRUE (pathlen 0), keyUsage keyCertSign and cRLSign.
Result<Certificate> make_root_certificate(const PrivateKey& key, std::string_view common_name,
                                          std::string_view country, UnixTime not_before,
                                          UnixTime not_after);
// A document-signer certificate: CA:FALSE, keyUsage digitalSignature, signed by the root.
Result<Certificate> make_signer_certificate(const PrivateKey& signer_key, const Certificate& root,
                                            const PrivateKey& root_key,
                                            std::string_view common_name, std::string_view country,
                                            UnixTime not_before, UnixTime not_after);
// The same for a signer whose private key is elsewhere (a token): only its
// public key is needed.
Result<Certificate> make_signer_certificate(EVP_PKEY* signer_public_key, const Certificate& root,
                                            const PrivateKey& root_key,
                                            std::string_view common_name, std::string_view country,
                                            UnixTime not_before, UnixTime not_after);

}  // namespace sdc::crypto
