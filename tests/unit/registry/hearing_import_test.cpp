// The court calendar's parser: CSV and JSON, every rule of a row, the
// limits, line numbers, and local times in zones with daylight saving.
#include "sdc/registry/hearing_import.h"

#include <gtest/gtest.h>

#include <string>

#include "sdc/registry/time_zones.h"

namespace sdc::registry {
namespace {

const ZoneinfoTimeZones kZones;

const std::string kHeader =
    "a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,status\n";

std::string row(const std::string& a_number, const std::string& id,
                const std::string& starts = "2026-07-14T09:00:00-04:00",
                const std::string& rest = "master,scheduled") {
  return a_number + "," + id + "," + starts +
         ",America/New_York,New York Immigration Court,\"26 Federal Plaza, 12th floor\",J. Doe," +
         rest + "\n";
}

ParsedCalendar parse(const std::string& text, CalendarFormat f = CalendarFormat::detect) {
  auto r = parse_calendar(text, f, kZones);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : ParsedCalendar{};
}

UnixTime utc(const char* rfc3339) {
  auto t = parse_time(rfc3339);
  EXPECT_TRUE(t);
  return t ? *t : 0;
}

TEST(HearingImport, ReadsACsvCalendar) {
  auto p = parse(kHeader + row("A201-555-001", "H-1") + row("201555002", "H-2"));
  EXPECT_EQ(p.format, CalendarFormat::csv);
  EXPECT_EQ(p.rows, 2u);
  ASSERT_EQ(p.hearings.size(), 2u);
  EXPECT_TRUE(p.rejected.empty());
  const CalendarHearing& h = p.hearings[0];
  EXPECT_EQ(h.line, 2u);
  EXPECT_EQ(h.a_number, "201555001");
  EXPECT_EQ(h.hearing_id, "H-1");
  EXPECT_EQ(h.starts_at, utc("2026-07-14T13:00:00Z"));
  EXPECT_EQ(h.time_zone, "America/New_York");
  EXPECT_EQ(h.court_name, "New York Immigration Court");
  EXPECT_EQ(h.court_address, "26 Federal Plaza, 12th floor");
  EXPECT_EQ(h.judge, "J. Doe");
  EXPECT_EQ(h.hearing_type, "master");
  EXPECT_EQ(h.status, "scheduled");
  EXPECT_EQ(p.hearings[1].line, 3u);
}

TEST(HearingImport, AnEightDigitANumberGetsItsLeadingZero) {
  auto p = parse(kHeader + row("A12345678", "H-1") + row("12-345-679", "H-2"));
  ASSERT_EQ(p.hearings.size(), 2u);
  EXPECT_EQ(p.hearings[0].a_number, "012345678");
  EXPECT_EQ(p.hearings[1].a_number, "012345679");
}

TEST(HearingImport, QuotedFieldsHoldCommasQuotesAndNewlinesAndLinesAreCounted) {
  std::string text = kHeader +
                     "201555001,H-1,2026-07-14T09:00:00-04:00,America/New_York,\"Court, "
                     "\"\"Annex\"\"\",\"26 Federal Plaza\r\n12th floor\",,master,\n" +
                     "201555002,H-2,not-a-time,America/New_York,Court,,,master,\n";
  auto p = parse(text);
  ASSERT_EQ(p.hearings.size(), 1u);
  EXPECT_EQ(p.hearings[0].court_name, "Court, \"Annex\"");
  EXPECT_EQ(p.hearings[0].court_address, "26 Federal Plaza\n12th floor");
  EXPECT_EQ(p.hearings[0].line, 2u);
  ASSERT_EQ(p.rejected.size(), 1u);
  EXPECT_EQ(p.rejected[0].line, 4u);  // the quoted newline took line 3
}

TEST(HearingImport, CrlfBomAndBlankLinesAreFine) {
  std::string text =
      "\xEF\xBB\xBF" + kHeader + row("201555001", "H-1") + "\n" + row("201555002", "H-2");
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto p = parse(crlf);
  ASSERT_EQ(p.hearings.size(), 2u) << (p.rejected.empty() ? "" : p.rejected[0].reasons[0]);
  EXPECT_EQ(p.hearings[0].line, 2u);
  EXPECT_EQ(p.hearings[1].line, 4u);
  EXPECT_EQ(p.hearings[1].court_address, "26 Federal Plaza, 12th floor");
}

TEST(HearingImport, BadRowsAreReportedWithTheirLineAndEveryReasonAndGoodRowsKept) {
  std::string text = kHeader + row("201555001", "H-1") +
                     "12345,H 2,2026-13-01T09:00,Mars/Olympus,,,,hearing,postponed\n" +
                     row("201555003", "H-3") + "201555004,H-4\n";
  auto p = parse(text);
  EXPECT_EQ(p.rows, 4u);
  ASSERT_EQ(p.hearings.size(), 2u);
  EXPECT_EQ(p.hearings[0].line, 2u);
  EXPECT_EQ(p.hearings[1].line, 4u);
  ASSERT_EQ(p.rejected.size(), 2u);
  EXPECT_EQ(p.rejected[0].line, 3u);
  const auto& why = p.rejected[0].reasons;
  auto has = [&](const std::string& prefix) {
    for (const auto& w : why)
      if (w.rfind(prefix, 0) == 0) return true;
    return false;
  };
  EXPECT_TRUE(has("a_number: ")) << ::testing::PrintToString(why);
  EXPECT_TRUE(has("hearing_id: "));
  EXPECT_TRUE(has("time_zone: "));
  EXPECT_TRUE(has("court_name: required"));
  EXPECT_TRUE(has("hearing_type: one of master, individual"));
  EXPECT_TRUE(has("status: one of scheduled"));
  for (const auto& w : why) EXPECT_EQ(w.find("12345"), std::string::npos) << "no values: " << w;
  EXPECT_EQ(p.rejected[1].line, 5u);
  ASSERT_FALSE(p.rejected[1].reasons.empty());
  EXPECT_EQ(p.rejected[1].reasons[0], "the row has 2 fields, the header 9");
}

TEST(HearingImport, ColumnsOverTheirLimitRejectTheRow) {
  std::string text = kHeader + "201555001,H-1,2026-07-14T09:00:00-04:00,America/New_York," +
                     std::string(kMaxCourtNameBytes + 1, 'C') + ",,,master,\n" +
                     row("201555002", std::string(kMaxHearingIdBytes + 1, '9'));
  auto p = parse(text);
  EXPECT_TRUE(p.hearings.empty());
  ASSERT_EQ(p.rejected.size(), 2u);
  EXPECT_EQ(p.rejected[0].reasons, std::vector<std::string>{"court_name: over 200 bytes"});
  EXPECT_EQ(p.rejected[1].line, 3u);
}

TEST(HearingImport, TheSameHearingTwiceInOneCalendarIsRejectedTheSecondTime) {
  auto p = parse(kHeader + row("201555001", "H-1") + row("A201-555-001", "H-1") +
                 row("201555002", "H-1"));
  EXPECT_EQ(p.hearings.size(), 2u);
  ASSERT_EQ(p.rejected.size(), 1u);
  EXPECT_EQ(p.rejected[0].line, 3u);
  EXPECT_NE(p.rejected[0].reasons[0].find("line 2"), std::string::npos);
}

TEST(HearingImport, AMalformedCalendarIsAnErrorAndGivesNoRows) {
  auto bad = [](const std::string& text, Errc code, const std::string& says) {
    auto r = parse_calendar(text, CalendarFormat::detect, kZones);
    ASSERT_FALSE(r) << text.substr(0, 80);
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
  };
  bad("", Errc::parse, "empty");
  bad("a_number,hearing_id\n", Errc::parse, "no column starts_at");
  bad(kHeader.substr(0, kHeader.size() - 1) + ",colour\n", Errc::parse, "unknown column 'colour'");
  bad("a_number,a_number\n", Errc::parse, "twice");
  bad(kHeader + row("201555001", "H-1") + "201555002,\"H-2,x\n", Errc::parse,
      "line 3: a quoted field is not closed");
  bad(kHeader + "201555002,H\"2,x\n", Errc::parse, "line 2: a quote in a field");
  bad(kHeader + "201555002,\"H\"2,x\n", Errc::parse, "line 2: a quote inside a quoted field");
  bad("[{\"a_number\": ", Errc::parse, "not valid JSON");
  bad("{\"rows\": []}", Errc::parse, "\"hearings\"");
  bad("[[[[1]]]]", Errc::parse, "nested too deeply");
  bad("\"just a string\"", Errc::parse, "unknown column");  // not JSON: read as CSV
}

TEST(HearingImport, AnOverLongFieldRefusesTheWholeCalendar) {
  std::string big(kMaxCellBytes + 1, 'x');
  auto csv = parse_calendar(kHeader + row("201555001", "H-1") + "201555002,H-2,x,y," + big + "\n",
                            CalendarFormat::csv, kZones);
  ASSERT_FALSE(csv);
  EXPECT_EQ(csv.error().code, Errc::parse);
  EXPECT_NE(csv.error().message.find("line 3: a field is over 4096 bytes"), std::string::npos)
      << csv.error().message;
  auto json = parse_calendar("[{\"a_number\": \"201555001\"},\n {\"judge\": \"" + big + "\"}]",
                             CalendarFormat::json, kZones);
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message.find("line 2: a field is over"), std::string::npos)
      << json.error().message;
}

TEST(HearingImport, TooManyRowsOrBytesAreLimits) {
  std::string many = kHeader;
  for (std::size_t i = 0; i <= kMaxCalendarRows; ++i) many += "\n,";  // empty rows
  auto r = parse_calendar(many, CalendarFormat::csv, kZones);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit);
  std::string json = "[";
  for (std::size_t i = 0; i <= kMaxCalendarRows; ++i) json += i ? ",0" : "0";
  json += "]";
  auto j = parse_calendar(json, CalendarFormat::json, kZones);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::limit);
  auto big = parse_calendar(std::string(kMaxCalendarBytes + 1, ' '), CalendarFormat::csv, kZones);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::limit);
}

