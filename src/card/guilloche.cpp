// Per-card security patterns. The geometry is classic engine-turning: sums of
// cosines in polar coordinates for rosettes, stacked sine waves for the
// background. Integer lobe counts keep every curve closed.
#include "card/guilloche.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sdc::card_render {

namespace {
constexpr double kTau = 2 * std::numbers::pi;
}

void set_colour(cairo_t* cr, const Rgba& c) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

Rgba mix(const Rgba& a, const Rgba& b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t,
          a.a + (b.a - a.a) * t};
}

std::uint64_t PatternRandom::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double PatternRandom::uniform(double lo, double hi) {
  const double unit = static_cast<double>(next() >> 11) * 0x1.0p-53;
  return lo + (hi - lo) * unit;
}

int PatternRandom::integer(int lo, int hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo + 1);
  return lo + static_cast<int>(next() % span);
}

std::uint64_t pattern_seed(std::string_view document_number) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (const char c : std::string_view("sdc-guilloche-v1:")) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  }
  for (const char c : document_number) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  }
  return h;
}

namespace {

RosetteRing make_ring(PatternRandom& rnd, double r_in, double r_out, int k1_lo, int k1_hi,
                      int k2_lo, int k2_hi, int c_lo, int c_hi) {
  RosetteRing ring;
  ring.r_in = r_in;
  ring.r_out = r_out;
  ring.k1 = rnd.integer(k1_lo, k1_hi);
  do {
    ring.k2 = rnd.integer(k2_lo, k2_hi);
  } while (ring.k1 % ring.k2 == 0);
  ring.curves = rnd.integer(c_lo, c_hi);
  ring.m = rnd.integer(1, 3);
  ring.split = rnd.uniform(0.55, 0.8);
  ring.q = rnd.uniform(0, kTau);
  return ring;
}

Rosette make_rosette(PatternRandom& rnd) {
  Rosette r;
  r.outer = make_ring(rnd, rnd.uniform(0.5, 0.62), 1.0, 14, 30, 3, 9, 14, 22);
  r.inner = make_ring(rnd, rnd.uniform(0.08, 0.16), rnd.uniform(0.42, 0.5), 7, 16, 2, 6, 10, 16);
  r.rotation = rnd.uniform(0, kTau);
  return r;
}

WaveField make_waves(PatternRandom& rnd, double spacing_lo, double spacing_hi) {
  WaveField f;
  f.spacing = rnd.uniform(spacing_lo, spacing_hi);
  f.a1 = rnd.uniform(0.4, 0.9);
  f.l1 = rnd.uniform(14, 30);
  f.p1 = rnd.uniform(0, kTau);
  f.a2 = rnd.uniform(0.1, 0.35);
  f.l2 = rnd.uniform(4, 9);
  f.p2 = rnd.uniform(0, kTau);
  f.drift = rnd.uniform(0.05, 0.25);
  f.tilt = rnd.uniform(-0.08, 0.08);
  return f;
}

// Closed curve i of a ring as cubic Bezier segments built from the curve's
// exact tangents (cubic Hermite): a tenth of the points a polyline needs, which
// keeps the PDF small and fast to write.
void ring_path(cairo_t* cr, const RosetteRing& ring, int i, double cx, double cy, double scale,
               double rotation) {
  const double mid = (ring.r_in + ring.r_out) / 2;
  const double half = (ring.r_out - ring.r_in) / 2;
  const double a1 = half * ring.split;
  const double a2 = half * (1 - ring.split);
  const double phase = kTau * i / ring.curves;
  const double psi = ring.q + ring.m * phase;
  struct Point {
    double x, y, dx, dy;
  };
  auto at = [&](double t) {
    const double r = mid + a1 * std::cos(ring.k1 * t + phase) + a2 * std::cos(ring.k2 * t + psi);
    const double dr =
        -a1 * ring.k1 * std::sin(ring.k1 * t + phase) - a2 * ring.k2 * std::sin(ring.k2 * t + psi);
    const double c = std::cos(t + rotation), s = std::sin(t + rotation);
    return Point{cx + scale * r * c, cy + scale * r * s, scale * (dr * c - r * s),
                 scale * (dr * s + r * c)};
  };
  const int segments = 6 * std::max(ring.k1, ring.k2) + 12;
  const double dt = kTau / segments;
  Point p = at(0);
  cairo_move_to(cr, p.x, p.y);
  for (int k = 1; k <= segments; ++k) {
    const Point q = at(k == segments ? 0 : k * dt);
    cairo_curve_to(cr, p.x + p.dx * dt / 3, p.y + p.dy * dt / 3, q.x - q.dx * dt / 3,
                   q.y - q.dy * dt / 3, q.x, q.y);
    p = q;
  }
  cairo_close_path(cr);
}

}  // namespace

