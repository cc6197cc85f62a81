// Dates and times as a holder reads them: in their language, on the wall
// clock of a given IANA time zone (an office's or a court's).
#pragma once

#include <string>
#include <string_view>

#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace sdc::i18n {

enum class DateStyle {
  full,        // "Tuesday, March 10, 2026 at 9:30 AM EDT"
  date,        // "Tuesday, March 10, 2026"
  time,        // "9:30 AM EDT"
  short_date,  // "Mar 10, 2026"
};

// `t` on the wall clock of `zone` (e.g. "America/New_York"), written the
// way `language` writes it (date_locale(); Haitian Creole as fr_HT with
// Creole names of days and months). The
// zone's short name is used where the locale has one ("EDT" in English),
// else its offset ("UTC−4"). Errc::invalid_argument for a zone ICU does not
// know; an unsupported language is written as English. Thread-safe.
Result<std::string> format_datetime(std::string_view language, UnixTime t, std::string_view zone,
                                    DateStyle style = DateStyle::full);

}  // namespace sdc::i18n
