// A verifier's offline copy of an issuer's trust bundle (credential-v1 §4)
// and validity list (§6), kept in a folder by `sdc sync` and read by
// `sdc verify --synced`. The folder holds root.pem, signers.pem,
// validity.cwt and sync.json (the state: url, ETag, when fetched, the
// list's claims). The root is pinned by the first keep and never replaced;
// a list older than the one kept never replaces it. Fetching is the
// caller's: this class checks what was fetched and writes it. Not
// thread-safe; one writer per folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"

namespace sdc {

inline constexpr std::size_t kMaxTrustPemBytes = 1u << 20;

struct SyncState {
  std::string url;          // where the copy was fetched from
  std::string etag;         // the server's ETag of the kept list, as sent
  UnixTime fetched_at = 0;  // when the server last answered
  StatusListClaims list;    // the kept list's uri, iat, exp and ttl
};

// sync.json: `render_sync_state` writes it, `parse_sync_state` reads it
// back (Errc::parse naming the field when it is not such a file).
std::string render_sync_state(const SyncState& state);
Result<SyncState> parse_sync_state(std::string_view json);

// What one fetch brought back.
struct SyncFetch {
  std::string url;
  std::string root_pem;
  std::string signers_pem;
  // The list's bytes, or nullopt when the server answered 304 Not Modified
  // to the ETag the folder gave (etag_for).
  std::optional<Bytes> list;
  std::string etag;
  UnixTime fetched_at = 0;
};

enum class ListChange { first, newer, unchanged };

struct SyncOutcome {
  bool root_pinned = false;  // the folder held no root: this one is now the anchor
  bool signers_changed = false;
  ListChange list = ListChange::first;
  SyncState state;  // as written
};

// What `sdc verify --synced` reads back.
struct SyncedTrust {
  TrustStore trust;
  std::optional<StatusListToken> list;  // absent when the kept list cannot be used
  std::string list_problem;             // why not, then
  SyncState state;
};

class SyncFolder {
 public:
  explicit SyncFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  // Loads a fetched bundle as a TrustStore and checks that its root is the
  // one pinned here (any root before the first keep). Errors as keep's.
  Result<TrustStore> check_trust(const std::string& url, std::string_view root_pem,
                                 std::string_view signers_pem) const;

  // The ETag to send as If-None-Match: empty when nothing is kept yet, or
  // when the kept list does not verify against `trust` or is not the one
  // the state records (then the list is fetched whole).
  std::string etag_for(const TrustStore& trust) const;

  // Checks `fetch` as a verifier would (the bundle loads as a TrustStore,
  // its root is the pinned one, the list verifies against it and is not
  // older than the kept one), then writes every file atomically, the state
  // last. On error nothing is written and the message says why:
  // Errc::conflict for another root or an older list, Errc::invalid_argument
  // for a bundle or list that does not verify, Errc::io for a failed write.
  Result<SyncOutcome> keep(const SyncFetch& fetch) const;

  // Loads the kept trust (Errc::not_found when the folder holds none) and
  // the kept list; a list that does not verify, or that is not the one the
  // state records (an older file put back), is left out with the reason.
  Result<SyncedTrust> load() const;

 private:
  std::filesystem::path dir_;
};

// Seconds since the list's iat; 0 while the iat is ahead of `now` (an
// issuer's iat may run a little ahead: §6 allows 5 minutes).
UnixTime list_age_seconds(const StatusListClaims& list, UnixTime now);

// Empty while the list is within its ttl (or has none); otherwise a warning
// that says how old it is and to sync again.
std::string stale_list_warning(const StatusListClaims& list, UnixTime now);

}  // namespace sdc
