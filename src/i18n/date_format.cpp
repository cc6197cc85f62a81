#include "sdc/i18n/date_format.h"

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
  format.adoptTimeZone(tz.release());
  icu::UnicodeString out;
  format.format(static_cast<UDate>(t) * 1000.0, out);
  return from_icu(out);
}

}  // namespace sdc::i18n
