// The schedule aggregate of a store transaction (schema version 5): each
// holder's reporting requirement, their appointments, and how many places
// of each office slot are taken. Part of Tx (store.h).
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// Where and how often a holder reports: at `office_id`, on every
// `cadence_days`-th day from `anchor_date` (the first reporting date), each
// time within `window_days` before or after that date.
struct ReportingRow {
  std::string holder_id;
  std::string office_id;
  int cadence_days = 0;
  int window_days = 0;
  std::string anchor_date;  // YYYY-MM-DD, in the office's zone
  std::string set_by;       // user id
  UnixTime set_at = 0;

  bool operator==(const ReportingRow&) const = default;
};

enum class AppointmentState {
  booked,
  cancelled,      // by the holder or an officer
  office_closed,  // the office closed that day; the holder was told
};
const char* to_string(AppointmentState state);
Result<AppointmentState> parse_appointment_state(std::string_view text);

struct AppointmentRow {
  std::string id;
  std::string holder_id;
  std::string office_id;
  UnixTime starts_at = 0;  // UTC
  UnixTime ends_at = 0;
  std::string due_date;  // the reporting date (YYYY-MM-DD) the appointment is for
  AppointmentState state = AppointmentState::booked;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;
  std::string updated_by;  // user id

  bool operator==(const AppointmentRow&) const = default;
};

class ScheduleTx {
 public:
  virtual ~ScheduleTx() = default;

  // Sets (or replaces) the holder's requirement.
  virtual Result<void> put_reporting(const ReportingRow& row) = 0;
  virtual Result<std::optional<ReportingRow>> get_reporting(const std::string& holder_id) = 0;

  // Takes one place of the slot if fewer than `capacity` are taken, in one
  // statement, so that concurrent writers can never take more: true if
  // taken, false if the slot is full.
  virtual Result<bool> take_slot_place(const std::string& office_id, UnixTime starts_at,
                                       int capacity) = 0;
  // Gives a place back (never below zero).
  virtual Result<void> release_slot_place(const std::string& office_id, UnixTime starts_at) = 0;
  // Taken places per slot start in [from, to), by start.
  virtual Result<std::vector<std::pair<UnixTime, int>>> taken_places(const std::string& office_id,
                                                                     UnixTime from,
                                                                     UnixTime to) = 0;

  // A second booked appointment of a holder for the same due date is
  // Errc::conflict (the store's unique index says so).
  virtual Result<void> insert_appointment(const AppointmentRow& row) = 0;
  // Replaces every column but id, holder_id and created_at; Errc::not_found
  // if absent.
  virtual Result<void> update_appointment(const AppointmentRow& row) = 0;
  virtual Result<std::optional<AppointmentRow>> get_appointment(const std::string& id) = 0;
  // By start, every state.
  virtual Result<std::vector<AppointmentRow>> appointments_of_holder(
      const std::string& holder_id) = 0;
  // The office's booked appointments starting in [from, to), by start.
  virtual Result<std::vector<AppointmentRow>> booked_appointments(const std::string& office_id,
                                                                  UnixTime from, UnixTime to) = 0;
};

}  // namespace sdc::registry
