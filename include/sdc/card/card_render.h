// Print-ready rendering of the Secure Docket Card: an ID-1 card (ISO/IEC
// 7810, 85.60 x 53.98 mm), front and back, drawn with Cairo.
//
// Outputs: a vector PDF of two pages (front, back; optional bleed and crop
// marks), a PNG of each side at any resolution, and a PNG of the front's
// simulated UV layer (what shows under a UV lamp). The portrait JPEG is kept
// as JPEG inside the PDF. The MRZ is set in OCR-B (fonts-ocr-b) and written
// as outlines; other text is DejaVu Sans (fonts-dejavu-core).
//
// Every card carries its own guilloche: rosettes and line patterns are
// generated from a seed derived from the document number, so no two cards
// share a pattern and the same card always renders the same.
//
// All functions are safe to call from several threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "sdc/util/bytes.h"

namespace sdc {

inline constexpr double kCardWidthMm = 85.60;
inline constexpr double kCardHeightMm = 53.98;

// The holder fields printed on the card (credential-v1 §3 names).
struct CardHolder {
  std::string document_number;
  std::string a_number;       // 9 digits, printed A123-456-789
  std::string family_name;    // UTF-8, as printed
  std::string given_names;    // UTF-8, may be empty
  std::string date_of_birth;  // YYYY-MM-DD, unknown parts XX
  std::string sex;            // F, M or X
  std::string nationality;    // ICAO code
  std::string issuing_office;
  std::string portrait_sha256;  // hex; carried along, not printed
  std::uint64_t card_version = 1;
};

// One card, as `sdc issue` prints it.
struct CardData {
  std::string barcode;  // "SDC1:..." text for the QR code
  std::array<std::string, 3> mrz;
  std::string document_number;
  std::string iss;          // ICAO code of the issuing state
  std::string issue_date;   // YYYY-MM-DD, as printed
  std::string expiry_date;  // YYYY-MM-DD, as printed (the last valid day)
  std::string issued_at;    // RFC 3339, not printed
  std::string expires_at;   // RFC 3339, not printed
  std::uint64_t status_index = 0;
  std::string status_uri;
  CardHolder holder;
};

// Reads the JSON `sdc issue` prints: barcode, mrz (three strings),
// document_number, iss, issue_date, expiry_date, issued_at, expires_at,
// status_index, status_uri, and holder {document_number, a_number,
// family_name, given_names, date_of_birth, sex, nationality, issuing_office,
// portrait_sha256, thumbnail, card_version}. issue_date and expiry_date may
// be left out when issued_at and expires_at are there (expiry_date is then the
// day before expires_at). Unknown keys are ignored. Errc::parse naming the
// first missing, mistyped or unusable field.
Result<CardData> card_from_json(const nlohmann::json& card);

struct RenderOptions {
  bool pdf = true;          // card.pdf: front and back, two pages
  bool png = true;          // front.png, back.png, uv.png
  int dpi = 600;            // PNG resolution, 72..2400
  double bleed_mm = 0;      // PDF only: background extended past the trim, 0..5 mm
  bool crop_marks = false;  // PDF only: trim marks outside the bleed
};

// Reads a --format list such as "pdf,png" (also "pdf" or "png") into `options`.
Result<void> parse_card_formats(std::string_view list, RenderOptions& options);

// The outputs asked for in RenderOptions; the others are left empty.
struct RenderedCard {
  Bytes pdf;
  Bytes front_png;
  Bytes back_png;
  Bytes uv_png;
};

// Renders `card` with `portrait_jpeg` (any aspect ratio: it is cover-cropped
// to 35:45). Errors: Errc::invalid_argument (bad options, empty or undecodable
// portrait, a barcode too long to print with modules of at least 0.3 mm),
// Errc::internal (a font is missing, Cairo failed).
Result<RenderedCard> render_card(const CardData& card, ByteView portrait_jpeg,
                                 const RenderOptions& options = {});

// Writes what `rendered` holds as dir/card.pdf, dir/front.png, dir/back.png
// and dir/uv.png, each atomically; creates `dir` if needed.
Result<void> write_card_files(const RenderedCard& rendered, const std::filesystem::path& dir);

// card_from_json + render_card + write_card_files: what `sdc render` and
// `sdc issue --render DIR` do.
Result<void> render_card_to_dir(const nlohmann::json& card, ByteView portrait_jpeg,
                                const std::filesystem::path& dir,
                                const RenderOptions& options = {});

// Width and height in pixels of one side at `dpi`.
std::pair<int, int> card_pixel_size(int dpi);

// How the card prints its fields.
std::string format_a_number(std::string_view a_number);   // "201555000" -> "A201-555-000"
std::string format_card_date(std::string_view iso_date);  // "1974-08-12" -> "12 AUG 1974"
// English name of an ICAO 9303 nationality / state code, upper case ("UTO" ->
// "UTOPIA"); empty when the code is not in the table.
std::string_view country_name(std::string_view icao_code);
// The issuing authority line on the front, for the issuing state `iss`.
std::string issuing_authority(std::string_view iss);

// A fictional card (holder SPECIMEN, SAMPLE, of Utopia) for documentation
// and tests. Its barcode text has the SDC1: form but carries no signature.
CardData specimen_card();

}  // namespace sdc
