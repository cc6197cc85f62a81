// The iCalendar writer (icalendar.h) and what a holder's calendar holds
// (holder_calendar.h). tests/ical/check_ics.py reads the writer's output
// with an independent parser (python3-icalendar).
#include "sdc/registry/icalendar.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sdc/registry/holder_calendar.h"

namespace sdc::registry {
namespace {

// 2026-03-08T07:00:00Z: 02:00 EST, when New York moves to EDT.
constexpr UnixTime kNyDstStart = 1772953200;
// 2026-11-01T06:00:00Z: 02:00 EDT, when New York moves back to EST.
constexpr UnixTime kNyDstEnd = 1793512800;

std::vector<std::string> lines_of(const std::string& ics) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < ics.size()) {
    std::size_t end = ics.find("\r\n", at);
    EXPECT_NE(end, std::string::npos) << "every line ends in CRLF";
    if (end == std::string::npos) break;
    out.push_back(ics.substr(at, end - at));
    at = end + 2;
  }
  return out;
}

// The content lines, unfolded.
std::vector<std::string> unfolded(const std::string& ics) {
  std::vector<std::string> out;
  for (const std::string& l : lines_of(ics)) {
    if (!l.empty() && l[0] == ' ' && !out.empty())
      out.back() += l.substr(1);
    else
      out.push_back(l);
  }
  return out;
}

std::string ics_of(const std::vector<CalendarEvent>& events) {
  CalendarOptions o;
  o.dtstamp = kNyDstStart - 86400 * 30;
  auto r = write_icalendar(events, o);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : std::string();
}

