// Check-ins and reporting compliance (docs/CHECK_INS.md). A holder checks
// in at a kiosk by presenting their card (its verified barcode), online
// with their own holder session, or an officer records it on their behalf.
// A check-in is matched to the holder's booked appointment of that day
// (the office's local date): on time from kEarlyAllowance before its start
// until its end, late after its end the same day; a day without one (or a
// check-in earlier than the allowance) is recorded as no_appointment.
// Compliance is computed when asked: every past booked appointment is
// on_time or late by its first matched check-in, or missed once its day is
// over without one.
//
// Who may do what is allowed() (types.h): kiosks and officers check in a
// presented card (Action::check_in_card), officers a named holder
// (check_in_holder), holders themselves (check_in_own); field and
// enrollment officers and auditors read compliance. Every call is audited
// in the holder's trail, refusals included: a check-in commits with its
// record, a refused card is recorded with the verification's result.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sdc/credential/verify.h"
#include "sdc/registry/audit_batcher.h"
#include "sdc/registry/check_in_tx.h"
#include "sdc/registry/store.h"
#include "sdc/registry/time_zones.h"
#include "sdc/registry/types.h"
#include "sdc/util/clock.h"

namespace sdc::registry {

// An appointment as a holder is told of it: when and where.
struct AppointmentPlace {
  std::string appointment_id;
  UnixTime starts_at = 0;  // UTC
  UnixTime ends_at = 0;
  std::string office_id;
  std::string office_name;
  std::string office_address;
  std::string time_zone;  // the office's; the times are shown in it
};

struct CheckInAnswer {
  CheckInRow check_in;
  // The holder's next booked appointment after this check-in (one not yet
  // over, other than the one matched); nullopt when none is booked.
  std::optional<AppointmentPlace> next;
};

enum class ComplianceStatus { on_time, late, missed };
const char* to_string(ComplianceStatus status);

struct ComplianceEntry {
  AppointmentRow appointment;
  ComplianceStatus status = ComplianceStatus::missed;
  std::string check_in_id;  // the first matched check-in; empty when missed
  UnixTime checked_in_at = 0;
};

struct Compliance {
  std::string holder_id;
  std::vector<ComplianceEntry> appointments;  // by start
  std::size_t on_time = 0;
  std::size_t late = 0;
  std::size_t missed = 0;
  // Check-ins that matched no appointment.
  std::size_t without_appointment = 0;
  std::optional<UnixTime> last_check_in;
};

// Thread-safe. Everything given must outlive the CheckIns; `batcher` is
// the registry's group commit for reads and refusals.
class CheckIns {
 public:
  static constexpr UnixTime kEarlyAllowance = 2 * 3600;

  CheckIns(Store& store, AuditBatcher& batcher, const Clock& clock, Random& random,
           const TimeZones& zones)
      : store_(store), batcher_(batcher), clock_(clock), random_(random), zones_(zones) {}

  // Whether `by` may do `action`; a refusal is audited and returned as
  // Errc::forbidden, so that a caller can refuse before it reads a request.
  Result<void> authorize(const User& by, Action action, const std::string& holder_id = {});

  // A presented card, as verify_barcode found it. Anything but VALID is
  // refused (Errc::conflict for a REVOKED or SUSPENDED card, the card's
  // state in the registry agreeing; Errc::invalid_argument for every other
  // result), audited with the result as outcome. A card the registry does
  // not know, or whose stored state is not valid, is refused the same way.
  // `office_id` (empty: none) must name an office. Method kiosk for a
  // kiosk, officer for an officer.
  Result<CheckInAnswer> check_in_with_card(const User& by, const std::string& office_id,
                                           const Verification& card);
  // The signed-in holder (Role::holder; own_holder_id) checks in online.
  Result<CheckInAnswer> check_in_online(const User& holder);
  // An officer records the holder's check-in (method officer).
  // Errc::not_found for an unknown holder or office.
  Result<CheckInAnswer> check_in_for(const User& officer, const std::string& holder_id,
                                     const std::string& office_id = {});

  // The holder's compliance now, audited as a read of their record.
  // Errc::not_found for an unknown holder.
  Result<Compliance> compliance(const User& by, const std::string& holder_id);

  // Every check-in of the holder, newest first, audited as a read of
  // their record (Action::read_compliance): the roles that read compliance,
  // and the holder themselves for their own record (a holder naming
  // another holder is refused, audited). Errc::not_found for an unknown
  // holder.
  Result<std::vector<CheckInRow>> history(const User& by, const std::string& holder_id);

 private:
  Result<CheckInAnswer> record(const User& by, Action action, CheckInMethod method,
                               const std::string& holder_id, const std::string& office_id,
                               const std::string& document_number);

  Store& store_;
  AuditBatcher& batcher_;
  const Clock& clock_;
  Random& random_;
  const TimeZones& zones_;
};

}  // namespace sdc::registry
