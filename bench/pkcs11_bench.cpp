// Cards signed per second with the signer key in a PKCS#11 token (SoftHSM2)
// against the file key, in one run: the ratio is what a token costs.
// Needs softhsm2 (scripts/setup.sh --test); the token lives in a temp folder.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "sdc/credential/pki.h"
#include "support/test_issuer.h"

namespace {

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";

struct World {
  sdc::testing::TestIssuer issuer = sdc::testing::TestIssuer::make();
  sdc::Claims claims = sdc::testing::sample_claims();
  std::optional<sdc::Signer> token_signer;
  std::string error;

  World() {
    char tmpl[] = "/tmp/sdc-pkcs11-bench-XXXXXX";
    const std::filesystem::path dir = mkdtemp(tmpl);
    std::filesystem::create_directory(dir / "tokens");
    std::ofstream(dir / "softhsm2.conf") << "directories.tokendir = " << (dir / "tokens").string()
                                         << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
    if (std::system("softhsm2-util --init-token --free --label bench --so-pin 87654321 "
                    "--pin 12345678 > /dev/null") != 0) {
      error = "softhsm2-util failed (install softhsm2)";
      return;
    }
    setenv(sdc::crypto::kPkcs11PinVariable, "12345678", 1);
    sdc::PkiOptions o;
    o.signer_pkcs11 = std::string("pkcs11:token=bench;object=signer?module-path=") + kModule;
    sdc::PkiFolder folder(dir / "keys");
    if (auto r = sdc::pki_init(folder, o, claims.iat); !r) {
      error = r.error().message;
      return;
    }
    auto s = sdc::load_signer(folder);
    if (!s) {
      error = s.error().message;
      return;
    }
    token_signer = std::move(*s);
  }
};

const World& world() {
  static World w;
  return w;
}

void issue(benchmark::State& state, const sdc::Signer& signer) {
  for (auto _ : state) {
    auto text = sdc::issue_barcode(world().claims, signer);
    if (!text) {
      state.SkipWithError(text.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_IssueBarcodeFileKey(benchmark::State& state) {
  issue(state, world().issuer.signer);
}
BENCHMARK(BM_IssueBarcodeFileKey);

void BM_IssueBarcodeSoftHsm(benchmark::State& state) {
  if (!world().token_signer) {
    state.SkipWithError(world().error.c_str());
    return;
  }
  issue(state, *world().token_signer);
}
BENCHMARK(BM_IssueBarcodeSoftHsm);
BENCHMARK(BM_IssueBarcodeSoftHsm)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
