#include "sdc/i18n/language.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace sdc::i18n {

bool is_supported(std::string_view code) {
  return std::find(kLanguages.begin(), kLanguages.end(), code) != kLanguages.end();
}

std::string_view resolve_language(std::string_view preference) {
  std::string lang;
  for (char c : preference) {
    if (c == '-' || c == '_') break;
    if (lang.size() == 3) return kFallbackLanguage;
    lang += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (std::string_view code : kLanguages)
    if (code == lang) return code;
  return kFallbackLanguage;
}

namespace {

struct Locales {
  std::string_view code;
  const char* messages;
  const char* dates;
};

// en_US and es_US: the holders live in the United States (12-hour clock,
// month before day in English). ICU 72 has plural rules but no date symbols
// for ht, so its dates are written as in French of Haiti.
constexpr Locales kLocales[] = {
    {"en", "en_US", "en_US"}, {"es", "es_US", "es_US"}, {"pt", "pt_BR", "pt_BR"},
    {"ht", "ht", "fr_HT"},    {"fr", "fr", "fr"},
};

const Locales& locales_of(std::string_view code) {
  for (const auto& l : kLocales)
    if (l.code == code) return l;
  return kLocales[0];
}

}  // namespace

const char* message_locale(std::string_view code) {
  return locales_of(code).messages;
}
const char* date_locale(std::string_view code) {
  return locales_of(code).dates;
}

}  // namespace sdc::i18n
