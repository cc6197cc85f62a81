// The TD1 machine-readable zone of ICAO Doc 9303 Part 5, with the
// transliteration and name truncation of Part 3 (credential-v1 §7).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "sdc/util/error.h"

namespace sdc {

// Raw MRZ inputs. Dates are YYMMDD with unknown parts as "<<"; names are the
// primary and secondary identifiers, in any Unicode: they are transliterated.
// JSON form: the `fields` objects of the `mrz` entries in the vectors.
struct MrzFields {
  std::string document_code;  // "I", "ID", "AC", ... (1-2 characters)
  std::string issuing_state;  // 1-3 letters, padded with '<'
  std::string document_number;
  std::string optional_data_1;
  std::string date_of_birth;   // YYMMDD
  std::string sex;             // F, M or X (written '<')
  std::string date_of_expiry;  // YYMMDD
  std::string nationality;     // 1-3 letters, padded with '<'
  std::string optional_data_2;
  std::string primary_identifier;
  std::string secondary_identifier;
};

using MrzLines = std::array<std::string, 3>;

// The three 30-character lines. Fails (Errc::invalid_argument, naming the
// field) when a field cannot be written: wrong length, characters outside
// the MRZ set after transliteration, an impossible date.
Result<MrzLines> mrz_td1(const MrzFields& fields);

// ICAO 9303 Part 3 transliteration of a name to MRZ characters: Latin letters
// with diacritics mapped (Ä→AE, Ø→OE, Ñ→N, ß→SS, ...), Cyrillic and Greek
// per the Part 3 tables, spaces and hyphens as '<', apostrophes and other
// punctuation dropped, letters upper-cased. Characters without a mapping are
// dropped.
std::string mrz_transliterate(std::string_view utf8);

// The 7-3-1 check digit over MRZ characters ('<' counts 0).
char mrz_check_digit(std::string_view s);

}  // namespace sdc
