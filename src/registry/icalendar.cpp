#include "sdc/registry/icalendar.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>

namespace sdc::registry {

namespace {

using std::chrono::seconds;
using Sys = date::sys_seconds;

constexpr std::size_t kFoldAt = 75;

bool is_utc(std::string_view zone) {
  return zone.empty() || zone == "UTC" || zone == "Etc/UTC";
}

std::string utc_stamp(UnixTime t) {
  return date::format("%Y%m%dT%H%M%SZ", Sys{seconds{t}});
}

std::string local_stamp(UnixTime t, seconds offset) {
  return date::format("%Y%m%dT%H%M%S", Sys{seconds{t} + offset});
}

std::string offset_text(seconds offset) {
  long long s = offset.count();
  std::string out = s < 0 ? "-" : "+";
  if (s < 0) s = -s;
  auto two = [&out](long long v) {
    out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
  };
  two(s / 3600);
  two(s / 60 % 60);
  if (s % 60 != 0) two(s % 60);
  return out;
}

const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

int utc_year(UnixTime t) {
  auto days = date::floor<date::days>(Sys{seconds{t}});
  return static_cast<int>(date::year_month_day{days}.year());
}

UnixTime year_start(int year) {
  return date::sys_days{date::year{year} / 1 / 1}.time_since_epoch() / seconds{1};
}

class Lines {
 public:
  void add(std::string_view name, std::string_view value) {
    std::string line(name);
    line += ':';
    line += value;
    out_ += ical_fold_line(line);
  }
  void text(std::string_view name, std::string_view value) { add(name, ical_escape_text(value)); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// The zone's offset changes within [from, to), each with the offset before.
struct Onset {
  UnixTime at = 0;
  seconds from{0}, to{0};
  bool daylight = false;
  std::string abbrev;
};

std::vector<Onset> onsets(const date::time_zone& zone, UnixTime from, UnixTime to) {
  std::vector<Onset> out;
  date::sys_info info = zone.get_info(Sys{seconds{from}});
  // The rule in force at the start, with its onset at the start.
  out.push_back(
      {from, info.offset, info.offset, info.save != std::chrono::minutes{0}, info.abbrev});
  while (info.end < Sys{seconds{to}}) {
    date::sys_info next = zone.get_info(info.end);
    if (next.begin <= info.begin) break;  // defensive: no progress
    out.push_back({info.end.time_since_epoch().count(), info.offset, next.offset,
                   next.save != std::chrono::minutes{0}, next.abbrev});
    info = std::move(next);
  }
  return out;
}

void write_vtimezone(Lines& l, const std::string& name, const date::time_zone& zone, UnixTime from,
                     UnixTime to) {
  l.add("BEGIN", "VTIMEZONE");
  l.text("TZID", name);
  for (const Onset& o : onsets(zone, from, to)) {
    const char* kind = o.daylight ? "DAYLIGHT" : "STANDARD";
    l.add("BEGIN", kind);
    // The onset in the local time before it (RFC 5545 §3.6.5).
    l.add("DTSTART", local_stamp(o.at, o.from));
    l.add("TZOFFSETFROM", offset_text(o.from));
    l.add("TZOFFSETTO", offset_text(o.to));
    if (!o.abbrev.empty()) l.text("TZNAME", o.abbrev);
    l.add("END", kind);
  }
  l.add("END", "VTIMEZONE");
}

// DTSTART/DTEND of `t` in `zone`: local time with TZID, or UTC where the
// local time is ambiguous (the repeated hour after a change back). RFC 5545
// reads such a time as the first occurrence, but common parsers do not
// (python3-icalendar through pytz takes the second), so neither is written
// as a local time.
void write_time(Lines& l, const char* name, UnixTime t, const std::string& zone_name,
                const date::time_zone* zone) {
  if (!zone) return l.add(name, utc_stamp(t));
  const date::sys_info info = zone->get_info(Sys{seconds{t}});
  const auto local = date::local_seconds{seconds{t} + info.offset};
  const date::local_info li = zone->get_info(local);
  if (li.result != date::local_info::unique) return l.add(name, utc_stamp(t));
  l.add(std::string(name) + ";TZID=" + zone_name, local_stamp(t, info.offset));
}

}  // namespace

std::string ical_escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) break;
        out += c;
    }
  }
  return out;
}

std::string ical_fold_line(std::string_view line) {
  std::string out;
  std::size_t room = kFoldAt;  // octets left on this physical line
  std::size_t i = 0;
  while (i < line.size()) {
    // The whole UTF-8 sequence starting at i (a stray continuation byte
    // counts alone).
    std::size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80 && n < 4)
      ++n;
    if (n > room) {
      out += "\r\n ";
      room = kFoldAt - 1;
    }
    out.append(line.substr(i, n));
    room -= n;
    i += n;
  }
  out += "\r\n";
  return out;
}

Result<std::string> write_icalendar(std::span<const CalendarEvent> events,
                                    const CalendarOptions& options) {
  std::map<std::string, const date::time_zone*> zones;
  std::optional<UnixTime> first, last;
  for (const CalendarEvent& e : events) {
    if (e.uid.empty()) return fail(Errc::invalid_argument, "calendar event: uid is empty");
    if (e.duration < 0)
      return fail(Errc::invalid_argument, "calendar event " + e.uid + ": negative duration");
    if (!is_utc(e.time_zone) && !zones.contains(e.time_zone)) {
      const date::time_zone* z = find_zone(e.time_zone);
      if (!z)
        return fail(Errc::invalid_argument,
                    "calendar event " + e.uid + ": unknown time zone '" + e.time_zone + "'");
      zones.emplace(e.time_zone, z);
    }
    first = std::min(first.value_or(e.start), e.start);
    last = std::max(last.value_or(e.start + e.duration), e.start + e.duration);
  }
  Lines l;
  l.add("BEGIN", "VCALENDAR");
  l.add("VERSION", "2.0");
  l.text("PRODID", options.prodid);
  l.add("CALSCALE", "GREGORIAN");
  l.add("METHOD", "PUBLISH");
  if (!options.name.empty()) l.text("X-WR-CALNAME", options.name);
  if (first) {
    // A day of margin: a local date can be a day before or after the UTC one.
    const UnixTime from = year_start(utc_year(*first - 86400));
    const UnixTime to = year_start(utc_year(*last + 86400) + 1);
    for (const auto& [name, zone] : zones) write_vtimezone(l, name, *zone, from, to);
  }
  for (const CalendarEvent& e : events) {
    const date::time_zone* zone = is_utc(e.time_zone) ? nullptr : zones.at(e.time_zone);
    l.add("BEGIN", "VEVENT");
    l.text("UID", e.uid);
    l.add("DTSTAMP", utc_stamp(options.dtstamp));
    write_time(l, "DTSTART", e.start, e.time_zone, zone);
    write_time(l, "DTEND", e.start + e.duration, e.time_zone, zone);
    l.text("SUMMARY", e.summary);
    if (!e.location.empty()) l.text("LOCATION", e.location);
    if (!e.description.empty()) l.text("DESCRIPTION", e.description);
    l.add("SEQUENCE", std::to_string(e.sequence));
    if (e.last_modified != 0) l.add("LAST-MODIFIED", utc_stamp(e.last_modified));
    l.add("END", "VEVENT");
  }
  l.add("END", "VCALENDAR");
  return l.take();
}

}  // namespace sdc::registry
