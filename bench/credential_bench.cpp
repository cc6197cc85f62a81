// Issuing and verifying a card, against the bare ECDSA P-256 operation each
// is built on, in one binary so that results are ratios (STYLE.md point 10).
//
// The baselines are raw OpenSSL EVP calls on the very key, message and
// signature the card uses:
//   BM_BareEs256Verify  EVP_DigestVerifyInit + EVP_DigestVerify (SHA-256 and
//                       ECDSA) of the card's Sig_structure with the signer
//                       certificate's public key and the card's signature,
//                       already in DER: the least a verifier must do.
//   BM_BareEs256Sign    EVP_DigestSignInit + EVP_DigestSign of the same
//                       Sig_structure with the signer's private key.
// The measured paths:
//   BM_VerifyBarcode    verify_barcode() end to end: prefix, Base45, inflate,
//                       COSE and claims parsing, trust lookup, signature,
//                       status lookup in a loaded 2^20-entry validity list.
//   BM_IssueBarcode     issue_barcode(): issuer checks, claims encoding,
//                       COSE_Sign1 with ES256, zlib, Base45.
//   BM_DecodeOnly       every step of verify_barcode() but the signature.
// The remaining benchmarks split those paths into their steps, to show where
// the time goes. scripts/bench.sh runs them and prints the ratios.
#include <benchmark/benchmark.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "sdc/credential/cose.h"
#include "sdc/credential/credential.h"
#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"
#include "sdc/credential/verify.h"
#include "sdc/util/zlib.h"
#include "support/test_issuer.h"

namespace {

using sdc::Bytes;
using sdc::ByteView;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "sdc_bench setup: %s\n", what.c_str());
  std::exit(1);
}

// r||s (64 bytes) to the DER form OpenSSL verifies.
Bytes der_signature(ByteView raw) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) die("cannot build an ECDSA_SIG");
  int len = i2d_ECDSA_SIG(sig, nullptr);
  if (len <= 0) die("cannot encode the signature");
  Bytes der(static_cast<std::size_t>(len));
  std::uint8_t* p = der.data();
  i2d_ECDSA_SIG(sig, &p);
  ECDSA_SIG_free(sig);
  return der;
}

// One issuer, one card, one loaded validity list, built once.
struct World {
  sdc::testing::TestIssuer issuer = sdc::testing::TestIssuer::make();
  sdc::Claims claims = sdc::testing::sample_claims();
  sdc::UnixTime now = sdc::testing::kTestNow;
  std::string barcode;
  Bytes compressed;     // Base45-decoded
  Bytes cose;           // inflated COSE_Sign1
  Bytes payload;        // the claims
  Bytes sig_structure;  // what the signature covers
  Bytes signature;      // r||s, as in the card
  Bytes signature_der;
  sdc::StatusListCache lists;

  World() {
    auto text = sdc::issue_barcode(claims, issuer.signer);
    if (!text) die("issue_barcode: " + text.error().message);
    barcode = std::move(*text);
    auto c = sdc::base45_decode(std::string_view(barcode).substr(sdc::kBarcodePrefix.size()));
    if (!c) die("base45_decode: " + c.error().message);
    compressed = std::move(*c);
    auto inflated = sdc::zlib_inflate(compressed, sdc::kMaxInflatedBarcode);
    if (!inflated) die("zlib_inflate: " + inflated.error().message);
    cose = std::move(*inflated);
    auto parsed = sdc::parse_cose_sign1(cose);
    if (!parsed) die("parse_cose_sign1: " + parsed.error().message);
    payload.assign(parsed->payload.begin(), parsed->payload.end());
    sig_structure = sdc::cose_sig_structure(parsed->protected_bytes, parsed->payload);
    signature.assign(parsed->signature.begin(), parsed->signature.end());
    signature_der = der_signature(signature);

    // The size an issuer uses by default: 2^20 entries (256 KiB).
    auto list = sdc::StatusList::create(1u << 20);
    if (!list) die("StatusList::create: " + list.error().message);
    list->set(claims.status_index + 1, 1);
    auto token = sdc::build_status_list_token(
        *list, sdc::StatusListClaims{claims.status_uri, now - 3600, now + 86400, 3600},
        issuer.signer);
    if (!token) die("build_status_list_token: " + token.error().message);
    auto loaded = sdc::load_status_list_token(*token, issuer.trust);
    if (!loaded) die("load_status_list_token: " + loaded.error().message);
    lists.offer(std::move(*loaded));

    auto v = sdc::verify_barcode(barcode, issuer.trust, &lists, now);
    if (v.result != sdc::VerifyResult::valid || v.status.validity != sdc::Validity::valid)
      die(std::string("the card does not verify as VALID with a checked list: ") +
          sdc::to_string(v.result) + ", " + v.detail);
  }

