// QR code encoding (zint) and decoding (zxing-cpp) for the card's barcode.
//
// Encoding returns the bare module matrix, not a bitmap, so that a renderer
// can draw crisp squares at any resolution (vector PDF or a raster of any
// dpi) and add the quiet zone itself. Every function here is safe to call
// from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/util/bytes.h"
#include "sdc/image/image.h"  // GrayImage, DecodeOptions

namespace sdc {

// QR error-correction levels the card may use. L is deliberately absent: a
// card is scratched, bent and photographed through plastic sleeves.
enum class QrErrorCorrection { medium = 2, quartile = 3, high = 4 };

// The quiet zone a reader needs around the symbol, in modules (ISO/IEC 18004).
inline constexpr int kQrQuietZone = 4;

// A QR symbol as modules: size x size, row-major, 1 = dark. No quiet zone.
struct QrCode {
  int version = 0;  // 1..40
  int size = 0;     // 17 + 4 * version
  std::vector<std::uint8_t> modules;

  bool dark(int x, int y) const { return modules[static_cast<std::size_t>(y * size + x)] != 0; }
};

// Encodes `text` (zint, DATA_MODE: zint picks the densest segment modes, so
// text made only of QR alphanumeric characters - the SDC1: barcode - is
// written in alphanumeric mode). Errc::limit when the text does not fit in
// a version-40 symbol at this level; Errc::invalid_argument when empty.
Result<QrCode> encode_qr(std::string_view text, QrErrorCorrection ecc = QrErrorCorrection::medium);

// Rasterises a symbol: each module `module_px` x `module_px` pixels, with
// `quiet_zone` light modules on every side; dark 0, light 255.
GrayImage qr_to_image(const QrCode& code, int module_px, int quiet_zone = kQrQuietZone);

// The limits a QR image is read under: a scan of a whole page at 600 dpi
// fits, a file announcing more is refused from its header, before decoding.
inline constexpr DecodeOptions kQrImageLimits{
    .max_file_bytes = 50u << 20, .max_pixels = 60'000'000, .max_side = 30'000};

// Finds and decodes the QR code in a PNG or JPEG file (a scan or a photo of
// a card; its EXIF orientation applied) and returns its text. Errc::not_found
// when the image holds none; Errc::parse when the file is not a PNG or JPEG
// we can read (broken or truncated); Errc::limit when the file, or the
// pixels its header announces, are past `limits`.
Result<std::string> read_qr_from_image_file(const std::filesystem::path& path,
                                            const DecodeOptions& limits = kQrImageLimits);
// The same, from the file's bytes.
Result<std::string> read_qr_from_image_bytes(ByteView file_bytes,
                                             const DecodeOptions& limits = kQrImageLimits);
// Decodes the first QR code found in `image` (zxing-cpp, trying harder and
// rotations). Errc::invalid_argument when the image's size and pixel count
// disagree; Errc::not_found when no QR code decodes.
Result<std::string> read_qr(const GrayImage& image);

}  // namespace sdc
