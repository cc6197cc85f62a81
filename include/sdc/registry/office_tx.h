// The office aggregate of a store transaction. Part of Tx (store.h); a
// function that touches only offices may take an OfficeTx&.
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// An office's opening hours on one weekday, in minutes after local
// midnight: open from `opens` until `closes`; closed all day when `opens` is
// negative.
struct DayHours {
  int opens = -1;
  int closes = -1;
  bool open() const { return opens >= 0; }
  bool operator==(const DayHours&) const = default;
};
// Monday first, as ISO 8601 counts the week.
using WeekHours = std::array<DayHours, 7>;
inline constexpr std::array<const char*, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                             "fri", "sat", "sun"};

// The stored form of a week's hours: seven fields, Monday first, each
// "HH:MM-HH:MM" or empty for a closed day, joined by '|'.
std::string format_week_hours(const WeekHours& week);
// Errc::parse for anything format_week_hours does not write.
Result<WeekHours> parse_week_hours(std::string_view text);
// "HH:MM-HH:MM" for one day (24:00 allowed as a closing time); Errc::parse
// otherwise. Does not check that the day is long enough for a slot.
Result<DayHours> parse_day_hours(std::string_view text);
std::string format_day_hours(const DayHours& day);

struct OfficeRow {
  std::string id;
  std::string name;  // unique
  std::string address;
  std::string time_zone;  // IANA name, e.g. America/Chicago
  std::string phone;
  UnixTime created_at = 0;
  UnixTime updated_at = 0;
  // Reporting appointments (schema version 5): the weekly hours, and how
  // they are cut into slots, each taking up to slot_capacity holders.
  WeekHours hours{};
  int slot_minutes = 30;
  int slot_capacity = 1;

  bool operator==(const OfficeRow&) const = default;
};

// A day an office is closed, with the reason holders are shown.
struct OfficeClosure {
  std::string office_id;
  std::string date;    // YYYY-MM-DD, the office's local date
  std::string reason;  // shown to holders; no personal data
  UnixTime created_at = 0;

  bool operator==(const OfficeClosure&) const = default;
};

// A taken office name is Errc::conflict without a retry: trying again
// cannot help.
class OfficeTx {
 public:
  virtual ~OfficeTx() = default;

  virtual Result<void> insert_office(const OfficeRow& row) = 0;
  // Replaces every column but id and created_at; Errc::not_found if absent.
  virtual Result<void> update_office(const OfficeRow& row) = 0;
  virtual Result<std::optional<OfficeRow>> get_office(const std::string& id) = 0;
  // By name.
  virtual Result<std::vector<OfficeRow>> list_offices() = 0;
  // Errc::not_found if absent; Errc::conflict while a reporting requirement
  // or an appointment refers to the office. Its closures go with it.
  virtual Result<void> delete_office(const std::string& id) = 0;

  // Errc::conflict (without a retry) if the office is already closed that day.
  virtual Result<void> insert_closure(const OfficeClosure& closure) = 0;
  // Errc::not_found if the office is not closed that day.
  virtual Result<void> delete_closure(const std::string& office_id, const std::string& date) = 0;
  // The office's closures from `from_date` to `to_date` (inclusive,
  // YYYY-MM-DD), by date.
  virtual Result<std::vector<OfficeClosure>> closures(const std::string& office_id,
                                                      const std::string& from_date,
                                                      const std::string& to_date) = 0;
};

}  // namespace sdc::registry
