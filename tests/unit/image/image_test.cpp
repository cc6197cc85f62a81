// The image module: JPEG and PNG decoding (EXIF orientation, limits checked
// from the header, CMYK, transparency, luminance), encoding and the pixel
// operations.
#include "sdc/image/image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "unit/image/image_samples.h"

namespace sdc {
namespace {

RgbImage uniform(int w, int h, std::uint8_t v) {
  return RgbImage{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3, v)};
}

// A w x h image whose pixels all differ, so that any misplaced one shows.
RgbImage gradient(int w, int h) {
  RgbImage img = uniform(w, h, 0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = &img.rgb[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = static_cast<std::uint8_t>(x * 255 / std::max(1, w - 1));
      p[1] = static_cast<std::uint8_t>(y * 255 / std::max(1, h - 1));
      p[2] = static_cast<std::uint8_t>((x + y) % 256);
    }
  }
  return img;
}

TEST(ImageExif, EveryOrientationGivesTheSameUprightImage) {
  // A 3x2 image; each orientation stored as its inverse transform.
  RgbImage up = uniform(3, 2, 0);
  for (std::size_t i = 0; i < up.rgb.size(); ++i) up.rgb[i] = static_cast<std::uint8_t>(i * 13);
  const auto at = [](const RgbImage& im, int x, int y) {
    return im.rgb[(static_cast<std::size_t>(y) * im.width + x) * 3];
  };
  for (std::uint8_t o = 1; o <= 8; ++o) {
    const bool swap = o >= 5;
    RgbImage stored = uniform(swap ? 2 : 3, swap ? 3 : 2, 0);
    // Fill `stored` so that applying orientation `o` gives `up`.
    for (int y = 0; y < up.height; ++y) {
      for (int x = 0; x < up.width; ++x) {
        int sx = x, sy = y;
        const int w = stored.width, h = stored.height;
        switch (o) {
          case 2:
            sx = w - 1 - x;
            break;
          case 3:
            sx = w - 1 - x;
            sy = h - 1 - y;
            break;
          case 4:
            sy = h - 1 - y;
            break;
          case 5:
            sx = y;
            sy = x;
            break;
          case 6:
            sx = y;
            sy = h - 1 - x;
            break;
          case 7:
            sx = w - 1 - y;
            sy = h - 1 - x;
            break;
          case 8:
            sx = w - 1 - y;
            sy = x;
            break;
          default:
            break;
        }
        for (int c = 0; c < 3; ++c) {
          stored.rgb[(static_cast<std::size_t>(sy) * w + sx) * 3 + c] =
              up.rgb[(static_cast<std::size_t>(y) * up.width + x) * 3 + c];
        }
      }
    }
    // Lossless enough: each pixel blown up to a flat 16x16 block.
    const RgbImage big = resize(stored, stored.width * 16, stored.height * 16);
    RgbImage blocky = uniform(big.width, big.height, 0);
    for (int y = 0; y < big.height; ++y) {
      for (int x = 0; x < big.width; ++x) {
        for (int c = 0; c < 3; ++c) {
          blocky.rgb[(static_cast<std::size_t>(y) * big.width + x) * 3 + c] =
              stored.rgb[(static_cast<std::size_t>(y / 16) * stored.width + x / 16) * 3 + c];
        }
      }
    }
    const Bytes jpeg = test::with_segment_after_soi(encode_jpeg(blocky, 100).value(),
                                                    test::exif_orientation_segment(o));
    auto img = decode_image(jpeg);
    ASSERT_TRUE(img) << int{o};
    ASSERT_EQ(img->width, 48) << int{o};
    ASSERT_EQ(img->height, 32) << int{o};
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 3; ++x) {
        EXPECT_NEAR(at(*img, x * 16 + 8, y * 16 + 8), at(up, x, y), 3)
            << "orientation " << int{o} << " at " << x << "," << y;
      }
    }
  }
}

