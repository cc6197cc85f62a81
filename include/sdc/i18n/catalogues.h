// The holder-facing texts: one message catalogue per language (i18n/<code>.json,
// a flat JSON object of key → ICU MessageFormat pattern with named
// arguments), loaded once and formatted per holder. See docs/LANGUAGES.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sdc/i18n/date_format.h"
#include "sdc/util/clock.h"
#include "sdc/util/error.h"

namespace spdlog {
class logger;
}

namespace sdc::i18n {

// Limits of one catalogue file.
inline constexpr std::size_t kMaxCatalogueBytes = 1u << 20;
inline constexpr std::size_t kMaxMessages = 2000;
inline constexpr std::size_t kMaxKeyLength = 100;      // [A-Za-z0-9_.]{1,100}
inline constexpr std::size_t kMaxPatternBytes = 4096;  // one message, UTF-8

struct Message {
  std::string pattern;                 // the ICU MessageFormat text, UTF-8
  std::vector<std::string> arguments;  // the names it uses, sorted, each once
};

struct Catalogue {
  std::string language;  // one of kLanguages
  std::map<std::string, Message, std::less<>> messages;
};

// Parses one catalogue file's text for `language` (a code of kLanguages).
// Strict and bounded: a JSON object (nothing before or after it) whose
// members are all strings, no key twice, keys [A-Za-z0-9_.]{1,100} (upper
// case for names taken from elsewhere: verify.result.REVOKED), at most
// kMaxMessages of them, each pattern at most kMaxPatternBytes, valid UTF-8,
// compiling as an ICU MessageFormat with named arguments only
// ([a-z][a-z0-9_]*), of plain, number, plural, selectordinal or select type (no
// date/time arguments: dates come formatted in the right zone, see Arg). The
// error says which key and why (Errc::parse, Errc::limit). Pure; thread-safe.
Result<Catalogue> parse_catalogue(std::string_view language, std::string_view text);

// A date and time, formatted by format_datetime() in the language of the
// text it goes into.
struct DateTime {
  UnixTime t = 0;
  std::string zone;  // IANA name, e.g. "America/Chicago"
  DateStyle style = DateStyle::full;
};

// A value for a named argument: text, a count (for plural and number
// arguments) or a date and time.
using Arg = std::variant<std::string, std::int64_t, DateTime>;
struct NamedArg {
  std::string name;
  Arg value;
};
using Args = std::vector<NamedArg>;

// A problem found by check_complete().
struct CatalogueProblem {
  std::string language;
  std::string key;
  std::string what;  // e.g. "missing", "not in English", "arguments {a} instead of {a, b}"
};

// Every language's catalogue; English always among them. Immutable after
// loading: format() may be called from any thread at once.
class Catalogues {
 public:
  // Takes the parsed catalogues; Errc::invalid_argument without English or
  // with a language twice.
  static Result<Catalogues> from(std::vector<Catalogue> catalogues);

  // The text of `key` in `language` with `args` put in. When the language has
  // no catalogue (or is not supported) or lacks the key, English is used and a
  // warning naming the language and key (never an argument) is logged; the
  // text is never blank. Errc::not_found when English lacks the key too;
  // Errc::invalid_argument when an argument the pattern uses is not given, or
  // has a type the pattern cannot take (text for a plural), or a DateTime's
  // zone is unknown. Arguments the pattern does not use are ignored.
  Result<std::string> format(std::string_view language, std::string_view key,
                             const Args& args = {}) const;

  // The catalogue of `language`, or null.
  const Catalogue* find(std::string_view language) const;
  // The languages loaded, English first, then in the order of kLanguages.
  std::vector<std::string> languages() const;

  // Where fallback warnings go; spdlog's default logger when unset (null).
  void set_logger(std::shared_ptr<spdlog::logger> logger) { logger_ = std::move(logger); }

 private:
  std::vector<Catalogue> catalogues_;  // English first
  std::shared_ptr<spdlog::logger> logger_;
};

// Loads `dir`/<code>.json for every code of kLanguages. en.json is required,
// the others optional; any other *.json in `dir` is refused (a misnamed file
// would otherwise be silently unused), other files are ignored. Each file is
// at most kMaxCatalogueBytes and parsed by parse_catalogue(); the error names
// the file.
Result<Catalogues> load_catalogues(const std::filesystem::path& dir);

// Compares every language with English: a key missing from a language, a
// key English lacks, and a key whose argument names differ. Empty when the
// catalogues are complete; the unit test on the shipped files requires that.
std::vector<CatalogueProblem> check_complete(const Catalogues& catalogues);

// Where sdcd finds the catalogues: <dir of the running executable>/../share/sdc/i18n
// when that folder has an en.json (an installed tree), else the i18n/ folder
// of the source tree this library was built from.
std::filesystem::path default_catalogue_dir();

}  // namespace sdc::i18n
