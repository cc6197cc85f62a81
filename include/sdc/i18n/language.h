// The languages holders may choose, and the ICU locales behind them.
#pragma once

#include <array>
#include <string_view>

namespace sdc::i18n {

// Every language with a catalogue, by its code (ISO 639-1). English is the
// fallback for any text another language lacks.
inline constexpr std::array<std::string_view, 5> kLanguages{"en", "es", "pt", "ht", "fr"};
inline constexpr std::string_view kFallbackLanguage = "en";

// True when `code` is one of kLanguages (exactly: lower case, no region).
bool is_supported(std::string_view code);

// The supported language a holder's stored preference stands for: the code
// itself, or its language part ("es-MX", "pt_BR" → "es", "pt"), case-blind;
// English for anything else (and for an empty preference).
std::string_view resolve_language(std::string_view preference);

// The ICU locale for messages (plural rules, numbers) in `code`, and the one
// for dates and times. They differ for Haitian Creole only: ICU 72 has no
// `ht` date symbols, so its dates take the order and clock of French of Haiti
// (`fr_HT`), with Haitian Creole names of days and months put in by
// format_datetime() ("madi 10 mas 2026 a 09:30"); messages keep `ht`, whose
// plural rules have `other` only (Creole nouns do not change with a count).
// An unsupported code gives English's.
const char* message_locale(std::string_view code);
const char* date_locale(std::string_view code);

}  // namespace sdc::i18n
