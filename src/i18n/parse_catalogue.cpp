// parse_catalogue: one catalogue file, strictly. The JSON is read through
// nlohmann's SAX interface, so nesting, duplicates and non-string values stop
// the parse at once, and no exception is thrown.
#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "i18n/icu_text.h"
#include "sdc/i18n/catalogues.h"
#include "sdc/i18n/language.h"

namespace sdc::i18n {

namespace {

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
  });
}

bool valid_argument_name(std::string_view name) {
  if (name.empty() || name.size() > 40 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string shown(std::string_view s) {
  // Keys in messages are shown only when valid; others are cut and escaped.
  std::string out = "'";
  for (char c : s.substr(0, 60)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '\'') {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  if (s.size() > 60) out += "...";
  return out + "'";
}

// Checks one pattern and returns the names of its arguments, sorted, once each.
Result<std::vector<std::string>> check_pattern(std::string_view language, std::string_view key,
                                               std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail(Errc::parse, "key " + shown(key) + ": " + why);
  };
  if (text.size() > kMaxPatternBytes)
    return fail(Errc::limit, "key " + shown(key) + ": longer than " +
                                 std::to_string(kMaxPatternBytes) + " bytes");
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }))
    return bad("empty text");
  icu::UnicodeString pattern = to_icu(text);
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  icu::MessagePattern parsed(pattern, &where, status);
  if (U_FAILURE(status))
    return bad(std::string("not an ICU MessageFormat pattern (") + u_errorName(status) +
               " at character " + std::to_string(where.offset) + ")");
  if (parsed.hasNumberedArguments()) return bad("numbered argument; use names, e.g. {office}");
  std::set<std::string> names;
  for (int32_t i = 0; i < parsed.countParts(); ++i) {
    const icu::MessagePattern::Part& part = parsed.getPart(i);
    switch (part.getType()) {
      case UMSGPAT_PART_TYPE_ARG_NAME: {
        std::string name = from_icu(parsed.getSubstring(part));
        if (!valid_argument_name(name))
          return bad("argument name " + shown(name) + " is not [a-z][a-z0-9_]{0,39}");
        names.insert(name);
        break;
      }
      case UMSGPAT_PART_TYPE_ARG_START:
        if (part.getArgType() == UMSGPAT_ARG_TYPE_CHOICE)
          return bad("choice arguments are not allowed; use plural or select");
        break;
      case UMSGPAT_PART_TYPE_ARG_TYPE: {
        std::string type = from_icu(parsed.getSubstring(part));
        if (type != "number")
          return bad("argument type " + shown(type) +
                     " is not allowed (dates and times are passed formatted)");
        break;
      }
      default:
        break;
    }
  }
  // MessagePattern checks the syntax; MessageFormat also builds the plural
  // rules and number formats of the language, which can fail on their own.
  icu::MessageFormat format(pattern, icu::Locale(message_locale(language)), where, status);
  if (U_FAILURE(status))
    return bad(std::string("ICU MessageFormat refuses it (") + u_errorName(status) + ")");
  return std::vector<std::string>(names.begin(), names.end());
}

class Reader {
 public:
  using json = nlohmann::json;
  explicit Reader(Catalogue& out) : out_(out) {}

  Error error;  // set when a handler stopped the parse

  bool null() { return not_string("null"); }
  bool boolean(bool) { return not_string("a boolean"); }
  bool number_integer(json::number_integer_t) { return not_string("a number"); }
  bool number_unsigned(json::number_unsigned_t) { return not_string("a number"); }
  bool number_float(json::number_float_t, const json::string_t&) { return not_string("a number"); }
  bool binary(json::binary_t&) { return not_string("binary"); }
  bool start_array(std::size_t) {
    if (depth_ == 0) return stop(Errc::parse, "not a JSON object of key → text");
    return not_string("an array");
  }
  bool end_array() { return false; }
  bool start_object(std::size_t) {
    if (depth_ > 0) return not_string("an object");
    ++depth_;
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool key(json::string_t& k) {
    if (!valid_key(k)) return stop(Errc::parse, "key " + shown(k) + " is not [A-Za-z0-9_.]{1,100}");
    if (out_.messages.contains(k)) return stop(Errc::parse, "key " + shown(k) + " twice");
    if (out_.messages.size() == kMaxMessages)
      return stop(Errc::limit, "more than " + std::to_string(kMaxMessages) + " keys");
    key_ = k;
    return true;
  }
  bool string(json::string_t& value) {
    if (depth_ == 0) return stop(Errc::parse, "not a JSON object of key → text");
    auto arguments = check_pattern(out_.language, key_, value);
    if (!arguments) {
      error = arguments.error();
      return false;
    }
    out_.messages.emplace(key_, Message{value, std::move(*arguments)});
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return stop(Errc::parse, "not valid JSON at byte " + std::to_string(position));
  }

 private:
  bool not_string(const char* what) {
    if (depth_ == 0) return stop(Errc::parse, "not a JSON object of key → text");
    return stop(Errc::parse, "key " + shown(key_) + ": " + what + ", not a text");
  }
  bool stop(Errc code, std::string message) {
    error = Error{code, std::move(message)};
    return false;
  }

  Catalogue& out_;
  int depth_ = 0;
  std::string key_;
};

}  // namespace

Result<Catalogue> parse_catalogue(std::string_view language, std::string_view text) {
  if (!is_supported(language))
    return fail(Errc::invalid_argument, "unsupported language " + shown(language));
  if (text.size() > kMaxCatalogueBytes)
    return fail(Errc::limit, "larger than " + std::to_string(kMaxCatalogueBytes) + " bytes");
  Catalogue out;
  out.language = std::string(language);
  Reader reader(out);
  bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &reader,
                                      nlohmann::json::input_format_t::json, true);
  if (!ok) {
    if (reader.error.message.empty()) return fail(Errc::parse, "not valid JSON");
    return std::unexpected(reader.error);
  }
  return out;
}

}  // namespace sdc::i18n
