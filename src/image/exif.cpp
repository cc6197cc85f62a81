// The EXIF Orientation tag: found in a JPEG's APP1 segment, applied to pixels.
#include <cstring>

#include "image/codec.h"

namespace sdc::codec {
namespace {

std::uint16_t read_u16(const std::uint8_t* p, bool big_endian) {
  return big_endian ? static_cast<std::uint16_t>((p[0] << 8) | p[1])
                    : static_cast<std::uint16_t>((p[1] << 8) | p[0]);
}
std::uint32_t read_u32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                          (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]}
                    : (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) |
                          (std::uint32_t{p[1]} << 8) | std::uint32_t{p[0]};
}

}  // namespace

// Every offset is checked against the segment.
int exif_orientation(const std::uint8_t* data, std::size_t size) {
  static constexpr std::uint8_t kExif[6] = {'E', 'x', 'i', 'f', 0, 0};
  if (size < 6 + 8 || std::memcmp(data, kExif, 6) != 0) return 1;
  const std::uint8_t* tiff = data + 6;
  const std::size_t n = size - 6;
  bool big_endian;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    big_endian = false;
  } else if (tiff[0] == 'M' && tiff[1] == 'M') {
    big_endian = true;
  } else {
    return 1;
  }
  if (read_u16(tiff + 2, big_endian) != 42) return 1;
  const std::uint32_t ifd = read_u32(tiff + 4, big_endian);
  if (ifd > n || n - ifd < 2) return 1;
  const std::uint16_t entries = read_u16(tiff + ifd, big_endian);
  const std::size_t first = std::size_t{ifd} + 2;
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t at = first + i * 12;
    if (at > n || n - at < 12) return 1;
    const std::uint8_t* e = tiff + at;
    if (read_u16(e, big_endian) != 0x0112) continue;
    const std::uint16_t type = read_u16(e + 2, big_endian);
    const std::uint32_t count = read_u32(e + 4, big_endian);
    if (type != 3 || count != 1) return 1;  // SHORT, one value, stored inline
    const int value = read_u16(e + 8, big_endian);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

Pixels apply_orientation(Pixels in) {
  const int orientation = in.orientation;
  if (orientation <= 1 || orientation > 8) {
    in.orientation = 1;
    return in;
  }
  const int w = in.width;
  const int h = in.height;
  const std::size_t ch = static_cast<std::size_t>(in.channels);
  const bool swap = orientation >= 5;
  Pixels out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.channels = in.channels;
  out.data.resize(in.data.size());
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sx = x;
      int sy = y;
      switch (orientation) {
        case 2:  // mirrored
          sx = w - 1 - x;
          break;
        case 3:  // turned 180
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:  // flipped
          sy = h - 1 - y;
          break;
        case 5:  // transposed
          sx = y;
          sy = x;
          break;
        case 6:  // to be turned 90 clockwise
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:  // transversed
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        case 8:  // to be turned 90 anticlockwise
          sx = w - 1 - y;
          sy = x;
          break;
        default:
          break;
      }
      const std::size_t s = (static_cast<std::size_t>(sy) * w + sx) * ch;
      const std::size_t d = (static_cast<std::size_t>(y) * out.width + x) * ch;
      std::memcpy(&out.data[d], &in.data[s], ch);
    }
  }
  return out;
}

}  // namespace sdc::codec
