#include <gtest/gtest.h>

#include "sdc/i18n/catalogues.h"
#include "sdc/util/file.h"
#include "support/temp_dir.h"

namespace sdc::i18n {
namespace {

// The error of parsing `text` as English, or "ok".
std::string error_of(std::string_view text, Errc* code = nullptr) {
  auto c = parse_catalogue("en", text);
  if (c) return "ok";
  if (code) *code = c.error().code;
  return c.error().message;
}

TEST(I18nParse, ReadsKeysPatternsAndArgumentNames) {
  auto c = parse_catalogue("fr", R"({"b.x": "À {office}, {when}, {office}",
      "a_1": "{n, plural, one {# jour} other {# jours}} {who, select, a {A} other {B}}",
      "verify.result.REVOKED": "Révoquée"})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->language, "fr");
  ASSERT_EQ(c->messages.size(), 3u);
  EXPECT_EQ(c->messages.at("b.x").pattern, "À {office}, {when}, {office}");
  EXPECT_EQ(c->messages.at("b.x").arguments, (std::vector<std::string>{"office", "when"}));
  EXPECT_EQ(c->messages.at("a_1").arguments, (std::vector<std::string>{"n", "who"}));
  EXPECT_TRUE(c->messages.at("verify.result.REVOKED").arguments.empty());
  EXPECT_TRUE(parse_catalogue("es", "{}"));
  EXPECT_TRUE(parse_catalogue("es", "\xEF\xBB\xBF {} \n"));
}

TEST(I18nParse, BadFilesGiveTheKeyAndTheReason) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"", "not valid JSON at byte 1"},
      {"{\"a\": \"x\"", "not valid JSON"},
      {"{\"a\": \"x\"} {}", "not valid JSON"},
      {"[\"a\"]", "not a JSON object of key → text"},
      {"\"a\"", "not a JSON object of key → text"},
      {"{\"a\": {\"b\": \"c\"}}", "key 'a': an object, not a text"},
      {"{\"a\": [\"b\"]}", "key 'a': an array, not a text"},
      {"{\"a\": 5}", "key 'a': a number, not a text"},
      {"{\"a\": null}", "key 'a': null, not a text"},
      {"{\"a\": true}", "key 'a': a boolean, not a text"},
      {"{\"a\": \"x\", \"a\": \"y\"}", "key 'a' twice"},
      {"{\"a-b\": \"x\"}", "key 'a-b' is not [A-Za-z0-9_.]{1,100}"},
      {"{\"\": \"x\"}", "key '' is not"},
      {"{\"" + std::string(101, 'k') + "\": \"x\"}", "is not [A-Za-z0-9_.]{1,100}"},
      {"{\"a\": \"  \"}", "key 'a': empty text"},
      {"{\"a\": \"At {office\"}", "key 'a': not an ICU MessageFormat pattern"},
      {"{\"a\": \"{n, plural, one {x}}\"}", "key 'a': not an ICU MessageFormat pattern"},
      {"{\"a\": \"At {0}\"}", "key 'a': numbered argument"},
      {"{\"a\": \"On {d, date, long}\"}", "key 'a': argument type 'date' is not allowed"},
      {"{\"a\": \"At {t, time}\"}", "key 'a': argument type 'time' is not allowed"},
      {"{\"a\": \"{n, choice, 0#none|1#one}\"}", "key 'a': choice arguments are not allowed"},
      {"{\"a\": \"Hi {Name}\"}", "key 'a': argument name 'Name' is not [a-z][a-z0-9_]{0,39}"},
      {"{\"a\": \"bad \xC3\x28 utf-8\"}", "not valid JSON"},
      {"{\"a\": \"" + std::string(kMaxPatternBytes + 1, 'x') + "\"}",
       "key 'a': longer than 4096 bytes"},
  };
  for (const auto& c : cases) {
    std::string message = error_of(c.text);
    EXPECT_NE(message.find(c.message), std::string::npos)
        << "input: " << c.text.substr(0, 80) << "\nerror: " << message;
  }
}

TEST(I18nParse, LimitsAreLimits) {
  Errc code{};
  std::string many = "{";
  for (std::size_t i = 0; i <= kMaxMessages; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\": \"x\"";
  many += "}";
  EXPECT_NE(error_of(many, &code).find("more than 2000 keys"), std::string::npos);
  EXPECT_EQ(code, Errc::limit);
  std::string big = "{\"a\": \"" + std::string(kMaxCatalogueBytes, 'x') + "\"}";
  EXPECT_NE(error_of(big, &code).find("larger than"), std::string::npos);
  EXPECT_EQ(code, Errc::limit);
  auto deep = std::string(100000, '[');
  EXPECT_NE(error_of(deep).find("not a JSON object"), std::string::npos);
  EXPECT_FALSE(parse_catalogue("de", "{}"));
}

TEST(I18nLoad, ErrorsNameTheFile) {
  {
    test::TempDir dir("sdc-i18n-");
    ASSERT_TRUE(write_file_atomic(dir.path() / "es.json", "{}"));
    auto c = load_catalogues(dir.path());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("en.json: missing; English is required"), std::string::npos);
  }
  {
    test::TempDir dir("sdc-i18n-");
    ASSERT_TRUE(write_file_atomic(dir.path() / "en.json", "{}"));
    ASSERT_TRUE(write_file_atomic(dir.path() / "sp.json", "{}"));
    ASSERT_TRUE(write_file_atomic(dir.path() / "README", "not a catalogue"));
    auto c = load_catalogues(dir.path());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("sp.json: not a catalogue of a supported language"),
              std::string::npos);
  }
  {
    test::TempDir dir("sdc-i18n-");
    ASSERT_TRUE(write_file_atomic(dir.path() / "en.json", R"({"a": "x"})"));
    ASSERT_TRUE(write_file_atomic(dir.path() / "pt.json", R"({"a": "{x"})"));
    auto c = load_catalogues(dir.path());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("pt.json: key 'a': not an ICU MessageFormat pattern"),
              std::string::npos)
        << c.error().message;
  }
  {
    test::TempDir dir("sdc-i18n-");
    ASSERT_TRUE(write_file_atomic(dir.path() / "en.json",
                                  "{\"a\": \"" + std::string(kMaxCatalogueBytes, 'x') + "\"}"));
    auto c = load_catalogues(dir.path());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, Errc::limit);
    EXPECT_NE(c.error().message.find("en.json"), std::string::npos);
  }
  EXPECT_FALSE(load_catalogues("/nonexistent/sdc-i18n"));
}

}  // namespace
}  // namespace sdc::i18n
