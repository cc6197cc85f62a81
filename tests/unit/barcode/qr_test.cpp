// QR encoding (zint) against decoding (zxing-cpp): round trips of SDC1: text,
// the mode and size zint picks, and the image-file readers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "sdc/barcode/barcode.h"
#include "sdc/util/bytes.h"
#include "sdc/image/image.h"
#include "unit/image/image_samples.h"

namespace sdc {
namespace {

// Deterministic bytes: Base45 of them is text in the QR alphanumeric set.
std::string sdc1_text(std::size_t payload_bytes, std::uint32_t seed = 1) {
  Bytes b;
  for (std::size_t i = 0; i < payload_bytes; ++i) {
    seed = seed * 1664525u + 1013904223u;
    b.push_back(static_cast<std::uint8_t>(seed >> 24));
  }
  return "SDC1:" + base45_encode(b);
}

RgbImage to_rgb(const GrayImage& g) {
  RgbImage rgb;
  rgb.width = g.width;
  rgb.height = g.height;
  rgb.rgb.reserve(g.pixels.size() * 3);
  for (const std::uint8_t v : g.pixels) rgb.rgb.insert(rgb.rgb.end(), {v, v, v});
  return rgb;
}

GrayImage rotate90(const GrayImage& in) {
  GrayImage out;
  out.width = in.height;
  out.height = in.width;
  out.pixels.resize(in.pixels.size());
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      out.pixels[static_cast<std::size_t>(x * out.width + (in.height - 1 - y))] =
          in.pixels[static_cast<std::size_t>(y * in.width + x)];
    }
  }
  return out;
}

TEST(QrTest, RoundTripOfSdc1TextOf400Characters) {
  const std::string text = sdc1_text(263);
  ASSERT_GE(text.size(), 395u);
  ASSERT_LE(text.size(), 405u);
  auto code = encode_qr(text);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code->size, 17 + 4 * code->version);
  EXPECT_EQ(code->modules.size(), static_cast<std::size_t>(code->size * code->size));

  auto decoded = read_qr(qr_to_image(*code, 4));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, text);
}

TEST(QrTest, AlphanumericTextGetsTheSmallSymbolOfAlphanumericMode) {
  // 400 alphanumeric characters fit version 12 at level M (capacity 412);
  // in byte mode they would need version 15.
  const std::string text = sdc1_text(263);
  auto code = encode_qr(text, QrErrorCorrection::medium);
  ASSERT_TRUE(code);
  EXPECT_LE(code->version, 12);
}

TEST(QrTest, HigherCorrectionLevelsGiveLargerSymbolsThatStillDecode) {
  const std::string text = sdc1_text(200, 7);
  int last = 0;
  for (const auto ecc :
       {QrErrorCorrection::medium, QrErrorCorrection::quartile, QrErrorCorrection::high}) {
    auto code = encode_qr(text, ecc);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_GT(code->version, last);
    last = code->version;
    auto decoded = read_qr(qr_to_image(*code, 3));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, text);
  }
}

TEST(QrTest, QuietZoneIsLight) {
  auto code = encode_qr("SDC1:HELLO");
  ASSERT_TRUE(code);
  const GrayImage img = qr_to_image(*code, 2);
  EXPECT_EQ(img.width, (code->size + 2 * kQrQuietZone) * 2);
  for (int i = 0; i < kQrQuietZone * 2; ++i) {
    for (int x = 0; x < img.width; ++x) {
      EXPECT_EQ(img.pixels[static_cast<std::size_t>(i * img.width + x)], 255);
    }
  }
  // The top-left finder pattern starts right after the quiet zone.
  const int q = kQrQuietZone * 2;
  EXPECT_EQ(img.pixels[static_cast<std::size_t>(q * img.width + q)], 0);
}

TEST(QrTest, DecodesWhenTurnedAQuarter) {
  const std::string text = sdc1_text(120, 3);
  auto code = encode_qr(text);
  ASSERT_TRUE(code);
  auto decoded = read_qr(rotate90(qr_to_image(*code, 3)));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, text);
}

