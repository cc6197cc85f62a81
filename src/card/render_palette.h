// Colours and shared pieces of the card's design.
#pragma once

#include "card/guilloche.h"
#include "card/render_draw.h"

namespace sdc::card_render {

inline constexpr Rgba kNavy{0.075, 0.145, 0.290, 1};
inline constexpr Rgba kNavyLight{0.118, 0.310, 0.431, 1};
inline constexpr Rgba kGold{0.788, 0.639, 0.286, 1};
inline constexpr Rgba kLabel{0.235, 0.345, 0.455, 1};
inline constexpr Rgba kValue{0.055, 0.075, 0.110, 1};
inline constexpr Rgba kExpiry{0.600, 0.090, 0.130, 1};
inline constexpr Rgba kWhite{1, 1, 1, 1};
inline constexpr Rgba kTeal{0.200, 0.560, 0.560, 1};
inline constexpr Rgba kRose{0.800, 0.440, 0.430, 1};

inline Rgba with_alpha(Rgba c, double a) {
  c.a = a;
  return c;
}

// The tinted paper, wave lines and the gold-ruled header band shared by
// both sides; `band_height` 0 draws no band.
void draw_paper(cairo_t* cr, const WaveField& a, const WaveField& b, double bleed, bool warm_first);
void draw_header_band(cairo_t* cr, const Guilloche& g, double band_height, double bleed);

}  // namespace sdc::card_render
