#include <charconv>

#include "sdc/registry/office_tx.h"
#include "sdc/registry/schedule_tx.h"

namespace sdc::registry {
namespace {

// "HH:MM" → minutes after midnight, 00:00 to 24:00.
std::optional<int> parse_clock(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  std::from_chars(t.data(), t.data() + 2, h);
  std::from_chars(t.data() + 3, t.data() + 5, m);
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

void append_clock(std::string& out, int minutes) {
  out += static_cast<char>('0' + minutes / 600);
  out += static_cast<char>('0' + minutes / 60 % 10);
  out += ':';
  out += static_cast<char>('0' + minutes % 60 / 10);
  out += static_cast<char>('0' + minutes % 10);
}

}  // namespace

Result<DayHours> parse_day_hours(std::string_view text) {
  if (text.size() != 11 || text[5] != '-')
    return fail(Errc::parse, "hours: \"HH:MM-HH:MM\", e.g. \"09:00-16:30\"");
  auto opens = parse_clock(text.substr(0, 5));
  auto closes = parse_clock(text.substr(6, 5));
  if (!opens || !closes || *opens == 24 * 60)
    return fail(Errc::parse, "hours: times from 00:00 to 24:00, e.g. \"09:00-16:30\"");
  if (*opens >= *closes) return fail(Errc::parse, "hours: the office must open before it closes");
  return DayHours{*opens, *closes};
}

std::string format_day_hours(const DayHours& day) {
  std::string out;
  if (!day.open()) return out;
  append_clock(out, day.opens);
  out += '-';
  append_clock(out, day.closes);
  return out;
}

std::string format_week_hours(const WeekHours& week) {
  std::string out;
  for (std::size_t d = 0; d < week.size(); ++d) {
    if (d) out += '|';
    out += format_day_hours(week[d]);
  }
  return out;
}

Result<WeekHours> parse_week_hours(std::string_view text) {
  WeekHours week{};
  std::size_t day = 0;
  for (;;) {
    std::size_t bar = text.find('|');
    std::string_view field = text.substr(0, bar);
    if (day >= week.size()) return fail(Errc::parse, "hours: more than seven days");
    if (!field.empty()) {
      auto h = parse_day_hours(field);
      if (!h) return std::unexpected(h.error());
      week[day] = *h;
    }
    ++day;
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  if (day != week.size()) return fail(Errc::parse, "hours: fewer than seven days");
  return week;
}

const char* to_string(AppointmentState state) {
  switch (state) {
    case AppointmentState::booked:
      return "booked";
    case AppointmentState::cancelled:
      return "cancelled";
    case AppointmentState::office_closed:
      return "office_closed";
  }
  return "unknown";
}

Result<AppointmentState> parse_appointment_state(std::string_view text) {
  for (AppointmentState s :
       {AppointmentState::booked, AppointmentState::cancelled, AppointmentState::office_closed})
    if (text == to_string(s)) return s;
  return fail(Errc::parse, "appointment state: unknown value '" + std::string(text) + "'");
}

}  // namespace sdc::registry