TEST(QrTest, RefusesEmptyAndOversizedText) {
  auto empty = encode_qr("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
  auto big = encode_qr(std::string(5000, 'A'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::limit);
}

TEST(QrTest, ReadQrReportsBadImagesAndImagesWithoutCodes) {
  GrayImage bad;
  bad.width = 10;
  bad.height = 10;
  bad.pixels.resize(50);
  auto r = read_qr(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);

  GrayImage blank;
  blank.width = 200;
  blank.height = 100;
  blank.pixels.assign(200 * 100, 255);
  auto none = read_qr(blank);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
}

TEST(QrTest, ReadsPngAndJpegFiles) {
  const std::string text = sdc1_text(150, 11);
  auto code = encode_qr(text);
  ASSERT_TRUE(code);
  const RgbImage rgb = to_rgb(qr_to_image(*code, 5));
  auto png = encode_png(rgb);
  auto jpeg = encode_jpeg(rgb, 70);
  ASSERT_TRUE(png && jpeg);

  auto from_png = read_qr_from_image_bytes(*png);
  ASSERT_TRUE(from_png) << from_png.error().message;
  EXPECT_EQ(*from_png, text);
  auto from_jpeg = read_qr_from_image_bytes(*jpeg);
  ASSERT_TRUE(from_jpeg) << from_jpeg.error().message;
  EXPECT_EQ(*from_jpeg, text);

  const auto path =
      std::filesystem::temp_directory_path() /
      ("sdc_qr_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".jpg");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg->data()),
              static_cast<std::streamsize>(jpeg->size()));
  }
  auto from_file = read_qr_from_image_file(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(*from_file, text);
}

TEST(QrTest, ImageReadersRefuseOtherBytes) {
  const std::string junk = "GIF89a not an image we read";
  auto r = read_qr_from_image_bytes(as_bytes(junk));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::parse);

  // A PNG signature followed by garbage, and a truncated JPEG.
  Bytes png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  EXPECT_FALSE(read_qr_from_image_bytes(png));
  Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'};
  auto j = read_qr_from_image_bytes(jpeg);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::parse);

  auto missing = read_qr_from_image_file("/nonexistent/sdc/qr.png");
  EXPECT_FALSE(missing);
}

TEST(QrTest, ReadsCmykJpegAndTransparentPng) {
  const std::string text = sdc1_text(120, 5);
  auto code = encode_qr(text);
  ASSERT_TRUE(code);
  const GrayImage g = qr_to_image(*code, 6);
  // Adobe CMYK with K carrying the modules (255 is no ink); a PNG whose
  // light modules are transparent black, which reads as white.
  std::vector<std::uint8_t> cmyk, rgba;
  for (const std::uint8_t v : g.pixels) {
    cmyk.insert(cmyk.end(), {255, 255, 255, v});
    rgba.insert(rgba.end(), {0, 0, 0, static_cast<std::uint8_t>(255 - v)});
  }
  auto from_cmyk = read_qr_from_image_bytes(test::cmyk_jpeg(g.width, g.height, cmyk));
  ASSERT_TRUE(from_cmyk) << from_cmyk.error().message;
  EXPECT_EQ(*from_cmyk, text);
  auto from_png = read_qr_from_image_bytes(test::rgba_png(g.width, g.height, rgba));
  ASSERT_TRUE(from_png) << from_png.error().message;
  EXPECT_EQ(*from_png, text);
}

TEST(QrTest, ImageReadersHonourTheDecodeLimits) {
  const std::string text = sdc1_text(60, 3);
  auto code = encode_qr(text);
  ASSERT_TRUE(code);
  const RgbImage rgb = to_rgb(qr_to_image(*code, 4));
  // Headers announcing 8000 x 8000 (64 megapixels, over kQrImageLimits'
  // 60) in files of a few kilobytes: refused from the header, with
  // Errc::limit, not left to fail in decoding with Errc::parse.
  const Bytes jpeg = test::with_jpeg_size(encode_jpeg(rgb).value(), 8000, 8000);
  const Bytes png = test::with_png_size(encode_png(rgb).value(), 8000, 8000);
  ASSERT_FALSE(jpeg.empty());
  ASSERT_FALSE(png.empty());
  ASSERT_GT(std::int64_t{8000} * 8000, kQrImageLimits.max_pixels);
  for (const Bytes& file : {jpeg, png}) {
    auto r = read_qr_from_image_bytes(file);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::limit) << r.error().message;
  }
  // Wider than a side may be, though few pixels in all.
  auto wide = read_qr_from_image_bytes(test::with_png_size(encode_png(rgb).value(), 30'001, 1));
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().code, Errc::limit) << wide.error().message;

  // The limits a caller gives are the ones applied: the readable symbol
  // itself is refused under a smaller pixel count or file size.
  const Bytes good = encode_png(rgb).value();
  ASSERT_TRUE(read_qr_from_image_bytes(good));
  DecodeOptions small = kQrImageLimits;
  small.max_pixels = std::int64_t{rgb.width} * rgb.height - 1;
  auto few = read_qr_from_image_bytes(good, small);
  ASSERT_FALSE(few);
  EXPECT_EQ(few.error().code, Errc::limit);
  small = kQrImageLimits;
  small.max_file_bytes = good.size() - 1;
  auto short_file = read_qr_from_image_bytes(good, small);
  ASSERT_FALSE(short_file);
  EXPECT_EQ(short_file.error().code, Errc::limit);
}

}  // namespace
}  // namespace sdc
