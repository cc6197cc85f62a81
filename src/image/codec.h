// What the image module's files share: the per-format decoders and encoders
// behind sdc/image.h, and the EXIF orientation. Internal to the module.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sdc/image/image.h"

namespace sdc::codec {

// What a decoder hands back: 8-bit pixels, `channels` per pixel, row-major,
// as stored in the file, with the EXIF orientation still to apply.
struct Pixels {
  int width = 0;
  int height = 0;
  int channels = 3;     // 3: R, G, B; 1: luminance
  int orientation = 1;  // 1..8
  std::vector<std::uint8_t> data;
};

// The size as stored in the file's header, and its EXIF orientation (1..8).
struct Header {
  int width = 0;
  int height = 0;
  int orientation = 1;
  bool cmyk = false;  // JPEG only: CMYK or YCCK
};

// Whether a width x height image is within `options`' limits (and not empty).
bool within_limits(std::int64_t width, std::int64_t height, const DecodeOptions& options);
// Errc::limit, saying which, when it is not.
Result<void> check_dimensions(std::int64_t width, std::int64_t height,
                              const DecodeOptions& options);

// Reads a JPEG's header only; decodes one to `channels` (3 or 1).
Result<Header> read_jpeg_header(ByteView file, const DecodeOptions& options);
Result<Pixels> decode_jpeg(ByteView file, const DecodeOptions& options, int channels);

// The same for PNG (which has no orientation).
Result<Header> read_png_header(ByteView file, const DecodeOptions& options);
Result<Pixels> decode_png(ByteView file, const DecodeOptions& options, int channels);

// The Orientation tag (0x0112) of IFD0 in the payload of an APP1 segment
// ("Exif\0\0" and a TIFF structure), 1..8, or 1 when absent or malformed.
int exif_orientation(const std::uint8_t* data, std::size_t size);

// Turns the pixels upright by their orientation (which becomes 1).
Pixels apply_orientation(Pixels in);

// ITU-R BT.601 luma of one 8-bit R, G, B pixel.
inline std::uint8_t luma(int r, int g, int b) {
  return static_cast<std::uint8_t>((299 * r + 587 * g + 114 * b + 500) / 1000);
}

}  // namespace sdc::codec
