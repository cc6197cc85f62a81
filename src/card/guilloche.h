// Security-printing patterns, generated per card: guilloche rosettes,
// background wave lines and fine-line gradients. Parameters come from a
// deterministic generator seeded by the document number, so each card's
// pattern is its own and re-rendering a card reproduces it exactly.
#pragma once

#include <cairo.h>

#include <cstdint>
#include <string_view>

namespace sdc::card_render {

struct Rgba {
  double r = 0, g = 0, b = 0, a = 1;
};
void set_colour(cairo_t* cr, const Rgba& c);
Rgba mix(const Rgba& a, const Rgba& b, double t);

// SplitMix64: small, fast, and the same on every platform.
class PatternRandom {
 public:
  explicit PatternRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform(double lo, double hi);  // [lo, hi)
  int integer(int lo, int hi);           // [lo, hi]

 private:
  std::uint64_t state_;
};

// FNV-1a over the document number, with a domain tag.
std::uint64_t pattern_seed(std::string_view document_number);

// A rosette: `curves` closed polar curves
//   r(t) = mid + a1 cos(k1 t + p_i) + a2 cos(k2 t + q + m p_i),
// each a rotated copy of the others, woven into a band between r_in and r_out.
struct RosetteRing {
  double r_in = 0, r_out = 0;
  int k1 = 12, k2 = 5, curves = 24, m = 1;
  double split = 0.7;  // share of the band's half-width given to the k1 term
  double q = 0;
};
struct Rosette {
  RosetteRing outer, inner;
  double rotation = 0;
};

// Horizontal wave lines: y(x) = y0 + j spacing + a1 sin(2pi x / l1 + p1 + j d)
//                                            + a2 sin(2pi x / l2 + p2 - j d / 2).
struct WaveField {
  double spacing = 0.9;
  double a1 = 0.6, l1 = 23, p1 = 0;
  double a2 = 0.25, l2 = 7, p2 = 0;
  double drift = 0.1;
  double tilt = 0;  // slope of the whole field
};

// The per-card parameters.
struct Guilloche {
  Rosette front_rosette;
  Rosette ghost_rosette;
  Rosette back_rosette;
  WaveField waves_a, waves_b;
  WaveField back_waves_a, back_waves_b;
  double gradient_angle = 0;
};
Guilloche make_guilloche(std::string_view document_number);

// Strokes a rosette centred at (cx, cy) scaled so that outer.r_out == radius.
void draw_rosette(cairo_t* cr, const Rosette& rosette, double cx, double cy, double radius,
                  const Rgba& outer_colour, const Rgba& inner_colour, double line_width);

// Strokes a wave field over the rectangle (clipped to it).
void draw_waves(cairo_t* cr, const WaveField& field, double x, double y, double w, double h,
                const Rgba& colour, double line_width);

// Parallel lines at `pitch` across the rectangle, at `angle` (radians), whose
// width grows from w0 to w1 and colour runs from c0 to c1 along the
// rectangle's width: a tone gradient made only of lines.
void draw_fine_line_gradient(cairo_t* cr, double x, double y, double w, double h, double pitch,
                             double angle, double w0, double w1, const Rgba& c0, const Rgba& c1);

}  // namespace sdc::card_render
