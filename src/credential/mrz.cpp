// TD1 machine-readable zone (ICAO Doc 9303 Part 5) with the transliteration
// and name truncation of Part 3 (credential-v1 §7).

#include "sdc/credential/mrz.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sdc {
namespace {

constexpr std::size_t kLineLength = 30;
constexpr std::size_t kNumberField = 9;
constexpr std::size_t kOptional1Field = 15;
constexpr std::size_t kOptional2Field = 11;
constexpr char kFiller = '<';
constexpr char32_t kInvalid = 0xFFFD;

// ---------------------------------------------------------------------------
// Transliteration tables (Doc 9303 Part 3, section 6).

// One MRZ letter per code point, '.' where there is none. Derived from the
// Unicode compatibility decomposition (the base letter without its marks), with
// the letters that have no decomposition (Đ, Ł, Ħ, Ŧ, hooked letters...) filled
// in by hand: Part 3 maps "the other accented letters" to their base letter.
constexpr char32_t kLatinFirst = 0x00C0;
constexpr std::string_view kLatin =
    "AAAAAA.CEEEEIIII"   // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
    "DNOOOOO..UUUUY.."   // U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
    "AAAAAA.CEEEEIIII"   // U+00E0 àáâãäåæçèéêëìíîï
    "DNOOOOO..UUUUY.Y"   // U+00F0 ðñòóôõö÷øùúûüýþÿ
    "AAAAAACCCCCCCCDD"   // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď
    "DDEEEEEEEEEEGGGG"   // U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ
    "GGGGHHHHIIIIIIII"   // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį
    "II..JJKKKLLLLLLL"   // U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ
    "LLLNNNNNNNNNOOOO"   // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ
    "OO..RRRRRRSSSSSS"   // U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş
    "SSTTTTTTUUUUUUUU"   // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů
    "UUUUWWYYYZZZZZZS"   // U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "BBBB..OCCDDDD.EE"   // U+0180 ƀƁƂƃƄƅƆƇƈƉƊƋƌƍƎƏ
    "EFFGG.IIKKL.MNNO"   // U+0190 ƐƑƒƓƔƕƖƗƘƙƚƛƜƝƞƟ
    "OO..PPR....TTTTU"   // U+01A0 ƠơƢƣƤƥƦƧƨƩƪƫƬƭƮƯ
    "UUVYYZZ........."   // U+01B0 ưƱƲƳƴƵƶƷƸƹƺƻƼƽƾƿ
    ".............AAI"   // U+01C0 ǀǁǂǃǄǅǆǇǈǉǊǋǌǍǎǏ
    "IOOUUUUUUUUUUEAA"   // U+01D0 ǐǑǒǓǔǕǖǗǘǙǚǛǜǝǞǟ
    "AA..GGGGKKOOOO.."   // U+01E0 ǠǡǢǣǤǥǦǧǨǩǪǫǬǭǮǯ
    "J...GG..NNAA...."   // U+01F0 ǰǱǲǳǴǵǶǷǸǹǺǻǼǽǾǿ
    "AAAAEEEEIIIIOOOO"   // U+0200 ȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏ
    "RRRRUUUUSSTT..HH"   // U+0210 ȐȑȒȓȔȕȖȗȘșȚțȜȝȞȟ
    "ND..ZZAAEEOOOOOO"   // U+0220 ȠȡȢȣȤȥȦȧȨȩȪȫȬȭȮȯ
    "OOYYLNTJ..ACCLTS"   // U+0230 ȰȱȲȳȴȵȶȷȸȹȺȻȼȽȾȿ
    "Z..BUVEEJJQQRRYY";  // U+0240 ɀɁɂɃɄɅɆɇɈɉɊɋɌɍɎɏ

constexpr char32_t kLatinAdditionalFirst = 0x1E00;
constexpr std::string_view kLatinAdditional =
    "AABBBBBBCCDDDDDD"   // U+1E00 ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏ
    "DDDDEEEEEEEEEEFF"   // U+1E10 ḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟ
    "GGHHHHHHHHHHIIII"   // U+1E20 ḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯ
    "KKKKKKLLLLLLLLMM"   // U+1E30 ḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿ
    "MMMMNNNNNNNNOOOO"   // U+1E40 ṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏ
    "OOOOPPPPRRRRRRRR"   // U+1E50 ṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟ
    "SSSSSSSSSSTTTTTT"   // U+1E60 ṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯ
    "TTUUUUUUUUUUVVVV"   // U+1E70 ṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿ
    "WWWWWWWWWWXXXXYY"   // U+1E80 ẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏ
    "ZZZZZZHTWYASSS.."   // U+1E90 ẐẑẒẓẔẕẖẗẘẙẚẛẜẝẞẟ
    "AAAAAAAAAAAAAAAA"   // U+1EA0 ẠạẢảẤấẦầẨẩẪẫẬậẮắ
    "AAAAAAAAEEEEEEEE"   // U+1EB0 ẰằẲẳẴẵẶặẸẹẺẻẼẽẾế
    "EEEEEEEEIIIIOOOO"   // U+1EC0 ỀềỂểỄễỆệỈỉỊịỌọỎỏ
    "OOOOOOOOOOOOOOOO"   // U+1ED0 ỐốỒồỔổỖỗỘộỚớỜờỞở
    "OOOOUUUUUUUUUUUU"   // U+1EE0 ỠỡỢợỤụỦủỨứỪừỬửỮữ
    "UUYYYYYYYY....YY";  // U+1EF0 ỰựỲỳỴỵỶỷỸỹỺỻỼỽỾỿ

struct Spelling {
  char32_t code_point;
  std::string_view letters;
};

// Latin letters that Part 3 writes with more than one letter. Ä, Ö, Ü and Å
// have a one-letter alternative in Part 3; the two-letter form is the one
// that keeps names apart (MÜLLER and MULLER are different people).
constexpr Spelling kLatinMulti[] = {
    {0x00C4, "AE"}, {0x00E4, "AE"},                  // Ä ä
    {0x00C5, "AA"}, {0x00E5, "AA"},                  // Å å
    {0x00C6, "AE"}, {0x00E6, "AE"},                  // Æ æ
    {0x00D6, "OE"}, {0x00F6, "OE"},                  // Ö ö
    {0x00D8, "OE"}, {0x00F8, "OE"},                  // Ø ø
    {0x00DC, "UE"}, {0x00FC, "UE"},                  // Ü ü
    {0x00DE, "TH"}, {0x00FE, "TH"},                  // Þ þ
    {0x00DF, "SS"}, {0x1E9E, "SS"},                  // ß ẞ
    {0x0132, "IJ"}, {0x0133, "IJ"},                  // Ĳ ĳ
    {0x0152, "OE"}, {0x0153, "OE"},                  // Œ œ
    {0x01C4, "DZ"}, {0x01C5, "DZ"}, {0x01C6, "DZ"},  // Ǆ ǅ ǆ
    {0x01C7, "LJ"}, {0x01C8, "LJ"}, {0x01C9, "LJ"},  // Ǉ ǈ ǉ
    {0x01CA, "NJ"}, {0x01CB, "NJ"}, {0x01CC, "NJ"},  // Ǌ ǋ ǌ
    {0x01F1, "DZ"}, {0x01F2, "DZ"}, {0x01F3, "DZ"},  // Ǳ ǲ ǳ
    {0x01E2, "AE"}, {0x01E3, "AE"},                  // Ǣ ǣ
    {0x01FC, "AE"}, {0x01FD, "AE"},                  // Ǽ ǽ
    {0x01FE, "OE"}, {0x01FF, "OE"},                  // Ǿ ǿ
    {0x0490, "G"},  {0x0491, "G"},                   // Ґ ґ (outside the Cyrillic tables below)
};

// Cyrillic U+0400..U+040F (and their lower case U+0450..U+045F), Part 3.
constexpr std::array<std::string_view, 16> kCyrillicExtra{
    "E", "E",  "D",  "G", "IE", "DZ", "I", "I",   // Ѐ Ё Ђ Ѓ Є Ѕ І Ї
    "J", "LJ", "NJ", "C", "K",  "I",  "U", "DZ",  // Ј Љ Њ Ћ Ќ Ѝ Ў Џ
};

// Cyrillic U+0410..U+042F (and their lower case U+0430..U+044F), Part 3.
// The soft sign is omitted.
constexpr std::array<std::string_view, 32> kCyrillicBasic{
    "A",  "B",    "V",  "G", "D", "E",  "ZH", "Z",   // А Б В Г Д Е Ж З
    "I",  "I",    "K",  "L", "M", "N",  "O",  "P",   // И Й К Л М Н О П
    "R",  "S",    "T",  "U", "F", "KH", "TS", "CH",  // Р С Т У Ф Х Ц Ч
    "SH", "SHCH", "IE", "Y", "",  "E",  "IU", "IA",  // Ш Щ Ъ Ы Ь Э Ю Я
};

// Greek U+0391..U+03A9 (and their lower case U+03B1..U+03C9), Part 3. U+03A2
// is unassigned; its lower-case twin U+03C2 is the final sigma.
constexpr std::array<std::string_view, 25> kGreekBasic{
    "A", "V", "G", "D", "E",  "Z",  "I", "TH", "I",  // Α Β Γ Δ Ε Ζ Η Θ Ι
    "K", "L", "M", "N", "X",  "O",  "P", "R",  "S",  // Κ Λ Μ Ν Ξ Ο Π Ρ (ς)
    "S", "T", "Y", "F", "CH", "PS", "O",             // Σ Τ Υ Φ Χ Ψ Ω
};

// Greek letters with tonos or dialytika.
constexpr Spelling kGreekAccented[] = {
    {0x0386, "A"}, {0x0388, "E"}, {0x0389, "I"}, {0x038A, "I"}, {0x038C, "O"},
    {0x038E, "Y"}, {0x038F, "O"}, {0x0390, "I"}, {0x03AA, "I"}, {0x03AB, "Y"},
    {0x03AC, "A"}, {0x03AD, "E"}, {0x03AE, "I"}, {0x03AF, "I"}, {0x03B0, "Y"},
    {0x03CA, "I"}, {0x03CB, "Y"}, {0x03CC, "O"}, {0x03CD, "Y"}, {0x03CE, "O"},
};

std::string_view find_spelling(std::span<const Spelling> table, char32_t cp) {
  for (const auto& s : table) {
    if (s.code_point == cp) return s.letters;
  }
  return {};
}

// One character of a single-letter table, or nothing where it has '.'.
std::string_view table_letter(std::string_view table, char32_t first, char32_t cp) {
  if (cp < first || cp - first >= table.size()) return {};
  std::string_view letter = table.substr(cp - first, 1);
  return letter == "." ? std::string_view{} : letter;
}

std::string_view cyrillic_letters(char32_t cp) {
  if (cp >= 0x0400 && cp <= 0x040F) return kCyrillicExtra[cp - 0x0400];
  if (cp >= 0x0450 && cp <= 0x045F) return kCyrillicExtra[cp - 0x0450];
  if (cp >= 0x0410 && cp <= 0x042F) return kCyrillicBasic[cp - 0x0410];
  if (cp >= 0x0430 && cp <= 0x044F) return kCyrillicBasic[cp - 0x0430];
  return {};
}

std::string_view greek_letters(char32_t cp) {
  if (cp >= 0x0391 && cp <= 0x03A9) return kGreekBasic[cp - 0x0391];
  if (cp >= 0x03B1 && cp <= 0x03C9) return kGreekBasic[cp - 0x03B1];
  return find_spelling(kGreekAccented, cp);
}

// The MRZ letters of a non-ASCII letter; empty when there is no mapping.
std::string_view letters_of(char32_t cp) {
  if (auto multi = find_spelling(kLatinMulti, cp); !multi.empty()) return multi;
  if (auto latin = table_letter(kLatin, kLatinFirst, cp); !latin.empty()) return latin;
  if (auto extra = table_letter(kLatinAdditional, kLatinAdditionalFirst, cp); !extra.empty()) {
    return extra;
  }
  if (auto cyrillic = cyrillic_letters(cp); !cyrillic.empty()) return cyrillic;
  return greek_letters(cp);
}

// Spaces and hyphens, in their Unicode variants, separate name components.
bool is_separator(char32_t cp) {
  constexpr std::array<char32_t, 12> kSeparators{U' ',   U'\t',  U'-',   0x00A0, 0x2010, 0x2011,
                                                 0x2012, 0x2013, 0x2014, 0x202F, 0x2212, 0x3000};
  bool typographic_space = cp >= 0x2000 && cp <= 0x200A;
  return typographic_space ||
         std::find(kSeparators.begin(), kSeparators.end(), cp) != kSeparators.end();
}

// Reads one code point and advances `i`; a malformed sequence yields kInvalid
// and skips one byte, so that bad input is dropped rather than misread.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i++]);
  if (lead < 0x80) return lead;
  std::size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (extra == 0 || lead > 0xF4 || i + extra > s.size()) return kInvalid;
  auto cp = static_cast<char32_t>(lead & (0x3F >> extra));
  for (std::size_t k = 0; k < extra; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (next & 0x3F);
  }
  constexpr std::array<char32_t, 4> kSmallest{0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  i += extra;
  return cp;
}

void append_ascii(std::string& out, char c) {
  if (c >= 'a' && c <= 'z') {
    out.push_back(static_cast<char>(c - 'a' + 'A'));
  } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == kFiller) {
    out.push_back(c);
  } else if (is_separator(static_cast<unsigned char>(c))) {
    out.push_back(kFiller);
  }
  // Apostrophes and other punctuation are omitted (Part 3).
}

