#include "sdc/i18n/catalogues.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "sdc/i18n/language.h"
#include "sdc/util/file.h"
#include "support/temp_dir.h"

namespace sdc::i18n {
namespace {

const std::filesystem::path kShipped = std::filesystem::path(SDC_SOURCE_DIR) / "i18n";

std::string describe(const std::vector<CatalogueProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.language + " " + p.key + ": " + p.what + "\n";
  return out;
}

void write(const std::filesystem::path& path, std::string_view text) {
  ASSERT_TRUE(write_file_atomic(path, text));
}

// The shipped catalogues: every key of English in every language and no
// other, with the same argument names. This is the test that fails when a
// translation is missing or a placeholder was renamed.
TEST(I18nShipped, EveryLanguageHasEveryKeyWithTheSameArguments) {
  auto catalogues = load_catalogues(kShipped);
  ASSERT_TRUE(catalogues) << catalogues.error().message;
  EXPECT_EQ(catalogues->languages(), (std::vector<std::string>{"en", "es", "pt", "ht", "fr"}));
  auto problems = check_complete(*catalogues);
  EXPECT_TRUE(problems.empty()) << describe(problems);
  EXPECT_GT(catalogues->find("en")->messages.size(), 100u);
}

TEST(I18nShipped, EveryVerificationResultOfTheSpecIsExplained) {
  auto catalogues = load_catalogues(kShipped);
  ASSERT_TRUE(catalogues);
  for (const char* result :
       {"NOT_SDC", "MALFORMED", "UNSUPPORTED_ALGORITHM", "UNKNOWN_SIGNER", "UNTRUSTED_SIGNER",
        "BAD_SIGNATURE", "NOT_YET_VALID", "EXPIRED", "REVOKED", "SUSPENDED", "VALID"})
    for (std::string_view lang : kLanguages) {
      auto text = catalogues->format(lang, std::string("verify.result.") + result);
      ASSERT_TRUE(text) << lang << " " << result;
      EXPECT_FALSE(text->empty());
    }
}

TEST(I18nShipped, EachLanguageNamesItselfTheSameEverywhere) {
  auto catalogues = load_catalogues(kShipped);
  ASSERT_TRUE(catalogues);
  for (std::string_view lang : kLanguages)
    for (std::string_view name_of : kLanguages)
      EXPECT_EQ(*catalogues->format(lang, "language.name." + std::string(name_of)),
                *catalogues->format(name_of, "language.name." + std::string(name_of)));
  EXPECT_EQ(*catalogues->format("en", "language.name.ht"), "Kreyòl ayisyen");
}

TEST(I18nShipped, DefaultFolderIsTheSourceTreeWhenNotInstalled) {
  auto dir = default_catalogue_dir();
  EXPECT_TRUE(std::filesystem::equivalent(dir, kShipped)) << dir;
}

// The checker itself, on a broken set of catalogues: it must name each gap.
TEST(I18nCheck, NamesMissingExtraAndRenamedArguments) {
  test::TempDir dir("sdc-i18n-");
  write(
      dir.path() / "en.json",
      R"({"a": "At {office} on {when}", "b": "Bye", "c": "{n, plural, one {# day} other {# days}}"})");
  write(dir.path() / "es.json",
        R"({"a": "En {oficina} el {when}", "c": "{n, plural, one {# día} other {# días}}"})");
  write(
      dir.path() / "fr.json",
      R"({"a": "À {office} le {when}", "b": "Au revoir", "c": "{n, plural, other {# jours}}", "d": "De trop"})");
  auto catalogues = load_catalogues(dir.path());
  ASSERT_TRUE(catalogues) << catalogues.error().message;
  auto problems = check_complete(*catalogues);
  EXPECT_EQ(describe(problems),
            "es a: arguments {oficina, when} instead of {office, when}\n"
            "es b: missing\n"
            "pt : no catalogue\n"
            "ht : no catalogue\n"
            "fr d: not in English\n");
}

TEST(I18nCheck, CompleteCataloguesHaveNoProblem) {
  test::TempDir dir("sdc-i18n-");
  for (std::string_view lang : kLanguages)
    write(dir.path() / (std::string(lang) + ".json"), R"({"k": "{x} and {y}", "l": "plain"})");
  auto catalogues = load_catalogues(dir.path());
  ASSERT_TRUE(catalogues) << catalogues.error().message;
  EXPECT_TRUE(check_complete(*catalogues).empty());
}

class I18nFallback : public ::testing::Test {
 protected:
  void SetUp() override {
    write(dir_.path() / "en.json",
          R"({"greet": "Hello {name}", "only": "Only in English, {name}", "plain": "Plain"})");
    write(dir_.path() / "es.json", R"({"greet": "Hola {name}", "plain": "Sencillo"})");
    auto loaded = load_catalogues(dir_.path());
    ASSERT_TRUE(loaded) << loaded.error().message;
    catalogues_ = std::make_unique<Catalogues>(std::move(*loaded));
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    catalogues_->set_logger(std::make_shared<spdlog::logger>("i18n-test", sink));
  }

  test::TempDir dir_{"sdc-i18n-"};
  std::ostringstream log_;
  std::unique_ptr<Catalogues> catalogues_;
};

TEST_F(I18nFallback, TheChosenLanguageWhenItHasTheText) {
  EXPECT_EQ(*catalogues_->format("es", "greet", {{"name", "Ana"}}), "Hola Ana");
  EXPECT_EQ(*catalogues_->format("en", "greet", {{"name", "Ana"}}), "Hello Ana");
  EXPECT_EQ(log_.str(), "");
}

TEST_F(I18nFallback, EnglishForAMissingTextAndALogLineNamingLanguageAndKey) {
  auto text = catalogues_->format("es", "only", {{"name", "Ana"}});
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "Only in English, Ana");
  EXPECT_NE(log_.str().find("language 'es' has no text for 'only'; English is used"),
            std::string::npos)
      << log_.str();
  EXPECT_EQ(log_.str().find("Ana"), std::string::npos) << "an argument was logged";
}

TEST_F(I18nFallback, EnglishForALanguageWithoutCatalogue) {
  EXPECT_EQ(*catalogues_->format("pt", "plain"), "Plain");  // supported, but no pt.json here
  EXPECT_EQ(*catalogues_->format("de", "plain"), "Plain");  // not supported at all
  EXPECT_EQ(*catalogues_->format("x y\n", "plain"), "Plain");
  EXPECT_NE(log_.str().find("no catalogue for language 'pt'"), std::string::npos);
  EXPECT_NE(log_.str().find("no catalogue for language 'de'"), std::string::npos);
  EXPECT_NE(log_.str().find("(not a language code)"), std::string::npos);
  EXPECT_EQ(log_.str().find("x y"), std::string::npos);
}

TEST_F(I18nFallback, AnUnknownKeyIsAnErrorNotABlank) {
  auto text = catalogues_->format("es", "no.such.key");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::not_found);
  EXPECT_NE(text.error().message.find("no.such.key"), std::string::npos);
}

TEST_F(I18nFallback, AMissingArgumentIsAnError) {
  auto text = catalogues_->format("es", "greet");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::invalid_argument);
  EXPECT_NE(text.error().message.find("'name'"), std::string::npos);
  // Arguments the pattern does not use are ignored.
  EXPECT_EQ(*catalogues_->format("es", "plain", {{"name", "Ana"}}), "Sencillo");
}

class I18nShippedText : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_catalogues(kShipped);
    ASSERT_TRUE(loaded) << loaded.error().message;
    catalogues_ = std::make_unique<Catalogues>(std::move(*loaded));
  }
  std::string free_times(std::string_view lang, std::int64_t count) {
    auto text = catalogues_->format(lang, "portal.appointments.free_slots", {{"count", count}});
    return text ? *text : "error: " + text.error().message;
  }
  std::unique_ptr<Catalogues> catalogues_;
};

// Plural rules are the language's: French (and Portuguese) count 0 as one,
// English and Spanish do not; Haitian Creole does not inflect.
TEST_F(I18nShippedText, PluralsFollowEachLanguagesRules) {
  EXPECT_EQ(free_times("en", 0), "0 free times");
  EXPECT_EQ(free_times("en", 1), "1 free time");
  EXPECT_EQ(free_times("en", 15), "15 free times");
  EXPECT_EQ(free_times("fr", 0), "0 créneau libre");
  EXPECT_EQ(free_times("fr", 1), "1 créneau libre");
  EXPECT_EQ(free_times("fr", 2), "2 créneaux libres");
  EXPECT_EQ(free_times("es", 0), "0 horarios libres");
  EXPECT_EQ(free_times("es", 1), "1 horario libre");
  EXPECT_EQ(free_times("pt", 0), "0 horário livre");
  EXPECT_EQ(free_times("pt", 5), "5 horários livres");
  EXPECT_EQ(free_times("ht", 1), "1 lè ki lib");
  EXPECT_EQ(free_times("ht", 5), "5 lè ki lib");
}

TEST_F(I18nShippedText, ATextForAPluralIsAnError) {
  auto text = catalogues_->format("en", "portal.appointments.free_slots", {{"count", "five"}});
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, Errc::invalid_argument);
}

// 2026-03-10 09:30 in New York (EDT) is 13:30 UTC; in Chicago 08:30 CDT.
constexpr UnixTime kMarch10 = 1773149400;

TEST_F(I18nShippedText, DatesAreWrittenInTheTextsLanguageAndTheOfficesZone) {
  Args args{{"when", DateTime{kMarch10, "America/Chicago"}},
            {"office", "Chicago Field Office"},
            {"address", "101 W Ida B. Wells Dr, Chicago, IL"}};
  auto en = catalogues_->format("en", "reminder.appointment.week.sms", args);
  auto es = catalogues_->format("es", "reminder.appointment.week.sms", args);
  auto ht = catalogues_->format("ht", "reminder.appointment.week.sms", args);
  ASSERT_TRUE(en && es && ht);
  EXPECT_NE(en->find("Tuesday, March 10, 2026 at 8:30"), std::string::npos) << *en;
  EXPECT_NE(en->find("Chicago Field Office, 101 W Ida B. Wells Dr, Chicago, IL"),
            std::string::npos);
  EXPECT_NE(es->find("el martes, 10 de marzo de 2026, 8:30"), std::string::npos) << *es;
  EXPECT_NE(ht->find("madi 10 mas 2026 a 08:30"), std::string::npos) << *ht;
  auto bad = catalogues_->format(
      "en", "reminder.appointment.week.sms",
      {{"when", DateTime{kMarch10, "Mars/Olympus"}}, {"office", "x"}, {"address", "y"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

TEST(I18nLanguage, ResolvesAStoredPreference) {
  EXPECT_EQ(resolve_language("es"), "es");
  EXPECT_EQ(resolve_language("pt-BR"), "pt");
  EXPECT_EQ(resolve_language("FR_ca"), "fr");
  EXPECT_EQ(resolve_language("ht"), "ht");
  EXPECT_EQ(resolve_language("de"), "en");
  EXPECT_EQ(resolve_language(""), "en");
  EXPECT_EQ(resolve_language("spanish"), "en");
  EXPECT_TRUE(is_supported("ht"));
  EXPECT_FALSE(is_supported("HT"));
  EXPECT_STREQ(date_locale("ht"), "fr_HT");
  EXPECT_STREQ(message_locale("ht"), "ht");
}

}  // namespace
}  // namespace sdc::i18n
