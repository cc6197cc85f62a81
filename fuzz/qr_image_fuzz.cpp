// libFuzzer target for the QR reader (sdc/barcode.h). The first byte picks
// the entry point:
//   even: the rest is a small grayscale image (width from the second byte)
//         handed to read_qr, so zxing-cpp's detector and decoder see
//         arbitrary pixels;
//   odd:  the rest is a file handed to read_qr_from_image_bytes, so the
//         image module's PNG/JPEG decoding to gray sees arbitrary bytes.
// Either must return a value or an error, never crash, leak or read out of
// bounds.
#include <cstddef>
#include <cstdint>

#include "sdc/barcode/barcode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  if (data[0] & 1) {
    (void)sdc::read_qr_from_image_bytes(sdc::ByteView(data + 1, size - 1));
    return 0;
  }
  const int width = 8 + data[1] % 249;  // 8..256 pixels wide
  const std::size_t pixels = size - 2;
  const int height = static_cast<int>(pixels / static_cast<std::size_t>(width));
  if (height < 8) return 0;
  sdc::GrayImage image;
  image.width = width;
  image.height = height;
  image.pixels.assign(data + 2, data + 2 + static_cast<std::size_t>(width) * height);
  auto text = sdc::read_qr(image);
  // A decoded symbol carries some text; an error carries a message.
  if (!text && text.error().message.empty()) __builtin_trap();
  return 0;
}
