// Writes a calendar with write_icalendar to stdout for check_ics.py, which
// reads it with an independent parser (python3-icalendar). The events sit
// around New York's changes of 2026 and in zones without daylight saving
// time; check_ics.py holds the UTC instant each uid must come back as.
#include <cstdio>
#include <string>
#include <vector>

#include "sdc/registry/icalendar.h"

int main() {
  using sdc::registry::CalendarEvent;
  const sdc::UnixTime spring = 1772953200;  // 2026-03-08T07:00:00Z
  const sdc::UnixTime fall = 1793512800;    // 2026-11-01T06:00:00Z
  std::vector<CalendarEvent> events = {
      {"ny-before-spring@sdc", spring - 3600, 1800, "America/New_York", "Before the change", "", "",
       0, 0},
      {"ny-after-spring@sdc", spring + 3600, 1800, "America/New_York", "After the change", "", "",
       0, 0},
      {"ny-summer@sdc", 1783000800, 3600, "America/New_York", "Hearing, courtroom 12; bring papers",
       "26 Federal Plaza, New York, NY", "Line one\nLine two, with a comma; and a \\ backslash", 2,
       1780000000},
      {"ny-fall-first@sdc", fall - 1800, 600, "America/New_York", "01:30 EDT", "", "", 0, 0},
      {"ny-fall-second@sdc", fall + 1800, 600, "America/New_York", "01:30 EST", "", "", 0, 0},
      {"ny-after-fall@sdc", fall + 86400, 3600, "America/New_York", "After the change back", "", "",
       0, 0},
      {"ny-next-year@sdc", 1805000000, 3600, "America/New_York", "Next year", "", "", 0, 0},
      {"phx@sdc", spring + 3600, 3600, "America/Phoenix", "Phoenix office", "", "", 0, 0},
      {"phx-summer@sdc", 1783000800, 3600, "America/Phoenix", "Phoenix in July", "", "", 0, 0},
      {"hnl@sdc", fall, 3600, "Pacific/Honolulu", "Honolulu office", "", "", 0, 0},
      {"utc@sdc", spring, 0, "UTC", "Card expires", "", "", 1, 0},
      {"long@sdc", spring + 7200, 3600, "America/New_York",
       "Très long résumé — " + std::string(40, 'x') + " — ünïcödé €€€ 😀😀😀 and more text", "",
       std::string(300, 'y'), 0, 0},
  };
  sdc::registry::CalendarOptions o;
  o.name = "SDC test";
  o.dtstamp = spring - 86400 * 10;
  auto ics = sdc::registry::write_icalendar(events, o);
  if (!ics) {
    std::fprintf(stderr, "%s\n", ics.error().message.c_str());
    return 1;
  }
  std::fwrite(ics->data(), 1, ics->size(), stdout);
  return 0;
}
