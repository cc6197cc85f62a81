// Internal to the card renderer: Cairo handles, fonts, text fitting and the
// three drawings (front, back, UV). All drawing is in millimetres with the
// origin at the top-left corner of the trimmed card; the caller sets the CTM.
#pragma once

#include <cairo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "card/guilloche.h"
#include "sdc/barcode/barcode.h"
#include "sdc/card/card_render.h"

namespace sdc::card_render {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct PatternDeleter {
  void operator()(cairo_pattern_t* p) const { cairo_pattern_destroy(p); }
};
struct FontFaceDeleter {
  void operator()(cairo_font_face_t* f) const { cairo_font_face_destroy(f); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;
using Pattern = std::unique_ptr<cairo_pattern_t, PatternDeleter>;
using FontFace = std::unique_ptr<cairo_font_face_t, FontFaceDeleter>;

inline constexpr double kMmPerPt = 25.4 / 72.0;
inline constexpr double pt(double points) {
  return points * kMmPerPt;
}

// The faces a card uses, created once per render.
struct Fonts {
  FontFace sans;
  FontFace sans_bold;
  FontFace condensed;
  FontFace condensed_bold;
  FontFace ocrb;
};
// Fails when OCR-B or DejaVu is not installed (fontconfig would silently
// substitute another face; the MRZ must be OCR-B).
Result<Fonts> load_fonts();

// The decoded portrait: a Cairo image surface that, for the PDF, carries the
// original JPEG as mime data.
struct Portrait {
  Surface surface;
  int width = 0;
  int height = 0;
};
Result<Portrait> decode_portrait(ByteView jpeg);

// The part of a width x height image that covers a box of the given aspect
// ratio (width / height), centred across and biased to the top (heads).
struct CropRect {
  double x = 0, y = 0, w = 0, h = 0;
};
CropRect cover_crop(int width, int height, double aspect);

// Mean luminance (0..1) of `cols` x `rows` cells over `crop` of the portrait.
std::vector<double> luminance_grid(const Portrait& portrait, const CropRect& crop, int cols,
                                   int rows);

enum class Weight { regular, bold };

struct TextStyle {
  double size_pt = 6;
  Weight weight = Weight::regular;
  Rgba color{};
  double tracking_em = 0;  // extra space between letters
};

// Width of `text` in mm at `style` (regular or bold DejaVu Sans).
double text_width(cairo_t* cr, const Fonts& fonts, std::string_view text, const TextStyle& style);
// Draws `text` with its left end at x (or its centre / right end) on `baseline`.
enum class Align { left, centre, right };
void draw_text(cairo_t* cr, const Fonts& fonts, std::string_view text, const TextStyle& style,
               double x, double baseline, Align align = Align::left);

// Draws `text` inside the box [x, x + width] x [top, bottom], baseline near
// the bottom: at `style.size_pt` when it fits, else smaller down to
// `min_pt`, then in the condensed face, then on two lines (when `two_lines`
// and the box is tall enough), and as the last resort squeezed
// horizontally. The text never leaves the box's width.
void draw_fitted(cairo_t* cr, const Fonts& fonts, std::string_view text, const TextStyle& style,
                 double min_pt, double x, double top, double width, double bottom,
                 bool two_lines = false);

// Word-wraps `text` into `width`; returns the baseline after the last line.
double draw_paragraph(cairo_t* cr, const Fonts& fonts, std::string_view text,
                      const TextStyle& style, double x, double baseline, double width,
                      double leading);

// One line of microtext: `text` repeated from x0 to x1, clipped there.
void draw_microtext(cairo_t* cr, const Fonts& fonts, std::string_view text, double x0, double x1,
                    double baseline, double size_pt, Rgba color);

// The three MRZ lines in OCR-B at 10 characters per inch, as filled paths.
void draw_mrz(cairo_t* cr, const Fonts& fonts, const std::array<std::string, 3>& lines, double left,
              double first_baseline, double line_pitch);

// A filled rounded rectangle path.
void rounded_rect(cairo_t* cr, double x, double y, double w, double h, double r);

// Everything drawn on a card that does not change between its outputs.
struct CardArt {
  const CardData* card = nullptr;
  const Fonts* fonts = nullptr;
  const Portrait* portrait = nullptr;
  const QrCode* qr = nullptr;
  Guilloche guilloche;
  std::vector<double> ghost;  // luminance grid for the ghost image
  int ghost_cols = 0, ghost_rows = 0;
};

// `px_per_mm` is the raster resolution, or 0 for vector output; the back
// snaps QR modules to whole pixels with it. `bleed` (mm) is how far the
// background should extend past the trim on every side.
void draw_front(cairo_t* cr, const CardArt& art, double bleed);
void draw_back(cairo_t* cr, const CardArt& art, double px_per_mm, double bleed);
void draw_uv(cairo_t* cr, const CardArt& art);

// Geometry of the back's QR code (exposed for the renderer's checks).
// The symbol with its quiet zone fits a square of kQrBoxMm: at 0.3 mm per
// module that holds version 24 (about 1,300 Base45 characters), enough for a
// card with a 500-byte thumbnail and long names.
inline constexpr double kQrMinModuleMm = 0.30;
inline constexpr double kQrMaxModuleMm = 0.50;
inline constexpr double kQrBoxMm = 37.0;

}  // namespace sdc::card_render
