// The front: who the holder is. Header band with the title and issuing
// authority; portrait at left with the A-number under it; the personal data
// in a grid at right; a ghost image; microtext and a status band at the foot.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "card/render_palette.h"

namespace sdc::card_render {
namespace {

constexpr double kW = kCardWidthMm, kH = kCardHeightMm;
constexpr double kMargin = 3.6;
constexpr double kRight = kW - 3.0;

constexpr double kPortraitX = kMargin, kPortraitY = 13.4;
constexpr double kPortraitW = 23.6, kPortraitH = kPortraitW * 45.0 / 35.0;

constexpr double kGhostX = 70.3, kGhostY = 34.2;
constexpr double kGhostW = 12.3, kGhostH = kGhostW * 45.0 / 35.0;

constexpr double kColA = 30.6, kColB = 50.8, kColC = 57.6;
constexpr double kBandTop = 50.7;

const TextStyle kLabelStyle{3.5, Weight::regular, kLabel, 0.05};

void label(cairo_t* cr, const Fonts& f, std::string_view text, double x, double baseline) {
  draw_text(cr, f, text, kLabelStyle, x, baseline);
}

// A label and its value under it; the value box runs from just under the
// label to `bottom`.
void field(cairo_t* cr, const Fonts& f, std::string_view name, std::string_view value, double x,
           double label_baseline, double width, double size_pt, double bottom, Rgba colour = kValue,
           bool two_lines = false) {
  label(cr, f, name, x, label_baseline);
  draw_fitted(cr, f, value, TextStyle{size_pt, Weight::bold, colour, 0.01}, size_pt * 0.62, x,
              label_baseline + 0.45, width, bottom, two_lines);
}

void emblem(cairo_t* cr, double cx, double cy, double r) {
  cairo_save(cr);
  set_colour(cr, with_alpha(kWhite, 0.95));
  cairo_set_line_width(cr, 0.22);
  cairo_arc(cr, cx, cy, r, 0, 2 * std::numbers::pi);
  cairo_stroke(cr);
  set_colour(cr, with_alpha(kGold, 0.95));
  cairo_set_line_width(cr, 0.09);
  cairo_arc(cr, cx, cy, r * 0.84, 0, 2 * std::numbers::pi);
  cairo_stroke(cr);
  // Beads around the inner ring.
  for (int i = 0; i < 28; ++i) {
    const double a = 2 * std::numbers::pi * i / 28;
    cairo_arc(cr, cx + r * 0.92 * std::cos(a), cy + r * 0.92 * std::sin(a), 0.075, 0,
              2 * std::numbers::pi);
    cairo_fill(cr);
  }
  // A five-pointed star.
  set_colour(cr, kWhite);
  for (int i = 0; i < 10; ++i) {
    const double a = -std::numbers::pi / 2 + std::numbers::pi * i / 5;
    const double rr = (i % 2 == 0) ? r * 0.62 : r * 0.25;
    const double x = cx + rr * std::cos(a), y = cy + rr * std::sin(a);
    if (i == 0) {
      cairo_move_to(cr, x, y);
    } else {
      cairo_line_to(cr, x, y);
    }
  }
  cairo_close_path(cr);
  cairo_fill(cr);
  cairo_restore(cr);
}

void portrait(cairo_t* cr, const CardArt& art) {
  const Portrait& p = *art.portrait;
  const CropRect crop = cover_crop(p.width, p.height, kPortraitW / kPortraitH);
  cairo_save(cr);
  // A white mat, then the photo clipped to rounded corners.
  rounded_rect(cr, kPortraitX - 0.35, kPortraitY - 0.35, kPortraitW + 0.7, kPortraitH + 0.7, 1.0);
  set_colour(cr, kWhite);
  cairo_fill(cr);
  rounded_rect(cr, kPortraitX, kPortraitY, kPortraitW, kPortraitH, 0.8);
  cairo_clip(cr);
  const double s = kPortraitW / crop.w;
  cairo_translate(cr, kPortraitX, kPortraitY);
  cairo_scale(cr, s, s);
  cairo_translate(cr, -crop.x, -crop.y);
  cairo_set_source_surface(cr, p.surface.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_save(cr);
  rounded_rect(cr, kPortraitX, kPortraitY, kPortraitW, kPortraitH, 0.8);
  set_colour(cr, with_alpha(kNavy, 0.85));
  cairo_set_line_width(cr, 0.14);
  cairo_stroke(cr);
  cairo_restore(cr);
}

// The ghost image as a line screen: one horizontal line per row of the
// luminance grid, thicker where the portrait is darker, faded at the edges.
void ghost(cairo_t* cr, const CardArt& art) {
  const int cols = art.ghost_cols, rows = art.ghost_rows;
  if (cols <= 0 || rows <= 0) return;
  const double pitch = kGhostH / rows;
  const double cell = kGhostW / cols;
  auto thickness = [&](int r, int c) {
    const double u = (c + 0.5) / cols - 0.5, v = (r + 0.5) / rows - 0.5;
    const double d = (u * u) / 0.25 + (v * v) / 0.25;  // 1 at the inscribed ellipse
    const double fade = std::clamp((1.18 - d) / 0.4, 0.0, 1.0);
    const double dark = 1.0 - art.ghost[static_cast<std::size_t>(r * cols + c)];
    return pitch * (0.06 + 0.86 * std::pow(std::clamp(dark, 0.0, 1.0), 0.8)) * fade;
  };
  cairo_save(cr);
  for (int r = 0; r < rows; ++r) {
    const double yc = kGhostY + (r + 0.5) * pitch;
    cairo_move_to(cr, kGhostX, yc);
    for (int c = 0; c < cols; ++c) {
      cairo_line_to(cr, kGhostX + (c + 0.5) * cell, yc - thickness(r, c) / 2);
    }
    cairo_line_to(cr, kGhostX + kGhostW, yc);
    for (int c = cols - 1; c >= 0; --c) {
      cairo_line_to(cr, kGhostX + (c + 0.5) * cell, yc + thickness(r, c) / 2);
    }
    cairo_close_path(cr);
  }
  set_colour(cr, Rgba{0.106, 0.235, 0.400, 0.52});
  cairo_fill(cr);
  cairo_restore(cr);
}

std::string nationality_text(std::string_view code) {
  const std::string_view name = country_name(code);
  if (name.empty()) return std::string(code);
  return std::string(name) + " (" + std::string(code) + ")";
}

}  // namespace

void draw_paper(cairo_t* cr, const WaveField& a, const WaveField& b, double bleed,
                bool warm_first) {
  const double x = -bleed, y = -bleed, w = kW + 2 * bleed, h = kH + 2 * bleed;
  Pattern paper(cairo_pattern_create_linear(x, y, x + w, y + h));
  const Rgba cool{0.914, 0.945, 0.941, 1}, warm{0.969, 0.941, 0.894, 1};
  const Rgba& c0 = warm_first ? warm : cool;
  const Rgba& c1 = warm_first ? cool : warm;
  cairo_pattern_add_color_stop_rgb(paper.get(), 0, c0.r, c0.g, c0.b);
  cairo_pattern_add_color_stop_rgb(paper.get(), 0.55, 0.972, 0.968, 0.950);
  cairo_pattern_add_color_stop_rgb(paper.get(), 1, c1.r, c1.g, c1.b);
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source(cr, paper.get());
  cairo_fill(cr);
  draw_waves(cr, a, x, y, w, h, with_alpha(kTeal, 0.42), 0.065);
  draw_waves(cr, b, x, y, w, h, with_alpha(kRose, 0.32), 0.055);
  cairo_restore(cr);
}

void draw_header_band(cairo_t* cr, const Guilloche& g, double band_height, double bleed) {
  const double x = -bleed, y = -bleed, w = kW + 2 * bleed, h = band_height + bleed;
  Pattern band(cairo_pattern_create_linear(x, 0, x + w, 0));
  cairo_pattern_add_color_stop_rgb(band.get(), 0, kNavy.r, kNavy.g, kNavy.b);
  cairo_pattern_add_color_stop_rgb(band.get(), 0.6, 0.086, 0.200, 0.345);
  cairo_pattern_add_color_stop_rgb(band.get(), 1, kNavyLight.r, kNavyLight.g, kNavyLight.b);
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source(cr, band.get());
  cairo_fill(cr);
  // The fine-line gradient: lines thickening from left to right.
  draw_fine_line_gradient(cr, x, y, w, h, 0.3, g.gradient_angle, 0.02, 0.13,
                          with_alpha(kWhite, 0.04), with_alpha(Rgba{0.65, 0.85, 0.88, 1}, 0.22));
  cairo_rectangle(cr, x, band_height, w, 0.28);
  set_colour(cr, kGold);
  cairo_fill(cr);
  cairo_restore(cr);
}

void draw_front(cairo_t* cr, const CardArt& art, double bleed) {
  const CardData& card = *art.card;
  const CardHolder& h = card.holder;
  const Fonts& f = *art.fonts;
  const Guilloche& g = art.guilloche;

  draw_paper(cr, g.waves_a, g.waves_b, bleed, false);
  draw_rosette(cr, g.front_rosette, 57.5, 31.0, 19.0, with_alpha(kTeal, 0.30),
               with_alpha(kGold, 0.40), 0.06);
  draw_rosette(cr, g.ghost_rosette, kGhostX + kGhostW / 2, kGhostY + kGhostH / 2, 9.0,
               with_alpha(kRose, 0.24), with_alpha(kTeal, 0.22), 0.05);

  // Header.
  constexpr double kBand = 10.6;
  draw_header_band(cr, g, kBand, bleed);
  emblem(cr, 6.6, 5.3, 3.9);
  draw_fitted(cr, f, "SECURE DOCKET CARD", TextStyle{9.4, Weight::bold, kWhite, 0.07}, 7, 12.0, 1.2,
              kRight - 12.0 - 9.5, 5.85);
  draw_fitted(cr, f, issuing_authority(card.iss),
              TextStyle{4.3, Weight::regular, with_alpha(kWhite, 0.88), 0.03}, 3.0, 12.0, 6.4,
              kRight - 12.0 - 9.5, 9.1);
  draw_fitted(cr, f, card.iss, TextStyle{9.4, Weight::bold, kGold, 0.04}, 6, kRight - 9.0, 1.2, 9.0,
              5.85);

  const std::string who = h.family_name + (h.given_names.empty() ? "" : " " + h.given_names);
  const std::string micro = who + "  " + card.document_number;
  draw_microtext(cr, f, micro, kMargin, kRight, 12.35, 0.5, with_alpha(kNavy, 0.85));

  // Portrait and, under it, the A-number.
  portrait(cr, art);
  const double under = kPortraitY + kPortraitH;
  label(cr, f, "A-NUMBER", kPortraitX, under + 2.55);
  draw_fitted(cr, f, format_a_number(h.a_number), TextStyle{8.0, Weight::bold, kNavy, 0.02}, 5,
              kPortraitX, under + 3.0, kPortraitW, under + 6.3);

  // Personal data.
  const double full = kRight - kColA;
  field(cr, f, "SURNAME / FAMILY NAME", h.family_name, kColA, 15.4, full, 8.8, 20.3, kValue, true);
  field(cr, f, "GIVEN NAMES", h.given_names, kColA, 22.8, full, 7.4, 27.2, kValue, true);
  field(cr, f, "DATE OF BIRTH", format_card_date(h.date_of_birth), kColA, 29.9, kColB - kColA - 1,
        6.6, 33.6);
  field(cr, f, "SEX", h.sex, kColB, 29.9, kColC - kColB - 0.8, 6.6, 33.6);
  field(cr, f, "NATIONALITY", nationality_text(h.nationality), kColC, 29.9, kRight - kColC, 6.6,
        33.6);
  field(cr, f, "DOCUMENT NO.", card.document_number, kColA, 36.5, kColB - kColA - 1, 6.6, 40.2);
  field(cr, f, "ISSUING OFFICE", h.issuing_office, kColB, 36.5, kGhostX - kColB - 0.8, 6.6, 40.2);
  field(cr, f, "DATE OF ISSUE", format_card_date(card.issue_date), kColA, 43.1, kColB - kColA - 1,
        6.6, 46.8);
  field(cr, f, "DATE OF EXPIRY", format_card_date(card.expiry_date), kColB, 43.1,
        kGhostX - kColB - 0.8, 6.6, 46.8, kExpiry);

  ghost(cr, art);
  draw_microtext(cr, f, micro, kColA, kGhostX - 0.8, 49.4, 0.5, with_alpha(kNavy, 0.8));

  // Foot band: what the card is not, where an officer's eye lands last.
  const double bx = -bleed, bw = kW + 2 * bleed;
  const double bh = kH + bleed - kBandTop;
  cairo_save(cr);
  cairo_rectangle(cr, bx, kBandTop, bw, bh);
  set_colour(cr, kNavy);
  cairo_fill(cr);
  draw_fine_line_gradient(cr, bx, kBandTop, bw, bh, 0.26, -g.gradient_angle, 0.13, 0.02,
                          with_alpha(Rgba{0.65, 0.85, 0.88, 1}, 0.22), with_alpha(kWhite, 0.04));
  cairo_rectangle(cr, bx, kBandTop, bw, 0.2);
  set_colour(cr, kGold);
  cairo_fill(cr);
  cairo_restore(cr);
  const std::string_view foot =
      "IDENTITY AND CASE DOCKET ONLY \u2014 NOT A WORK PERMIT OR PROOF OF STATUS";
  const TextStyle foot_style{3.9, Weight::bold, kWhite, 0.06};
  const double foot_w = kRight - kMargin;
  if (text_width(cr, f, foot, foot_style) <= foot_w) {
    draw_text(cr, f, foot, foot_style, kW / 2, kH - 0.75 - 0.22 * pt(3.9), Align::centre);
  } else {
    draw_fitted(cr, f, foot, foot_style, 3, kMargin, kBandTop + 0.6, foot_w, kH - 0.75);
  }
}

}  // namespace sdc::card_render