Guilloche make_guilloche(std::string_view document_number) {
  PatternRandom rnd(pattern_seed(document_number));
  Guilloche g;
  g.front_rosette = make_rosette(rnd);
  g.ghost_rosette = make_rosette(rnd);
  g.back_rosette = make_rosette(rnd);
  g.waves_a = make_waves(rnd, 0.85, 1.1);
  g.waves_b = make_waves(rnd, 1.0, 1.3);
  g.waves_b.tilt = -g.waves_a.tilt * 1.5 + rnd.uniform(-0.02, 0.02);
  g.back_waves_a = make_waves(rnd, 0.9, 1.15);
  g.back_waves_b = make_waves(rnd, 1.05, 1.35);
  g.gradient_angle = rnd.uniform(0.35, 0.6);
  return g;
}

void draw_rosette(cairo_t* cr, const Rosette& rosette, double cx, double cy, double radius,
                  const Rgba& outer_colour, const Rgba& inner_colour, double line_width) {
  cairo_save(cr);
  cairo_set_line_width(cr, line_width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (int i = 0; i < rosette.outer.curves; ++i) {
    ring_path(cr, rosette.outer, i, cx, cy, radius, rosette.rotation);
  }
  set_colour(cr, outer_colour);
  cairo_stroke(cr);
  for (int i = 0; i < rosette.inner.curves; ++i) {
    ring_path(cr, rosette.inner, i, cx, cy, radius, -rosette.rotation);
  }
  set_colour(cr, inner_colour);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void draw_waves(cairo_t* cr, const WaveField& f, double x, double y, double w, double h,
                const Rgba& colour, double line_width) {
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  cairo_set_line_width(cr, line_width);
  const double reach = f.a1 + f.a2 + std::abs(f.tilt) * w;
  const int first = static_cast<int>(std::floor(-reach / f.spacing)) - 1;
  const int last = static_cast<int>(std::ceil((h + reach) / f.spacing)) + 1;
  // Bezier segments a quarter of the shorter wavelength long, from exact
  // slopes: off the true curve by under 0.01 mm.
  const double step = std::min(f.l1, f.l2) / 4;
  const int segments = static_cast<int>(std::ceil(w / step));
  const double h_step = w / segments;
  for (int j = first; j <= last; ++j) {
    const double base = y + j * f.spacing;
    const double q1 = f.p1 + j * f.drift, q2 = f.p2 - j * f.drift / 2;
    auto yy = [&](double u) {
      return base + f.tilt * u + f.a1 * std::sin(kTau * u / f.l1 + q1) +
             f.a2 * std::sin(kTau * u / f.l2 + q2);
    };
    auto slope = [&](double u) {
      return f.tilt + f.a1 * kTau / f.l1 * std::cos(kTau * u / f.l1 + q1) +
             f.a2 * kTau / f.l2 * std::cos(kTau * u / f.l2 + q2);
    };
    double u0 = 0, y0 = yy(0), s0 = slope(0);
    cairo_move_to(cr, x, y0);
    for (int k = 1; k <= segments; ++k) {
      const double u1 = k * h_step, y1 = yy(u1), s1 = slope(u1);
      cairo_curve_to(cr, x + u0 + h_step / 3, y0 + s0 * h_step / 3, x + u1 - h_step / 3,
                     y1 - s1 * h_step / 3, x + u1, y1);
      u0 = u1;
      y0 = y1;
      s0 = s1;
    }
  }
  set_colour(cr, colour);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void draw_fine_line_gradient(cairo_t* cr, double x, double y, double w, double h, double pitch,
                             double angle, double w0, double w1, const Rgba& c0, const Rgba& c1) {
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  const double cx = x + w / 2, cy = y + h / 2;
  const double reach = std::hypot(w, h);
  const double dx = std::sin(angle), dy = std::cos(angle);
  // Lines are spaced along the horizontal through the centre; their tilt
  // widens the span they must cover.
  const double span = w / 2 + std::abs(dx / dy) * h / 2 + pitch;
  const int n = static_cast<int>(std::ceil(span / pitch));
  // Lines are stroked in 24 bands of one width and colour each: the eye sees
  // the same ramp, and the PDF holds 24 strokes instead of hundreds.
  constexpr int kBands = 24;
  for (int band = 0; band < kBands; ++band) {
    const double t = (band + 0.5) / kBands;
    bool any = false;
    for (int i = -n; i <= n; ++i) {
      const double s = i * pitch;
      const double ti = std::clamp((s + w / 2) / w, 0.0, 1.0);
      if (std::min(static_cast<int>(ti * kBands), kBands - 1) != band) continue;
      cairo_move_to(cr, cx + s - reach * dx, cy - reach * dy);
      cairo_line_to(cr, cx + s + reach * dx, cy + reach * dy);
      any = true;
    }
    if (!any) continue;
    cairo_set_line_width(cr, w0 + (w1 - w0) * t);
    set_colour(cr, mix(c0, c1, t));
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

}  // namespace sdc::card_render
