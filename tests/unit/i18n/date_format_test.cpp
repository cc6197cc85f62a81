#include "sdc/i18n/date_format.h"

#include <gtest/gtest.h>

#include "sdc/util/clock.h"

namespace sdc::i18n {
namespace {

// ICU (CLDR 42) puts a narrow no-break space between the time and AM/PM.
const std::string kNnbsp = "\u202f";

UnixTime utc(int y, unsigned m, unsigned d, int hour, int minute) {
  return days_from_civil(y, m, d) * 86400 + hour * 3600 + minute * 60;
}

std::string when(std::string_view lang, UnixTime t, std::string_view zone,
                 DateStyle style = DateStyle::full) {
  auto text = format_datetime(lang, t, zone, style);
  return text ? *text : "error: " + text.error().message;
}

TEST(I18nDates, FullStyleInEveryLanguage) {
  UnixTime t = utc(2026, 3, 10, 13, 30);  // 09:30 EDT
  EXPECT_EQ(when("en", t, "America/New_York"),
            "Tuesday, March 10, 2026 at 9:30" + kNnbsp + "AM EDT");
  EXPECT_EQ(when("es", t, "America/New_York"),
            "martes, 10 de marzo de 2026, 9:30" + kNnbsp + "a.\u00a0m. EDT");
  EXPECT_EQ(when("pt", t, "America/New_York"), "terça-feira, 10 de março de 2026 às 09:30 GMT-4");
  EXPECT_EQ(when("fr", t, "America/New_York"), "mardi 10 mars 2026 à 09:30 UTC−4");
  EXPECT_EQ(when("ht", t, "America/New_York"), "madi 10 mas 2026 a 09:30 UTC−4");
  EXPECT_EQ(when("de", t, "America/New_York"), when("en", t, "America/New_York"));
}

TEST(I18nDates, OtherStyles) {
  UnixTime t = utc(2026, 3, 10, 13, 30);
  EXPECT_EQ(when("en", t, "America/New_York", DateStyle::date), "Tuesday, March 10, 2026");
  EXPECT_EQ(when("en", t, "America/New_York", DateStyle::time), "9:30" + kNnbsp + "AM EDT");
  EXPECT_EQ(when("en", t, "America/New_York", DateStyle::short_date), "Mar 10, 2026");
  EXPECT_EQ(when("fr", t, "America/New_York", DateStyle::date), "mardi 10 mars 2026");
  EXPECT_EQ(when("ht", t, "America/New_York", DateStyle::short_date), "10 mas 2026");
  EXPECT_EQ(when("ht", utc(2026, 7, 1, 16, 0), "America/New_York", DateStyle::date),
            "mèkredi 1 jiyè 2026");
}

// The same wall-clock 09:30 on either side of the spring and autumn changes
// is a different UTC hour; the local hour must not move.
TEST(I18nDates, NewYorkAcrossTheDaylightSavingChanges) {
  const auto time = DateStyle::time;
  EXPECT_EQ(when("en", utc(2026, 3, 7, 14, 30), "America/New_York", time),
            "9:30" + kNnbsp + "AM EST");
  EXPECT_EQ(when("en", utc(2026, 3, 9, 13, 30), "America/New_York", time),
            "9:30" + kNnbsp + "AM EDT");
  // 2026-03-08: 01:59 EST is followed by 03:00 EDT.
  EXPECT_EQ(when("en", utc(2026, 3, 8, 6, 59), "America/New_York", time),
            "1:59" + kNnbsp + "AM EST");
  EXPECT_EQ(when("en", utc(2026, 3, 8, 7, 0), "America/New_York", time),
            "3:00" + kNnbsp + "AM EDT");
  EXPECT_EQ(when("en", utc(2026, 10, 31, 13, 30), "America/New_York", time),
            "9:30" + kNnbsp + "AM EDT");
  EXPECT_EQ(when("en", utc(2026, 11, 2, 14, 30), "America/New_York", time),
            "9:30" + kNnbsp + "AM EST");
  EXPECT_EQ(when("fr", utc(2026, 3, 7, 14, 30), "America/New_York", time), "09:30 UTC−5");
  EXPECT_EQ(when("fr", utc(2026, 3, 9, 13, 30), "America/New_York", time), "09:30 UTC−4");
}

TEST(I18nDates, HonoluluKeepsOneOffsetAllYear) {
  EXPECT_EQ(when("en", utc(2026, 3, 10, 19, 30), "Pacific/Honolulu"),
            "Tuesday, March 10, 2026 at 9:30" + kNnbsp + "AM HST");
  EXPECT_EQ(when("en", utc(2026, 7, 14, 19, 30), "Pacific/Honolulu", DateStyle::time),
            "9:30" + kNnbsp + "AM HST");
  EXPECT_EQ(when("es", utc(2026, 7, 14, 19, 30), "Pacific/Honolulu", DateStyle::date),
            "martes, 14 de julio de 2026");
}

TEST(I18nDates, UnknownZoneIsAnError) {
  for (std::string_view zone : {"Mars/Olympus", "", "EST5EDT-not", "../../etc/passwd"}) {
    auto text = format_datetime("en", 0, zone);
    ASSERT_FALSE(text) << zone;
    EXPECT_EQ(text.error().code, Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace sdc::i18n
