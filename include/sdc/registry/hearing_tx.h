// The hearing aggregate of a store transaction: the court calendar's
// hearings, keyed by the holder's A-number hash (pii.h) so that hearings
// of a person not yet enrolled wait for them. Part of Tx (store.h); a
// function that touches only hearings may take a HearingTx&.
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// A hearing as stored. A hearing is the court's hearing_id for one
// A-number: (a_number_hash, hearing_id) is unique. When its date or court
// changes, the values before the change and the time of the change are
// kept beside the new ones.
struct HearingRow {
  std::string id;       // "h-" + 16 hex digits, the registry's
  Bytes a_number_hash;  // keyed BLAKE2b of the 9-digit A-number
  std::string hearing_id;
  UnixTime starts_at = 0;  // UTC
  std::string time_zone;   // the court's IANA zone
  std::string court_name;
  std::string court_address;
  std::string judge;
  std::string hearing_type;
  std::string status;
  // The last change of date or court: 0 and empty when there was none.
  UnixTime changed_at = 0;
  UnixTime previous_starts_at = 0;
  std::string previous_time_zone;
  std::string previous_court_name;
  std::string previous_court_address;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;

  bool operator==(const HearingRow&) const = default;
};

// A taken id or (a_number_hash, hearing_id) is Errc::conflict and asks for
// a retry (Tx::retry_requested): another import got there first.
class HearingTx {
 public:
  virtual ~HearingTx() = default;

  virtual Result<void> insert_hearing(const HearingRow& row) = 0;
  // Replaces every column but id, a_number_hash, hearing_id and created_at;
  // Errc::not_found if there is no hearing with row.id.
  virtual Result<void> update_hearing(const HearingRow& row) = 0;
  virtual Result<std::optional<HearingRow>> find_hearing(ByteView a_number_hash,
                                                         const std::string& hearing_id) = 0;
  // Every hearing of the A-number, by starts_at then id.
  virtual Result<std::vector<HearingRow>> hearings_of(ByteView a_number_hash) = 0;
  // Hearings with status "scheduled" starting in [from, to), by start: what
  // reminders are due for (reminders.h).
  virtual Result<std::vector<HearingRow>> scheduled_hearings_between(UnixTime from,
                                                                     UnixTime to) = 0;
};

}  // namespace sdc::registry
