// The specimen card and the drawn stand-in portrait. Documentation and tests
// must never carry a photograph of a person, so the portrait is a
// head-and-shoulders silhouette drawn with Cairo.
#include <cmath>
#include <numbers>

#include "card/render_draw.h"
#include "sdc/image/image.h"
#include "sdc/credential/specimen.h"

namespace sdc {

using namespace card_render;

CardData specimen_card() {
  CardData c;
  c.document_number = "SPEC1MEN0";
  c.iss = "USA";
  c.issue_date = "2026-01-01";
  c.expiry_date = "2030-12-31";
  c.issued_at = "2026-01-01T00:00:00Z";
  c.expires_at = "2031-01-01T00:00:00Z";
  c.status_index = 0;
  c.status_uri = "https://sdc.invalid/status/1";
  // Check digits worked out per ICAO 9303 Part 3 (7-3-1).
  c.mrz = {"IDUSASPEC1MEN01A123456789<<<<<", "9001011<3012316UTO<<<<<<<<<<<7",
           "SPECIMEN<<SAMPLE<<<<<<<<<<<<<<"};
  const Holder person = specimen_holder();
  CardHolder& h = c.holder;
  h.document_number = c.document_number;
  h.a_number = person.a_number;
  h.family_name = person.family_name;
  h.given_names = person.given_names;
  h.date_of_birth = person.date_of_birth;
  h.sex = person.sex;
  h.nationality = person.nationality;
  h.issuing_office = "ATL";
  h.card_version = 1;
  // A barcode of realistic length that is plainly not a signed card: Base45
  // of a fixed byte pattern that spells SPECIMEN and is no zlib stream.
  Bytes filler;
  std::uint32_t x = 0x5DC15EED;
  const std::string_view tag = "SPECIMEN - NOT A VALID CARD - ";
  for (int i = 0; i < 260; ++i) {
    x = x * 1664525u + 1013904223u;
    filler.push_back(i < static_cast<int>(tag.size()) ? static_cast<std::uint8_t>(tag[i])
                                                      : static_cast<std::uint8_t>(x >> 24));
  }
  c.barcode = "SDC1:" + base45_encode(filler);
  return c;
}

}  // namespace sdc
