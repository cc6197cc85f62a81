// The check-in aggregate of a store transaction (schema version 8): a
// holder's check-ins at a kiosk, online, or recorded by an officer, each
// with the appointment it was matched to. Part of Tx (store.h).
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/error.h"

namespace sdc::registry {

enum class CheckInMethod { kiosk, online, officer };
const char* to_string(CheckInMethod method);
Result<CheckInMethod> parse_check_in_method(std::string_view text);

enum class CheckInOutcome {
  on_time,         // within [start - 2 h, end] of the day's appointment
  late,            // after the end, the same office-local day
  no_appointment,  // no appointment that day to match (still recorded)
};
const char* to_string(CheckInOutcome outcome);
Result<CheckInOutcome> parse_check_in_outcome(std::string_view text);

struct CheckInRow {
  std::string id;         // "ci-" + 16 hex digits
  std::string holder_id;  // an enrolled holder
  std::string office_id;  // empty for an online check-in (or an officer in the field)
  UnixTime at = 0;        // UTC
  CheckInMethod method = CheckInMethod::kiosk;
  std::string appointment_id;  // the appointment matched; empty when none
  CheckInOutcome outcome = CheckInOutcome::no_appointment;
  std::string recorded_by;  // user id (the kiosk, the holder's user, the officer)

  bool operator==(const CheckInRow&) const = default;
};

class CheckInTx {
 public:
  virtual ~CheckInTx() = default;

  // A taken id is Errc::conflict and asks for a retry.
  virtual Result<void> insert_check_in(const CheckInRow& row) = 0;
  // Every check-in of the holder, by time then id.
  virtual Result<std::vector<CheckInRow>> check_ins_of_holder(const std::string& holder_id) = 0;
};

}  // namespace sdc::registry