  EVP_PKEY* public_key() const { return issuer.trust.signers().front().cert.public_key(); }
  EVP_PKEY* private_key() const { return issuer.signer.key.file_key()->get(); }
};

const World& world() {
  static const World w;
  return w;
}

// --- baselines ----------------------------------------------------------------

void BM_BareEs256Verify(benchmark::State& state) {
  const World& w = world();
  EVP_PKEY* key = w.public_key();
  for (auto _ : state) {
    MdCtx ctx(EVP_MD_CTX_new());
    int ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
             EVP_DigestVerify(ctx.get(), w.signature_der.data(), w.signature_der.size(),
                              w.sig_structure.data(), w.sig_structure.size()) == 1;
    if (!ok) {
      state.SkipWithError("the card's signature does not verify");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_BareEs256Verify);

void BM_BareEs256Sign(benchmark::State& state) {
  const World& w = world();
  EVP_PKEY* key = w.private_key();
  std::uint8_t der[80];
  for (auto _ : state) {
    MdCtx ctx(EVP_MD_CTX_new());
    std::size_t len = sizeof der;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), der, &len, w.sig_structure.data(), w.sig_structure.size()) != 1) {
      state.SkipWithError("signing failed");
      break;
    }
    benchmark::DoNotOptimize(der);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BareEs256Sign);

// --- the measured paths --------------------------------------------------------

void BM_VerifyBarcode(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) {
    auto v = sdc::verify_barcode(w.barcode, w.issuer.trust, &w.lists, w.now);
    if (v.result != sdc::VerifyResult::valid) {
      state.SkipWithError("the card did not verify");
      break;
    }
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyBarcode);

void BM_IssueBarcode(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) {
    auto text = sdc::issue_barcode(w.claims, w.issuer.signer);
    if (!text) {
      state.SkipWithError("issue_barcode failed");
      break;
    }
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_IssueBarcode);

