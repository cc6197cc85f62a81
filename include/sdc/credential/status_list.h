// The validity Status List Token (credential-v1 §6): a 2-bit list of card
// states, signed as a CWT, and the rules a verifier follows to use one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"

namespace sdc {

struct Signer;
class TrustStore;

inline constexpr std::string_view kStatusListContentType = "application/statuslist+cwt";
inline constexpr std::size_t kMaxInflatedStatusList = 64u << 20;
// The largest token a verifier reads (from a file or a server).
inline constexpr std::size_t kMaxStatusListToken = 80u << 20;

enum class CardState : std::uint8_t { valid = 0, invalid = 1, suspended = 2 };

// A fixed-size array of 2-bit entries, least significant bits first.
class StatusList {
 public:
  // `entries` must be a positive multiple of 4.
  static Result<StatusList> create(std::size_t entries);
  static Result<StatusList> from_bytes(Bytes packed);

  std::size_t size() const { return bytes_.size() * 4; }
  std::uint8_t get(std::size_t index) const;
  void set(std::size_t index, std::uint8_t value);  // value in 0..3
  const Bytes& bytes() const { return bytes_; }

 private:
  explicit StatusList(Bytes b) : bytes_(std::move(b)) {}
  Bytes bytes_;
};

struct StatusListClaims {
  std::string uri;  // sub
  UnixTime iat = 0;
  UnixTime exp = 0;
  std::optional<std::uint64_t> ttl;
};

// Signs a token with protected {1:-7, 4:kid, 16:"application/statuslist+cwt"}.
// The list is deflated at `zlib_level` (1 fastest .. 9 smallest).
Result<Bytes> build_status_list_token(const StatusList& list, const StatusListClaims& claims,
                                      const Signer& signer, int zlib_level = 9);

// A token whose signature, signer (§4, at its iat), type and bit width have
// been checked. Time and uri are checked per card by lookup_status().
struct StatusListToken {
  StatusListClaims claims;
  StatusList list;
  Bytes kid;
};

// Parses a token and checks everything that does not depend on the card or
// the time. The error message says why the list cannot be used.
Result<StatusListToken> load_status_list_token(ByteView token, const TrustStore& trust);
// Parses a token without checking its signature (for display only).
Result<StatusListToken> parse_status_list_token_unverified(ByteView token);

enum class Validity { valid, invalid, suspended, unknown };
const char* to_string(Validity v);

struct StatusAnswer {
  Validity validity = Validity::unknown;
  std::optional<UnixTime> as_of;  // the list's iat, when a list was used
  std::string reason;             // why validity is UNKNOWN
};

// Applies the per-card rules of §6: sub equals the card's uri, the list's
// iat is at most 5 minutes ahead of `now`, `now` is before its exp, the
// index lies inside the list.
StatusAnswer lookup_status(const StatusListToken& token, std::string_view card_uri,
                           std::uint64_t index, UnixTime now);

// Keeps the newest list seen for each uri and never replaces it with one
// whose iat is older, so an old list cannot be replayed. Not thread-safe.
class StatusListCache {
 public:
  enum class Offer { stored, kept_newer };
  Offer offer(StatusListToken token);
  const StatusListToken* find(std::string_view uri) const;

 private:
  std::map<std::string, StatusListToken, std::less<>> lists_;
};

}  // namespace sdc
