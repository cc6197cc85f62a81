// The portrait as Cairo sees it. The image module decodes the JPEG, copied
// into a Cairo RGB24 surface (BGRX in memory), and the original file rides
// along as mime data so that the PDF embeds the file itself instead of
// re-encoding pixels. EXIF orientation is not applied: the portrait handed to
// the renderer is the normalised one, and the PDF would not apply it either.

#include <algorithm>
#include <memory>

#include "card/render_draw.h"
#include "sdc/image/image.h"

namespace sdc::card_render {
namespace {

void free_bytes(void* p) {
  delete static_cast<Bytes*>(p);
}

}  // namespace

Result<Portrait> decode_portrait(ByteView jpeg) {
  if (jpeg.empty()) return fail(Errc::invalid_argument, "portrait is empty");
  DecodeOptions options;
  options.orientation = ExifOrientation::ignore;
  if (jpeg.size() > options.max_file_bytes) {
    return fail(Errc::invalid_argument, "portrait is too large");
  }
  if (sniff_image_format(jpeg) != ImageFormat::jpeg) {
    return fail(Errc::invalid_argument, "portrait is not a JPEG file");
  }
  auto info = read_image_info(jpeg, options);
  if (!info) return fail(Errc::invalid_argument, "portrait JPEG: " + info.error().message);
  auto image = decode_image(jpeg, options);
  if (!image) return fail(Errc::invalid_argument, "portrait JPEG: " + image.error().message);

  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, image->width, image->height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return fail(Errc::invalid_argument, "portrait JPEG: cannot allocate the portrait surface");
  }
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < image->height; ++y) {
    const std::uint8_t* src = &image->rgb[static_cast<std::size_t>(y) * image->width * 3];
    unsigned char* row = data + static_cast<std::ptrdiff_t>(y) * stride;
    for (int x = 0; x < image->width; ++x) {
      row[4 * x + 0] = src[3 * x + 2];
      row[4 * x + 1] = src[3 * x + 1];
      row[4 * x + 2] = src[3 * x + 0];
      row[4 * x + 3] = 0xFF;
    }
  }
  cairo_surface_mark_dirty(surface.get());

  Portrait p;
  p.width = image->width;
  p.height = image->height;
  if (!info->cmyk) {
    // PDF readers draw an Adobe CMYK JPEG inverted unless told otherwise;
    // only the RGB and grayscale files go into the PDF as they are. Cairo
    // owns the copy once it accepts it.
    auto copy = std::make_unique<Bytes>(jpeg.begin(), jpeg.end());
    if (cairo_surface_set_mime_data(surface.get(), CAIRO_MIME_TYPE_JPEG, copy->data(), copy->size(),
                                    free_bytes, copy.get()) == CAIRO_STATUS_SUCCESS) {
      copy.release();
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
