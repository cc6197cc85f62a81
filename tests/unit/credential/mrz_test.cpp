#include "sdc/credential/mrz.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sdc {
namespace {

// The ICAO Doc 9303 Part 5 specimen, as the base that each test changes.
MrzFields specimen() {
  MrzFields f;
  f.document_code = "I";
  f.issuing_state = "UTO";
  f.document_number = "D23145890";
  f.date_of_birth = "740812";
  f.sex = "F";
  f.date_of_expiry = "120415";
  f.nationality = "UTO";
  f.primary_identifier = "ERIKSSON";
  f.secondary_identifier = "ANNA MARIA";
  return f;
}

MrzFields fields_from_json(const nlohmann::json& j) {
  MrzFields f;
  f.document_code = j.at("document_code").get<std::string>();
  f.issuing_state = j.at("issuing_state").get<std::string>();
  f.document_number = j.at("document_number").get<std::string>();
  f.optional_data_1 = j.at("optional_data_1").get<std::string>();
  f.date_of_birth = j.at("date_of_birth").get<std::string>();
  f.sex = j.at("sex").get<std::string>();
  f.date_of_expiry = j.at("date_of_expiry").get<std::string>();
  f.nationality = j.at("nationality").get<std::string>();
  f.optional_data_2 = j.at("optional_data_2").get<std::string>();
  f.primary_identifier = j.at("primary_identifier").get<std::string>();
  f.secondary_identifier = j.at("secondary_identifier").get<std::string>();
  return f;
}

std::string name_line(const std::string& primary, const std::string& secondary) {
  MrzFields f = specimen();
  f.primary_identifier = primary;
  f.secondary_identifier = secondary;
  auto lines = mrz_td1(f);
  EXPECT_TRUE(lines) << lines.error().message;
  return lines ? (*lines)[2] : std::string();
}

bool is_letter(char c) {
  return c >= 'A' && c <= 'Z';
}

TEST(MrzVectors, EveryCaseGivesItsExpectedLines) {
  std::ifstream in(std::string(SDC_VECTORS_DIR) + "/cases.json");
  ASSERT_TRUE(in) << "cannot open cases.json in " << SDC_VECTORS_DIR;
  const auto doc = nlohmann::json::parse(in);
  const auto& cases = doc.at("mrz");
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    auto lines = mrz_td1(fields_from_json(c.at("fields")));
    ASSERT_TRUE(lines) << lines.error().message;
    const auto& expected = c.at("expected");
    ASSERT_EQ(expected.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*lines)[i], expected[i].get<std::string>());
  }
}

TEST(MrzCheckDigit, IcaoExamples) {
  // Doc 9303 Part 5 (TD1) and Part 4 (TD3) specimens.
  EXPECT_EQ(mrz_check_digit("D23145890"), '7');
  EXPECT_EQ(mrz_check_digit("740812"), '2');
  EXPECT_EQ(mrz_check_digit("120415"), '9');
  EXPECT_EQ(mrz_check_digit("L898902C3"), '6');
  EXPECT_EQ(mrz_check_digit("ZE184226B<<<<<"), '1');
  EXPECT_EQ(mrz_check_digit("L898902C3674081221204159ZE184226B<<<<<1"), '0');  // composite
}

TEST(MrzCheckDigit, FillerCountsZero) {
  EXPECT_EQ(mrz_check_digit(""), '0');
  EXPECT_EQ(mrz_check_digit("<<<<<<"), '0');
  EXPECT_EQ(mrz_check_digit("74<<<<"), '1');  // 7*7 + 4*3 = 61
  EXPECT_EQ(mrz_check_digit("A<<"), '0');     // 10*7 = 70
  EXPECT_EQ(mrz_check_digit("<A<"), '0');     // 10*3 = 30
  EXPECT_EQ(mrz_check_digit("<<A"), '0');     // 10*1 = 10
  EXPECT_EQ(mrz_check_digit("<<Z"), '5');     // 35*1
}

