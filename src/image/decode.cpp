// The decoding entry points of sdc/image.h: the file's size and format are
// checked first, then the format's decoder reads the header against the
// limits before it allocates any pixel, and the EXIF orientation is applied.
#include <cstring>
#include <string>

#include "image/codec.h"

namespace sdc {
namespace codec {

bool within_limits(std::int64_t width, std::int64_t height, const DecodeOptions& options) {
  return width >= 1 && height >= 1 && width <= options.max_side && height <= options.max_side &&
         width * height <= options.max_pixels;
}

Result<void> check_dimensions(std::int64_t width, std::int64_t height,
                              const DecodeOptions& options) {
  if (within_limits(width, height, options)) return {};
  return fail(Errc::limit, "image of " + std::to_string(width) + "x" + std::to_string(height) +
                               " pixels is over the limit of " +
                               std::to_string(options.max_pixels) + " pixels (at most " +
                               std::to_string(options.max_side) + " a side)");
}

}  // namespace codec

namespace {

Result<ImageFormat> check_file(ByteView file_bytes, const DecodeOptions& options) {
  if (file_bytes.size() > options.max_file_bytes) {
    return fail(Errc::limit, "image file of " + std::to_string(file_bytes.size()) +
                                 " bytes is over the limit of " +
                                 std::to_string(options.max_file_bytes));
  }
  const auto format = sniff_image_format(file_bytes);
  if (!format) return fail(Errc::parse, "not a JPEG or PNG file");
  return *format;
}

Result<codec::Pixels> decode_pixels(ByteView file_bytes, const DecodeOptions& options,
                                    int channels) {
  auto format = check_file(file_bytes, options);
  if (!format) return std::unexpected(format.error());
  auto pixels = *format == ImageFormat::png ? codec::decode_png(file_bytes, options, channels)
                                            : codec::decode_jpeg(file_bytes, options, channels);
  if (!pixels) return std::unexpected(pixels.error());
  if (options.orientation == ExifOrientation::ignore) return pixels;
  return codec::apply_orientation(std::move(*pixels));
}

}  // namespace

std::optional<ImageFormat> sniff_image_format(ByteView b) {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::jpeg;
  static constexpr std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() >= 8 && std::memcmp(b.data(), kPng, 8) == 0) return ImageFormat::png;
  return std::nullopt;
}

Result<ImageInfo> read_image_info(ByteView file_bytes, const DecodeOptions& options) {
  auto format = check_file(file_bytes, options);
  if (!format) return std::unexpected(format.error());
  auto header = *format == ImageFormat::png ? codec::read_png_header(file_bytes, options)
                                            : codec::read_jpeg_header(file_bytes, options);
  if (!header) return std::unexpected(header.error());
  ImageInfo info;
  info.format = *format;
  info.exif_orientation = header->orientation;
  info.cmyk = header->cmyk;
  const bool swap = header->orientation >= 5 && options.orientation == ExifOrientation::apply;
  info.width = swap ? header->height : header->width;
  info.height = swap ? header->width : header->height;
  return info;
}

Result<RgbImage> decode_image(ByteView file_bytes, const DecodeOptions& options) {
  auto pixels = decode_pixels(file_bytes, options, 3);
  if (!pixels) return std::unexpected(pixels.error());
  return RgbImage{pixels->width, pixels->height, std::move(pixels->data)};
}

Result<GrayImage> decode_gray_image(ByteView file_bytes, const DecodeOptions& options) {
  auto pixels = decode_pixels(file_bytes, options, 1);
  if (!pixels) return std::unexpected(pixels.error());
  return GrayImage{pixels->width, pixels->height, std::move(pixels->data)};
}

}  // namespace sdc