TEST(ImageExif, MalformedExifIsIgnored) {
  const Bytes base = encode_jpeg(uniform(32, 24, 100)).value();
  std::vector<Bytes> segments;
  Bytes seg = test::exif_orientation_segment(6);
  // IFD offset far past the end.
  Bytes far = seg;
  far[4 + 6 + 4] = 0x7F;
  segments.push_back(far);
  // Entry count larger than the segment, the Orientation tag not among those present.
  Bytes many = seg;
  many[4 + 6 + 8] = 0xFF;
  many[4 + 6 + 11] = 0x10;
  segments.push_back(many);
  // Orientation out of range, wrong type.
  Bytes big_value = seg;
  big_value[4 + 6 + 19] = 77;
  segments.push_back(big_value);
  Bytes wrong_type = seg;
  wrong_type[4 + 6 + 13] = 4;
  segments.push_back(wrong_type);
  // Cut short at every length before the end of the Orientation entry.
  for (std::size_t n = 4; n < 4 + 6 + 22; ++n) {
    Bytes cut(seg.begin(), seg.begin() + static_cast<std::ptrdiff_t>(n));
    cut[2] = 0;
    cut[3] = static_cast<std::uint8_t>(n - 2);
    segments.push_back(cut);
  }
  for (const Bytes& s : segments) {
    auto img = decode_image(test::with_segment_after_soi(base, s));
    ASSERT_TRUE(img) << img.error().message;
    EXPECT_EQ(img->width, 32);
    EXPECT_EQ(img->height, 24);
  }
}

TEST(ImageExif, IgnoredOrientationGivesThePixelsAsStored) {
  const Bytes jpeg = test::with_segment_after_soi(encode_jpeg(uniform(40, 16, 90)).value(),
                                                  test::exif_orientation_segment(6));
  DecodeOptions options;
  options.orientation = ExifOrientation::ignore;
  auto stored = decode_image(jpeg, options);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->width, 40);
  EXPECT_EQ(stored->height, 16);
  auto info = read_image_info(jpeg, options);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->exif_orientation, 6);
  EXPECT_EQ(info->width, 40);

  auto upright = decode_gray_image(jpeg);
  ASSERT_TRUE(upright) << upright.error().message;
  EXPECT_EQ(upright->width, 16);
  EXPECT_EQ(upright->height, 40);
}

TEST(ImageDecode, CmykJpegIsDecodedToRgbAndGray) {
  // Adobe CMYK stores 255 for no ink: no cyan, full magenta and yellow is red.
  const Bytes red = test::uniform_cmyk_jpeg(16, 8, {255, 0, 0, 255});
  auto info = read_image_info(red);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_TRUE(info->cmyk);
  auto rgb = decode_image(red);
  ASSERT_TRUE(rgb) << rgb.error().message;
  ASSERT_EQ(rgb->width, 16);
  ASSERT_EQ(rgb->height, 8);
  EXPECT_NEAR(rgb->rgb[0], 255, 3);
  EXPECT_NEAR(rgb->rgb[1], 0, 3);
  EXPECT_NEAR(rgb->rgb[2], 0, 3);
  auto gray = decode_gray_image(red);
  ASSERT_TRUE(gray) << gray.error().message;
  ASSERT_EQ(gray->pixels.size(), 16u * 8u);
  EXPECT_NEAR(gray->pixels[0], 76, 3);  // BT.601 luma of pure red

  EXPECT_FALSE(read_image_info(encode_jpeg(uniform(8, 8, 50)).value())->cmyk);
}

TEST(ImageDecode, PngTransparencyIsCompositedOntoWhite) {
  // Left pixel: transparent black; right: opaque black.
  const Bytes png = test::rgba_png(2, 1, {0, 0, 0, 0, 0, 0, 0, 255});
  auto rgb = decode_image(png);
  ASSERT_TRUE(rgb) << rgb.error().message;
  EXPECT_EQ(rgb->rgb, (std::vector<std::uint8_t>{255, 255, 255, 0, 0, 0}));
  auto gray = decode_gray_image(png);
  ASSERT_TRUE(gray) << gray.error().message;
  EXPECT_EQ(gray->pixels, (std::vector<std::uint8_t>{255, 0}));
}

