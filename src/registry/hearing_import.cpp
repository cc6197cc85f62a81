#include "sdc/registry/hearing_import.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "sdc/credential/credential.h"

namespace sdc::registry {
namespace {

// The columns, in the order of Fields.
enum Column : std::size_t {
  kANumber,
  kHearingId,
  kStartsAt,
  kTimeZone,
  kCourtName,
  kCourtAddress,
  kJudge,
  kHearingType,
  kStatus,
  kColumns
};
constexpr std::array<std::string_view, kColumns> kColumnNames = {
    "a_number",      "hearing_id", "starts_at",    "time_zone", "court_name",
    "court_address", "judge",      "hearing_type", "status"};
constexpr std::array<bool, kColumns> kRequired = {true,  true,  true, true, true,
                                                  false, false, true, false};

// More fields than this in a CSV record, or members in a JSON object, and
// the calendar is refused: a row has at most kColumns.
constexpr std::size_t kMaxFieldsPerRow = 64;
// JSON: the wrapper object, the array, a row's object; values are scalars.
constexpr int kMaxJsonDepth = 3;

using Fields = std::array<std::optional<std::string>, kColumns>;

std::optional<std::size_t> column_of(std::string_view name) {
  for (std::size_t i = 0; i < kColumns; ++i)
    if (kColumnNames[i] == name) return i;
  return std::nullopt;
}

// A column or member name as a message may repeat it: short printable
// ASCII, or not at all.
std::string shown_name(std::string_view s) {
  bool plain = !s.empty() && s.size() <= 64;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) plain = false;
  return plain ? "'" + std::string(s) + "'" : std::string("(a name that is not short ASCII)");
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// No control characters; newlines only where `newlines` allows them.
bool printable(std::string_view s, bool newlines) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n' && newlines) continue;
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool one_of(std::string_view v, std::span<const char* const> set) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
}

std::string list_of(std::span<const char* const> set) {
  std::string out;
  for (const char* s : set) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

int digits(std::string_view s, std::size_t at, std::size_t n, bool& ok) {
  int v = 0;
  if (at + n > s.size()) {
    ok = false;
    return 0;
  }
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') ok = false;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::string offset_text(std::int32_t off) {
  char buf[16];
  std::int32_t a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return buf;
}

// The rows of one calendar as they are checked: the seen identities, the
// output.
class RowChecker {
 public:
  RowChecker(const TimeZones& zones, ParsedCalendar& out) : zones_(zones), out_(out) {}

  // A row that is not a row at all: only `reasons`.
  Result<void> reject(std::size_t line, std::vector<std::string> reasons) {
    if (++out_.rows > kMaxCalendarRows)
      return fail(Errc::limit,
                  "the calendar has more than " + std::to_string(kMaxCalendarRows) + " rows");
    out_.rejected.push_back({line, std::move(reasons)});
    return {};
  }

  Result<void> add(std::size_t line, const Fields& f, std::vector<std::string> reasons) {
    if (++out_.rows > kMaxCalendarRows)
      return fail(Errc::limit,
                  "the calendar has more than " + std::to_string(kMaxCalendarRows) + " rows");
    CalendarHearing h;
    h.line = line;
    auto bad = [&](std::size_t col, const std::string& why) {
      reasons.push_back(std::string(kColumnNames[col]) + ": " + why);
    };
    std::array<std::string, kColumns> v;
    for (std::size_t i = 0; i < kColumns; ++i) {
      if (f[i]) v[i] = std::string(trim(*f[i]));
      if (kRequired[i] && v[i].empty()) {
        bad(i, "required");
        continue;
      }
      if (!valid_utf8(v[i]))
        bad(i, "not UTF-8 text");
      else if (!printable(v[i], i == kCourtAddress))
        bad(i, "control characters are not allowed");
    }
    if (!v[kANumber].empty()) {
      auto a = normalize_a_number(v[kANumber]);
      if (a)
        h.a_number = *a;
      else
        bad(kANumber, "expected 8 or 9 digits, optionally after an A, with dashes or spaces");
    }
    if (!v[kHearingId].empty()) {
      bool ok = v[kHearingId].size() <= kMaxHearingIdBytes;
      for (char c : v[kHearingId])
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
              c == ':' || c == '/'))
          ok = false;
      if (ok)
        h.hearing_id = v[kHearingId];
      else
        bad(kHearingId,
            "1 to " + std::to_string(kMaxHearingIdBytes) + " letters, digits and - _ . : /");
    }
    if (!v[kTimeZone].empty()) {
      if (zones_.known(v[kTimeZone]))
        h.time_zone = v[kTimeZone];
      else
        bad(kTimeZone, "not a known IANA time zone name (e.g. America/New_York)");
    }
    if (!v[kStartsAt].empty() && !h.time_zone.empty()) {
      auto t = calendar_time(v[kStartsAt], h.time_zone, zones_);
      if (t)
        h.starts_at = *t;
      else
        reasons.push_back(t.error().message);
    }
    auto limited = [&](std::size_t col, std::size_t max, std::string& into) {
      if (v[col].size() > max)
        bad(col, "over " + std::to_string(max) + " bytes");
      else
        into = v[col];
    };
    limited(kCourtName, kMaxCourtNameBytes, h.court_name);
    limited(kCourtAddress, kMaxCourtAddressBytes, h.court_address);
    limited(kJudge, kMaxJudgeBytes, h.judge);
    std::string type = lower(v[kHearingType]);
    if (!type.empty()) {
      if (one_of(type, kHearingTypes))
        h.hearing_type = type;
      else
        bad(kHearingType, "one of " + list_of(kHearingTypes));
    }
    std::string status = v[kStatus].empty() ? std::string("scheduled") : lower(v[kStatus]);
    if (one_of(status, kHearingStatuses))
      h.status = status;
    else
      bad(kStatus, "one of " + list_of(kHearingStatuses));

    if (reasons.empty()) {
      auto [it, fresh] = seen_.emplace(h.a_number + "\n" + h.hearing_id, line);
      if (!fresh)
        reasons.push_back("hearing_id: this A-number's hearing appears on line " +
                          std::to_string(it->second) + " already");
    }
    if (!reasons.empty())
      out_.rejected.push_back({line, std::move(reasons)});
    else
      out_.hearings.push_back(std::move(h));
    return {};
  }

