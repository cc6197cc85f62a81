#include "http/tls_listener.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <cstdio>

namespace sdc::http {

namespace fs = std::filesystem;

namespace {

// The key must be the owner's alone: refuse one that group or others may read.
Result<void> check_tls_key_mode(const fs::path& key) {
  struct stat st {};
  if (::stat(key.c_str(), &st) != 0)
    return fail(Errc::io, "tls_key " + key.string() + ": cannot read it");
  if (!S_ISREG(st.st_mode)) return fail(Errc::io, "tls_key " + key.string() + ": not a file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(Errc::invalid_argument, "tls_key " + key.string() +
                                            ": group or others may access it (mode " + mode +
                                            "); chmod 600 it");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<httplib::SSLServer>> make_tls_listener(const Config& c) {
  if (auto m = check_tls_key_mode(c.tls_key); !m) return std::unexpected(m.error());
  std::string why;
  auto setup = [&](SSL_CTX& ctx) -> bool {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, c.tls_cert.c_str()) != 1) {
      why = "tls_cert " + c.tls_cert.string() + ": not a readable PEM certificate chain";
      return false;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(c.tls_key.c_str(), "r"), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
        EVP_PKEY_free);
    if (!key) {
      why = "tls_key " + c.tls_key.string() + ": not a readable PEM private key";
      return false;
    }
    if (SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1 || SSL_CTX_check_private_key(&ctx) != 1) {
      why = "tls_key " + c.tls_key.string() + " does not belong to tls_cert " + c.tls_cert.string();
      return false;
    }
    return true;
  };
  auto server = std::make_unique<httplib::SSLServer>(setup);
  ERR_clear_error();
  if (!server->is_valid()) return fail(Errc::crypto, why.empty() ? "TLS setup failed" : why);
  return server;
}

}  // namespace sdc::http