// verify_barcode() step by step, without the signature.
void BM_DecodeOnly(benchmark::State& state) {
  const World& w = world();
  const std::string_view text = w.barcode;
  for (auto _ : state) {
    if (!text.starts_with(sdc::kBarcodePrefix)) break;
    auto compressed = sdc::base45_decode(text.substr(sdc::kBarcodePrefix.size()));
    auto cose = sdc::zlib_inflate(*compressed, sdc::kMaxInflatedBarcode);
    auto parsed = sdc::parse_cose_sign1(*cose);
    auto claims = sdc::decode_claims(parsed->payload);
    const sdc::TrustedSigner* signer = w.issuer.trust.find(*parsed->kid);
    auto why = sdc::TrustStore::check_at(*signer, claims->iat);
    auto to_sign = sdc::cose_sig_structure(parsed->protected_bytes, parsed->payload);
    auto status = sdc::lookup_status(*w.lists.find(claims->status_uri), claims->status_uri,
                                     claims->status_index, w.now);
    if (!why.empty() || status.validity != sdc::Validity::valid) {
      state.SkipWithError("the card did not decode");
      break;
    }
    benchmark::DoNotOptimize(to_sign);
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_DecodeOnly);

// The decode steps and the bare verify in one loop: how much of the gap
// between BM_VerifyBarcode and BM_BareEs256Verify is the decoding itself, and
// how much comes from running it between signature checks (cold caches).
void BM_DecodeThenBareVerify(benchmark::State& state) {
  const World& w = world();
  const std::string_view text = w.barcode;
  EVP_PKEY* key = w.public_key();
  for (auto _ : state) {
    auto compressed = sdc::base45_decode(text.substr(sdc::kBarcodePrefix.size()));
    auto cose = sdc::zlib_inflate(*compressed, sdc::kMaxInflatedBarcode);
    auto parsed = sdc::parse_cose_sign1(*cose);
    auto claims = sdc::decode_claims(parsed->payload);
    const sdc::TrustedSigner* signer = w.issuer.trust.find(*parsed->kid);
    auto why = sdc::TrustStore::check_at(*signer, claims->iat);
    MdCtx ctx(EVP_MD_CTX_new());
    int ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
             EVP_DigestVerify(ctx.get(), w.signature_der.data(), w.signature_der.size(),
                              w.sig_structure.data(), w.sig_structure.size()) == 1;
    auto status = sdc::lookup_status(*w.lists.find(claims->status_uri), claims->status_uri,
                                     claims->status_index, w.now);
    if (!ok || !why.empty() || status.validity != sdc::Validity::valid) {
      state.SkipWithError("the card did not verify");
      break;
    }
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_DecodeThenBareVerify);

// --- the steps -----------------------------------------------------------------

// The floor of an ES256 verify through EVP: the key's context set up once
// (EVP_PKEY_verify_init outside the loop), per message only SHA-256 and the
// ECDSA check. BM_BareEs256Verify pays EVP_DigestVerifyInit per message, as
// a verifier that keeps no per-signer state must.
void BM_Es256VerifyPreparedKey(benchmark::State& state) {
  const World& w = world();
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> pctx(
      EVP_PKEY_CTX_new(w.public_key(), nullptr), EVP_PKEY_CTX_free);
  if (!pctx || EVP_PKEY_verify_init(pctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(pctx.get(), EVP_sha256()) != 1) {
    state.SkipWithError("cannot prepare the key");
    return;
  }
  for (auto _ : state) {
    const sdc::crypto::Digest digest = sdc::crypto::sha256(w.sig_structure);
    int ok = EVP_PKEY_verify(pctx.get(), w.signature_der.data(), w.signature_der.size(),
                             digest.data(), digest.size()) == 1;
    if (!ok) {
      state.SkipWithError("the card's signature does not verify");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Es256VerifyPreparedKey);

void BM_Es256VerifyWrapper(benchmark::State& state) {
  // sdc::crypto::verify_es256: the baseline plus the r||s to DER conversion.
  const World& w = world();
  for (auto _ : state) {
    bool ok = sdc::crypto::verify_es256(w.public_key(), w.sig_structure, w.signature);
    if (!ok) {
      state.SkipWithError("the card's signature does not verify");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Es256VerifyWrapper);

void BM_Es256SignWrapper(benchmark::State& state) {
  // PrivateKey::sign_es256: the baseline plus the DER to r||s conversion.
  const World& w = world();
  for (auto _ : state) {
    auto sig = w.issuer.signer.key.sign_es256(w.sig_structure);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_Es256SignWrapper);

void BM_Base45Decode(benchmark::State& state) {
  const std::string_view text =
      std::string_view(world().barcode).substr(sdc::kBarcodePrefix.size());
  for (auto _ : state) benchmark::DoNotOptimize(sdc::base45_decode(text));
}
BENCHMARK(BM_Base45Decode);

void BM_ZlibInflate(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state)
    benchmark::DoNotOptimize(sdc::zlib_inflate(w.compressed, sdc::kMaxInflatedBarcode));
}
BENCHMARK(BM_ZlibInflate);

void BM_ParseCoseSign1(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(sdc::parse_cose_sign1(w.cose));
}
BENCHMARK(BM_ParseCoseSign1);

void BM_DecodeClaims(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(sdc::decode_claims(w.payload));
}
BENCHMARK(BM_DecodeClaims);

void BM_StatusLookup(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) {
    const sdc::StatusListToken* list = w.lists.find(w.claims.status_uri);
    benchmark::DoNotOptimize(
        sdc::lookup_status(*list, w.claims.status_uri, w.claims.status_index, w.now));
  }
}
BENCHMARK(BM_StatusLookup);

void BM_EncodeClaims(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(sdc::encode_claims(w.claims));
}
BENCHMARK(BM_EncodeClaims);

void BM_ZlibCompress(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(sdc::zlib_compress(w.cose));
}
BENCHMARK(BM_ZlibCompress);

void BM_Base45Encode(benchmark::State& state) {
  const World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(sdc::base45_encode(w.compressed));
}
BENCHMARK(BM_Base45Encode);

}  // namespace

BENCHMARK_MAIN();
