#include "sdc/crypto/crypto.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstring>
#include <stdexcept>

#include "sdc/util/file.h"

namespace sdc::crypto {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using SigPtr = std::unique_ptr<ECDSA_SIG, SigFree>;

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

BioPtr mem_bio(std::string_view s) {
  return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
}

class OsRandom final : public Random {
 public:
  void fill(std::span<std::uint8_t> out) override {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
      throw std::runtime_error("the system random source failed");  // unrecoverable
  }
};

UnixTime asn1_to_unix(const ASN1_TIME* t) {
  struct tm tm {};
  ASN1_TIME_to_tm(t, &tm);
  return days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                         static_cast<unsigned>(tm.tm_mday)) *
             86400 +
         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

bool is_p256(EVP_PKEY* key) {
  if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char name[64] = {};
  std::size_t len = 0;
  if (!EVP_PKEY_get_utf8_string_param(key, "group", name, sizeof name, &len)) return false;
  return std::string_view(name, len) == "prime256v1" || std::string_view(name, len) == "P-256";
}

}  // namespace

void PkeyFree::operator()(EVP_PKEY* p) const {
  EVP_PKEY_free(p);
}
void X509Free::operator()(X509* p) const {
  X509_free(p);
}

Digest sha256(ByteView data) {
  // The algorithm fetched once and a context per thread: OpenSSL 3 fetches
  // and allocates on every EVP_Digest() call otherwise.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
  Digest d{};
  if (md && ctx && EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1 &&
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
      EVP_DigestFinal_ex(ctx.get(), d.data(), nullptr) == 1)
    return d;
  EVP_Digest(data.data(), data.size(), d.data(), nullptr, EVP_sha256(), nullptr);
  return d;
}

Random& system_random() {
  static OsRandom r;
  return r;
}

Result<PrivateKey> PrivateKey::generate_p256() {
  EVP_PKEY* k = EVP_EC_gen("P-256");
  if (!k) return fail(Errc::crypto, "could not generate a P-256 key");
  return PrivateKey(k);
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  auto bio = mem_bio(pem);
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!k) return fail(Errc::crypto, "not a PEM private key");
  PrivateKey key(k);
  if (!is_p256(k)) return fail(Errc::crypto, "the private key is not ECDSA P-256");
  return key;
}

Result<PrivateKey> PrivateKey::load(const std::filesystem::path& path) {
  auto pem = read_file(path, 1 << 16);
  if (!pem) return std::unexpected(pem.error());
  auto key = from_pem(*pem);
  if (!key) return fail(Errc::crypto, path.string() + ": " + key.error().message);
  return key;
}

Result<void> PrivateKey::save(const std::filesystem::path& path) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return fail(Errc::crypto, "could not encode the private key");
  std::string pem = bio_string(bio.get());
  auto r = write_file_atomic(path, pem, FileMode::owner_only);
  OPENSSL_cleanse(pem.data(), pem.size());
  return r;
}

Result<Bytes> PrivateKey::sign_es256(ByteView message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::uint8_t der[80];
  std::size_t der_len = sizeof der;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), der, &der_len, message.data(), message.size()) != 1)
    return fail(Errc::crypto, "ECDSA signing failed");
  const std::uint8_t* p = der;
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return fail(Errc::crypto, "ECDSA signing produced no signature");
  Bytes raw(64);
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (BN_bn2binpad(r, raw.data(), 32) != 32 || BN_bn2binpad(s, raw.data() + 32, 32) != 32)
    return fail(Errc::crypto, "ECDSA signature does not fit 64 bytes");
  return raw;
}

Bytes PrivateKey::public_key_der() const {
  unsigned char* out = nullptr;
  int n = i2d_PUBKEY(key_.get(), &out);
  if (n <= 0) return {};
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

namespace {

// Writes one DER INTEGER for a 32-byte big-endian value.
std::size_t der_integer(const std::uint8_t* v, std::uint8_t* out) {
  std::size_t skip = 0;
  while (skip < 31 && v[skip] == 0) ++skip;
  const bool pad = (v[skip] & 0x80) != 0;
  const std::size_t len = 32 - skip + (pad ? 1 : 0);
  out[0] = 0x02;
  out[1] = static_cast<std::uint8_t>(len);
  std::size_t n = 2;
  if (pad) out[n++] = 0;
  std::memcpy(out + n, v + skip, 32 - skip);
  return n + 32 - skip;
}

// r||s (64 bytes) as the DER ECDSA-Sig-Value OpenSSL verifies; at most 72 bytes.
std::size_t raw_to_der(ByteView raw, std::uint8_t (&der)[72]) {
  std::uint8_t body[70];
  std::size_t n = der_integer(raw.data(), body);
  n += der_integer(raw.data() + 32, body + n);
  der[0] = 0x30;
  der[1] = static_cast<std::uint8_t>(n);
  std::memcpy(der + 2, body, n);
  return n + 2;
}

}  // namespace

bool verify_es256(EVP_PKEY* key, ByteView message, ByteView signature) {
  if (!key || signature.size() != 64) return false;
  std::uint8_t der[72];
  std::size_t der_len = raw_to_der(signature, der);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), der, der_len, message.data(), message.size()) == 1;
}

