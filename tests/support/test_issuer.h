// An in-memory issuer for tests: a root, a current signer and a trust store.
#pragma once

#include <random>

#include "sdc/credential/credential.h"
#include "sdc/credential/issuer.h"
#include "sdc/credential/trust.h"

namespace sdc::testing {

inline constexpr UnixTime kTestNow = 1767225600;  // 2026-01-01T00:00:00Z

// A deterministic random source for reproducible tests.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = static_cast<std::uint8_t>(engine_());
  }

 private:
  std::mt19937_64 engine_;
};

struct TestIssuer {
  crypto::PrivateKey root_key;
  crypto::Certificate root;
  Signer signer;
  TrustStore trust;

  static TestIssuer make(UnixTime now = kTestNow) {
    auto root_key = *crypto::PrivateKey::generate_p256();
    auto root = *crypto::make_root_certificate(root_key, "Test Root", "UT", now - 86400 * 365,
                                               now + 86400 * 3650 * 3);
    auto key = *crypto::PrivateKey::generate_p256();
    auto cert = *crypto::make_signer_certificate(key, root, root_key, "Test Signer", "UT",
                                                 now - 86400, now + 86400 * 3650);
    Bytes kid = cert.kid();
    auto trust = *TrustStore::from_pem(root.to_pem(), cert.to_pem());
    return TestIssuer{std::move(root_key), std::move(root), Signer{std::move(key), std::move(cert), std::move(kid)},
                      std::move(trust)};
  }
};

inline Holder sample_holder() {
  Holder h;
  h.document_number = "DK4000000";
  h.a_number = "201555000";
  h.family_name = "ERIKSSON";
  h.given_names = "ANNA MARIA";
  h.date_of_birth = "1974-08-12";
  h.sex = "F";
  h.nationality = "UTO";
  h.portrait_sha256 = Bytes(32, 0xAB);
  h.card_version = 1;
  h.issuing_office = "ATL";
  return h;
}

inline Claims sample_claims() {
  Claims c;
  c.iss = "USA";
  c.iat = kTestNow;
  c.exp = expiry_for(kTestNow, 5 * 365);
  c.status_index = 17;
  c.status_uri = "https://sdc.invalid/status/1";
  c.holder = sample_holder();
  return c;
}

}  // namespace sdc::testing
