// The specimen card and the drawn stand-in portrait. Documentation and tests
// must never carry a photograph of a person, so the portrait is a
// head-and-shoulders silhouette drawn with Cairo.
#include <cmath>
#include <numbers>

#include "card/render_draw.h"
#include "sdc/image.h"

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
  CardHolder& h = c.holder;
  h.document_number = c.document_number;
  h.a_number = "123456789";
  h.family_name = "SPECIMEN";
  h.given_names = "SAMPLE";
  h.date_of_birth = "1990-01-01";
  h.sex = "X";
  h.nationality = "UTO";
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

Result<Bytes> silhouette_portrait_jpeg(int width_px, int height_px) {
  if (width_px < 16 || height_px < 16 || width_px > 4000 || height_px > 4000) {
    return fail(Errc::invalid_argument, "silhouette size out of range");
  }
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return fail(Errc::internal, "cannot allocate the silhouette");
  }
  {
    Context cr(cairo_create(surface.get()));
    cairo_t* c = cr.get();
    // Unit square scaled to the image: 1.0 = full width.
    const double w = width_px, h = height_px;
    Pattern bg(cairo_pattern_create_linear(0, 0, 0, h));
    cairo_pattern_add_color_stop_rgb(bg.get(), 0, 0.90, 0.92, 0.94);
    cairo_pattern_add_color_stop_rgb(bg.get(), 1, 0.80, 0.84, 0.88);
    cairo_set_source(c, bg.get());
    cairo_paint(c);

    Pattern body(cairo_pattern_create_linear(0, h * 0.2, w, h));
    cairo_pattern_add_color_stop_rgb(body.get(), 0, 0.36, 0.40, 0.47);
    cairo_pattern_add_color_stop_rgb(body.get(), 1, 0.20, 0.23, 0.29);
    cairo_set_source(c, body.get());
    // Shoulders and chest.
    cairo_move_to(c, 0.02 * w, h);
    cairo_curve_to(c, 0.04 * w, 0.83 * h, 0.12 * w, 0.76 * h, 0.34 * w, 0.72 * h);
    cairo_curve_to(c, 0.42 * w, 0.70 * h, 0.44 * w, 0.66 * h, 0.44 * w, 0.62 * h);
    cairo_line_to(c, 0.56 * w, 0.62 * h);
    cairo_curve_to(c, 0.56 * w, 0.66 * h, 0.58 * w, 0.70 * h, 0.66 * w, 0.72 * h);
    cairo_curve_to(c, 0.88 * w, 0.76 * h, 0.96 * w, 0.83 * h, 0.98 * w, h);
    cairo_close_path(c);
    cairo_fill(c);
    // Head.
    cairo_save(c);
    cairo_translate(c, 0.5 * w, 0.40 * h);
    cairo_scale(c, 0.19 * w, 0.245 * h);
    cairo_arc(c, 0, 0, 1, 0, 2 * std::numbers::pi);
    cairo_restore(c);
    cairo_set_source(c, body.get());
    cairo_fill(c);
    if (cairo_status(c) != CAIRO_STATUS_SUCCESS) {
      return fail(Errc::internal, "drawing the silhouette failed");
    }
  }
  cairo_surface_flush(surface.get());
  RgbImage rgb;
  rgb.width = width_px;
  rgb.height = height_px;
  rgb.rgb.resize(static_cast<std::size_t>(width_px) * static_cast<std::size_t>(height_px) * 3);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < height_px; ++y) {
    for (int x = 0; x < width_px; ++x) {
      const unsigned char* p = data + static_cast<std::ptrdiff_t>(y) * stride + 4 * x;
      std::uint8_t* q = rgb.rgb.data() + (static_cast<std::size_t>(y) * width_px + x) * 3;
      q[0] = p[2];
      q[1] = p[1];
      q[2] = p[0];
    }
  }
  return encode_jpeg(rgb, 90);
}

}  // namespace sdc
