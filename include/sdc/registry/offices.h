// The registry's offices: where holders report and officers work. Kept in
// the database (schema version 2). Every signed-in role may read them;
// changing them is the administrator's, role-checked here, and every change,
// refusal and failure leaves an audit record (admin_audit.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/registry/admin_audit.h"
#include "sdc/registry/store.h"
#include "sdc/registry/time_zones.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

struct OfficeInput {
  std::string name;       // 1 to 200 characters, unique
  std::string address;    // up to 500 characters
  std::string time_zone;  // an IANA name known to `zones`, e.g. America/Chicago
  std::string phone;      // up to 40 characters: digits, spaces, + - ( ) .
  WeekHours hours{};      // closed every day unless given
  int slot_minutes = 30;  // 5 to 240; every open day holds at least one slot
  int slot_capacity = 1;  // 1 to 1000 holders per slot
};

// Errc::invalid_argument with a line per bad field ("time_zone: ...").
Result<void> check_office(const OfficeInput& in, const TimeZones& zones);

// What a change of an office gives; absent fields keep their value.
struct OfficeChange {
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<std::string> time_zone;
  std::optional<std::string> phone;
  std::optional<WeekHours> hours;
  std::optional<int> slot_minutes;
  std::optional<int> slot_capacity;
};

// What closing an office for a day did: the appointments it cancelled (each
// holder is told through the outbox and may book again).
struct ClosureResult {
  OfficeClosure closure;
  std::size_t appointments_cancelled = 0;
};

// Thread-safe. Everything given must outlive the Offices.
class Offices {
 public:
  Offices(Store& store, const Clock& clock, Random& random, const TimeZones& zones)
      : store_(store), clock_(clock), random_(random), zones_(zones) {}

  // Checks and stores a new office with a random id. Errc::conflict when
  // the name is taken. With `by` (a call through the API): Errc::forbidden
  // unless `by` may manage offices, and the call is audited whatever its
  // outcome. Without `by` (seeding a folder), nothing is audited.
  Result<OfficeRow> create(const OfficeInput& in, const User* by = nullptr);

  // Whether `by` may do `action` (create, update or delete an office). A
  // refusal is audited (naming `office_id` if given) and returned as
  // Errc::forbidden: callers that must refuse before reading a request ask
  // here first. The calls below check too.
  Result<void> authorize(const User& by, AdminAction action, const std::string& office_id = {});

  // Every office, by name.
  Result<std::vector<OfficeRow>> list();

  // One office; Errc::not_found if there is none with this id.
  Result<OfficeRow> get(const std::string& id);

  // Applies `change` to the office, checks the result as check_office does
  // and stores it with its audit record (the names of the fields given), in
  // one transaction. Errc::not_found for an unknown id, Errc::conflict when
  // the new name is another office's; refusals and failures are audited.
  Result<OfficeRow> update(const std::string& id, const OfficeChange& change, const User& by);

  // Deletes the office with its audit record, in one transaction.
  // Errc::not_found for an unknown id. No table refers to offices (schema
  // versions 1 to 4), so nothing can stand in the way of a delete.
  Result<void> remove(const std::string& id, const User& by);

  // Closes the office on `date` (YYYY-MM-DD, its local date) for `reason`
  // (1 to 200 printable characters, shown to holders). In one transaction:
  // the closure, every appointment booked that day set to office_closed with
  // its place given back, a notification per holder in the outbox, and the
  // audit records (the administrator's, and one per affected holder).
  // Errc::conflict if already closed that day. Administrators.
  Result<ClosureResult> close_day(const std::string& id, const std::string& date,
                                  const std::string& reason, const User& by);
  // Opens the day again; cancelled appointments stay cancelled.
  Result<void> reopen_day(const std::string& id, const std::string& date, const User& by);
  // The office's closures from today (its local date) on, by date. Every
  // signed-in role.
  Result<std::vector<OfficeClosure>> closures(const std::string& id);

 private:
  Result<OfficeRow> insert(const OfficeInput& in, const User* by);
  Result<OfficeRow> apply(const std::string& id, const OfficeChange& change, const User& by);
  Result<ClosureResult> close(const std::string& id, const std::string& date,
                              const std::string& reason, const User& by);

  Store& store_;
  const Clock& clock_;
  Random& random_;
  const TimeZones& zones_;
};

}  // namespace sdc::registry
