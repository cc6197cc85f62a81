// iCalendar (RFC 5545) for a holder's dates: appointments, hearings and
// whatever else has a time. A pure writer: the events in, the text out.
//
// Each event is shown in its own IANA zone: DTSTART and DTEND carry
// TZID=<zone> and the local time, and the calendar has a VTIMEZONE per zone
// used, whose STANDARD/DAYLIGHT sub-components give every offset change of
// the zone (from the tz database, /usr/share/zoneinfo) from the start of
// the earliest event's year to the end of the latest event's year, each
// with its onset, so no RRULE is needed to read it. A time in the repeated
// hour after a change back (which a local time names ambiguously, and
// parsers resolve differently) and an event with zone "UTC" or none are
// written in UTC ("...Z"). Lines end in CRLF and are folded at 75 octets, never inside
// a UTF-8 character; text values escape '\', ';', ',' and line breaks.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::registry {

struct CalendarEvent {
  std::string uid;        // unique and stable, e.g. "appointment-<id>@sdc"
  UnixTime start = 0;     // UTC seconds
  UnixTime duration = 0;  // seconds, at least 0
  std::string time_zone;  // IANA name, e.g. "America/New_York"; "UTC" or empty for UTC
  std::string summary;
  std::string location;        // may be empty (not written)
  std::string description;     // may be empty (not written)
  std::uint64_t sequence = 0;  // raised by every change the holder should see
  UnixTime last_modified = 0;  // 0: not written
};

struct CalendarOptions {
  std::string prodid = "-//SDC//Registry//EN";
  std::string name;      // X-WR-CALNAME when not empty
  UnixTime dtstamp = 0;  // when the calendar was made (DTSTAMP of every event)
};

// The calendar, or Errc::invalid_argument naming the event (by uid) whose
// zone the tz database does not know, whose uid is empty, or whose
// duration is negative. The events are written in the order given. With no
// event the calendar has no component (clients accept it as empty).
Result<std::string> write_icalendar(std::span<const CalendarEvent> events,
                                    const CalendarOptions& options);

// Building blocks, exposed for their tests.
// A TEXT value with '\', ';', ',' and line breaks escaped; other control
// characters but tab dropped.
std::string ical_escape_text(std::string_view text);
// One content line folded at 75 octets (continuations start with a space),
// never inside a UTF-8 sequence, each physical line ending in CRLF.
std::string ical_fold_line(std::string_view line);

}  // namespace sdc::registry