// A decomposed Ä, Ö, Ü or Å (base letter + combining mark) is spelled like the
// precomposed letter; every other combining mark is simply dropped.
void append_combining(std::string& out, char32_t mark) {
  if (out.empty()) return;
  const char base = out.back();
  if (mark == 0x0308 && (base == 'A' || base == 'O' || base == 'U')) out.push_back('E');
  if (mark == 0x030A && base == 'A') out.push_back('A');
}

// Greek "ου" is one sound, written OU (ELOT 743, as on Greek passports); a
// lone upsilon is Y.
bool is_greek_ou(char32_t prev, char32_t cp) {
  bool omicron = prev == 0x039F || prev == 0x03BF;
  bool upsilon = cp == 0x03A5 || cp == 0x03C5 || cp == 0x03CD;
  return omicron && upsilon;
}

void append_transliteration(std::string& out, char32_t prev, char32_t cp) {
  if (is_greek_ou(prev, cp)) {
    out.push_back('U');
  } else if (cp < 0x80) {
    append_ascii(out, static_cast<char>(cp));
  } else if (is_separator(cp)) {
    out.push_back(kFiller);
  } else if (cp >= 0x0300 && cp <= 0x036F) {
    append_combining(out, cp);
  } else {
    out.append(letters_of(cp));
  }
}

