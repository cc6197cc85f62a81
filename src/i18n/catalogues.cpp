#include "sdc/i18n/catalogues.h"

#include <spdlog/spdlog.h>
#include <unicode/fmtable.h>
#include <unicode/msgfmt.h>

#include <algorithm>
#include <system_error>

#include "i18n/icu_text.h"
#include "sdc/i18n/language.h"
#include "sdc/util/file.h"

namespace sdc::i18n {

namespace {

// A language code as it may appear in a log line: the caller's value when it
// looks like a code, never free text.
std::string loggable(std::string_view code) {
  bool plain =
      !code.empty() && code.size() <= 16 && std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
      });
  return plain ? std::string(code) : std::string("(not a language code)");
}

std::string names_of(const std::vector<std::string>& names) {
  std::string out = "{";
  for (const auto& n : names) out += (out.size() > 1 ? ", " : "") + n;
  return out + "}";
}

}  // namespace

Result<Catalogues> Catalogues::from(std::vector<Catalogue> catalogues) {
  Catalogues out;
  for (std::string_view code : kLanguages) {
    int count = 0;
    for (auto& c : catalogues) {
      if (c.language != code) continue;
      if (++count > 1)
        return fail(Errc::invalid_argument, "two catalogues for '" + std::string(code) + "'");
    }
  }
  for (std::string_view code : kLanguages)
    for (auto& c : catalogues)
      if (c.language == code) out.catalogues_.push_back(std::move(c));
  if (out.catalogues_.size() != catalogues.size())
    return fail(Errc::invalid_argument, "a catalogue of an unsupported language");
  if (out.catalogues_.empty() || out.catalogues_.front().language != kFallbackLanguage)
    return fail(Errc::invalid_argument,
                "no English catalogue (en), which every other falls back to");
  return out;
}

const Catalogue* Catalogues::find(std::string_view language) const {
  for (const auto& c : catalogues_)
    if (c.language == language) return &c;
  return nullptr;
}

std::vector<std::string> Catalogues::languages() const {
  std::vector<std::string> out;
  for (const auto& c : catalogues_) out.push_back(c.language);
  return out;
}

Result<std::string> Catalogues::format(std::string_view language, std::string_view key,
                                       const Args& args) const {
  const Catalogue& english = catalogues_.front();
  const Catalogue* catalogue = find(language);
  const Message* message = nullptr;
  if (catalogue) {
    auto it = catalogue->messages.find(key);
    if (it != catalogue->messages.end()) message = &it->second;
  }
  if (!message) {
    auto it = english.messages.find(key);
    if (it == english.messages.end())
      return fail(Errc::not_found, "no text for key '" + std::string(key) + "'");
    message = &it->second;
    if (language != kFallbackLanguage) {
      auto log = logger_ ? logger_ : spdlog::default_logger();
      if (catalogue)
        log->warn("i18n: language '{}' has no text for '{}'; English is used", catalogue->language,
                  it->first);
      else
        log->warn("i18n: no catalogue for language '{}'; English is used for '{}'",
                  loggable(language), it->first);
    }
    catalogue = &english;
  }
  const std::string& used = catalogue->language;

  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  for (const std::string& name : message->arguments) {
    auto given =
        std::find_if(args.begin(), args.end(), [&](const NamedArg& a) { return a.name == name; });
    if (given == args.end())
      return fail(Errc::invalid_argument,
                  "argument '" + name + "' of '" + std::string(key) + "' not given");
    names.push_back(to_icu(name));
    if (auto* text = std::get_if<std::string>(&given->value)) {
      values.emplace_back(to_icu(*text));
    } else if (auto* count = std::get_if<std::int64_t>(&given->value)) {
      values.emplace_back(static_cast<int64_t>(*count));
    } else {
      const auto& when = std::get<DateTime>(given->value);
      auto written = format_datetime(used, when.t, when.zone, when.style);
      if (!written)
        return fail(Errc::invalid_argument, "argument '" + name + "': " + written.error().message);
      values.emplace_back(to_icu(*written));
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  icu::MessageFormat pattern(to_icu(message->pattern), icu::Locale(message_locale(used)), where,
                             status);
  icu::UnicodeString out;
  pattern.format(names.data(), values.data(), static_cast<int32_t>(names.size()), out, status);
  if (U_FAILURE(status))
    return fail(Errc::invalid_argument, "cannot format '" + std::string(key) + "' (" +
                                            u_errorName(status) +
                                            "): an argument of the wrong type?");
  return from_icu(out);
}

Result<Catalogues> load_catalogues(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<Catalogue> catalogues;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& path = entry.path();
    if (path.extension() != ".json") continue;
    std::string stem = path.stem().string();
    if (!is_supported(stem))
      return fail(Errc::invalid_argument,
                  path.string() + ": not a catalogue of a supported language (en, es, pt, ht, fr)");
  }
  if (ec) return fail(Errc::io, "cannot read the folder " + dir.string() + ": " + ec.message());
  for (std::string_view code : kLanguages) {
    auto path = dir / (std::string(code) + ".json");
    if (!std::filesystem::exists(path, ec)) {
      if (code == kFallbackLanguage)
        return fail(Errc::not_found, path.string() + ": missing; English is required");
      continue;
    }
    auto text = read_file(path, kMaxCatalogueBytes);
    if (!text) return std::unexpected(text.error());
    auto catalogue = parse_catalogue(code, *text);
    if (!catalogue)
      return fail(catalogue.error().code, path.string() + ": " + catalogue.error().message);
    catalogues.push_back(std::move(*catalogue));
  }
  return Catalogues::from(std::move(catalogues));
}

std::vector<CatalogueProblem> check_complete(const Catalogues& catalogues) {
  std::vector<CatalogueProblem> problems;
  const Catalogue* english = catalogues.find(kFallbackLanguage);
  if (!english) return {{std::string(kFallbackLanguage), "", "no catalogue"}};
  for (std::string_view code : kLanguages) {
    if (code == kFallbackLanguage) continue;
    const Catalogue* other = catalogues.find(code);
    if (!other) {
      problems.push_back({std::string(code), "", "no catalogue"});
      continue;
    }
    for (const auto& [key, message] : english->messages) {
      auto it = other->messages.find(key);
      if (it == other->messages.end()) {
        problems.push_back({other->language, key, "missing"});
      } else if (it->second.arguments != message.arguments) {
        problems.push_back({other->language, key,
                            "arguments " + names_of(it->second.arguments) + " instead of " +
                                names_of(message.arguments)});
      }
    }
    for (const auto& [key, message] : other->messages)
      if (!english->messages.contains(key))
        problems.push_back({other->language, key, "not in English"});
  }
  return problems;
}

std::filesystem::path default_catalogue_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "sdc" / "i18n";
    if (std::filesystem::exists(installed / "en.json", ec)) return installed;
  }
  return SDC_I18N_SOURCE_DIR;
}

}  // namespace sdc::i18n
