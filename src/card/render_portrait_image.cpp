// The portrait as Cairo sees it. libjpeg decodes straight into a Cairo RGB24
// surface (BGRX in memory), and the original JPEG rides along as mime data
// so that the PDF embeds the file itself instead of re-encoding pixels. EXIF
// orientation is not applied: the portrait handed to the renderer is the
// normalised one, and the PDF would not apply it either.

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>

// clang-format off: jpeglib.h needs <cstdio> first.
#include <jpeglib.h>
// clang-format on

#include "card/render_draw.h"

namespace sdc::card_render {
namespace {

constexpr std::size_t kMaxPortraitBytes = 20u << 20;
constexpr long long kMaxPortraitPixels = 40'000'000;

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_jpeg_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
void on_jpeg_message(j_common_ptr, int) {}

// Everything that must survive a longjmp lives here, in the caller's frame.
struct JpegState {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cairo_surface_t* surface = nullptr;
  bool created = false;
  bool cmyk = false;
};

// Returns false with st.err.message set on failure; st.surface is then
// left for the caller to destroy.
bool run_decode(JpegState& st, ByteView jpeg) {
  st.cinfo.err = jpeg_std_error(&st.err.mgr);
  st.err.mgr.error_exit = on_jpeg_error;
  st.err.mgr.emit_message = on_jpeg_message;
  st.err.message[0] = '\0';
  if (setjmp(st.err.jump)) return false;
  jpeg_create_decompress(&st.cinfo);
  st.created = true;
  jpeg_mem_src(&st.cinfo, jpeg.data(), static_cast<unsigned long>(jpeg.size()));
  jpeg_read_header(&st.cinfo, TRUE);
  st.cmyk = st.cinfo.jpeg_color_space == JCS_CMYK || st.cinfo.jpeg_color_space == JCS_YCCK;
  st.cinfo.out_color_space = st.cmyk ? JCS_CMYK : JCS_EXT_BGRX;
  const long long pixels =
      static_cast<long long>(st.cinfo.image_width) * static_cast<long long>(st.cinfo.image_height);
  if (pixels <= 0 || pixels > kMaxPortraitPixels || st.cinfo.image_width > 20000 ||
      st.cinfo.image_height > 20000) {
    std::snprintf(st.err.message, sizeof st.err.message, "portrait dimensions out of range");
    return false;
  }
  jpeg_start_decompress(&st.cinfo);
  const int w = static_cast<int>(st.cinfo.output_width);
  const int h = static_cast<int>(st.cinfo.output_height);
  st.surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status(st.surface) != CAIRO_STATUS_SUCCESS) {
    std::snprintf(st.err.message, sizeof st.err.message, "cannot allocate the portrait surface");
    return false;
  }
  cairo_surface_flush(st.surface);
  unsigned char* data = cairo_image_surface_get_data(st.surface);
  const int stride = cairo_image_surface_get_stride(st.surface);
  JSAMPARRAY cmyk_row =
      st.cmyk ? (*st.cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&st.cinfo),
                                              JPOOL_IMAGE, static_cast<JDIMENSION>(w * 4), 1)
              : nullptr;
  while (st.cinfo.output_scanline < st.cinfo.output_height) {
    unsigned char* row = data + static_cast<std::ptrdiff_t>(st.cinfo.output_scanline) * stride;
    if (!st.cmyk) {
      JSAMPROW rows[1] = {row};
      jpeg_read_scanlines(&st.cinfo, rows, 1);
      continue;
    }
    jpeg_read_scanlines(&st.cinfo, cmyk_row, 1);
    // Adobe CMYK JPEGs are stored inverted: channel * K gives R, G, B.
    for (int x = 0; x < w; ++x) {
      const JSAMPLE* p = cmyk_row[0] + 4 * x;
      const unsigned k = p[3];
      row[4 * x + 0] = static_cast<unsigned char>(p[2] * k / 255);
      row[4 * x + 1] = static_cast<unsigned char>(p[1] * k / 255);
      row[4 * x + 2] = static_cast<unsigned char>(p[0] * k / 255);
      row[4 * x + 3] = 0xFF;
    }
  }
  jpeg_finish_decompress(&st.cinfo);
  return true;
}

