// QR code encoding (zint) and decoding (zxing-cpp) for the card's barcode.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/bytes.h"

namespace sdc {

// An 8-bit grayscale image, row-major, no padding.
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

// Finds and decodes the QR code in a PNG or JPEG file (a scan or a photo of
// a card) and returns its text. Errc::not_found when the image holds none.
Result<std::string> read_qr_from_image_file(const std::filesystem::path& path);
Result<std::string> read_qr(const GrayImage& image);

}  // namespace sdc