// ---------------------------------------------------------------------------
// Field checks. Each failure names the JSON field so a person can fix it.

std::unexpected<Error> field_error(std::string_view field, std::string_view why) {
  return fail(Errc::invalid_argument, std::string(field) + ": " + std::string(why));
}

bool is_letter(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_mrz_char(char c) {
  return is_letter(c) || is_digit(c) || c == kFiller;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), kFiller);
  return s;
}

// Free text fields (document number, optional data): MRZ characters only.
Result<std::string> mrz_text(std::string_view field, std::string_view value, std::size_t max) {
  std::string text = upper_ascii(value);
  if (!std::all_of(text.begin(), text.end(), is_mrz_char)) {
    return field_error(field, "only A-Z, 0-9 and '<' can be written, got \"" + text + "\"");
  }
  if (text.size() > max) {
    return field_error(field, "at most " + std::to_string(max) + " characters, got " +
                                  std::to_string(text.size()));
  }
  return text;
}

// Part 5: A, C or I, then a letter or a filler chosen by the issuer.
Result<std::string> document_code(std::string_view value) {
  std::string code = upper_ascii(value);
  if (code.empty() || code.size() > 2) {
    return field_error("document_code", "must be 1 or 2 characters");
  }
  if (code[0] != 'A' && code[0] != 'C' && code[0] != 'I') {
    return field_error("document_code", "a TD1 document code starts with A, C or I");
  }
  if (code.size() == 2 && !is_letter(code[1]) && code[1] != kFiller) {
    return field_error("document_code", "the second character must be a letter or '<'");
  }
  return padded(std::move(code), 2);
}

