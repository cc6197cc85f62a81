// libFuzzer target for the JPEG/PNG decoder (sdc/image.h): header reading,
// EXIF orientation, JPEG and PNG decoding to RGB and to gray must return a
// value or an error for any input, within the limits, and never crash, leak
// or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "sdc/image/image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sdc::ByteView bytes(data, size);
  // Small limits keep each run fast; the checks are the same at any size.
  sdc::DecodeOptions options;
  options.max_pixels = 4'000'000;
  options.max_side = 4096;
  if (auto info = sdc::read_image_info(bytes, options)) {
    (void)info;
  }
  auto image = sdc::decode_image(bytes, options);
  if (image) {
    // The result must be consistent, whatever the input.
    if (image->rgb.size() != static_cast<std::size_t>(image->width) * image->height * 3) {
      __builtin_trap();
    }
    auto gray = sdc::decode_gray_image(bytes, options);
    if (gray && (gray->width != image->width || gray->height != image->height ||
                 gray->pixels.size() != static_cast<std::size_t>(gray->width) * gray->height)) {
      __builtin_trap();
    }
    options.shrink_to_at_least = 64;
    options.orientation = sdc::ExifOrientation::ignore;
    (void)sdc::decode_image(bytes, options);
  }
  return 0;
}