void free_bytes(void* p) {
  delete static_cast<Bytes*>(p);
}

}  // namespace

Result<Portrait> decode_portrait(ByteView jpeg) {
  if (jpeg.empty()) return fail(Errc::invalid_argument, "portrait is empty");
  if (jpeg.size() > kMaxPortraitBytes) return fail(Errc::invalid_argument, "portrait is too large");
  if (jpeg.size() < 3 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF) {
    return fail(Errc::invalid_argument, "portrait is not a JPEG file");
  }
  auto st = std::make_unique<JpegState>();
  const bool ok = run_decode(*st, jpeg);
  if (st->created) jpeg_destroy_decompress(&st->cinfo);
  Surface surface(st->surface);
  if (!ok) return fail(Errc::invalid_argument, std::string("portrait JPEG: ") + st->err.message);
  cairo_surface_mark_dirty(surface.get());

  Portrait p;
  p.width = cairo_image_surface_get_width(surface.get());
  p.height = cairo_image_surface_get_height(surface.get());
  if (!st->cmyk) {
    // PDF readers draw an Adobe CMYK JPEG inverted unless told otherwise;
    // only the RGB and grayscale files go into the PDF as they are.
    auto* copy = new Bytes(jpeg.begin(), jpeg.end());
    if (cairo_surface_set_mime_data(surface.get(), CAIRO_MIME_TYPE_JPEG, copy->data(), copy->size(),
                                    free_bytes, copy) != CAIRO_STATUS_SUCCESS) {
      delete copy;
    }
  }
  p.surface = std::move(surface);
  return p;
}

CropRect cover_crop(int width, int height, double aspect) {
  CropRect c{0, 0, static_cast<double>(width), static_cast<double>(height)};
  if (width <= 0 || height <= 0 || aspect <= 0) return c;
  if (c.w / c.h > aspect) {
    c.w = c.h * aspect;
    c.x = (width - c.w) / 2;
  } else {
    c.h = c.w / aspect;
    c.y = (height - c.h) * 0.3;  // a head sits in the upper part of a tall frame
  }
  return c;
}

std::vector<double> luminance_grid(const Portrait& portrait, const CropRect& crop, int cols,
                                   int rows) {
  std::vector<double> grid(static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows), 1.0);
  // No cairo_surface_flush here: in Cairo 1.16 it drops the JPEG mime data,
  // and the surface was written by us, not by Cairo, so there is nothing to flush.
  cairo_surface_t* s = portrait.surface.get();
  const unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  if (!data || cols <= 0 || rows <= 0) return grid;
  for (int r = 0; r < rows; ++r) {
    const int y0 = std::clamp(static_cast<int>(crop.y + crop.h * r / rows), 0, portrait.height - 1);
    const int y1 =
        std::clamp(static_cast<int>(crop.y + crop.h * (r + 1) / rows), y0 + 1, portrait.height);
    for (int c = 0; c < cols; ++c) {
      const int x0 =
          std::clamp(static_cast<int>(crop.x + crop.w * c / cols), 0, portrait.width - 1);
      const int x1 =
          std::clamp(static_cast<int>(crop.x + crop.w * (c + 1) / cols), x0 + 1, portrait.width);
      // A sparse sample is plenty for a ghost a few millimetres wide.
      const int sy = std::max(1, (y1 - y0) / 4), sx = std::max(1, (x1 - x0) / 4);
      double sum = 0;
      int n = 0;
      for (int y = y0; y < y1; y += sy) {
        const unsigned char* row = data + static_cast<std::ptrdiff_t>(y) * stride;
        for (int x = x0; x < x1; x += sx) {
          const unsigned char* p = row + 4 * x;
          sum += 0.114 * p[0] + 0.587 * p[1] + 0.299 * p[2];
          ++n;
        }
      }
      grid[static_cast<std::size_t>(r * cols + c)] = n ? sum / n / 255.0 : 1.0;
    }
  }
  return grid;
}

}  // namespace sdc::card_render