// Issuing state and nationality: an ICAO code of 1-3 letters ("D" for Germany),
// possibly already padded.
Result<std::string> state_code(std::string_view field, std::string_view value) {
  std::string code = upper_ascii(value);
  std::size_t letters = code.find_last_not_of(kFiller) + 1;  // npos + 1 == 0
  if (letters == 0 || letters > 3 || code.size() > 3 ||
      !std::all_of(code.begin(), code.begin() + static_cast<std::ptrdiff_t>(letters), is_letter)) {
    return field_error(field, "must be an ICAO code of 1 to 3 letters, got \"" + code + "\"");
  }
  return padded(std::move(code), 3);
}

int two_digits(std::string_view s) {
  return (s[0] - '0') * 10 + (s[1] - '0');
}

// A two-digit year cannot tell 1900 from 2000, so 29 February is allowed in
// any year divisible by 4 and when the year is unknown.
int days_in_month(int month, std::string_view year) {
  constexpr std::array<int, 12> kDays{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year != "<<" && two_digits(year) % 4 != 0) return 28;
  return kDays[static_cast<std::size_t>(month - 1)];
}

enum class Unknown { allowed, refused };

// YYMMDD; each part may be "<<" when `unknown` allows it (Part 3: unknown parts
// of a date of birth are written as fillers and count 0 in the check digit).
Result<std::string> date(std::string_view field, std::string_view value, Unknown unknown) {
  std::string d(value);
  if (d.size() != 6) return field_error(field, "must be 6 characters YYMMDD, got \"" + d + "\"");
  for (std::size_t at = 0; at < 6; at += 2) {
    std::string_view part = std::string_view(d).substr(at, 2);
    bool digits = is_digit(part[0]) && is_digit(part[1]);
    bool filler = unknown == Unknown::allowed && part == "<<";
    if (!digits && !filler) {
      return field_error(field,
                         unknown == Unknown::allowed
                             ? "YY, MM and DD must each be 2 digits or \"<<\", got \"" + d + "\""
                             : "must be 6 digits YYMMDD, got \"" + d + "\"");
    }
  }
  std::string_view year = std::string_view(d).substr(0, 2);
  std::string_view month = std::string_view(d).substr(2, 2);
  std::string_view day = std::string_view(d).substr(4, 2);
  if (month != "<<" && (two_digits(month) < 1 || two_digits(month) > 12)) {
    return field_error(field, "month " + std::string(month) + " does not exist");
  }
  int max_day = month == "<<" ? 31 : days_in_month(two_digits(month), year);
  if (day != "<<" && (two_digits(day) < 1 || two_digits(day) > max_day)) {
    return field_error(
        field, "day " + std::string(day) + " does not exist in month " + std::string(month));
  }
  return d;
}