// The VTIMEZONE block of `zone` (unfolded lines), empty if none.
std::vector<std::string> vtimezone(const std::vector<std::string>& lines, const std::string& zone) {
  std::vector<std::string> out;
  bool in = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "BEGIN:VTIMEZONE" && i + 1 < lines.size() && lines[i + 1] == "TZID:" + zone)
      in = true;
    if (in) out.push_back(lines[i]);
    if (in && lines[i] == "END:VTIMEZONE") break;
  }
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(ICalendar, EscapesTextValues) {
  EXPECT_EQ(ical_escape_text("a,b;c\\d"), "a\\,b\\;c\\\\d");
  EXPECT_EQ(ical_escape_text("one\ntwo\r\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
  EXPECT_EQ(ical_escape_text(std::string("tab\tbell\x07"
                                         "del\x7f"
                                         "end")),
            "tab\tbelldelend");
  EXPECT_EQ(ical_escape_text("Room 4: Café"), "Room 4: Café");
}

TEST(ICalendar, FoldsAt75OctetsNeverInsideACharacter) {
  EXPECT_EQ(ical_fold_line("SUMMARY:short"), "SUMMARY:short\r\n");
  const std::string ascii = "DESCRIPTION:" + std::string(200, 'x');
  const std::string folded = ical_fold_line(ascii);
  auto lines = lines_of(folded);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 75u);
  EXPECT_EQ(lines[1].size(), 75u);
  EXPECT_EQ(lines[1][0], ' ');
  EXPECT_EQ(unfolded(folded)[0], ascii);
  // "é" is 2 octets, "€" 3, "😀" 4: no physical line splits one.
  for (const std::string ch : {"é", "€", "😀"}) {
    std::string text = "SUMMARY:x";
    for (int i = 0; i < 60; ++i) text += ch;
    const std::string f = ical_fold_line(text);
    for (const std::string& l : lines_of(f)) {
      EXPECT_LE(l.size(), 75u);
      std::size_t from = l[0] == ' ' ? 1 : 0;
      ASSERT_LT(from, l.size());
      EXPECT_NE(static_cast<unsigned char>(l[from]) & 0xC0, 0x80) << "starts inside a character";
      // The line ends on a whole character: the next line starts on a lead byte.
    }
    EXPECT_EQ(unfolded(f)[0], text);
  }
}

TEST(ICalendar, CalendarHasItsHeaderAndEventsTheirProperties) {
  CalendarEvent e;
  e.uid = "appointment-1@sdc";
  e.start = kNyDstStart + 6 * 3600;  // 09:00 EDT
  e.duration = 1800;
  e.time_zone = "America/New_York";
  e.summary = "Reporting, office 4; bring card";
  e.location = "26 Federal Plaza, New York";
  e.description = "Line one\nLine two";
  e.sequence = 3;
  e.last_modified = kNyDstStart - 86400;
  const auto lines = unfolded(ics_of({e}));
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_TRUE(has(lines, "VERSION:2.0"));
  EXPECT_TRUE(has(lines, "PRODID:-//SDC//Registry//EN"));
  EXPECT_TRUE(has(lines, "UID:appointment-1@sdc"));
  EXPECT_TRUE(has(lines, "DTSTAMP:20260206T070000Z"));
  EXPECT_TRUE(has(lines, "DTSTART;TZID=America/New_York:20260308T090000"));
  EXPECT_TRUE(has(lines, "DTEND;TZID=America/New_York:20260308T093000"));
  EXPECT_TRUE(has(lines, "SUMMARY:Reporting\\, office 4\\; bring card"));
  EXPECT_TRUE(has(lines, "LOCATION:26 Federal Plaza\\, New York"));
  EXPECT_TRUE(has(lines, "DESCRIPTION:Line one\\nLine two"));
  EXPECT_TRUE(has(lines, "SEQUENCE:3"));
  EXPECT_TRUE(has(lines, "LAST-MODIFIED:20260307T070000Z"));
}

TEST(ICalendar, VTimezoneGivesEveryOffsetChangeOfTheYears) {
  CalendarEvent ny{"ny@sdc", kNyDstStart - 3600, 3600, "America/New_York", "before", "", "", 0, 0};
  CalendarEvent phx{"phx@sdc", kNyDstStart, 3600, "America/Phoenix", "Phoenix", "", "", 0, 0};
  CalendarEvent hnl{"hnl@sdc", kNyDstEnd, 3600, "Pacific/Honolulu", "Honolulu", "", "", 0, 0};
  const auto lines = unfolded(ics_of({ny, phx, hnl}));
  const auto nyz = vtimezone(lines, "America/New_York");
  ASSERT_FALSE(nyz.empty());
  // From 2026-01-01T00:00Z (the year of the earliest event; 19:00 local the
  // day before) to the end of 2026.
  const std::vector<std::string> spring = {"BEGIN:DAYLIGHT", "DTSTART:20260308T020000",
                                           "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400"};
  EXPECT_NE(std::search(nyz.begin(), nyz.end(), spring.begin(), spring.end()), nyz.end());
  const std::vector<std::string> fall = {"BEGIN:STANDARD", "DTSTART:20261101T020000",
                                         "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500"};
  EXPECT_NE(std::search(nyz.begin(), nyz.end(), fall.begin(), fall.end()), nyz.end());
  const std::vector<std::string> new_year = {"BEGIN:STANDARD", "DTSTART:20251231T190000",
                                             "TZOFFSETFROM:-0500", "TZOFFSETTO:-0500"};
  EXPECT_NE(std::search(nyz.begin(), nyz.end(), new_year.begin(), new_year.end()), nyz.end());
  EXPECT_EQ(std::count(nyz.begin(), nyz.end(), "BEGIN:DAYLIGHT"), 1);
  EXPECT_EQ(std::count(nyz.begin(), nyz.end(), "BEGIN:STANDARD"), 2);

  for (const auto& [zone, offset] :
       {std::pair<std::string, std::string>{"America/Phoenix", "-0700"},
        {"Pacific/Honolulu", "-1000"}}) {
    const auto z = vtimezone(lines, zone);
    ASSERT_FALSE(z.empty()) << zone;
    EXPECT_EQ(std::count(z.begin(), z.end(), "BEGIN:DAYLIGHT"), 0) << zone;
    EXPECT_EQ(std::count(z.begin(), z.end(), "BEGIN:STANDARD"), 1) << zone;
    EXPECT_TRUE(has(z, "TZOFFSETFROM:" + offset));
    EXPECT_TRUE(has(z, "TZOFFSETTO:" + offset));
  }
  EXPECT_TRUE(has(lines, "DTSTART;TZID=America/New_York:20260308T010000"));
  EXPECT_TRUE(has(lines, "DTSTART;TZID=America/Phoenix:20260308T000000"));
  EXPECT_TRUE(has(lines, "DTSTART;TZID=Pacific/Honolulu:20261031T200000"));
  // No VTIMEZONE for a zone no event uses.
  EXPECT_TRUE(vtimezone(lines, "Europe/Berlin").empty());
}

TEST(ICalendar, TheRepeatedHourAndUtcEventsAreWrittenInUtc) {
  // 01:30 EDT (first) and 01:30 EST (second): both are written in UTC.
  CalendarEvent first{"first@sdc", kNyDstEnd - 1800, 600, "America/New_York", "a", "", "", 0, 0};
  CalendarEvent second{"second@sdc", kNyDstEnd + 1800, 600, "America/New_York", "b", "", "", 0, 0};
  CalendarEvent utc{"utc@sdc", kNyDstEnd, 0, "UTC", "c", "", "", 0, 0};
  CalendarEvent none{"none@sdc", kNyDstEnd, 0, "", "d", "", "", 0, 0};
  const auto lines = unfolded(ics_of({first, second, utc, none}));
  EXPECT_TRUE(has(lines, "DTSTART:20261101T053000Z"));
  EXPECT_TRUE(has(lines, "DTSTART:20261101T063000Z"));
  EXPECT_FALSE(has(lines, "DTSTART;TZID=America/New_York:20261101T013000"));
  // The hour before the repeated one stays local.
  const auto before = unfolded(ics_of(
      {CalendarEvent{"before@sdc", kNyDstEnd - 5400, 600, "America/New_York", "e", "", "", 0, 0}}));
  EXPECT_TRUE(has(before, "DTSTART;TZID=America/New_York:20261101T003000"));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "DTSTART:20261101T060000Z"), 2);
  EXPECT_TRUE(vtimezone(lines, "UTC").empty());
}

