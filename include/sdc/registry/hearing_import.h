// The court calendar as the registry reads it: CSV (RFC 4180, a header row
// naming the columns) or JSON (an array of objects, or {"hearings": [...]}),
// one hearing a row. Pure and bounded: no I/O, every size and count
// limited before it is used. docs/HEARINGS.md describes the format.
//
// A row that breaks a rule of its own (a bad A-number, a date-time that
// does not exist in its zone, an unknown status, a field over its column's
// length) is rejected with its line and every reason, and the other rows
// are kept. A calendar that cannot be read as a whole (not CSV or JSON, a
// bad header, an unterminated quote, a cell over kMaxCellBytes, too many
// rows, too many bytes) is an error and gives no rows at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/registry/time_zones.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

enum class CalendarFormat { detect, csv, json };

// The limits of one calendar.
inline constexpr std::size_t kMaxCalendarBytes = std::size_t{16} << 20;  // 16 MiB
inline constexpr std::size_t kMaxCalendarRows = 100'000;
// A cell (CSV) or value (JSON) longer than this is not a calendar's: the
// whole calendar is refused. The columns' own, smaller limits reject a row.
inline constexpr std::size_t kMaxCellBytes = 4096;

// The columns' limits (bytes of UTF-8).
inline constexpr std::size_t kMaxHearingIdBytes = 64;
inline constexpr std::size_t kMaxCourtNameBytes = 200;
inline constexpr std::size_t kMaxCourtAddressBytes = 500;
inline constexpr std::size_t kMaxJudgeBytes = 200;

// The values of hearing_type and status.
inline constexpr const char* kHearingTypes[] = {"master", "individual", "bond", "motion", "other"};
inline constexpr const char* kHearingStatuses[] = {"scheduled", "adjourned", "cancelled",
                                                   "completed"};

// One hearing of the calendar, checked and normalised.
struct CalendarHearing {
  std::size_t line = 0;    // where the row starts in the file (1-based)
  std::string a_number;    // 9 digits (an 8-digit one has gained its leading 0)
  std::string hearing_id;  // the court's id of the hearing
  UnixTime starts_at = 0;  // UTC
  std::string time_zone;   // the court's IANA zone, e.g. America/New_York
  std::string court_name;
  std::string court_address;  // may be empty
  std::string judge;          // may be empty
  std::string hearing_type;   // one of kHearingTypes
  std::string status;         // one of kHearingStatuses; "scheduled" when not given

  bool operator==(const CalendarHearing&) const = default;
};

// A row left out, with every reason ("starts_at: ...", "a_number: ...").
// Reasons name fields, never the values of the row.
struct RejectedRow {
  std::size_t line = 0;
  std::vector<std::string> reasons;

  bool operator==(const RejectedRow&) const = default;
};

struct ParsedCalendar {
  CalendarFormat format = CalendarFormat::csv;  // as read (never detect)
  std::size_t rows = 0;                         // hearings + rejected
  std::vector<CalendarHearing> hearings;        // in file order
  std::vector<RejectedRow> rejected;            // in file order
};

// Reads `text` as `format` (detect: JSON when the first character after a
// UTF-8 byte order mark and whitespace is '[' or '{', CSV otherwise).
// `zones` checks time_zone and gives its rules for local date-times and
// for the offsets given. Errors: Errc::limit (over kMaxCalendarBytes or
// kMaxCalendarRows), Errc::parse (not a calendar, or a cell over
// kMaxCellBytes: the message says where and why). A row whose (a_number, hearing_id) came
// before in the same calendar is rejected.
Result<ParsedCalendar> parse_calendar(std::string_view text, CalendarFormat format,
                                      const TimeZones& zones);

// The date-time of a calendar row in UTC: RFC 3339 with an offset
// ("2026-03-09T09:00:00-04:00", "...Z"), or a local date-time without one
// ("2026-03-09T09:00", seconds optional, a space for the T allowed) taken in
// `zone`. A numeric offset must be the zone's offset at that instant; Z
// names the instant in UTC and is taken as it is. A local time
// that the zone skips (a spring-forward gap) or has twice (the fall-back
// hour) is refused; the message says which and asks for an offset.
Result<UnixTime> calendar_time(std::string_view text, std::string_view zone,
                               const TimeZones& zones);

}  // namespace sdc::registry