Result<char> sex_code(std::string_view value) {
  std::string s = upper_ascii(value);
  if (s == "F" || s == "M") return s[0];
  if (s == "X" || s == "<") return kFiller;  // Part 5 writes "unspecified" as a filler
  return field_error("sex", "must be F, M or X, got \"" + s + "\"");
}

std::vector<std::string> split_components(std::string_view mrz) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= mrz.size()) {
    std::size_t end = std::min(mrz.find(kFiller, start), mrz.size());
    if (end > start) parts.emplace_back(mrz.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string join_components(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back(kFiller);
    out += p;
  }
  return out;
}

// A name as its components in MRZ letters. Runs of separators collapse to
// one, so that a stray double space cannot forge the "<<" between the
// primary and secondary identifiers.
Result<std::vector<std::string>> name_components(std::string_view field, std::string_view value) {
  std::vector<std::string> parts = split_components(mrz_transliterate(value));
  for (const auto& p : parts) {
    if (std::any_of(p.begin(), p.end(), is_digit)) {
      return field_error(field, "a name cannot contain digits");
    }
  }
  bool blank = value.find_first_not_of(" \t") == std::string_view::npos;
  if (parts.empty() && !blank) {
    return field_error(field, "no character of the name can be written in the MRZ");
  }
  return parts;
}

// ---------------------------------------------------------------------------
// Name truncation (Part 3 §4.6): the secondary identifier is cut first, down
// to initials, then the primary; a truncated name fills its field and its last
// character is a letter, which is what tells a reader it may be truncated.

// The components in at most `width` characters: leading components whole, the
// rest cut to their initials, and the room left over lengthens the first cut
// component. Components that do not fit even as initials are dropped.
std::string fit_components(const std::vector<std::string>& parts, std::size_t width) {
  std::string whole = join_components(parts);
  if (whole.size() <= width || width == 0) return whole.substr(0, width);
  const std::size_t n = parts.size();
  std::vector<std::size_t> kept(n, 1);
  std::size_t first_cut = n;
  std::size_t used = 2 * n - 1;        // every component as an initial
  for (std::size_t k = n; k-- > 0;) {  // k = components kept whole; most first
    std::size_t whole_len = 0;
    for (std::size_t i = 0; i < k; ++i) whole_len += parts[i].size() - 1;
    if (2 * n - 1 + whole_len <= width) {
      for (std::size_t i = 0; i < k; ++i) kept[i] = parts[i].size();
      first_cut = k;
      used = 2 * n - 1 + whole_len;
      break;
    }
  }
  if (first_cut == n) {  // not even every initial fits: keep as many as do
    std::size_t fit = (width + 1) / 2;
    std::fill(kept.begin() + static_cast<std::ptrdiff_t>(fit), kept.end(), 0);
    first_cut = 0;
    used = 2 * fit - 1;
  }
  std::size_t room = width - used;
  for (std::size_t i = first_cut; i < n && room > 0 && kept[i] > 0; ++i) {
    std::size_t more = std::min(room, parts[i].size() - kept[i]);
    kept[i] += more;
    room -= more;
  }
  std::vector<std::string> cut;
  for (std::size_t i = 0; i < n && kept[i] > 0; ++i) cut.push_back(parts[i].substr(0, kept[i]));
  return join_components(cut);
}

std::string name_line(const std::vector<std::string>& primary,
                      const std::vector<std::string>& secondary) {
  if (secondary.empty()) return padded(fit_components(primary, kLineLength), kLineLength);
  std::string full = join_components(primary) + "<<" + join_components(secondary);
  if (full.size() <= kLineLength) return padded(std::move(full), kLineLength);
  // The primary identifier stays whole while "<<" and one initial still fit.
  std::string head = join_components(primary);
  if (head.size() + 3 > kLineLength) head = fit_components(primary, kLineLength - 3);
  std::string tail = fit_components(secondary, kLineLength - head.size() - 2);
  return padded(head + "<<" + tail, kLineLength);
}

// ---------------------------------------------------------------------------
// The lines.

// Document number, its check digit and optional data 1 (positions 6-30).
// Part 5: a number longer than 9 characters puts its first 9 in the number
// field and a filler where the check digit would be; the rest of the number,
// its check digit and a filler open the optional data.
Result<std::string> number_and_optional_data(const MrzFields& f) {
  auto number = mrz_text("document_number", f.document_number, kNumberField + kOptional1Field - 2);
  if (!number) return std::unexpected(number.error());
  if (number->empty()) return field_error("document_number", "must not be empty");
  auto optional = mrz_text("optional_data_1", f.optional_data_1, kOptional1Field);
  if (!optional) return std::unexpected(optional.error());
  const char check = mrz_check_digit(*number);
  if (number->size() <= kNumberField) {
    return padded(*number, kNumberField) + check + padded(*optional, kOptional1Field);
  }
  if (number->find(kFiller) != std::string::npos) {
    return field_error("document_number",
                       "a number longer than 9 characters cannot contain '<': a reader could "
                       "not tell where it ends");
  }
  std::string rest = number->substr(kNumberField) + check;
  if (!optional->empty()) rest += kFiller + *optional;
  if (rest.size() > kOptional1Field) {
    return field_error("optional_data_1",
                       "at most " + std::to_string(kOptional1Field - (number->size() - 7)) +
                           " characters with a " + std::to_string(number->size()) +
                           "-character document number");
  }
  return number->substr(0, kNumberField) + kFiller + padded(std::move(rest), kOptional1Field);
}

Result<std::string> line1(const MrzFields& f) {
  auto code = document_code(f.document_code);
  if (!code) return std::unexpected(code.error());
  auto state = state_code("issuing_state", f.issuing_state);
  if (!state) return std::unexpected(state.error());
  auto rest = number_and_optional_data(f);
  if (!rest) return std::unexpected(rest.error());
  return *code + *state + *rest;
}

// Line 2 without its composite check digit, which needs line 1.
Result<std::string> line2_body(const MrzFields& f) {
  auto birth = date("date_of_birth", f.date_of_birth, Unknown::allowed);
  if (!birth) return std::unexpected(birth.error());
  auto sex = sex_code(f.sex);
  if (!sex) return std::unexpected(sex.error());
  // The printed expiry date of a card is always known (credential-v1 §7).
  auto expiry = date("date_of_expiry", f.date_of_expiry, Unknown::refused);
  if (!expiry) return std::unexpected(expiry.error());
  auto nationality = state_code("nationality", f.nationality);
  if (!nationality) return std::unexpected(nationality.error());
  auto optional = mrz_text("optional_data_2", f.optional_data_2, kOptional2Field);
  if (!optional) return std::unexpected(optional.error());
  return *birth + mrz_check_digit(*birth) + *sex + *expiry + mrz_check_digit(*expiry) +
         *nationality + padded(*optional, kOptional2Field);
}

Result<std::string> line3(const MrzFields& f) {
  auto primary = name_components("primary_identifier", f.primary_identifier);
  if (!primary) return std::unexpected(primary.error());
  if (primary->empty()) return field_error("primary_identifier", "must not be empty");
  auto secondary = name_components("secondary_identifier", f.secondary_identifier);
  if (!secondary) return std::unexpected(secondary.error());
  return name_line(*primary, *secondary);
}

// Part 5: upper line 6-30, middle line 1-7, 9-15 and 19-29 (1-based).
char composite_check_digit(std::string_view upper, std::string_view middle) {
  std::string data(upper.substr(5, 25));
  data += middle.substr(0, 7);
  data += middle.substr(8, 7);
  data += middle.substr(18, 11);
  return mrz_check_digit(data);
}

}  // namespace

std::string mrz_transliterate(std::string_view utf8) {
  std::string out;
  char32_t prev = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = next_code_point(utf8, i);
    append_transliteration(out, prev, cp);
    prev = cp;
  }
  return out;
}

// Characters outside the MRZ set count 0 like the filler: callers check their
// fields first, and a check digit must never fail.
char mrz_check_digit(std::string_view s) {
  constexpr std::array<int, 3> kWeights{7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    int value = is_digit(c) ? c - '0' : is_letter(c) ? c - 'A' + 10 : 0;
    sum += value * kWeights[i % 3];
  }
  return static_cast<char>('0' + sum % 10);
}

Result<MrzLines> mrz_td1(const MrzFields& fields) {
  auto upper = line1(fields);
  if (!upper) return std::unexpected(upper.error());
  auto middle = line2_body(fields);
  if (!middle) return std::unexpected(middle.error());
  auto lower = line3(fields);
  if (!lower) return std::unexpected(lower.error());
  *middle += composite_check_digit(*upper, *middle);
  return MrzLines{std::move(*upper), std::move(*middle), std::move(*lower)};
}

}  // namespace sdc
