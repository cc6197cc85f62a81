#include "http/tls_listener.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "sdc/util/secret_file.h"

namespace sdc::http {

Result<std::unique_ptr<httplib::SSLServer>> make_tls_listener(const Config& c) {
  // The key must be the owner's alone: read_secret_file refuses one that
  // group or others may read.
  auto pem = read_secret_file(c.tls_key);
  if (!pem) return fail(pem.error().code, "tls_key " + pem.error().message);
  WipeOnExit wipe(*pem);
  std::string why;
  auto setup = [&](SSL_CTX& ctx) -> bool {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, c.tls_cert.c_str()) != 1) {
      why = "tls_cert " + c.tls_cert.string() + ": not a readable PEM certificate chain";
      return false;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())), BIO_free);
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