 private:
  const TimeZones& zones_;
  ParsedCalendar& out_;
  std::map<std::string, std::size_t> seen_;
};

// ---- CSV (RFC 4180) ----

// Calls `record` with the first line and the fields of every record, the
// header first. Blank lines are skipped.
Result<void> read_csv(
    std::string_view s,
    const std::function<Result<void>(std::size_t, std::vector<std::string>&)>& record) {
  std::size_t line = 1, i = 0;
  while (i < s.size()) {
    const std::size_t first_line = line;
    std::vector<std::string> fields;
    std::string cell;
    bool ended = false;  // the record's line end was read
    for (;;) {
      cell.clear();
      if (fields.size() >= kMaxFieldsPerRow)
        return fail(Errc::parse, "line " + std::to_string(first_line) + ": more than " +
                                     std::to_string(kMaxFieldsPerRow) + " fields");
      bool quoted = i < s.size() && s[i] == '"';
      bool field_done = false;
      if (quoted) {
        ++i;
        for (;;) {
          if (i >= s.size())
            return fail(Errc::parse,
                        "line " + std::to_string(first_line) + ": a quoted field is not closed");
          char c = s[i];
          if (c == '"') {
            if (i + 1 < s.size() && s[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            ++i;
            continue;  // CRLF inside quotes is kept as LF
          }
          if (c == '\n') ++line;
          cell += c;
          ++i;
          if (cell.size() > kMaxCellBytes)
            return fail(Errc::parse, "line " + std::to_string(first_line) + ": a field is over " +
                                         std::to_string(kMaxCellBytes) + " bytes");
        }
        // After the closing quote: a separator, a line end or the end.
        if (i < s.size() && s[i] != ',' && s[i] != '\n' &&
            !(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n'))
          return fail(Errc::parse, "line " + std::to_string(line) +
                                       ": a quote inside a quoted field must be doubled");
      } else {
        while (i < s.size() && s[i] != ',' && s[i] != '\n' &&
               !(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) {
          if (s[i] == '"')
            return fail(Errc::parse, "line " + std::to_string(line) +
                                         ": a quote in a field that does not start with one");
          cell += s[i++];
          if (cell.size() > kMaxCellBytes)
            return fail(Errc::parse, "line " + std::to_string(first_line) + ": a field is over " +
                                         std::to_string(kMaxCellBytes) + " bytes");
        }
      }
      fields.push_back(cell);
      if (i >= s.size()) break;
      if (s[i] == ',') {
        ++i;
        field_done = true;
      } else {
        i += s[i] == '\r' ? 2 : 1;
        ++line;
        ended = true;
      }
      if (!field_done) break;
    }
    (void)ended;
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (auto r = record(first_line, fields); !r) return r;
  }
  return {};
}

Result<void> parse_csv(std::string_view s, RowChecker& rows) {
  std::vector<std::size_t> columns;  // header position -> Column
  bool header = true;
  return read_csv(s, [&](std::size_t line, std::vector<std::string>& fields) -> Result<void> {
    if (header) {
      header = false;
      std::array<bool, kColumns> have{};
      for (const std::string& f : fields) {
        std::string name = lower(trim(f));
        auto col = column_of(name);
        if (!col)
          return fail(Errc::parse, "line " + std::to_string(line) + ": unknown column " +
                                       shown_name(name) + " (docs/HEARINGS.md lists them)");
        if (have[*col])
          return fail(Errc::parse,
                      "line " + std::to_string(line) + ": column " + name + " appears twice");
        have[*col] = true;
        columns.push_back(*col);
      }
      std::string missing;
      for (std::size_t c = 0; c < kColumns; ++c)
        if (kRequired[c] && !have[c])
          missing += (missing.empty() ? "" : ", ") + std::string(kColumnNames[c]);
      if (!missing.empty())
        return fail(Errc::parse,
                    "line " + std::to_string(line) + ": the header has no column " + missing);
      return {};
    }
    Fields f;
    std::vector<std::string> reasons;
    if (fields.size() != columns.size())
      reasons.push_back("the row has " + std::to_string(fields.size()) + " fields, the header " +
                        std::to_string(columns.size()));
    for (std::size_t k = 0; k < fields.size() && k < columns.size(); ++k)
      f[columns[k]] = std::move(fields[k]);
    return rows.add(line, f, std::move(reasons));
  });
}

// ---- JSON ----

// Before the JSON is parsed: its depth, the number of rows and of members
// in each object are bounded, and the line where each row starts is found.
Result<std::vector<std::size_t>> scan_json(std::string_view s) {
  std::vector<std::size_t> starts;  // the line of each element of the rows' array
  std::vector<char> stack;          // '[' or '{'
  std::vector<std::size_t> members;
  std::size_t line = 1;
  bool in_string = false, escape = false, expect_element = false;
  int rows_depth = 0;  // the depth of the rows' array once its opening is seen
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (escape)
        escape = false;
      else if (c == '\\')
        escape = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (expect_element && c != ']') {
      if (starts.size() >= kMaxCalendarRows)
        return fail(Errc::limit,
                    "the calendar has more than " + std::to_string(kMaxCalendarRows) + " rows");
      starts.push_back(line);
    }
    expect_element = false;
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (static_cast<int>(stack.size()) >= kMaxJsonDepth)
          return fail(Errc::parse, "line " + std::to_string(line) +
                                       ": nested too deeply for a calendar (values are strings)");
        stack.push_back(c);
        members.push_back(0);
        if (c == '[' && rows_depth == 0 &&
            (stack.size() == 1 || (stack.size() == 2 && stack[0] == '{'))) {
          rows_depth = static_cast<int>(stack.size());
          expect_element = true;
        }
        break;
      case ']':
      case '}':
        if (stack.empty() || stack.back() != (c == ']' ? '[' : '{'))
          return fail(Errc::parse,
                      "line " + std::to_string(line) + ": unbalanced " + std::string(1, c));
        stack.pop_back();
        members.pop_back();
        break;
      case ',':
        if (stack.empty()) return fail(Errc::parse, "line " + std::to_string(line) + ": stray ,");
        if (++members.back() > kMaxFieldsPerRow && stack.back() == '{')
          return fail(Errc::parse, "line " + std::to_string(line) + ": an object with more than " +
                                       std::to_string(kMaxFieldsPerRow) + " members");
        if (stack.back() == '[' && static_cast<int>(stack.size()) == rows_depth)
          expect_element = true;
        break;
      default:
        break;
    }
  }
  return starts;
}

Result<void> check_cells(const nlohmann::json& j, const std::vector<std::size_t>& lines,
                         std::size_t index) {
  auto over = [&](std::size_t n) -> Result<void> {
    if (n <= kMaxCellBytes) return {};
    std::string where = index < lines.size() ? "line " + std::to_string(lines[index]) + ": " : "";
    return fail(Errc::parse, where + "a field is over " + std::to_string(kMaxCellBytes) + " bytes");
  };
  if (j.is_string()) return over(j.get_ref<const std::string&>().size());
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (auto r = over(it.key().size()); !r) return r;
      if (auto r = check_cells(*it, lines, index); !r) return r;
    }
  return {};
}

Result<void> parse_json(std::string_view s, RowChecker& rows) {
  auto lines = scan_json(s);
  if (!lines) return std::unexpected(lines.error());
  auto j = nlohmann::json::parse(s.begin(), s.end(), nullptr, false);
  if (j.is_discarded()) return fail(Errc::parse, "not valid JSON");
  const nlohmann::json* array = &j;
  if (j.is_object()) {
    auto it = j.find("hearings");
    if (it == j.end() || j.size() != 1 || !it->is_array())
      return fail(Errc::parse,
                  "a JSON calendar is an array of hearings, or an object whose only "
                  "member \"hearings\" is one");
    array = &*it;
  } else if (!j.is_array()) {
    return fail(Errc::parse, "a JSON calendar is an array of hearings, or {\"hearings\": [...]}");
  }
  if (array->size() != lines->size())
    return fail(Errc::internal, "the calendar's rows were counted differently");
  for (std::size_t k = 0; k < array->size(); ++k)
    if (auto r = check_cells((*array)[k], *lines, k); !r) return r;
  for (std::size_t k = 0; k < array->size(); ++k) {
    const nlohmann::json& row = (*array)[k];
    const std::size_t line = (*lines)[k];
    Fields f;
    std::vector<std::string> reasons;
    if (!row.is_object()) {
      if (auto r = rows.reject(line, {"a hearing is a JSON object"}); !r) return r;
      continue;
    }
    for (auto it = row.begin(); it != row.end(); ++it) {
      auto col = column_of(it.key());
      if (!col) {
        reasons.push_back(shown_name(it.key()) + ": unknown field");
        continue;
      }
      if (it->is_null()) continue;
      if (!it->is_string()) {
        reasons.push_back(it.key() + ": expected a string");
        continue;
      }
      f[*col] = it->get<std::string>();
    }
    if (auto r = rows.add(line, f, std::move(reasons)); !r) return r;
  }
  return {};
}

}  // namespace

Result<UnixTime> calendar_time(std::string_view text, std::string_view zone,
                               const TimeZones& zones) {
  const std::string bad_form =
      "starts_at: expected YYYY-MM-DDTHH:MM[:SS] with an offset (Z, +HH:MM, -HH:MM) or without "
      "one (local time in time_zone)";
  bool ok = text.size() >= 16;
  int y = digits(text, 0, 4, ok), mo = digits(text, 5, 2, ok), d = digits(text, 8, 2, ok);
  int h = digits(text, 11, 2, ok), mi = digits(text, 14, 2, ok), sec = 0;
  if (!ok || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
      !(text[10] == 'T' || text[10] == 't' || text[10] == ' '))
    return fail(Errc::invalid_argument, bad_form);
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    sec = digits(text, at + 1, 2, ok);
    at += 3;
    if (!ok) return fail(Errc::invalid_argument, bad_form);
  }
  std::optional<std::int32_t> offset;
  bool utc_given = false;  // Z: an instant in UTC, whatever the zone's offset then
  std::string_view rest = text.substr(at);
  if (rest == "Z" || rest == "z") {
    offset = 0;
    utc_given = true;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = digits(rest, 1, 2, ok), om = digits(rest, 4, 2, ok);
    if (!ok || oh > 23 || om > 59) return fail(Errc::invalid_argument, bad_form);
    offset = (rest[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else if (!rest.empty()) {
    return fail(Errc::invalid_argument, bad_form);
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] ||
      (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59)
    return fail(Errc::invalid_argument, "starts_at: not a date and time of day");
  const UnixTime local =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + sec;
  const std::string z(zone);
  if (offset) {
    const UnixTime utc = local - *offset;
    auto rule = utc_given ? std::nullopt : zones.utc_offset(zone, utc);
    if (rule && *rule != *offset)
      return fail(Errc::invalid_argument, "starts_at: the offset " + offset_text(*offset) +
                                              " is not " + z + "'s at that time (" +
                                              offset_text(*rule) + ")");
    return utc;
  }
  // A local time: the zone's offsets a day either side are the candidates
  // (no zone changes its offset twice in two days).
  auto before = zones.utc_offset(zone, local - 86400);
  auto after = zones.utc_offset(zone, local + 86400);
  if (!before || !after)
    return fail(Errc::invalid_argument,
                "starts_at: no rules for the time zone " + z + "; give the offset");
  std::vector<UnixTime> fits;
  for (std::int32_t off : {*before, *after}) {
    const UnixTime utc = local - off;
    auto rule = zones.utc_offset(zone, utc);
    if (rule && *rule == off && std::find(fits.begin(), fits.end(), utc) == fits.end())
      fits.push_back(utc);
  }
  if (fits.empty())
    return fail(Errc::invalid_argument, "starts_at: this local time does not exist in " + z +
                                            " (the clocks go forward over it); give the offset");
  if (fits.size() > 1)
    return fail(Errc::invalid_argument, "starts_at: this local time happens twice in " + z +
                                            " (the clocks go back over it); give the offset");
  return fits.front();
}

Result<ParsedCalendar> parse_calendar(std::string_view text, CalendarFormat format,
                                      const TimeZones& zones) {
  if (text.size() > kMaxCalendarBytes)
    return fail(Errc::limit,
                "the calendar is over " + std::to_string(kMaxCalendarBytes) + " bytes");
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (format == CalendarFormat::detect) {
    std::size_t k = text.find_first_not_of(" \t\r\n");
    format = k != std::string_view::npos && (text[k] == '[' || text[k] == '{')
                 ? CalendarFormat::json
                 : CalendarFormat::csv;
  }
  ParsedCalendar out;
  out.format = format;
  RowChecker rows(zones, out);
  if (format == CalendarFormat::json) {
    if (auto r = parse_json(text, rows); !r) return std::unexpected(r.error());
  } else {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return fail(Errc::parse, "the calendar is empty: a CSV calendar starts with a header row");
    if (auto r = parse_csv(text, rows); !r) return std::unexpected(r.error());
  }
  return out;
}

}  // namespace sdc::registry