TEST(HearingImport, ReadsJsonArraysAndTheWrappedFormWithLineNumbers) {
  std::string one =
      R"({"a_number": "A201-555-001", "hearing_id": "H-1", "starts_at": "2026-07-14T09:00",
  "time_zone": "America/New_York", "court_name": "New York", "hearing_type": "Individual",
  "judge": null})";
  std::string bad = R"({"a_number": 201555002, "colour": "red"})";
  auto p = parse("[\n  " + one + ",\n  " + bad + ",\n  7\n]");
  EXPECT_EQ(p.format, CalendarFormat::json);
  EXPECT_EQ(p.rows, 3u);
  ASSERT_EQ(p.hearings.size(), 1u);
  EXPECT_EQ(p.hearings[0].line, 2u);
  EXPECT_EQ(p.hearings[0].a_number, "201555001");
  EXPECT_EQ(p.hearings[0].starts_at, utc("2026-07-14T13:00:00Z"));  // EDT
  EXPECT_EQ(p.hearings[0].hearing_type, "individual");
  EXPECT_EQ(p.hearings[0].status, "scheduled");
  ASSERT_EQ(p.rejected.size(), 2u);
  EXPECT_EQ(p.rejected[0].line, 5u);
  EXPECT_EQ(p.rejected[1].line, 6u);
  EXPECT_EQ(p.rejected[1].reasons, std::vector<std::string>{"a hearing is a JSON object"});
  auto w = parse("\xEF\xBB\xBF {\"hearings\": [" + one + "]}");
  ASSERT_EQ(w.hearings.size(), 1u);
  EXPECT_EQ(w.hearings[0].line, 1u);
}

