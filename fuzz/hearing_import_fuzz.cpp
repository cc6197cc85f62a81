// libFuzzer target for the court calendar's parser
// (include/sdc/registry/hearing_import.h). The first byte picks the format
// (detect, CSV, JSON), the rest is the calendar, read against the system's
// tz database. parse_calendar must return rows or an error, never throw,
// crash or hang; what it returns keeps its promises: every row is kept or
// rejected with a reason, lines only grow and stay within the input, and a
// kept row is normalised (9-digit A-number, a known zone, a listed type and
// status, fields within their limits).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sdc/registry/hearing_import.h"
#include "sdc/registry/time_zones.h"

namespace {

bool listed(const std::string& v, std::span<const char* const> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdc::registry;
  static const ZoneinfoTimeZones zones;
  if (size == 0) return 0;
  const CalendarFormat format = data[0] % 3 == 0   ? CalendarFormat::detect
                                : data[0] % 3 == 1 ? CalendarFormat::csv
                                                   : CalendarFormat::json;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto p = parse_calendar(text, format, zones);
  if (!p) {
    if (p.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (p->format == CalendarFormat::detect) __builtin_trap();
  if (p->hearings.size() + p->rejected.size() != p->rows) __builtin_trap();
  if (p->rows > kMaxCalendarRows) __builtin_trap();
  const std::size_t lines =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::size_t last = 0;
  for (const CalendarHearing& h : p->hearings) {
    if (h.line == 0 || h.line > lines || h.line < last) __builtin_trap();
    last = h.line;
    if (h.a_number.size() != 9 || !std::all_of(h.a_number.begin(), h.a_number.end(),
                                               [](char c) { return c >= '0' && c <= '9'; }))
      __builtin_trap();
    if (h.hearing_id.empty() || h.hearing_id.size() > kMaxHearingIdBytes) __builtin_trap();
    if (!zones.known(h.time_zone)) __builtin_trap();
    if (h.court_name.empty() || h.court_name.size() > kMaxCourtNameBytes) __builtin_trap();
    if (h.court_address.size() > kMaxCourtAddressBytes || h.judge.size() > kMaxJudgeBytes)
      __builtin_trap();
    if (!listed(h.hearing_type, kHearingTypes) || !listed(h.status, kHearingStatuses))
      __builtin_trap();
  }
  last = 0;
  for (const RejectedRow& r : p->rejected) {
    if (r.reasons.empty() || r.line == 0 || r.line > lines || r.line < last) __builtin_trap();
    last = r.line;
  }
  return 0;
}
