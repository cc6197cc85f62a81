// Rendering a card to its outputs: the two-page PDF, a PNG per side and the
// UV layer. Each output gets its own Cairo surface and context; the drawing
// functions work in millimetres and the CTM maps them to points or pixels.
#include <cairo-pdf.h>
#include <png.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "card/render_draw.h"
#include "sdc/util/file.h"

namespace sdc::card_render {
namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kCropSlugMm = 6.0;  // room outside the bleed for crop marks
constexpr int kGhostCols = 56, kGhostRows = 70;

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

void text_options(cairo_t* cr) {
  cairo_font_options_t* o = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(o, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr, o);
  cairo_font_options_destroy(o);
}

Result<void> check(cairo_t* cr, const char* what) {
  if (const cairo_status_t st = cairo_status(cr); st != CAIRO_STATUS_SUCCESS) {
    return fail(Errc::internal,
                std::string("drawing the ") + what + " failed: " + cairo_status_to_string(st));
  }
  return {};
}

enum class Side { front, back, uv };

Result<Bytes> encode_png(cairo_surface_t* surface);

Result<Bytes> render_png(const CardArt& art, Side side, int dpi) {
  const auto [w, h] = card_pixel_size(dpi);
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return fail(Errc::internal, "cannot allocate a card image");
  }
  const double px_per_mm = dpi / 25.4;
  {
    Context cr(cairo_create(surface.get()));
    text_options(cr.get());
    // The patterns are thousands of curves: a quarter-pixel flattening
    // tolerance draws them faster and at print resolution does not show.
    // CAIRO_ANTIALIAS_FAST is not used: Cairo 1.16's fast rasteriser writes
    // past its span buffer for some stroke widths (heap corruption at 300 dpi).
    cairo_set_tolerance(cr.get(), 0.25);
    cairo_scale(cr.get(), px_per_mm, px_per_mm);
    const char* what = "front";
    switch (side) {
      case Side::front:
        draw_front(cr.get(), art, 0);
        break;
      case Side::back:
        what = "back";
        draw_back(cr.get(), art, px_per_mm, 0);
        break;
      case Side::uv:
        what = "UV layer";
        draw_uv(cr.get(), art);
        break;
    }
    if (auto ok = check(cr.get(), what); !ok) return std::unexpected(ok.error());
  }
  return encode_png(surface.get());
}

// Cairo's own PNG writer compresses at zlib's default level and tries every
// row filter: 0.8 s for one side at 600 dpi, whose fine anti-aliased lines
// compress poorly whatever is tried. Level 1 without filtering takes a third
// of that for a file about 5% larger.
struct PngWriteState {
  png_structp png = nullptr;
  png_infop info = nullptr;
  Bytes* out = nullptr;
  char message[128] = "";
};

void png_append(png_structp png, png_bytep data, png_size_t length) {
  auto* st = static_cast<PngWriteState*>(png_get_io_ptr(png));
  st->out->insert(st->out->end(), data, data + length);
}
void png_no_flush(png_structp) {}
[[noreturn]] void png_on_error(png_structp png, png_const_charp message) {
  auto* st = static_cast<PngWriteState*>(png_get_error_ptr(png));
  std::snprintf(st->message, sizeof st->message, "%s", message);
  png_longjmp(png, 1);
}
void png_on_warning(png_structp, png_const_charp) {}

// No object with a destructor lives in this frame: libpng may longjmp out.
bool write_png_rows(PngWriteState& st, const unsigned char* data, int w, int h, int stride) {
  if (setjmp(png_jmpbuf(st.png))) return false;
  png_set_write_fn(st.png, &st, png_append, png_no_flush);
  png_set_IHDR(st.png, st.info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(st.png, 1);
  png_set_filter(st.png, 0, PNG_FILTER_NONE);
  png_write_info(st.png, st.info);
  png_set_bgr(st.png);                          // Cairo RGB24 is B, G, R, X in memory
  png_set_filler(st.png, 0, PNG_FILLER_AFTER);  // ... and X is dropped
  for (int y = 0; y < h; ++y) {
    png_write_row(st.png, data + static_cast<std::ptrdiff_t>(y) * stride);
  }
  png_write_end(st.png, st.info);
  return true;
}

Result<Bytes> encode_png(cairo_surface_t* surface) {
  cairo_surface_flush(surface);
  const int w = cairo_image_surface_get_width(surface);
  const int h = cairo_image_surface_get_height(surface);
  Bytes out;
  out.reserve(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  PngWriteState st;
  st.out = &out;
  st.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &st, png_on_error, png_on_warning);
  if (st.png) st.info = png_create_info_struct(st.png);
  if (!st.png || !st.info) {
    png_destroy_write_struct(&st.png, &st.info);
    return fail(Errc::internal, "cannot start a PNG encoder");
  }
  const bool ok = write_png_rows(st, cairo_image_surface_get_data(surface), w, h,
                                 cairo_image_surface_get_stride(surface));
  png_destroy_write_struct(&st.png, &st.info);
  if (!ok) return fail(Errc::internal, std::string("encoding a card PNG failed: ") + st.message);
  return out;
}

void crop_marks(cairo_t* cr, double bleed) {
  constexpr double kW = kCardWidthMm, kH = kCardHeightMm;
  const double from = bleed + 1.0, to = bleed + 5.0;
  cairo_save(cr);
  cairo_set_line_width(cr, 0.25 / kPtPerMm);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (const double x : {0.0, kW}) {
    for (const double y : {0.0, kH}) {
      const double sx = x == 0 ? -1 : 1, sy = y == 0 ? -1 : 1;
      cairo_move_to(cr, x + sx * from, y);
      cairo_line_to(cr, x + sx * to, y);
      cairo_move_to(cr, x, y + sy * from);
      cairo_line_to(cr, x, y + sy * to);
    }
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

Result<Bytes> render_pdf(const CardArt& art, const RenderOptions& options) {
  const double bleed = options.bleed_mm;
  const double margin = bleed + (options.crop_marks ? kCropSlugMm : 0);
  const double page_w = (kCardWidthMm + 2 * margin) * kPtPerMm;
  const double page_h = (kCardHeightMm + 2 * margin) * kPtPerMm;
  Bytes pdf;
  Surface surface(cairo_pdf_surface_create_for_stream(append_bytes, &pdf, page_w, page_h));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return fail(Errc::internal, "cannot create the PDF surface");
  }
  const std::string title = "Secure Docket Card " + art.card->document_number;
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "sdc render");
  if (art.card->issued_at.size() == 20 && art.card->issued_at.back() == 'Z') {
    // The issue time, not the wall clock: the same card gives the same file.
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                   art.card->issued_at.c_str());
  }
  {
    Context cr(cairo_create(surface.get()));
    text_options(cr.get());
    for (const Side side : {Side::front, Side::back}) {
      cairo_save(cr.get());
      cairo_scale(cr.get(), kPtPerMm, kPtPerMm);
      cairo_translate(cr.get(), margin, margin);
      cairo_save(cr.get());
      cairo_rectangle(cr.get(), -bleed, -bleed, kCardWidthMm + 2 * bleed,
                      kCardHeightMm + 2 * bleed);
      cairo_clip(cr.get());
      if (side == Side::front) {
        draw_front(cr.get(), art, bleed);
      } else {
        draw_back(cr.get(), art, 0, bleed);
      }
      cairo_restore(cr.get());
      if (options.crop_marks) crop_marks(cr.get(), bleed);
      cairo_restore(cr.get());
      cairo_show_page(cr.get());
      if (auto ok = check(cr.get(), "PDF"); !ok) return std::unexpected(ok.error());
    }
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return fail(Errc::internal, "writing the PDF failed");
  }
  return pdf;
}

}  // namespace
}  // namespace sdc::card_render