TEST(MrzTransliterate, LatinDiacritics) {
  EXPECT_EQ(mrz_transliterate("Ärger"), "AERGER");
  EXPECT_EQ(mrz_transliterate("Müller"), "MUELLER");
  EXPECT_EQ(mrz_transliterate("ÜBERALL"), "UEBERALL");
  EXPECT_EQ(mrz_transliterate("ÄÖÅØÆ"), "AEOEAAOEAE");
  EXPECT_EQ(mrz_transliterate("Schön"), "SCHOEN");
  EXPECT_EQ(mrz_transliterate("Øresund"), "OERESUND");
  EXPECT_EQ(mrz_transliterate("Ångström"), "AANGSTROEM");
  EXPECT_EQ(mrz_transliterate("Muñoz"), "MUNOZ");
  EXPECT_EQ(mrz_transliterate("Straße"), "STRASSE");
  EXPECT_EQ(mrz_transliterate("Þórunn"), "THORUNN");
  EXPECT_EQ(mrz_transliterate("Ĳssel"), "IJSSEL");
  EXPECT_EQ(mrz_transliterate("Œdipe"), "OEDIPE");
  EXPECT_EQ(mrz_transliterate("Æsa"), "AESA");
  EXPECT_EQ(mrz_transliterate("Đorđe"), "DORDE");
  EXPECT_EQ(mrz_transliterate("Łukasz"), "LUKASZ");
  EXPECT_EQ(mrz_transliterate("François"), "FRANCOIS");
  EXPECT_EQ(mrz_transliterate("Dvořák"), "DVORAK");
  EXPECT_EQ(mrz_transliterate("Nguyễn"), "NGUYEN");
  EXPECT_EQ(mrz_transliterate("Ștefan"), "STEFAN");
}

TEST(MrzTransliterate, DecomposedUmlautsAsPrecomposed) {
  EXPECT_EQ(mrz_transliterate("Mu\u0308ller"), "MUELLER");
  EXPECT_EQ(mrz_transliterate("A\u030Angstro\u0308m"), "AANGSTROEM");
  EXPECT_EQ(mrz_transliterate("Jose\u0301"), "JOSE");
}

TEST(MrzTransliterate, PunctuationAndSeparators) {
  EXPECT_EQ(mrz_transliterate("O'Neil"), "ONEIL");
  EXPECT_EQ(mrz_transliterate("O\u2019Brien"), "OBRIEN");
  EXPECT_EQ(mrz_transliterate("Anna-Maria"), "ANNA<MARIA");
  EXPECT_EQ(mrz_transliterate("Jean Luc"), "JEAN<LUC");
  EXPECT_EQ(mrz_transliterate("St. John,"), "ST<JOHN");
  EXPECT_EQ(mrz_transliterate("Mary\u00A0Ann"), "MARY<ANN");
}

TEST(MrzTransliterate, Cyrillic) {
  EXPECT_EQ(mrz_transliterate("Иванов"), "IVANOV");
  EXPECT_EQ(mrz_transliterate("Александр"), "ALEKSANDR");
  EXPECT_EQ(mrz_transliterate("Щукин"), "SHCHUKIN");
  EXPECT_EQ(mrz_transliterate("Юлия"), "IULIIA");
  EXPECT_EQ(mrz_transliterate("Хрущёв"), "KHRUSHCHEV");
  EXPECT_EQ(mrz_transliterate("Цой"), "TSOI");
  EXPECT_EQ(mrz_transliterate("Игорь"), "IGOR");
  EXPECT_EQ(mrz_transliterate("Жанна"), "ZHANNA");
  EXPECT_EQ(mrz_transliterate("Љубица Његош"), "LJUBITSA<NJEGOSH");
}

TEST(MrzTransliterate, Greek) {
  EXPECT_EQ(mrz_transliterate("Παπαδόπουλος"), "PAPADOPOULOS");
  EXPECT_EQ(mrz_transliterate("Χρήστος"), "CHRISTOS");
  EXPECT_EQ(mrz_transliterate("Ψαρρός"), "PSARROS");
  EXPECT_EQ(mrz_transliterate("Θεοδώρα"), "THEODORA");
  EXPECT_EQ(mrz_transliterate("ΣΟΥΛΗΣ"), "SOULIS");
  EXPECT_EQ(mrz_transliterate("Κυριάκος"), "KYRIAKOS");
}

TEST(MrzTransliterate, DropsWhatHasNoMapping) {
  EXPECT_EQ(mrz_transliterate("李"), "");
  EXPECT_EQ(mrz_transliterate("Li 李"), "LI<");
  EXPECT_EQ(mrz_transliterate("A\xFF"
                              "B"),
            "AB");                             // malformed UTF-8
  EXPECT_EQ(mrz_transliterate("A\xC3"), "A");  // cut sequence
  EXPECT_EQ(mrz_transliterate("A\xC0\x81"
                              "B"),
            "AB");  // overlong encoding
}

TEST(MrzTd1, NamesAreTransliteratedAndSeparated) {
  EXPECT_EQ(name_line("O'Neil-Smith", "José María"), "ONEIL<SMITH<<JOSE<MARIA<<<<<<<");
  EXPECT_EQ(name_line("Müller-Lüdenscheidt", "Jürgen"), "MUELLER<LUEDENSCHEIDT<<JUERGEN");
  EXPECT_EQ(name_line("Иванова", "Юлия"), "IVANOVA<<IULIIA<<<<<<<<<<<<<<<");
  // Stray separators must not forge the "<<" between the identifiers.
  EXPECT_EQ(name_line(" van  der Berg ", "Jan -- Piet"), "VAN<DER<BERG<<JAN<PIET<<<<<<<<");
  EXPECT_EQ(name_line("Eriksson", ""), "ERIKSSON<<<<<<<<<<<<<<<<<<<<<<");
}

