// QR decoding with zxing-cpp 1.4.
#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sdc/barcode/barcode.h"

namespace sdc {
namespace {

// Area-averaging resample along one axis: `n` source samples of `stride`
// apart become `m` (< n) samples.
std::vector<float> shrink_axis(const std::vector<float>& in, int lines, int n, int m, bool rows) {
  const int w_in = rows ? n : lines, w_out = rows ? m : lines;
  std::vector<float> out(static_cast<std::size_t>(lines) * static_cast<std::size_t>(m));
  const double scale = static_cast<double>(n) / m;
  for (int j = 0; j < m; ++j) {
    const double a = j * scale, b = (j + 1) * scale;
    for (int l = 0; l < lines; ++l) {
      double sum = 0;
      for (int i = static_cast<int>(a); i < std::min(n, static_cast<int>(std::ceil(b))); ++i) {
        const double weight = std::min<double>(i + 1, b) - std::max<double>(i, a);
        const std::size_t at =
            rows ? static_cast<std::size_t>(l) * w_in + i : static_cast<std::size_t>(i) * w_in + l;
        sum += weight * in[at];
      }
      const std::size_t to =
          rows ? static_cast<std::size_t>(l) * w_out + j : static_cast<std::size_t>(j) * w_out + l;
      out[to] = static_cast<float>(sum / scale);
    }
  }
  return out;
}

GrayImage shrink(const GrayImage& image, double factor) {
  const int w = std::max(1, static_cast<int>(image.width * factor));
  const int h = std::max(1, static_cast<int>(image.height * factor));
  std::vector<float> px(image.pixels.begin(), image.pixels.end());
  px = shrink_axis(px, image.height, image.width, w, true);  // h rows of w
  px = shrink_axis(px, w, image.height, h, false);           // h rows of w
  GrayImage out;
  out.width = w;
  out.height = h;
  out.pixels.resize(px.size());
  std::transform(px.begin(), px.end(), out.pixels.begin(), [](float v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
  });
  return out;
}

ZXing::Result decode(const GrayImage& image) {
  const ZXing::ImageView view(image.pixels.data(), image.width, image.height,
                              ZXing::ImageFormat::Lum);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  return ZXing::ReadBarcode(view, hints);
}

}  // namespace

Result<std::string> read_qr(const GrayImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() !=
          static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height)) {
    return fail(Errc::invalid_argument, "image size does not match its pixel count");
  }
  try {
    ZXing::Result result = decode(image);
    // zxing-cpp 1.4 misreads some large symbols whose modules are a
    // fraction over 3.5 pixels (a version-24 code rendered at 300 dpi); the
    // same image shrunk to three quarters reads. Tried only after a miss.
    if (!result.isValid() && image.width >= 64 && image.height >= 64) {
      result = decode(shrink(image, 0.75));
    }
    if (!result.isValid()) return fail(Errc::not_found, "no readable QR code in the image");
    return result.text();
  } catch (const std::exception& e) {
    // zxing-cpp reports through Result, but an allocation can still throw.
    return fail(Errc::internal, std::string("QR decoder failed: ") + e.what());
  }
}

}  // namespace sdc
