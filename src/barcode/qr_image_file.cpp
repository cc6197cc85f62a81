// Reading a QR code from a PNG or JPEG file: the image module decodes it
// straight to luminance, which is all a QR reader needs.
#include "sdc/barcode/barcode.h"
#include "sdc/util/file.h"

namespace sdc {

Result<std::string> read_qr_from_image_bytes(ByteView file_bytes, const DecodeOptions& limits) {
  auto image = decode_gray_image(file_bytes, limits);
  if (!image) return std::unexpected(image.error());
  return read_qr(*image);
}

Result<std::string> read_qr_from_image_file(const std::filesystem::path& path,
                                            const DecodeOptions& limits) {
  auto bytes = read_file(path, limits.max_file_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  return read_qr_from_image_bytes(as_bytes(*bytes), limits);
}

}  // namespace sdc
