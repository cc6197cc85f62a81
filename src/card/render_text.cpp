// Text on the card: font faces, measuring, fitting, microtext and the MRZ.
//
// Cairo's toy text API is enough here: DejaVu covers Latin, Greek and
// Cyrillic names, and hint metrics are off so that a line measures the same
// in the PDF and in a PNG of any resolution.
#include <cairo-ft.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "card/render_draw.h"

namespace sdc::card_render {
namespace {

FontFace toy_face(const char* family, cairo_font_weight_t weight) {
  return FontFace(cairo_toy_font_face_create(family, CAIRO_FONT_SLANT_NORMAL, weight));
}

// The family and style fontconfig actually picked for a face.
struct ResolvedFace {
  std::string family;
  std::string style;
};

ResolvedFace resolve(cairo_font_face_t* face) {
  ResolvedFace out;
  cairo_matrix_t m;
  cairo_matrix_init_identity(&m);
  cairo_font_options_t* opts = cairo_font_options_create();
  cairo_scaled_font_t* sf = cairo_scaled_font_create(face, &m, &m, opts);
  cairo_font_options_destroy(opts);
  if (cairo_scaled_font_status(sf) == CAIRO_STATUS_SUCCESS &&
      cairo_scaled_font_get_type(sf) == CAIRO_FONT_TYPE_FT) {
    if (FT_Face ft = cairo_ft_scaled_font_lock_face(sf)) {
      if (ft->family_name) out.family = ft->family_name;
      if (ft->style_name) out.style = ft->style_name;
      cairo_ft_scaled_font_unlock_face(sf);
    }
  }
  cairo_scaled_font_destroy(sf);
  return out;
}

cairo_font_face_t* face_for(const Fonts& fonts, Weight weight, bool condensed) {
  if (condensed) {
    return weight == Weight::bold ? fonts.condensed_bold.get() : fonts.condensed.get();
  }
  return weight == Weight::bold ? fonts.sans_bold.get() : fonts.sans.get();
}

void select(cairo_t* cr, cairo_font_face_t* face, double size_pt) {
  cairo_set_font_face(cr, face);
  cairo_set_font_size(cr, pt(size_pt));
}

// Glyphs for `text` with `tracking` (mm) added after every glyph but the last.
struct Glyphs {
  cairo_glyph_t* glyphs = nullptr;
  int count = 0;
  cairo_text_cluster_t* clusters = nullptr;
  int cluster_count = 0;
  cairo_text_cluster_flags_t flags{};
  double width = 0;
  Glyphs() = default;
  Glyphs(const Glyphs&) = delete;
  Glyphs& operator=(const Glyphs&) = delete;
  ~Glyphs() {
    cairo_glyph_free(glyphs);
    cairo_text_cluster_free(clusters);
  }
};

bool shape(cairo_t* cr, std::string_view text, double x, double y, double tracking, Glyphs& g) {
  cairo_scaled_font_t* sf = cairo_get_scaled_font(cr);
  const cairo_status_t st = cairo_scaled_font_text_to_glyphs(
      sf, x, y, text.data(), static_cast<int>(text.size()), &g.glyphs, &g.count, &g.clusters,
      &g.cluster_count, &g.flags);
  if (st != CAIRO_STATUS_SUCCESS) return false;
  for (int i = 0; i < g.count; ++i) g.glyphs[i].x += tracking * i;
  if (g.count > 0) {
    cairo_text_extents_t ext;
    cairo_scaled_font_glyph_extents(sf, &g.glyphs[g.count - 1], 1, &ext);
    g.width = g.glyphs[g.count - 1].x + ext.x_advance - x;
  }
  return true;
}

double measure(cairo_t* cr, cairo_font_face_t* face, double size_pt, double tracking_em,
               std::string_view text) {
  if (text.empty()) return 0;
  select(cr, face, size_pt);
  Glyphs g;
  if (!shape(cr, text, 0, 0, tracking_em * pt(size_pt), g)) return 0;
  return g.width;
}

void show(cairo_t* cr, cairo_font_face_t* face, double size_pt, double tracking_em,
          std::string_view text, double x, double baseline, double squeeze = 1) {
  if (text.empty()) return;
  cairo_save(cr);
  if (squeeze != 1) {
    cairo_translate(cr, x, baseline);
    cairo_scale(cr, squeeze, 1);
    x = 0;
    baseline = 0;
  }
  select(cr, face, size_pt);
  Glyphs g;
  if (shape(cr, text, x, baseline, tracking_em * pt(size_pt), g)) {
    cairo_show_text_glyphs(cr, text.data(), static_cast<int>(text.size()), g.glyphs, g.count,
                           g.clusters, g.cluster_count, g.flags);
  }
  cairo_restore(cr);
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace

Result<Fonts> load_fonts() {
  Fonts f;
  f.sans = toy_face("DejaVu Sans", CAIRO_FONT_WEIGHT_NORMAL);
  f.sans_bold = toy_face("DejaVu Sans", CAIRO_FONT_WEIGHT_BOLD);
  f.condensed = toy_face("DejaVu Sans Condensed", CAIRO_FONT_WEIGHT_NORMAL);
  f.condensed_bold = toy_face("DejaVu Sans Condensed", CAIRO_FONT_WEIGHT_BOLD);
  f.ocrb = toy_face("OCR B", CAIRO_FONT_WEIGHT_NORMAL);
  for (auto* face :
       {f.sans.get(), f.sans_bold.get(), f.condensed.get(), f.condensed_bold.get(), f.ocrb.get()}) {
    if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
      return fail(Errc::internal, "cannot create a Cairo font face");
    }
  }
  // fontconfig substitutes silently; check what it chose, once per process.
  static const ResolvedFace sans = resolve(f.sans.get());
  static const ResolvedFace ocrb = resolve(f.ocrb.get());
  static const ResolvedFace condensed = resolve(f.condensed.get());
  if (sans.family.find("DejaVu") == std::string::npos) {
    return fail(Errc::internal, "font DejaVu Sans not found (install fonts-dejavu-core)");
  }
  if (ocrb.family.find("OCR") == std::string::npos || ocrb.family.find('B') == std::string::npos) {
    return fail(Errc::internal, "font OCR-B not found for the MRZ (install fonts-ocr-b)");
  }
  if (condensed.style.find("Condensed") == std::string::npos) {
    // Narrow names fall back to shrinking and squeezing the regular face.
    f.condensed = toy_face("DejaVu Sans", CAIRO_FONT_WEIGHT_NORMAL);
    f.condensed_bold = toy_face("DejaVu Sans", CAIRO_FONT_WEIGHT_BOLD);
  }
  return f;
}

double text_width(cairo_t* cr, const Fonts& fonts, std::string_view text, const TextStyle& style) {
  cairo_save(cr);
  const double w =
      measure(cr, face_for(fonts, style.weight, false), style.size_pt, style.tracking_em, text);
  cairo_restore(cr);
  return w;
}

void draw_text(cairo_t* cr, const Fonts& fonts, std::string_view text, const TextStyle& style,
               double x, double baseline, Align align) {
  cairo_save(cr);
  cairo_font_face_t* face = face_for(fonts, style.weight, false);
  if (align != Align::left) {
    const double w = measure(cr, face, style.size_pt, style.tracking_em, text);
    x -= align == Align::centre ? w / 2 : w;
  }
  set_colour(cr, style.color);
  show(cr, face, style.size_pt, style.tracking_em, text, x, baseline);
  cairo_restore(cr);
}

void draw_fitted(cairo_t* cr, const Fonts& fonts, std::string_view text, const TextStyle& style,
                 double min_pt, double x, double top, double width, double bottom, bool two_lines) {
  if (text.empty() || width <= 0) return;
  cairo_save(cr);
  set_colour(cr, style.color);
  const double baseline = bottom - 0.22 * pt(style.size_pt);
  const double tr = style.tracking_em;

  // 1. The regular face, shrunk as far as min_pt.
  cairo_font_face_t* normal = face_for(fonts, style.weight, false);
  const double w_normal = measure(cr, normal, style.size_pt, tr, text);
  if (w_normal <= width || style.size_pt * width / w_normal >= min_pt) {
    const double size = w_normal <= width ? style.size_pt : style.size_pt * width / w_normal;
    show(cr, normal, size * 0.999, tr, text, x, baseline);
    cairo_restore(cr);
    return;
  }
  // 2. The condensed face.
  cairo_font_face_t* narrow = face_for(fonts, style.weight, true);
  const double w_narrow = measure(cr, narrow, style.size_pt, tr, text);
  if (style.size_pt * width / w_narrow >= min_pt) {
    show(cr, narrow, std::min(style.size_pt, style.size_pt * width / w_narrow) * 0.999, tr, text, x,
         baseline);
    cairo_restore(cr);
    return;
  }
  // 3. Two lines, split where they balance best.
  const auto words = words_of(text);
  if (two_lines && words.size() >= 2) {
    double best = 1e300;
    std::string first, second;
    for (std::size_t cut = 1; cut < words.size(); ++cut) {
      std::string a, b;
      for (std::size_t i = 0; i < words.size(); ++i) {
        std::string& dst = i < cut ? a : b;
        if (!dst.empty()) dst += ' ';
        dst += words[i];
      }
      const double wa = measure(cr, narrow, 1, tr, a), wb = measure(cr, narrow, 1, tr, b);
      if (std::max(wa, wb) < best) {
        best = std::max(wa, wb);
        first = std::move(a);
        second = std::move(b);
      }
    }
    // Size so the wider line fits and both lines (pitch 1.1 size) fit the box.
    const double by_width = width / best;
    const double by_height = (bottom - top) / (pt(1) * (1.1 + 0.78 + 0.22));
    const double size = std::min({style.size_pt, by_width, by_height});
    if (size >= min_pt * 0.75) {
      const double line2 = bottom - 0.22 * pt(size);
      show(cr, narrow, size * 0.999, tr, first, x, line2 - 1.1 * pt(size));
      show(cr, narrow, size * 0.999, tr, second, x, line2);
      cairo_restore(cr);
      return;
    }
  }
  // 4. Squeezed horizontally at min_pt: it always fits, if tightly.
  const double w_min = measure(cr, narrow, min_pt, tr, text);
  if (w_min > 0) show(cr, narrow, min_pt, tr, text, x, baseline, width / w_min * 0.999);
  cairo_restore(cr);
}

double draw_paragraph(cairo_t* cr, const Fonts& fonts, std::string_view text,
                      const TextStyle& style, double x, double baseline, double width,
                      double leading) {
  cairo_save(cr);
  cairo_font_face_t* face = face_for(fonts, style.weight, false);
  set_colour(cr, style.color);
  std::string line;
  for (const std::string_view word : words_of(text)) {
    std::string candidate = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (!line.empty() && measure(cr, face, style.size_pt, style.tracking_em, candidate) > width) {
      show(cr, face, style.size_pt, style.tracking_em, line, x, baseline);
      baseline += leading;
      line = std::string(word);
    } else {
      line = std::move(candidate);
    }
  }
  if (!line.empty()) {
    const double w = measure(cr, face, style.size_pt, style.tracking_em, line);
    show(cr, face, style.size_pt, style.tracking_em, line, x, baseline, w > width ? width / w : 1);
    baseline += leading;
  }
  cairo_restore(cr);
  return baseline;
}

void draw_microtext(cairo_t* cr, const Fonts& fonts, std::string_view text, double x0, double x1,
                    double baseline, double size_pt, Rgba color) {
  if (text.empty() || x1 <= x0) return;
  cairo_save(cr);
  cairo_rectangle(cr, x0, baseline - pt(size_pt) * 1.2, x1 - x0, pt(size_pt) * 1.6);
  cairo_clip(cr);
  const std::string unit = std::string(text) + "  \u2022  ";
  const double unit_w = measure(cr, fonts.sans.get(), size_pt, 0, unit);
  if (unit_w <= 0) {
    cairo_restore(cr);
    return;
  }
  const auto repeats = static_cast<std::size_t>(std::ceil((x1 - x0) / unit_w)) + 1;
  std::string line;
  line.reserve(unit.size() * repeats);
  for (std::size_t i = 0; i < repeats; ++i) line += unit;
  set_colour(cr, color);
  show(cr, fonts.sans.get(), size_pt, 0, line, x0, baseline);
  cairo_restore(cr);
}

void draw_mrz(cairo_t* cr, const Fonts& fonts, const std::array<std::string, 3>& lines, double left,
              double first_baseline, double line_pitch) {
  constexpr double kPitch = 25.4 / 10;  // 10 characters per inch (ICAO 9303 Part 3)
  cairo_save(cr);
  cairo_set_font_face(cr, fonts.ocrb.get());
  cairo_set_font_size(cr, 1);
  cairo_text_extents_t ext;
  cairo_text_extents(cr, "<", &ext);
  const double size = ext.x_advance > 0 ? kPitch / ext.x_advance * 0.92 : pt(11);
  cairo_set_font_size(cr, size);
  cairo_text_extents(cr, "<", &ext);
  const double inset = (kPitch - ext.x_advance) / 2;
  // Paths, not text: cairo 1.16 embeds this CFF font in a way PDF readers reject.
  for (std::size_t l = 0; l < lines.size(); ++l) {
    Glyphs g;
    const double baseline = first_baseline + static_cast<double>(l) * line_pitch;
    if (!shape(cr, lines[l], left, baseline, 0, g)) continue;
    for (int i = 0; i < g.count; ++i) g.glyphs[i].x = left + inset + kPitch * i;
    cairo_glyph_path(cr, g.glyphs, g.count);
  }
  cairo_set_source_rgb(cr, 0.05, 0.05, 0.07);
  cairo_fill(cr);
  cairo_restore(cr);
}

void rounded_rect(cairo_t* cr, double x, double y, double w, double h, double r) {
  const double pi = 3.14159265358979323846;
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -pi / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, pi / 2);
  cairo_arc(cr, x + r, y + h - r, r, pi / 2, pi);
  cairo_arc(cr, x + r, y + r, r, pi, 3 * pi / 2);
  cairo_close_path(cr);
}

}  // namespace sdc::card_render
