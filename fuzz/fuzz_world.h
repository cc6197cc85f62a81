// What the verifier-side fuzz targets verify against, built once per process:
// the trust store and validity list of the shared vectors, read in place
// (never embedded), or, when they cannot be read, a root, a signer and a list
// generated at start-up.
//
// The vectors' folder is the environment variable SDC_VECTORS if set, else
// the SDC_VECTORS_DIR compile definition (fuzz/CMakeLists.txt).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sdc/credential/credential.h"
#include "sdc/util/file.h"
#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"

namespace sdc::fuzz {

struct World {
  TrustStore trust;
  StatusListCache lists;
  UnixTime now = 0;
  std::string source;  // where the trust came from, for the log
};

namespace detail {

inline constexpr UnixTime kVectorsNow = 1767225600;  // the vectors' `now`

inline Result<World> from_vectors(const std::string& dir) {
  auto trust = TrustStore::from_files(dir + "/root.pem", dir + "/signers.pem");
  if (!trust) return std::unexpected(trust.error());
  World w{std::move(*trust), {}, kVectorsNow, "the vectors in " + dir};
  // Without the list the verifier still runs, only its status lookup does not.
  auto token = read_file(dir + "/validity.cwt", 1 << 20);
  auto list = token ? load_status_list_token(as_bytes(*token), w.trust)
                    : Result<StatusListToken>(std::unexpected(token.error()));
  if (list) {
    w.lists.offer(std::move(*list));
    w.source += " with validity.cwt";
  } else {
    w.source += ", without a validity list (validity.cwt: " + list.error().message + ")";
  }
  return w;
}

inline Result<World> generated() {
  const UnixTime now = kVectorsNow;
  auto root_key = crypto::PrivateKey::generate_p256();
  auto signer_key = crypto::PrivateKey::generate_p256();
  if (!root_key || !signer_key) return fail(Errc::crypto, "key generation failed");
  auto root = crypto::make_root_certificate(*root_key, "Fuzz Root", "UT", now - 86400 * 365,
                                            now + 86400 * 365 * 20);
  if (!root) return std::unexpected(root.error());
  auto cert = crypto::make_signer_certificate(*signer_key, *root, *root_key, "Fuzz Signer", "UT",
                                              now - 86400, now + 86400 * 365 * 3);
  if (!cert) return std::unexpected(cert.error());
  auto trust = TrustStore::from_pem(root->to_pem(), cert->to_pem());
  if (!trust) return std::unexpected(trust.error());
  Bytes kid = cert->kid();
  Signer signer{std::move(*signer_key), std::move(*cert), std::move(kid)};
  World w{std::move(*trust), {}, now, "a root and signer generated at start-up"};
  auto list = StatusList::create(4096);
  if (!list) return std::unexpected(list.error());
  list->set(1, 1);
  list->set(2, 2);
  auto token = build_status_list_token(
      *list, StatusListClaims{std::string(kDefaultStatusUri), now - 3600, now + 86400, 3600},
      signer);
  if (!token) return std::unexpected(token.error());
  auto loaded = load_status_list_token(*token, w.trust);
  if (!loaded) return std::unexpected(loaded.error());
  w.lists.offer(std::move(*loaded));
  return w;
}

inline World make() {
  const char* env = std::getenv("SDC_VECTORS");
#ifdef SDC_VECTORS_DIR
  std::string dir = env && *env ? env : SDC_VECTORS_DIR;
#else
  std::string dir = env && *env ? env : "";
#endif
  if (!dir.empty()) {
    auto w = from_vectors(dir);
    if (w) return std::move(*w);
    std::fprintf(stderr, "fuzz: cannot use the vectors in %s (%s); generating a trust store\n",
                 dir.c_str(), w.error().message.c_str());
  }
  auto w = generated();
  if (!w) {
    std::fprintf(stderr, "fuzz: cannot build a trust store: %s\n", w.error().message.c_str());
    std::abort();
  }
  return std::move(*w);
}

}  // namespace detail

// Built on first use; the fuzz targets only read it afterwards.
inline const World& world() {
  static const World w = [] {
    World made = detail::make();
    std::fprintf(stderr, "fuzz: verifying against %s\n", made.source.c_str());
    return made;
  }();
  return w;
}

}  // namespace sdc::fuzz
