// UTF-8 ⇄ ICU's UTF-16 strings, internal to i18n.
#pragma once

#include <unicode/unistr.h>

#include <string>
#include <string_view>

namespace sdc::i18n {

inline icu::UnicodeString to_icu(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

inline std::string from_icu(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

}  // namespace sdc::i18n