TEST(MrzTd1, TruncatesAVeryLongPrimaryIdentifier) {
  std::string line = name_line("Wolfeschlegelsteinhausenbergerdorff", "Hubert Blaine");
  EXPECT_EQ(line, "WOLFESCHLEGELSTEINHAUSENBER<<H");
  EXPECT_EQ(line.size(), 30u);
  EXPECT_NE(line.find("<<"), std::string::npos);
  EXPECT_TRUE(is_letter(line.back()));
}

TEST(MrzTd1, TruncatesTheSecondaryIdentifierFirst) {
  EXPECT_EQ(name_line("Eriksson", "Anna Maria Elisabeth Johanna"),
            "ERIKSSON<<ANNA<MARIA<ELISABE<J");
  EXPECT_EQ(name_line("Nilavadhanananda", "Chayapa Dejthamrong Krasuang"),
            "NILAVADHANANANDA<<CHAYAPA<DE<K");
}

TEST(MrzTd1, TruncatedNameNeverEndsOnAFiller) {
  // Cutting at 27 characters would end the primary identifier on its
  // separator; the last component becomes an initial instead.
  std::string line = name_line(std::string(26, 'A') + " BBBB", "Carl");
  EXPECT_EQ(line, std::string(25, 'A') + "<B<<C");
  // A name without a secondary identifier fills the whole line.
  line = name_line(std::string(29, 'A') + " BBBB", "");
  EXPECT_EQ(line, std::string(28, 'A') + "<B");
  for (int extra = 0; extra < 12; ++extra) {
    std::string primary = "Abcdefghij Klmnop " + std::string(static_cast<std::size_t>(extra), 'Q');
    line = name_line(primary, "Rst Uvw Xyz Lmnopq");
    SCOPED_TRACE(primary);
    EXPECT_EQ(line.size(), 30u);
    EXPECT_EQ(line.find("<<<"), std::string::npos);
    EXPECT_NE(line.find("<<"), std::string::npos);
    EXPECT_TRUE(is_letter(line.back()));
  }
}

TEST(MrzTd1, UnknownPartsOfTheDateOfBirth) {
  MrzFields f = specimen();
  f.date_of_birth = "74<<<<";
  auto lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[1].substr(0, 7), "74<<<<1");
  f.date_of_birth = "<<<<<<";
  lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[1].substr(0, 7), "<<<<<<0");
  f.date_of_birth = "7408<<";
  lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[1].substr(0, 7), "7408<<7");  // 49 + 12 + 0 + 56 = 117
}

TEST(MrzTd1, LowerCaseInputAndFillerSex) {
  MrzFields f = specimen();
  f.document_code = "i";
  f.issuing_state = "uto";
  f.document_number = "d23145890";
  f.nationality = "Uto";
  f.sex = "f";
  auto lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[0], "I<UTOD231458907<<<<<<<<<<<<<<<");
  EXPECT_EQ((*lines)[1], "7408122F1204159UTO<<<<<<<<<<<6");
  f.sex = "<";
  lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[1].substr(7, 1), "<");
}

TEST(MrzTd1, CompositeCoversBothOptionalDataFields) {
  // Letters at the ends of both optional fields, so that a composite that
  // skips any of their positions gives another digit.
  MrzFields f = specimen();
  f.optional_data_1 = "ab12";
  f.optional_data_2 = "XY<<<<<<<<Z";
  auto lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[0], "I<UTOD231458907AB12<<<<<<<<<<<");
  EXPECT_EQ((*lines)[1], "7408122F1204159UTOXY<<<<<<<<Z8");
}

TEST(MrzTd1, LongDocumentNumber) {
  // Part 5: the first 9 characters, a filler for the check digit, then the
  // rest of the number and its check digit in optional data 1.
  MrzFields f = specimen();
  f.document_code = "ID";
  f.document_number = "1234567890";
  f.date_of_birth = "860101";
  f.sex = "M";
  f.date_of_expiry = "300101";
  f.primary_identifier = "Specimen";
  f.secondary_identifier = "Jane";
  auto lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ((*lines)[0], "IDUTO123456789<07<<<<<<<<<<<<<");
  EXPECT_EQ((*lines)[1], "8601012M3001019UTO<<<<<<<<<<<6");
  EXPECT_EQ((*lines)[2], "SPECIMEN<<JANE<<<<<<<<<<<<<<<<");

  // Optional data follows the number's check digit after a filler.
  f.document_number = "AB12345678901";
  f.optional_data_1 = "XY";
  lines = mrz_td1(f);
  ASSERT_TRUE(lines) << lines.error().message;
  const char check = mrz_check_digit("AB12345678901");
  EXPECT_EQ((*lines)[0], std::string("IDUTOAB1234567<8901") + check + "<XY<<<<<<<");
}

