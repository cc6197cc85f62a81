// Issuing one card: assigns what the request leaves open (document number,
// status index at random, card version, validity, settings) and signs.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "sdc/credential/credential.h"
#include "sdc/credential/pki.h"

namespace sdc {

inline constexpr std::uint64_t kDefaultStatusListSize = 1u << 20;
inline constexpr int kDefaultValidDays = 5 * 365 + 1;

struct IssueOptions {
  UnixTime now = 0;
  int valid_days = kDefaultValidDays;
  std::optional<std::string> office;
  std::optional<std::string> status_uri;
  std::optional<std::uint64_t> status_index;
  std::uint64_t status_list_size = kDefaultStatusListSize;
};

struct IssuedCard {
  Claims claims;
  std::string barcode;
  MrzLines mrz;

  // barcode, mrz, document_number, iss, issued_at, expires_at, issue_date,
  // expiry_date, status_index, status_uri, holder.
  nlohmann::json to_json() const;
};

// `holder` may leave document_number and issuing_office empty; they are
// filled in. Thread-safe if `random` is.
Result<IssuedCard> issue_card(Holder holder, const Signer& signer, const IssuerSettings& settings,
                              const IssueOptions& options, Random& random);

// Reads a holder as people write it: the spec's JSON names, the A-number as
// typed, no document number or portrait digest required (the caller fills
// them in). Unknown keys are refused, to catch typos.
Result<Holder> holder_from_input_json(const nlohmann::json& j);

}  // namespace sdc
