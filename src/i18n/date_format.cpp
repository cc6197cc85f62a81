#include "sdc/i18n/date_format.h"

#include <unicode/dtfmtsym.h>
#include <unicode/dtptngen.h>
#include <unicode/locid.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <memory>

#include "i18n/icu_text.h"
#include "sdc/i18n/language.h"

namespace sdc::i18n {

namespace {

// Skeletons, not fixed patterns: each locale orders and punctuates the
// fields its own way, and `j` picks its 12- or 24-hour clock.
const char* skeleton_of(DateStyle style) {
  switch (style) {
    case DateStyle::full:
      return "yMMMMEEEEdjmz";
    case DateStyle::date:
      return "yMMMMEEEEd";
    case DateStyle::time:
      return "jmz";
    case DateStyle::short_date:
      return "yMMMd";
  }
  return "yMMMMEEEEdjmz";
}

// ICU 72 has no Haitian Creole date symbols. Haitian Creole dates follow the
// French of Haiti in order and clock (fr_HT's patterns), with Creole names of
// days and months and "a" for French "à" before the time.
void make_haitian_creole(icu::SimpleDateFormat& format) {
  static const char16_t* const kDays[] = {u"",        u"dimanch", u"lendi",    u"madi",
                                          u"mèkredi", u"jedi",    u"vandredi", u"samdi"};
  static const char16_t* const kMonths[] = {u"janvye",  u"fevriye", u"mas",    u"avril",
                                            u"me",      u"jen",     u"jiyè",   u"out",
                                            u"septanm", u"oktòb",   u"novanm", u"desanm"};
  static const char16_t* const kShortMonths[] = {u"jan.",  u"fev.", u"mas",  u"avr.",
                                                 u"me",    u"jen",  u"jiy.", u"out",
                                                 u"sept.", u"okt.", u"nov.", u"des."};
  icu::UnicodeString days[8], months[12], short_months[12];
  for (int i = 0; i < 8; ++i) days[i] = icu::UnicodeString(kDays[i]);
  for (int i = 0; i < 12; ++i) {
    months[i] = icu::UnicodeString(kMonths[i]);
    short_months[i] = icu::UnicodeString(kShortMonths[i]);
  }
  auto symbols = std::make_unique<icu::DateFormatSymbols>(*format.getDateFormatSymbols());
  for (auto context : {icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::STANDALONE}) {
    symbols->setWeekdays(days, 8, context, icu::DateFormatSymbols::WIDE);
    symbols->setMonths(months, 12, context, icu::DateFormatSymbols::WIDE);
    symbols->setMonths(short_months, 12, context, icu::DateFormatSymbols::ABBREVIATED);
  }
  format.adoptDateFormatSymbols(symbols.release());
  icu::UnicodeString pattern;
  format.toPattern(pattern);
  pattern.findAndReplace(icu::UnicodeString(u"'à'"), icu::UnicodeString(u"'a'"));
  format.applyPattern(pattern);
}

}  // namespace

Result<std::string> format_datetime(std::string_view language, UnixTime t, std::string_view zone,
                                    DateStyle style) {
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(to_icu(zone)));
  if (!tz || zone.empty() || *tz == icu::TimeZone::getUnknown())
    return fail(Errc::invalid_argument, "unknown time zone '" + std::string(zone) + "'");
  icu::Locale locale(date_locale(language));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::DateTimePatternGenerator> generator(
      icu::DateTimePatternGenerator::createInstance(locale, status));
  if (U_FAILURE(status))
    return fail(Errc::internal, std::string("ICU date patterns: ") + u_errorName(status));
  icu::UnicodeString pattern = generator->getBestPattern(skeleton_of(style), status);
  icu::SimpleDateFormat format(pattern, locale, status);
  if (U_FAILURE(status))
    return fail(Errc::internal, std::string("ICU date format: ") + u_errorName(status));
  if (language == "ht") make_haitian_creole(format);
  format.adoptTimeZone(tz.release());
  icu::UnicodeString out;
  format.format(static_cast<UDate>(t) * 1000.0, out);
  return from_icu(out);
}

}  // namespace sdc::i18n
