// The simulated UV layer of the front: what a UV lamp shows on a genuine
// card. Only fluorescent inks show, on black: the card's own rosette, a seal
// with ring lettering, and the document number.
#include <cmath>
#include <numbers>
#include <string>

#include "card/render_palette.h"

namespace sdc::card_render {
namespace {

constexpr double kW = kCardWidthMm, kH = kCardHeightMm;
constexpr double kPi = std::numbers::pi;

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// Letters set around a circle of radius r, reading clockwise from the top.
void ring_text(cairo_t* cr, const Fonts& f, std::string_view text, double cx, double cy, double r,
               double size_pt, Rgba colour) {
  cairo_save(cr);
  cairo_set_font_face(cr, f.sans_bold.get());
  cairo_set_font_size(cr, pt(size_pt));
  set_colour(cr, colour);
  cairo_text_extents_t all;
  const std::string s(text);
  cairo_text_extents(cr, s.c_str(), &all);
  const double circumference = 2 * kPi * r;
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); i += utf8_length(static_cast<unsigned char>(s[i]))) ++count;
  const auto glyphs = static_cast<double>(std::max<std::size_t>(1, count));
  const double spacing = std::max(0.0, (circumference - all.x_advance) / glyphs);
  double along = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = std::min(utf8_length(static_cast<unsigned char>(s[i])), s.size() - i);
    const std::string ch = s.substr(i, n);
    i += n;
    cairo_text_extents_t e;
    cairo_text_extents(cr, ch.c_str(), &e);
    const double mid = along + e.x_advance / 2;
    const double angle = -kPi / 2 + mid / r;
    cairo_save(cr);
    cairo_translate(cr, cx + r * std::cos(angle), cy + r * std::sin(angle));
    cairo_rotate(cr, angle + kPi / 2);
    cairo_move_to(cr, -e.x_advance / 2, 0);
    cairo_show_text(cr, ch.c_str());
    cairo_restore(cr);
    along += e.x_advance + spacing;
  }
  cairo_restore(cr);
}

void seal(cairo_t* cr, const CardArt& art, double cx, double cy, double r) {
  const Rgba cyan{0.35, 0.95, 1.0, 0.95};
  cairo_save(cr);
  set_colour(cr, cyan);
  cairo_set_line_width(cr, 0.28);
  cairo_arc(cr, cx, cy, r, 0, 2 * kPi);
  cairo_stroke(cr);
  cairo_set_line_width(cr, 0.12);
  cairo_arc(cr, cx, cy, r * 0.72, 0, 2 * kPi);
  cairo_stroke(cr);
  for (int i = 0; i < 10; ++i) {
    const double a = -kPi / 2 + kPi * i / 5;
    const double rr = (i % 2 == 0) ? r * 0.55 : r * 0.22;
    const double x = cx + rr * std::cos(a), y = cy + rr * std::sin(a);
    if (i == 0) {
      cairo_move_to(cr, x, y);
    } else {
      cairo_line_to(cr, x, y);
    }
  }
  cairo_close_path(cr);
  set_colour(cr, Rgba{1.0, 0.86, 0.25, 0.95});
  cairo_fill(cr);
  cairo_restore(cr);
  const std::string ring = "SECURE DOCKET CARD \u2022 " + art.card->iss + " \u2022 ";
  ring_text(cr, *art.fonts, ring, cx, cy, r * 0.80, 4.2, cyan);
}

}  // namespace

void draw_uv(cairo_t* cr, const CardArt& art) {
  const Guilloche& g = art.guilloche;
  cairo_save(cr);
  cairo_rectangle(cr, 0, 0, kW, kH);
  cairo_set_source_rgb(cr, 0.015, 0.015, 0.04);
  cairo_fill(cr);
  cairo_restore(cr);

  draw_waves(cr, g.waves_a, 0, 0, kW, kH, Rgba{0.20, 0.30, 1.0, 0.50}, 0.07);
  draw_rosette(cr, g.front_rosette, 57.5, 31.0, 19.0, Rgba{0.35, 1.0, 0.55, 0.85},
               Rgba{1.0, 0.85, 0.20, 0.85}, 0.08);
  draw_rosette(cr, g.ghost_rosette, 76.4, 42.1, 9.0, Rgba{1.0, 0.35, 0.75, 0.8},
               Rgba{0.35, 0.95, 1.0, 0.8}, 0.07);
  seal(cr, art, 20.0, 21.5, 11.0);

  const TextStyle number{10.5, Weight::bold, Rgba{1.0, 0.32, 0.68, 0.95}, 0.16};
  draw_text(cr, *art.fonts, art.card->document_number, number, 20.0, 46.8, Align::centre);
  const TextStyle small{4.6, Weight::bold, Rgba{0.35, 1.0, 0.55, 0.9}, 0.2};
  draw_text(cr, *art.fonts, format_a_number(art.card->holder.a_number), small, 20.0, 39.6,
            Align::centre);
}

}  // namespace sdc::card_render
