// Image files and parts of them that the project's own encoders do not
// write (EXIF segments, CMYK JPEG, PNG with alpha), made here with libjpeg
// and libpng for the decoder tests.
#pragma once

#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

// clang-format off: jpeglib.h needs <cstdio> first.
#include <jpeglib.h>
// clang-format on

#include "sdc/util/bytes.h"

namespace sdc::test {

// An APP1 segment with only an EXIF Orientation tag (big-endian TIFF).
inline Bytes exif_orientation_segment(std::uint8_t orientation) {
  const Bytes tiff = {'M',  'M',         0, 42, 0, 0, 0, 8,  // header, IFD0 at 8
                      0,    1,                               // one entry
                      0x01, 0x12,        0, 3,  0, 0, 0, 1,  // Orientation, SHORT, 1 value
                      0,    orientation, 0, 0,               // the value
                      0,    0,           0, 0};              // no next IFD
  Bytes payload = {'E', 'x', 'i', 'f', 0, 0};
  payload.insert(payload.end(), tiff.begin(), tiff.end());
  const auto len = static_cast<std::uint16_t>(payload.size() + 2);
  Bytes seg(4 + payload.size());
  seg[0] = 0xFF;
  seg[1] = 0xE1;
  seg[2] = static_cast<std::uint8_t>(len >> 8);
  seg[3] = static_cast<std::uint8_t>(len);
  std::copy(payload.begin(), payload.end(), seg.begin() + 4);
  return seg;
}

// `jpeg` with `segment` inserted right after its SOI marker.
inline Bytes with_segment_after_soi(const Bytes& jpeg, const Bytes& segment) {
  Bytes out(jpeg.begin(), jpeg.begin() + 2);
  out.insert(out.end(), segment.begin(), segment.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

// `jpeg` with its SOF0 header patched to announce width x height; the
// entropy-coded data is left as it was, so it could not decode as such.
inline Bytes with_jpeg_size(Bytes jpeg, std::uint16_t width, std::uint16_t height) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: len(2) precision(1) height(2) width(2)
      jpeg[i + 5] = static_cast<std::uint8_t>(height >> 8);
      jpeg[i + 6] = static_cast<std::uint8_t>(height);
      jpeg[i + 7] = static_cast<std::uint8_t>(width >> 8);
      jpeg[i + 8] = static_cast<std::uint8_t>(width);
      return jpeg;
    }
  }
  return {};
}

// `png` with its IHDR patched (and its CRC redone) to announce width x height.
inline Bytes with_png_size(Bytes png, std::uint32_t width, std::uint32_t height) {
  if (png.size() < 33) return {};
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<std::uint8_t>(width >> (24 - 8 * i));
    png[20 + i] = static_cast<std::uint8_t>(height >> (24 - 8 * i));
  }
  const auto crc = static_cast<std::uint32_t>(crc32(0, png.data() + 12, 17));  // type + data
  for (int i = 0; i < 4; ++i) png[29 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
  return png;
}

// A width x height Adobe CMYK JPEG (libjpeg writes the Adobe marker) of
// `cmyk` pixels (4 bytes each) as stored: Adobe's convention, 255 is no ink.
inline Bytes cmyk_jpeg(int width, int height, const std::vector<std::uint8_t>& cmyk) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 100, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t stride = static_cast<std::size_t>(width) * 4;
  while (cinfo.next_scanline < cinfo.image_height) {
    // libjpeg takes non-const rows but does not write to them.
    auto r = const_cast<JSAMPROW>(cmyk.data() + stride * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  Bytes out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

// The same, every pixel `cmyk`.
inline Bytes uniform_cmyk_jpeg(int width, int height, std::array<std::uint8_t, 4> cmyk) {
  std::vector<std::uint8_t> pixels;
  pixels.reserve(static_cast<std::size_t>(width) * height * 4);
  for (int i = 0; i < width * height; ++i) pixels.insert(pixels.end(), cmyk.begin(), cmyk.end());
  return cmyk_jpeg(width, height, pixels);
}

// An 8-bit RGBA PNG of `rgba` pixels (4 bytes each).
inline Bytes rgba_png(int width, int height, const std::vector<std::uint8_t>& rgba) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  png_image_write_to_memory(&image, nullptr, &size, 0, rgba.data(), 0, nullptr);
  Bytes out(size);
  png_image_write_to_memory(&image, out.data(), &size, 0, rgba.data(), 0, nullptr);
  out.resize(size);
  png_image_free(&image);
  return out;
}

}  // namespace sdc::test