TEST(HearingImport, LocalTimesFollowDaylightSavingInNewYork) {
  const std::string ny = "America/New_York";
  // Winter (EST, -05:00) and summer (EDT, -04:00).
  EXPECT_EQ(*calendar_time("2026-01-15T09:00", ny, kZones), utc("2026-01-15T14:00:00Z"));
  EXPECT_EQ(*calendar_time("2026-07-15 09:00:30", ny, kZones), utc("2026-07-15T13:00:30Z"));
  // The day the clocks go forward (8 March 2026): 09:00 is already EDT...
  EXPECT_EQ(*calendar_time("2026-03-08T09:00", ny, kZones), utc("2026-03-08T13:00:00Z"));
  EXPECT_EQ(*calendar_time("2026-03-08T01:59", ny, kZones), utc("2026-03-08T06:59:00Z"));
  // ... and 02:30 does not exist.
  auto gap = calendar_time("2026-03-08T02:30", ny, kZones);
  ASSERT_FALSE(gap);
  EXPECT_NE(gap.error().message.find("does not exist"), std::string::npos);
  // The day they go back (1 November 2026): 01:30 happens twice.
  auto twice = calendar_time("2026-11-01T01:30", ny, kZones);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos);
  EXPECT_EQ(*calendar_time("2026-11-01T01:30:00-04:00", ny, kZones), utc("2026-11-01T05:30:00Z"));
  EXPECT_EQ(*calendar_time("2026-11-01T01:30:00-05:00", ny, kZones), utc("2026-11-01T06:30:00Z"));
  // An offset must be the zone's at that instant: EST in July is a mistake.
  auto wrong = calendar_time("2026-07-14T09:00:00-05:00", ny, kZones);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("-04:00"), std::string::npos) << wrong.error().message;
  EXPECT_EQ(*calendar_time("2026-07-14T13:00:00Z", ny, kZones), utc("2026-07-14T13:00:00Z"));
  for (const char* bad : {"2026-02-29T09:00", "2026-07-14T24:00", "2026-07-14", "14/07/2026 09:00",
                          "2026-07-14T09:00:00+0400", "2026-07-14T09:00:00.5Z"})
    EXPECT_FALSE(calendar_time(bad, ny, kZones)) << bad;
  EXPECT_EQ(*calendar_time("2028-02-29T09:00", ny, kZones), utc("2028-02-29T14:00:00Z"));
}

TEST(HearingImport, ZonesWithoutRulesTakeOffsetsOnly) {
  struct NamesOnly final : TimeZones {
    bool known(std::string_view name) const override { return name == "Test/Zone"; }
    std::optional<UnixTime> to_utc(std::string_view, std::int64_t) const override {
      return std::nullopt;
    }
    std::optional<std::int64_t> to_local(std::string_view, UnixTime) const override {
      return std::nullopt;
    }
  } names;
  EXPECT_EQ(*calendar_time("2026-07-14T09:00:00+02:00", "Test/Zone", names),
            utc("2026-07-14T07:00:00Z"));
  auto local = calendar_time("2026-07-14T09:00", "Test/Zone", names);
  ASSERT_FALSE(local);
  EXPECT_NE(local.error().message.find("give the offset"), std::string::npos);
}

}  // namespace
}  // namespace sdc::registry
