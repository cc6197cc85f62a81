// The back: how to check the card. The QR code fills the upper right, as
// large as the space allows; a notice of what the card is and is not sits at
// left; the TD1 machine-readable zone runs along the foot on a plain ground,
// as OCR readers want it.
#include <algorithm>
#include <cmath>
#include <string>

#include "card/render_palette.h"

namespace sdc::card_render {
namespace {

constexpr double kW = kCardWidthMm, kH = kCardHeightMm;
constexpr double kMargin = 3.6;
constexpr double kStrip = 1.1;  // navy edge strip, echoing the front's header
constexpr double kQrRight = kW - 1.6, kQrTop = kStrip + 0.6;
constexpr double kQrLeft = kQrRight - kQrBoxMm;
constexpr double kMrzTop = 39.6;

void draw_qr(cairo_t* cr, const QrCode& qr, double px_per_mm) {
  const int total = qr.size + 2 * kQrQuietZone;
  double module = std::min(kQrMaxModuleMm, kQrBoxMm / total);
  if (px_per_mm > 0) {
    // Whole pixels per module, on the pixel grid: crisp edges for readers,
    // unless that would take a module under the minimum size. Then modules
    // alternate between n and n + 1 pixels, still crisp (no antialiasing).
    const double snapped = std::max(1.0, std::floor(module * px_per_mm)) / px_per_mm;
    if (snapped >= kQrMinModuleMm || module < kQrMinModuleMm) module = snapped;
  }
  const double side = module * total;
  double x0 = kQrRight - side;
  double y0 = kQrTop + (kQrBoxMm - side) / 2;
  if (px_per_mm > 0) {
    x0 = std::round(x0 * px_per_mm) / px_per_mm;
    y0 = std::round(y0 * px_per_mm) / px_per_mm;
  }
  cairo_save(cr);
  rounded_rect(cr, x0, y0, side, side, module * 1.5);
  set_colour(cr, kWhite);
  cairo_fill(cr);
  if (px_per_mm > 0) cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  for (int y = 0; y < qr.size; ++y) {
    int x = 0;
    while (x < qr.size) {
      if (!qr.dark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < qr.size && qr.dark(x, y)) ++x;
      cairo_rectangle(cr, x0 + (start + kQrQuietZone) * module, y0 + (y + kQrQuietZone) * module,
                      (x - start) * module, module);
    }
  }
  cairo_set_source_rgb(cr, 0.02, 0.03, 0.06);
  cairo_fill(cr);
  cairo_restore(cr);
}

}  // namespace

void draw_back(cairo_t* cr, const CardArt& art, double px_per_mm, double bleed) {
  const CardData& card = *art.card;
  const CardHolder& h = card.holder;
  const Fonts& f = *art.fonts;
  const Guilloche& g = art.guilloche;
  const double col_right = kQrLeft - 1.4;
  const double col_w = col_right - kMargin;

  draw_paper(cr, g.back_waves_a, g.back_waves_b, bleed, true);
  draw_rosette(cr, g.back_rosette, 24.0, 22.0, 15.5, with_alpha(kTeal, 0.20),
               with_alpha(kGold, 0.28), 0.05);
  draw_header_band(cr, g, kStrip, bleed);

  // Title block.
  draw_fitted(cr, f, "SECURE DOCKET CARD", TextStyle{6.6, Weight::bold, kNavy, 0.08}, 5, kMargin,
              2.4, col_w, 5.6);
  draw_fitted(cr, f, issuing_authority(card.iss), TextStyle{3.5, Weight::regular, kLabel, 0.03},
              2.6, kMargin, 6.1, col_w, 8.0);
  cairo_save(cr);
  cairo_rectangle(cr, kMargin, 8.55, col_w, 0.16);
  set_colour(cr, kGold);
  cairo_fill(cr);
  cairo_restore(cr);

  const std::string a_number = format_a_number(h.a_number);
  const std::string micro =
      "SECURE DOCKET CARD  " + card.iss + "  " + card.document_number + "  " + a_number;
  draw_microtext(cr, f, micro, kMargin, col_right, 9.75, 0.5, with_alpha(kNavy, 0.85));

  // The notice.
  double y = 12.9;
  draw_text(cr, f, "ABOUT THIS CARD", TextStyle{4.2, Weight::bold, kNavyLight, 0.08}, kMargin, y);
  y += 2.35;
  const TextStyle body{4.35, Weight::regular, kValue, 0};
  y = draw_paragraph(cr, f,
                     "This card identifies the holder and their immigration case docket. It is "
                     "not a work permit, visa, travel document or proof of lawful status, and it "
                     "does not show immigration status.",
                     body, kMargin, y, col_w, 1.9);
  y += 0.8;
  draw_paragraph(cr, f,
                 "To check it, scan the QR code and verify its signature with the issuer's public "
                 "certificate. A card whose code does not verify, or whose printed data differ "
                 "from the code, is not genuine.",
                 body, kMargin, y, col_w, 1.9);

  // Reference line, just above the MRZ.
  const TextStyle ref_label{3.2, Weight::regular, kLabel, 0.05};
  const TextStyle ref_value{4.8, Weight::bold, kNavy, 0.02};
  constexpr double kRef = 35.0;
  const double c2 = kMargin + 16.2, c3 = kMargin + 33.0;
  draw_text(cr, f, "A-NUMBER", ref_label, kMargin, kRef);
  draw_fitted(cr, f, a_number, ref_value, 3.4, kMargin, kRef + 0.4, c2 - kMargin - 0.8, kRef + 3.1);
  draw_text(cr, f, "DOCUMENT NO.", ref_label, c2, kRef);
  draw_fitted(cr, f, card.document_number, ref_value, 3.4, c2, kRef + 0.4, c3 - c2 - 0.8,
              kRef + 3.1);
  draw_text(cr, f, "CARD", ref_label, c3, kRef);
  draw_fitted(cr, f, std::to_string(h.card_version), ref_value, 3.4, c3, kRef + 0.4, col_right - c3,
              kRef + 3.1);

  draw_qr(cr, *art.qr, px_per_mm);

  // MRZ on a plain ground.
  cairo_save(cr);
  cairo_rectangle(cr, -bleed, kMrzTop, kW + 2 * bleed, kH + bleed - kMrzTop);
  cairo_set_source_rgb(cr, 0.988, 0.984, 0.969);
  cairo_fill(cr);
  cairo_rectangle(cr, -bleed, kMrzTop, kW + 2 * bleed, 0.16);
  set_colour(cr, kGold);
  cairo_fill(cr);
  cairo_restore(cr);
  draw_microtext(cr, f, micro, kMargin, kW - 3.0, kMrzTop + 1.0, 0.5, with_alpha(kNavy, 0.7));
  draw_mrz(cr, f, card.mrz, (kW - 30 * 2.54) / 2, 43.75, 25.4 / 6);  // 10 cpi, 6 lpi
}

}  // namespace sdc::card_render
