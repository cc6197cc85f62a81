// Reporting requirements and appointments: where and how often a holder
// reports, the free slots of an office, and booking, moving and cancelling
// an appointment. Every call takes the acting User, is role-checked and
// audited (a refusal too); a change commits with its audit record.
//
// Times are stored in UTC and cut into slots on the office's wall clock
// (TimeZones), so a slot at 09:00 stays at 09:00 across a daylight-saving
// change.
//
// The policy (docs/SCHEDULING.md):
//   - a holder reports every cadence_days days from the anchor date, each
//     time within window_days before or after the due date;
//   - an appointment is booked in a free slot of the requirement's office,
//     inside the window of a due date, never in the past nor more than
//     kMaxDaysAhead days ahead, never on a closed day; one booked
//     appointment per due date;
//   - it may be moved or cancelled until kChangeCutoff (24 h) before it
//     starts;
//   - no slot ever takes more holders than the office's slot capacity, under
//     any number of concurrent bookings (the store counts places).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sdc/registry/audit_batcher.h"
#include "sdc/registry/store.h"
#include "sdc/registry/time_zones.h"
#include "sdc/registry/types.h"
#include "sdc/util/clock.h"

namespace sdc::registry {

struct ReportingInput {
  std::string office_id;
  int cadence_days = 0;     // 1 to 365
  int window_days = 0;      // 0 to 30, and less than half the cadence
  std::string anchor_date;  // YYYY-MM-DD, the first due date, office time
};

// A requirement with the due date it now points at.
struct ReportingView {
  ReportingRow requirement;
  std::string next_due_date;  // the first due date whose window has not closed
  std::string window_opens;   // next_due_date - window_days
  std::string window_closes;  // next_due_date + window_days
};

struct Slot {
  UnixTime starts_at = 0;  // UTC
  UnixTime ends_at = 0;
  std::string local_start;  // the office's wall clock, "YYYY-MM-DDTHH:MM"
  int utc_offset_minutes = 0;
  int remaining = 0;  // free places; at least 1 in a search's answer
};

// Thread-safe; several processes may schedule on one database.
class Scheduling {
 public:
  // Everything given must outlive the Scheduling. `batcher` is the
  // registry's group commit for reads and refusals.
  Scheduling(Store& store, AuditBatcher& batcher, const Clock& clock, Random& random,
             const TimeZones& zones)
      : store_(store), batcher_(batcher), clock_(clock), random_(random), zones_(zones) {}

  static constexpr UnixTime kChangeCutoff = 24 * 3600;
  static constexpr int kMaxDaysAhead = 400;
  static constexpr int kMaxSearchDays = 31;

  // Enrollment officers. Errc::invalid_argument (a line per bad field),
  // Errc::not_found for an unknown holder or office.
  Result<ReportingView> set_reporting(const User& by, const std::string& holder_id,
                                      const ReportingInput& in);
  // Roles that may read a holder's schedule; Errc::not_found when the
  // holder has no requirement.
  Result<ReportingView> get_reporting(const User& by, const std::string& holder_id);

  // The office's free slots on its local dates from `from_date` to
  // `to_date` (YYYY-MM-DD, at most kMaxSearchDays), in order: within its
  // hours, outside its closures, not yet started, with a free place. Any
  // signed-in role: offices and their free places are no one's personal
  // data, and nothing is audited.
  Result<std::vector<Slot>> free_slots(const std::string& office_id, const std::string& from_date,
                                       const std::string& to_date);

  // Books the slot starting at `starts_at` at the holder's reporting office.
  Result<AppointmentRow> book(const User& by, const std::string& holder_id, UnixTime starts_at);
  // Moves a booked appointment to another slot (of the same office).
  Result<AppointmentRow> move(const User& by, const std::string& appointment_id,
                              UnixTime starts_at);
  Result<AppointmentRow> cancel(const User& by, const std::string& appointment_id);
  // Every appointment of the holder, by start.
  Result<std::vector<AppointmentRow>> appointments(const User& by, const std::string& holder_id);

 private:
  Store& store_;
  AuditBatcher& batcher_;
  const Clock& clock_;
  Random& random_;
  const TimeZones& zones_;
};

}  // namespace sdc::registry