namespace sdc {

using namespace card_render;

Result<RenderedCard> render_card(const CardData& card, ByteView portrait_jpeg,
                                 const RenderOptions& options) {
  if (!options.pdf && !options.png) {
    return fail(Errc::invalid_argument, "no output format asked for");
  }
  if (options.dpi < 72 || options.dpi > 2400) {
    return fail(Errc::invalid_argument, "dpi must be between 72 and 2400");
  }
  if (!(options.bleed_mm >= 0 && options.bleed_mm <= 5)) {
    return fail(Errc::invalid_argument, "bleed must be between 0 and 5 mm");
  }
  if (card.barcode.empty()) return fail(Errc::invalid_argument, "card has no barcode text");
  if (card.document_number.empty()) {
    return fail(Errc::invalid_argument, "card has no document number");
  }

  auto fonts = load_fonts();
  if (!fonts) return std::unexpected(fonts.error());
  auto portrait = decode_portrait(portrait_jpeg);
  if (!portrait) return std::unexpected(portrait.error());
  auto qr = encode_qr(card.barcode, QrErrorCorrection::medium);
  if (!qr) return std::unexpected(qr.error());
  if (kQrBoxMm / (qr->size + 2 * kQrQuietZone) < kQrMinModuleMm) {
    return fail(Errc::invalid_argument, "barcode text too long: its QR code (version " +
                                            std::to_string(qr->version) +
                                            ") would print with modules under 0.3 mm");
  }

  CardArt art;
  art.card = &card;
  art.fonts = &*fonts;
  art.portrait = &*portrait;
  art.qr = &*qr;
  art.guilloche = make_guilloche(card.document_number);
  const CropRect crop = cover_crop(portrait->width, portrait->height, 35.0 / 45.0);
  art.ghost = luminance_grid(*portrait, crop, kGhostCols, kGhostRows);
  art.ghost_cols = kGhostCols;
  art.ghost_rows = kGhostRows;

  RenderedCard out;
  if (options.pdf) {
    auto pdf = render_pdf(art, options);
    if (!pdf) return std::unexpected(pdf.error());
    out.pdf = std::move(*pdf);
  }
  if (options.png) {
    const std::pair<Side, Bytes*> sides[] = {
        {Side::front, &out.front_png}, {Side::back, &out.back_png}, {Side::uv, &out.uv_png}};
    for (const auto& [side, dst] : sides) {
      auto png = render_png(art, side, options.dpi);
      if (!png) return std::unexpected(png.error());
      *dst = std::move(*png);
    }
  }
  return out;
}

Result<void> write_card_files(const RenderedCard& rendered, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Errc::io, "cannot create " + dir.string() + ": " + ec.message());
  const std::pair<const char*, const Bytes*> files[] = {{"card.pdf", &rendered.pdf},
                                                        {"front.png", &rendered.front_png},
                                                        {"back.png", &rendered.back_png},
                                                        {"uv.png", &rendered.uv_png}};
  for (const auto& [name, bytes] : files) {
    if (bytes->empty()) continue;
    if (auto ok = write_file_atomic(dir / name, as_chars(*bytes)); !ok) return ok;
  }
  return {};
}

Result<void> render_card_to_dir(const nlohmann::json& card_json, ByteView portrait_jpeg,
                                const std::filesystem::path& dir, const RenderOptions& options) {
  auto card = card_from_json(card_json);
  if (!card) return std::unexpected(card.error());
  auto rendered = render_card(*card, portrait_jpeg, options);
  if (!rendered) return std::unexpected(rendered.error());
  return write_card_files(*rendered, dir);
}

}  // namespace sdc