void Es256Verifier::CtxFree::operator()(evp_pkey_ctx_st* c) const {
  EVP_PKEY_CTX_free(c);
}

Result<Es256Verifier> Es256Verifier::create(EVP_PKEY* key) {
  if (!is_p256(key)) return fail(Errc::crypto, "the key is not ECDSA P-256");
  EVP_PKEY_CTX* raw = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  if (!raw) return fail(Errc::crypto, "cannot prepare the verification key");
  static std::atomic<std::uint64_t> next_id{0};
  Es256Verifier v;
  v.ctx_.reset(raw, CtxFree{});
  v.id_ = ++next_id;
  if (EVP_PKEY_verify_init(raw) != 1 || EVP_PKEY_CTX_set_signature_md(raw, EVP_sha256()) != 1)
    return fail(Errc::crypto, "cannot prepare the verification key");
  return v;
}

bool Es256Verifier::verify(ByteView message, ByteView signature) const {
  if (!ctx_ || signature.size() != 64) return false;
  std::uint8_t der[72];
  std::size_t der_len = raw_to_der(signature, der);
  Digest digest = sha256(message);
  EVP_PKEY_CTX* ctx = thread_ctx();
  if (!ctx) return false;
  return EVP_PKEY_verify(ctx, der, der_len, digest.data(), digest.size()) == 1;
}

EVP_PKEY_CTX* Es256Verifier::thread_ctx() const {
  // A copy holds its own reference to the key, so it stays valid after the
  // verifier it came from is gone; ids are never reused.
  struct Copies {
    std::vector<std::pair<std::uint64_t, std::unique_ptr<EVP_PKEY_CTX, CtxFree>>> by_id;
  };
  thread_local Copies copies;
  for (auto& [id, ctx] : copies.by_id)
    if (id == id_) return ctx.get();
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_dup(ctx_.get()));
  if (!ctx) return nullptr;
  if (copies.by_id.size() >= 32) copies.by_id.clear();  // bounded: trust stores come and go
  copies.by_id.emplace_back(id_, std::move(ctx));
  return copies.by_id.back().second.get();
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  auto bio = mem_bio(pem);
  X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (!c) return fail(Errc::crypto, "not a PEM certificate");
  return Certificate(c);
}

Result<std::vector<Certificate>> Certificate::bundle_from_pem(std::string_view pem) {
  std::vector<Certificate> out;
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::size_t pos = 0;
  while ((pos = pem.find(kBegin, pos)) != std::string_view::npos) {
    std::size_t end = pem.find(kEnd, pos);
    if (end == std::string_view::npos)
      return fail(Errc::crypto, "certificate " + std::to_string(out.size() + 1) +
                                    " in the bundle has no END line");
    auto cert = from_pem(pem.substr(pos, end + kEnd.size() - pos));
    if (!cert)
      return fail(Errc::crypto, "certificate " + std::to_string(out.size() + 1) +
                                    " in the bundle does not parse");
    out.push_back(std::move(*cert));
    pos = end + kEnd.size();
  }
  if (out.empty()) return fail(Errc::crypto, "no certificate in the PEM bundle");
  return out;
}

std::string Certificate::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert_.get());
  return bio_string(bio.get());
}

Bytes Certificate::der() const {
  unsigned char* out = nullptr;
  int n = i2d_X509(cert_.get(), &out);
  if (n <= 0) return {};
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

Bytes Certificate::kid() const {
  auto d = sha256(der());
  return Bytes(d.begin(), d.begin() + 8);
}

std::string Certificate::subject() const {
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert_.get()), buf, sizeof buf);
  return buf;
}

// basicConstraints CA:TRUE, whatever keyUsage says (X509_check_ca would
// answer no for a CA certificate without keyCertSign).
bool Certificate::is_ca() const {
  return (X509_get_extension_flags(cert_.get()) & EXFLAG_CA) != 0;
}

bool Certificate::can_sign_certificates() const {
  return (X509_get_extension_flags(cert_.get()) & EXFLAG_KUSAGE) == 0 ||
         (X509_get_key_usage(cert_.get()) & KU_KEY_CERT_SIGN) != 0;
}

