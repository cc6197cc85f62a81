// libFuzzer target for the message catalogue loader (sdc/i18n/catalogues.h):
// parse_catalogue on arbitrary text, in a language picked by the first byte.
// It must return a catalogue or an error with a message, never throw, crash
// or hang. A catalogue it returns keeps its promises: keys of
// [A-Za-z0-9_.]{1,100}, non-blank patterns within the size cap, argument
// names sorted and each once; written out again as JSON it reads back the
// same; and every message formats (or fails with a message) with each
// argument given as text and as a count.
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sdc/i18n/catalogues.h"
#include "sdc/i18n/language.h"

namespace {

bool key_ok(const std::string& key) {
  if (key.empty() || key.size() > sdc::i18n::kMaxKeyLength) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.'))
      return false;
  return true;
}

void format_all(const sdc::i18n::Catalogue& catalogue) {
  sdc::i18n::Catalogue english = catalogue;
  english.language = "en";
  auto catalogues = sdc::i18n::Catalogues::from({english});
  if (!catalogues) __builtin_trap();
  static auto quiet = std::make_shared<spdlog::logger>(
      "i18n-fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  catalogues->set_logger(quiet);
  for (const auto& [key, message] : catalogue.messages) {
    sdc::i18n::Args as_text, as_count;
    for (const auto& name : message.arguments) {
      as_text.push_back({name, std::string("v")});
      as_count.push_back({name, std::int64_t{3}});
    }
    for (const auto* args : {&as_text, &as_count}) {
      auto text = catalogues->format("en", key, *args);
      if (!text && text.error().message.empty()) __builtin_trap();
    }
    // One argument short is always an error.
    if (!message.arguments.empty()) {
      as_text.pop_back();
      if (catalogues->format("en", key, as_text)) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& languages = sdc::i18n::kLanguages;
  std::string_view language = languages[data[0] % languages.size()];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto catalogue = sdc::i18n::parse_catalogue(language, text);
  if (!catalogue) {
    if (catalogue.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (catalogue->language != language) __builtin_trap();
  if (catalogue->messages.size() > sdc::i18n::kMaxMessages) __builtin_trap();
  nlohmann::json again = nlohmann::json::object();
  for (const auto& [key, message] : catalogue->messages) {
    if (!key_ok(key) || message.pattern.empty() ||
        message.pattern.size() > sdc::i18n::kMaxPatternBytes)
      __builtin_trap();
    for (std::size_t i = 1; i < message.arguments.size(); ++i)
      if (!(message.arguments[i - 1] < message.arguments[i])) __builtin_trap();
    again[key] = message.pattern;
  }
  auto reread = sdc::i18n::parse_catalogue(language, again.dump());
  if (!reread || reread->messages.size() != catalogue->messages.size()) __builtin_trap();
  for (const auto& [key, message] : catalogue->messages) {
    auto it = reread->messages.find(key);
    if (it == reread->messages.end() || it->second.pattern != message.pattern ||
        it->second.arguments != message.arguments)
      __builtin_trap();
  }
  format_all(*catalogue);
  return 0;
}