struct InvalidCase {
  std::string field;
  std::function<void(MrzFields&)> change;
};

TEST(MrzTd1, EachInvalidFieldIsNamed) {
  const std::vector<InvalidCase> cases = {
      {"document_code", [](MrzFields& f) { f.document_code = ""; }},
      {"document_code", [](MrzFields& f) { f.document_code = "IDX"; }},
      {"document_code", [](MrzFields& f) { f.document_code = "P"; }},
      {"document_code", [](MrzFields& f) { f.document_code = "I1"; }},
      {"issuing_state", [](MrzFields& f) { f.issuing_state = ""; }},
      {"issuing_state", [](MrzFields& f) { f.issuing_state = "UTOP"; }},
      {"issuing_state", [](MrzFields& f) { f.issuing_state = "U1O"; }},
      {"document_number", [](MrzFields& f) { f.document_number = ""; }},
      {"document_number", [](MrzFields& f) { f.document_number = "D2314 589"; }},
      {"document_number", [](MrzFields& f) { f.document_number = "D23-14589"; }},
      {"document_number", [](MrzFields& f) { f.document_number = std::string(23, '1'); }},
      {"document_number", [](MrzFields& f) { f.document_number = "123456789<12"; }},
      {"optional_data_1", [](MrzFields& f) { f.optional_data_1 = std::string(16, 'A'); }},
      {"optional_data_1", [](MrzFields& f) { f.optional_data_1 = "AB C"; }},
      {"optional_data_1",
       [](MrzFields& f) {
         f.document_number = "123456789012";  // leaves 15 - 3 - 2 = 10
         f.optional_data_1 = std::string(11, 'A');
       }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "7408"; }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "741312"; }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "740001"; }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "740832"; }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "750229"; }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "74081a"; }},
      {"date_of_birth", [](MrzFields& f) { f.date_of_birth = "7<0812"; }},
      {"sex", [](MrzFields& f) { f.sex = "Q"; }},
      {"sex", [](MrzFields& f) { f.sex = ""; }},
      {"date_of_expiry", [](MrzFields& f) { f.date_of_expiry = "120431"; }},
      {"date_of_expiry", [](MrzFields& f) { f.date_of_expiry = "12041"; }},
      {"date_of_expiry", [](MrzFields& f) { f.date_of_expiry = "12<<15"; }},
      {"nationality", [](MrzFields& f) { f.nationality = ""; }},
      {"nationality", [](MrzFields& f) { f.nationality = "UTOP"; }},
      {"nationality", [](MrzFields& f) { f.nationality = "U-O"; }},
      {"optional_data_2", [](MrzFields& f) { f.optional_data_2 = std::string(12, '1'); }},
      {"optional_data_2", [](MrzFields& f) { f.optional_data_2 = "A*B"; }},
      {"primary_identifier", [](MrzFields& f) { f.primary_identifier = ""; }},
      {"primary_identifier", [](MrzFields& f) { f.primary_identifier = "李"; }},
      {"primary_identifier", [](MrzFields& f) { f.primary_identifier = "R2D2"; }},
      {"secondary_identifier", [](MrzFields& f) { f.secondary_identifier = "李"; }},
      {"secondary_identifier", [](MrzFields& f) { f.secondary_identifier = "Anna 2"; }},
  };
  for (const auto& c : cases) {
    MrzFields f = specimen();
    c.change(f);
    auto lines = mrz_td1(f);
    ASSERT_FALSE(lines) << c.field << " accepted: " << (*lines)[0] << " " << (*lines)[1];
    EXPECT_EQ(lines.error().code, Errc::invalid_argument) << lines.error().message;
    EXPECT_EQ(lines.error().message.rfind(c.field + ": ", 0), 0u)
        << "expected the message to name " << c.field << ", got: " << lines.error().message;
  }
}

TEST(MrzTd1, LeapDayNeedsALeapYear) {
  MrzFields f = specimen();
  f.date_of_birth = "760229";
  EXPECT_TRUE(mrz_td1(f));
  f.date_of_birth = "<<0229";
  EXPECT_TRUE(mrz_td1(f));
  f.date_of_birth = "770229";
  EXPECT_FALSE(mrz_td1(f));
}

}  // namespace
}  // namespace sdc