bool Certificate::can_sign_documents() const {
  return (X509_get_extension_flags(cert_.get()) & EXFLAG_KUSAGE) == 0 ||
         (X509_get_key_usage(cert_.get()) & KU_DIGITAL_SIGNATURE) != 0;
}

bool Certificate::has_p256_key() const {
  return is_p256(public_key());
}

UnixTime Certificate::not_before() const {
  return asn1_to_unix(X509_get0_notBefore(cert_.get()));
}
UnixTime Certificate::not_after() const {
  return asn1_to_unix(X509_get0_notAfter(cert_.get()));
}

bool Certificate::issued_by(const Certificate& issuer) const {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      X509_STORE_CTX_free);
  if (!store || !ctx || X509_STORE_add_cert(store.get(), issuer.get()) != 1) return false;
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert_.get(), nullptr) != 1) return false;
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
  if (X509_verify_cert(ctx.get()) != 1) return false;
  // The path must be exactly this certificate and the given root.
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  return chain && sk_X509_num(chain) == 2 && X509_cmp(sk_X509_value(chain, 1), issuer.get()) == 0;
}

bool Certificate::is_self_signed() const {
  return X509_check_issued(cert_.get(), cert_.get()) == X509_V_OK &&
         X509_verify(cert_.get(), public_key()) == 1;
}

EVP_PKEY* Certificate::public_key() const {
  return X509_get0_pubkey(cert_.get());
}

bool Certificate::matches(const PrivateKey& key) const {
  return EVP_PKEY_eq(public_key(), key.get()) == 1;
}

bool Certificate::has_key(EVP_PKEY* key) const {
  return key && EVP_PKEY_eq(public_key(), key) == 1;
}

Certificate Certificate::copy() const {
  return *this;
}

namespace {

Result<Certificate> make_certificate(EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key,
                                     std::string_view cn, std::string_view country,
                                     UnixTime not_before, UnixTime not_after, bool ca) {
  X509* raw = X509_new();
  if (!raw) return fail(Errc::crypto, "out of memory");
  std::unique_ptr<X509, X509Free> cert(raw);
  X509_set_version(raw, 2);
  std::uint8_t serial[16];
  system_random().fill(serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(raw));
  BN_free(bn);
  ASN1_TIME_set(X509_getm_notBefore(raw), static_cast<time_t>(not_before));
  ASN1_TIME_set(X509_getm_notAfter(raw), static_cast<time_t>(not_after));
  X509_NAME* name = X509_get_subject_name(raw);
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(std::string(country).c_str()),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(std::string(cn).c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(raw, issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(raw, subject_key);

  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, issuer ? issuer : raw, raw, nullptr, nullptr, 0);
  auto add = [&](int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (!ext) return false;
    X509_add_ext(raw, ext, -1);
    X509_EXTENSION_free(ext);
    return true;
  };
  bool ok = add(NID_basic_constraints, ca ? "critical,CA:TRUE,pathlen:0" : "critical,CA:FALSE") &&
            add(NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") &&
            add(NID_subject_key_identifier, "hash") &&
            (!issuer || add(NID_authority_key_identifier, "keyid:always"));
  if (!ok) return fail(Errc::crypto, "could not add certificate extensions");
  if (X509_sign(raw, issuer_key, EVP_sha256()) <= 0)
    return fail(Errc::crypto, "could not sign the certificate");
  std::string pem;
  {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), raw);
    pem = bio_string(bio.get());
  }
  return Certificate::from_pem(pem);
}

}  // namespace

Result<Certificate> make_root_certificate(const PrivateKey& key, std::string_view common_name,
                                          std::string_view country, UnixTime not_before,
                                          UnixTime not_after) {
  return make_certificate(key.get(), nullptr, key.get(), common_name, country, not_before,
                          not_after, true);
}

Result<Certificate> make_signer_certificate(const PrivateKey& signer_key, const Certificate& root,
                                            const PrivateKey& root_key,
                                            std::string_view common_name, std::string_view country,
                                            UnixTime not_before, UnixTime not_after) {
  return make_signer_certificate(signer_key.get(), root, root_key, common_name, country, not_before,
                                 not_after);
}

Result<Certificate> make_signer_certificate(EVP_PKEY* signer_public_key, const Certificate& root,
                                            const PrivateKey& root_key,
                                            std::string_view common_name, std::string_view country,
                                            UnixTime not_before, UnixTime not_after) {
  if (EVP_PKEY_eq(root.public_key(), root_key.get()) != 1)
    return fail(Errc::crypto, "the root key does not belong to the root certificate");
  return make_certificate(signer_public_key, root.get(), root_key.get(), common_name, country,
                          not_before, not_after, false);
}

}  // namespace sdc::crypto
