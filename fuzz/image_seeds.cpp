// Writes seed inputs for the two image fuzz targets, made with the project's
// own encoders so that nothing binary is committed:
//
//   fuzz_image_seeds OUT_DIR BARCODE_FILE...
//
// OUT_DIR/qr_image/     for qr_image_fuzz: each barcode's QR symbol as
//                       0x00, width - 8, gray pixels (read_qr), and as
//                       0x01 + PNG / JPEG file (read_qr_from_image_bytes);
// OUT_DIR/image_decode/ for image_decode_fuzz: small PNG, JPEG and
//                       grayscale JPEG files.
#include <cstdio>
#include <filesystem>
#include <string>

#include "sdc/barcode/barcode.h"
#include "sdc/util/file.h"
#include "sdc/image/image.h"

namespace {

namespace fs = std::filesystem;

sdc::RgbImage to_rgb(const sdc::GrayImage& g) {
  sdc::RgbImage rgb{g.width, g.height, {}};
  rgb.rgb.reserve(g.pixels.size() * 3);
  for (auto p : g.pixels) rgb.rgb.insert(rgb.rgb.end(), {p, p, p});
  return rgb;
}

bool write(const fs::path& path, const sdc::Bytes& prefix, const sdc::Bytes& body) {
  std::string data(prefix.begin(), prefix.end());
  data.append(body.begin(), body.end());
  auto r = sdc::write_file_atomic(path, data);
  if (!r) std::fprintf(stderr, "%s: %s\n", path.c_str(), r.error().message.c_str());
  return r.has_value();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR BARCODE_FILE...\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  std::error_code ec;
  fs::create_directories(out / "qr_image", ec);
  fs::create_directories(out / "image_decode", ec);
  bool ok = true;

  // A small gradient, the smallest images worth decoding.
  sdc::RgbImage gradient{24, 16, {}};
  for (int y = 0; y < gradient.height; ++y)
    for (int x = 0; x < gradient.width; ++x)
      gradient.rgb.insert(gradient.rgb.end(),
                          {static_cast<std::uint8_t>(x * 10), static_cast<std::uint8_t>(y * 15),
                           static_cast<std::uint8_t>(128)});
  if (auto png = sdc::encode_png(gradient))
    ok &= write(out / "image_decode/gradient.png", {}, *png);
  if (auto jpg = sdc::encode_jpeg(gradient, 80))
    ok &= write(out / "image_decode/gradient.jpg", {}, *jpg);
  if (auto gray = sdc::encode_gray_jpeg(sdc::to_gray(gradient), 60))
    ok &= write(out / "image_decode/gradient-gray.jpg", {}, *gray);

  int written = 0;
  for (int i = 2; i < argc && written < 3; ++i) {
    auto text = sdc::read_file(argv[i], 1 << 16);
    if (!text) continue;
    auto code = sdc::encode_qr(*text);
    if (!code) continue;
    const std::string stem = "qr" + std::to_string(written);
    const int module_px = written == 0 ? 2 : 1;
    sdc::GrayImage gray = sdc::qr_to_image(*code, module_px);
    if (gray.width > 256) continue;  // qr_image_fuzz reads widths of 8..256
    ok &= write(out / "qr_image" / (stem + "-pixels"),
                {0x00, static_cast<std::uint8_t>(gray.width - 8)}, gray.pixels);
    const sdc::RgbImage rgb = to_rgb(gray);
    if (auto png = sdc::encode_png(rgb)) {
      ok &= write(out / "qr_image" / (stem + "-file.png"), {0x01}, *png);
      if (written == 0) ok &= write(out / "image_decode" / (stem + ".png"), {}, *png);
    }
    if (auto jpg = sdc::encode_jpeg(rgb, 90)) {
      ok &= write(out / "qr_image" / (stem + "-file.jpg"), {0x01}, *jpg);
      if (written == 0) ok &= write(out / "image_decode" / (stem + ".jpg"), {}, *jpg);
    }
    ++written;
  }
  if (written == 0) {
    std::fprintf(stderr, "no barcode could be encoded as a QR seed\n");
    ok = false;
  }
  return ok ? 0 : 1;
}