TEST(ICalendar, RefusesUnknownZonesEmptyUidsAndNegativeDurations) {
  CalendarOptions o;
  CalendarEvent e{"x@sdc", 0, 0, "Mars/Olympus_Mons", "s", "", "", 0, 0};
  auto bad_zone = write_icalendar(std::vector<CalendarEvent>{e}, o);
  ASSERT_FALSE(bad_zone);
  EXPECT_EQ(bad_zone.error().code, Errc::invalid_argument);
  EXPECT_NE(bad_zone.error().message.find("x@sdc"), std::string::npos);
  e.time_zone = "../../etc/passwd";
  EXPECT_FALSE(write_icalendar(std::vector<CalendarEvent>{e}, o));
  e.time_zone = "UTC";
  e.uid.clear();
  EXPECT_FALSE(write_icalendar(std::vector<CalendarEvent>{e}, o));
  e.uid = "y@sdc";
  e.duration = -1;
  EXPECT_FALSE(write_icalendar(std::vector<CalendarEvent>{e}, o));
  auto empty = write_icalendar({}, o);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//SDC//Registry//EN\r\n"
            "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n");
}

TEST(HolderCalendar, MergesAppointmentsHearingsAndTheCardExpiryByTime) {
  OwnRecord own;
  CardRecord card;
  card.document_number = "K7M2P9QXA";
  card.expires_at = 2000;
  card.card_version = 2;
  own.card = card;
  CalendarEvent appt{"appt@sdc", 3000, 60, "America/Phoenix", "Reporting", "", "", 0, 0};
  CalendarEvent hearing{"hearing@sdc", 1000, 60, "America/New_York", "Hearing", "", "", 0, 0};
  auto events = holder_calendar_events(own, {appt}, {hearing});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].uid, "hearing@sdc");
  EXPECT_EQ(events[1].uid, "card-K7M2P9QXA-expiry@sdc");
  EXPECT_EQ(events[1].start, 2000);
  EXPECT_EQ(events[1].time_zone, "UTC");
  EXPECT_EQ(events[2].uid, "appt@sdc");
  own.card->state = CardState::invalid;
  EXPECT_EQ(holder_calendar_events(own, {}, {}).size(), 0u);
  own.card.reset();
  EXPECT_EQ(holder_calendar_events(own, {appt}, {}).size(), 1u);
}

}  // namespace
}  // namespace sdc::registry