TEST(ImageDecode, GrayDecodingOfJpegIsItsLuma) {
  // The JPEG's own Y channel: to_gray of its colour decoding, up to rounding.
  const RgbImage img = gradient(37, 23);
  const Bytes jpeg = encode_jpeg(img, 95).value();
  auto rgb = decode_image(jpeg);
  auto gray = decode_gray_image(jpeg);
  ASSERT_TRUE(rgb && gray);
  const GrayImage expected = to_gray(*rgb);
  ASSERT_EQ(gray->width, 37);
  ASSERT_EQ(gray->height, 23);
  ASSERT_EQ(gray->pixels.size(), expected.pixels.size());
  for (std::size_t i = 0; i < expected.pixels.size(); ++i) {
    ASSERT_NEAR(gray->pixels[i], expected.pixels[i], 2) << "pixel " << i;
  }
}

TEST(ImageDecode, GrayDecodingOfPngKeepsGrayPixels) {
  RgbImage img = uniform(16, 3, 0);
  for (std::size_t i = 0; i < img.rgb.size(); ++i) {
    img.rgb[i] = static_cast<std::uint8_t>(i / 3 * 5);
  }
  auto gray = decode_gray_image(encode_png(img).value());
  ASSERT_TRUE(gray) << gray.error().message;
  ASSERT_EQ(gray->width, 16);
  ASSERT_EQ(gray->height, 3);
  for (std::size_t i = 0; i < gray->pixels.size(); ++i) {
    EXPECT_EQ(gray->pixels[i], img.rgb[i * 3]) << "pixel " << i;
  }
}

TEST(ImageDecode, HeaderPastTheLimitsIsRefusedBeforeDecoding) {
  // Small files whose headers announce 8000 x 8000 (64 megapixels): the data
  // behind the header could not fill that, so a limit error (not a parse
  // error) shows the header was checked before any decoding.
  const Bytes jpeg = test::with_jpeg_size(encode_jpeg(uniform(64, 48, 90)).value(), 8000, 8000);
  const Bytes png = test::with_png_size(encode_png(uniform(64, 48, 90)).value(), 8000, 8000);
  ASSERT_FALSE(jpeg.empty());
  ASSERT_FALSE(png.empty());
  DecodeOptions options;
  options.max_pixels = 60'000'000;
  for (const Bytes& file : {jpeg, png}) {
    auto info = read_image_info(file, options);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, Errc::limit) << info.error().message;
    auto rgb = decode_image(file, options);
    ASSERT_FALSE(rgb);
    EXPECT_EQ(rgb.error().code, Errc::limit) << rgb.error().message;
    auto gray = decode_gray_image(file, options);
    ASSERT_FALSE(gray);
    EXPECT_EQ(gray.error().code, Errc::limit) << gray.error().message;
  }
  // Within the limits the same headers pass, and the data is what fails.
  options.max_pixels = 100'000'000;
  EXPECT_TRUE(read_image_info(png, options));
  auto broken = decode_gray_image(png, options);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, Errc::parse);

  options.max_file_bytes = jpeg.size() - 1;
  auto too_big = decode_image(jpeg, options);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, Errc::limit);
}

TEST(ImageTransform, PngRoundTripAndCropFill) {
  RgbImage img = uniform(5, 4, 0);
  for (std::size_t i = 0; i < img.rgb.size(); ++i) img.rgb[i] = static_cast<std::uint8_t>(i * 7);
  auto back = decode_image(encode_png(img).value());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rgb, img.rgb);

  const RgbImage c = crop(img, -1, -1, 3, 3, std::array<std::uint8_t, 3>{1, 2, 3});
  EXPECT_EQ(c.rgb[0], 1);
  EXPECT_EQ(c.rgb[2], 3);
  EXPECT_EQ(c.rgb[(1 * 3 + 1) * 3], img.rgb[0]);
  const RgbImage e = crop(img, -2, 0, 2, 1);  // edge replicated
  EXPECT_EQ(e.rgb[0], img.rgb[0]);

  const RgbImage half = resize(uniform(40, 30, 77), 20, 15);
  EXPECT_EQ(half.width, 20);
  EXPECT_TRUE(std::all_of(half.rgb.begin(), half.rgb.end(), [](auto v) { return v == 77; }));
  EXPECT_EQ(to_gray(uniform(2, 2, 200)).pixels, std::vector<std::uint8_t>(4, 200));
  EXPECT_EQ(encode_jpeg(RgbImage{}).error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace sdc
