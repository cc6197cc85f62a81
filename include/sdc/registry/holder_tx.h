// The holder aggregate of a store transaction: holders and their case
// status history. Part of Tx (store.h); a function that touches only
// holders may take a HolderTx&.
//
// Rows are stored as the registry gives them: personal data arrives sealed
// (pii.h) and is never interpreted here. Valid only inside the callback of
// Store::in_transaction, on the calling thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdc/util/bytes.h"
#include "sdc/util/error.h"
#include "sdc/registry/types.h"

namespace sdc::registry {

// A holder as stored: lookup hashes and sealed blobs.
struct HolderRow {
  std::string id;
  Bytes a_number_hash;  // keyed BLAKE2b, unique
  Bytes name_dob_hash;  // keyed BLAKE2b of family name + date of birth
  Bytes sealed_identity;
  Bytes sealed_portrait;
  std::string language;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const HolderRow&) const = default;
};

struct CaseStatusRow {
  std::string holder_id;
  std::uint64_t seq = 0;
  CaseStatus status = CaseStatus::unknown;
  std::string effective_date;
  Bytes sealed_reason;
  std::string recorded_by;
  UnixTime recorded_at = 0;

  bool operator==(const CaseStatusRow&) const = default;
};

// A duplicate id, A-number hash or case status sequence is Errc::conflict
// and asks for a retry (Tx::retry_requested).
class HolderTx {
 public:
  virtual ~HolderTx() = default;

  virtual Result<void> insert_holder(const HolderRow& row) = 0;
  // Replaces every column but id and created_at; Errc::not_found if absent.
  virtual Result<void> update_holder(const HolderRow& row) = 0;
  virtual Result<std::optional<HolderRow>> get_holder(const std::string& id) = 0;
  virtual Result<std::optional<HolderRow>> find_holder_by_a_number_hash(ByteView hash) = 0;
  virtual Result<std::vector<HolderRow>> find_holders_by_name_dob_hash(ByteView hash) = 0;

  virtual Result<void> insert_case_status(const CaseStatusRow& row) = 0;
  // Oldest first.
  virtual Result<std::vector<CaseStatusRow>> case_status_history(const std::string& holder_id) = 0;
};

}  // namespace sdc::registry
