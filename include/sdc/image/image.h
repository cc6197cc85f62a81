// Still images in memory, and JPEG / PNG files to and from them
// (libjpeg-turbo, libpng). Decoding is bounded: the size of the file and the
// pixel count read from its header are checked before any pixel buffer is
// allocated, and a malformed file is an error value, never a crash. Every
// function here is safe to call from several threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sdc/util/bytes.h"

namespace sdc {

// 8-bit sRGB, row-major, 3 bytes per pixel (R, G, B), no row padding:
// rgb.size() == width * height * 3.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
};

// 8-bit luminance, row-major, 1 byte per pixel: pixels.size() == width * height.
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

enum class ImageFormat { jpeg, png };

// Whether decoding turns the picture upright by its EXIF Orientation tag.
// `ignore` gives the pixels as stored: for a caller that embeds the file
// itself (a PDF), whose reader does not turn it either.
enum class ExifOrientation { apply, ignore };

// The format announced by the first bytes, if it is one we decode.
std::optional<ImageFormat> sniff_image_format(ByteView file_bytes);

struct DecodeOptions {
  // Errc::limit past these, checked before the pixels are decoded.
  std::size_t max_file_bytes = 20u << 20;
  std::int64_t max_pixels = 40'000'000;  // width * height, from the header
  int max_side = 20'000;                 // width and height each
  // JPEG only: decode at 1/2, 1/4 or 1/8 scale (fast, in libjpeg's DCT) as
  // long as the longer side stays >= this. 0 decodes at full size.
  int shrink_to_at_least = 0;
  ExifOrientation orientation = ExifOrientation::apply;
};

struct ImageInfo {
  ImageFormat format = ImageFormat::jpeg;
  int width = 0;  // as decode_image gives it: after the EXIF orientation, unless ignored
  int height = 0;
  int exif_orientation = 1;  // 1..8; 1 for PNG and when absent
  bool cmyk = false;         // a JPEG stored as CMYK or YCCK (decoded to RGB all the same)
};

// Reads only the header: format, size and orientation. Same errors and limits
// as decode_image, without decoding any pixel.
Result<ImageInfo> read_image_info(ByteView file_bytes, const DecodeOptions& options = {});

// Decodes a JPEG or PNG file into RGB. JPEG: grayscale, YCbCr, CMYK and YCCK
// files, baseline, progressive or arithmetic-coded; the EXIF Orientation tag
// is applied (unless `options` say ignore), so the result is upright as a
// viewer shows it. PNG: any bit
// depth and colour type; transparency is composited onto white.
// Errors: Errc::parse (not a JPEG/PNG, broken or truncated), Errc::limit
// (past `options`' limits, or a progressive JPEG of over 1000 scans).
Result<RgbImage> decode_image(ByteView file_bytes, const DecodeOptions& options = {});

// Decodes like decode_image, straight to 8-bit luminance. A YCbCr or
// grayscale JPEG gives its own luma channel (no colour conversion), CMYK goes
// through RGB and to_gray; a PNG goes through libpng's conversion to gray
// (in linear light, so a dark colour comes out darker than to_gray gives
// it), with transparency composited onto white. Same errors and limits.
Result<GrayImage> decode_gray_image(ByteView file_bytes, const DecodeOptions& options = {});

// Encodes a baseline JPEG (4:2:0, optimised Huffman tables, JFIF header, no
// other metadata). `quality` is 1..100. Fails with Errc::invalid_argument on an
// empty or inconsistent image.
Result<Bytes> encode_jpeg(const RgbImage& image, int quality = 90);
// Encodes a one-component (grayscale) JPEG with optimised Huffman tables and
// no JFIF/EXIF header, so that small images stay small.
Result<Bytes> encode_gray_jpeg(const GrayImage& image, int quality);

// Encodes an 8-bit RGB PNG.
Result<Bytes> encode_png(const RgbImage& image);

// The rectangle (x, y, width, height) of `image` (width, height >= 1; an
// empty image gives black). Pixels of the rectangle outside the image take
// `fill`, or without it the colour of the nearest edge pixel.
RgbImage crop(const RgbImage& image, int x, int y, int width, int height,
              std::optional<std::array<std::uint8_t, 3>> fill = std::nullopt);

// ITU-R BT.601 luma of each pixel.
GrayImage to_gray(const RgbImage& image);

// Resamples to width x height (both >= 1): a triangle filter as wide as the
// scale when shrinking (every source pixel counts), bilinear when enlarging.
RgbImage resize(const RgbImage& image, int width, int height);
GrayImage resize(const GrayImage& image, int width, int height);

}  // namespace sdc
