// Portrait intake on real faces: the example photos of the Debian package
// libdlib19.1 (installed with libdlib-dev), read in place and never copied.
// The other images are made here.
#include "sdc/card/portrait.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "sdc/crypto/crypto.h"
#include "sdc/image/image.h"
#include "support/face_photos.h"
#include "unit/image/image_samples.h"

namespace sdc {
namespace {

using test::face_photo;

const Bytes& one_face() {
  static const Bytes b = face_photo("Tom_Cruise_avp_2014_4.jpg");
  return b;
}
const RgbImage& one_face_image() {
  static const RgbImage img = decode_image(one_face()).value_or(RgbImage{});
  return img;
}

bool has_problem(const PortraitReport& r, const std::string& code) {
  return std::any_of(r.problems.begin(), r.problems.end(),
                     [&](const PortraitProblem& p) { return p.code == code; });
}

std::string codes(const PortraitReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.code + " ";
  return s;
}

RgbImage uniform(int w, int h, std::uint8_t v) {
  return RgbImage{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3, v)};
}

RgbImage rotate_anticlockwise(const RgbImage& in) {
  RgbImage out{in.height, in.width, std::vector<std::uint8_t>(in.rgb.size())};
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      const int sx = in.width - 1 - y;
      const int sy = x;
      std::copy_n(&in.rgb[(static_cast<std::size_t>(sy) * in.width + sx) * 3], 3,
                  &out.rgb[(static_cast<std::size_t>(y) * out.width + x) * 3]);
    }
  }
  return out;
}

TEST(PortraitCheck, AcceptsOneWellTakenFace) {
  auto r = check_portrait(one_face());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->accepted) << codes(*r);
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->image_width, 565);
  EXPECT_EQ(r->image_height, 800);
  EXPECT_EQ(r->faces_found, 1);
  ASSERT_TRUE(r->face && r->crop && r->measures);
  // The face box lies on the face: in the middle of the photo, over a third of its width.
  EXPECT_GT(r->face->width, 565 / 3);
  EXPECT_GT(r->face->left, 0);
  EXPECT_LT(r->face->left + r->face->width, 565);
  EXPECT_GT(r->face->top, 150);
  EXPECT_LT(r->face->top + r->face->height, 800);
}

TEST(PortraitNormalise, GivesAnIcaoCropAroundTheFace) {
  auto report = check_portrait(one_face());
  ASSERT_TRUE(report && report->face && report->crop);
  const PixelRect face = *report->face;
  const PixelRect crop = *report->crop;
  // The crop is 35:45 and contains the face box, centred on it, the face
  // box (eyebrows to chin) taking about half the height: the head, crown to
  // chin, 70-85%.
  EXPECT_NEAR(static_cast<double>(crop.width) / crop.height, 35.0 / 45.0, 0.01);
  EXPECT_LE(crop.left, face.left);
  EXPECT_LE(crop.top, face.top);
  EXPECT_GE(crop.left + crop.width, face.left + face.width);
  EXPECT_GE(crop.top + crop.height, face.top + face.height);
  const double centre_offset = (face.left + face.width / 2.0) - (crop.left + crop.width / 2.0);
  EXPECT_LT(std::abs(centre_offset), crop.width * 0.02);
  const double face_share = static_cast<double>(face.height) / crop.height;
  EXPECT_GT(face_share, 0.40);
  EXPECT_LT(face_share, 0.55);

  auto p = normalise_portrait(one_face());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->width, kPortraitWidth);
  EXPECT_EQ(p->height, kPortraitHeight);
  EXPECT_EQ(kPortraitWidth * 45, kPortraitHeight * 35);
  EXPECT_EQ(p->sha256, crypto::sha256(p->jpeg));
  auto img = decode_image(p->jpeg);
  ASSERT_TRUE(img) << img.error().message;
  EXPECT_EQ(img->width, kPortraitWidth);
  EXPECT_EQ(img->height, kPortraitHeight);
  // No metadata of the original travels: SOI, then the JFIF APP0 segment.
  ASSERT_GT(p->jpeg.size(), 4u);
  EXPECT_EQ(p->jpeg[2], 0xFF);
  EXPECT_EQ(p->jpeg[3], 0xE0);

  // The normalised portrait, checked again, still has its one face,
  // centred, large and sharp.
  auto again = check_portrait(p->jpeg);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->accepted) << codes(*again);
  ASSERT_TRUE(again->face);
  EXPECT_NEAR(again->face->left + again->face->width / 2.0, kPortraitWidth / 2.0,
              kPortraitWidth * 0.06);
  EXPECT_GT(again->face->height, kPortraitHeight * 0.35);
}

TEST(PortraitNormalise, ThumbnailFitsTheBarcodeAndDecodes) {
  auto p = normalise_portrait(one_face());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_LE(p->thumbnail.size(), kThumbnailMaxBytes);
  EXPECT_GT(p->thumbnail.size(), 200u);  // not a blank: the face takes bytes
  auto info = read_image_info(p->thumbnail);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::jpeg);
  auto t = decode_image(p->thumbnail);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_GE(t->width, 35);
  EXPECT_NEAR(static_cast<double>(t->width) / t->height, 35.0 / 45.0, 0.03);
  // Grayscale, with real contrast in it.
  int lo = 255, hi = 0;
  for (std::size_t i = 0; i < t->rgb.size(); i += 3) {
    EXPECT_EQ(t->rgb[i], t->rgb[i + 1]);
    EXPECT_EQ(t->rgb[i], t->rgb[i + 2]);
    lo = std::min<int>(lo, t->rgb[i]);
    hi = std::max<int>(hi, t->rgb[i]);
  }
  EXPECT_GT(hi - lo, 150);
}

TEST(PortraitIntake, GivesTheReportAndTheNormalisedPortraitInOneAnalysis) {
  auto in = intake_portrait(one_face());
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_TRUE(in->report.accepted);
  ASSERT_TRUE(in->portrait);
  auto normal = normalise_portrait(one_face());
  ASSERT_TRUE(normal);
  EXPECT_EQ(in->portrait->jpeg, normal->jpeg) << "the same portrait as normalise_portrait";
  EXPECT_EQ(in->report.face->width, check_portrait(one_face())->face->width);

  auto dogs = intake_portrait(face_photo("dogs.jpg"));
  ASSERT_TRUE(dogs);
  EXPECT_FALSE(dogs->report.accepted);
  EXPECT_TRUE(has_problem(dogs->report, "no_face")) << codes(dogs->report);
  EXPECT_FALSE(dogs->portrait);
  EXPECT_FALSE(intake_portrait(as_bytes(std::string_view("not an image"))));
}

TEST(PortraitThumbnail, ShrinksToFitAndSaysWhenItCannot) {
  auto img = decode_image(normalise_portrait(one_face()).value().jpeg).value();
  for (std::size_t budget : {500u, 350u, 250u}) {
    auto t = make_thumbnail(img, budget);
    ASSERT_TRUE(t) << budget << ": " << t.error().message;
    EXPECT_LE(t->size(), budget);
    EXPECT_TRUE(decode_image(*t));
  }
  auto none = make_thumbnail(img, 40);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::limit);
  EXPECT_EQ(make_thumbnail(RgbImage{}).error().code, Errc::invalid_argument);
}

TEST(PortraitCheck, RefusesSeveralFaces) {
  const Bytes photo = face_photo("bald_guys.jpg");
  auto r = check_portrait(photo);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "several_faces")) << codes(*r);
  EXPECT_GT(r->faces_found, 1);

  auto p = normalise_portrait(photo);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::invalid_argument);
  EXPECT_NE(p.error().message.find("More than one face"), std::string::npos) << p.error().message;
}

TEST(PortraitCheck, RefusesAPhotoWithoutFace) {
  auto r = check_portrait(face_photo("dogs.jpg"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "no_face")) << codes(*r);
  EXPECT_EQ(r->faces_found, 0);
  EXPECT_FALSE(r->face);
}

TEST(PortraitCheck, RefusesABlankImage) {
  for (std::uint8_t level : {std::uint8_t{128}, std::uint8_t{255}}) {
    auto r = check_portrait(encode_png(uniform(600, 800, level)).value());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->accepted);
    EXPECT_TRUE(has_problem(*r, "no_face")) << codes(*r);
    // A white page is also reported as washed out: the person can act on both.
    EXPECT_EQ(has_problem(*r, "washed_out"), level == 255) << codes(*r);
  }
}

TEST(PortraitCheck, RefusesATinyImage) {
  auto tiny = resize(one_face_image(), 120, 170);
  auto r = check_portrait(encode_jpeg(tiny).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  ASSERT_EQ(r->problems.size(), 1u) << codes(*r);
  EXPECT_EQ(r->problems[0].code, "image_too_small");
  EXPECT_NE(r->problems[0].message.find("120 x 170"), std::string::npos);
}

TEST(PortraitCheck, RefusesADarkPhoto) {
  RgbImage dark = one_face_image();
  for (auto& v : dark.rgb) v = static_cast<std::uint8_t>(v / 5);
  auto r = check_portrait(encode_jpeg(dark).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "too_dark")) << codes(*r);
  EXPECT_FALSE(has_problem(*r, "too_blurred")) << "sharpness must not depend on exposure";
}

TEST(PortraitCheck, RefusesAWashedOutPhoto) {
  RgbImage bright = one_face_image();
  for (auto& v : bright.rgb) v = static_cast<std::uint8_t>(std::min(255, v * 2));
  auto r = check_portrait(encode_jpeg(bright).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "washed_out")) << codes(*r);
}

TEST(PortraitCheck, RefusesABlurredPhoto) {
  // Shrunk to 1/8 and enlarged back: the face is still found, but soft.
  const RgbImage& img = one_face_image();
  const RgbImage blurred =
      resize(resize(img, img.width / 8, img.height / 8), img.width, img.height);
  auto r = check_portrait(encode_jpeg(blurred).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "too_blurred")) << codes(*r);
  EXPECT_FALSE(has_problem(*r, "no_face"));
}

TEST(PortraitCheck, RefusesAFaceTooSmall) {
  // The photo pasted small into a large grey canvas.
  const RgbImage small = resize(one_face_image(), 113, 160);
  RgbImage canvas = uniform(900, 700, 120);
  for (int y = 0; y < small.height; ++y) {
    std::copy_n(&small.rgb[static_cast<std::size_t>(y) * small.width * 3], small.width * 3,
                &canvas.rgb[(static_cast<std::size_t>(y + 300) * canvas.width + 400) * 3]);
  }
  auto r = check_portrait(encode_png(canvas).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "face_too_small")) << codes(*r);
  ASSERT_TRUE(r->face);
  EXPECT_GT(r->face->left, 400);
  EXPECT_GT(r->face->top, 300);
}

TEST(PortraitCheck, RefusesAHeadCutByTheTopEdge) {
  // Cut just above the eyebrows: the face is whole, the head is not.
  const RgbImage cut = crop(one_face_image(), 0, 230, 565, 570);
  auto r = check_portrait(encode_jpeg(cut).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->accepted);
  EXPECT_TRUE(has_problem(*r, "face_off_centre")) << codes(*r);
  EXPECT_FALSE(has_problem(*r, "no_face"));
  for (const auto& p : r->problems) {
    if (p.code == "face_off_centre") {
      EXPECT_NE(p.message.find("top"), std::string::npos) << p.message;
    }
  }
}

TEST(PortraitCheck, NotAnImageIsAParseError) {
  for (const Bytes& bad : {Bytes{}, Bytes{'h', 'e', 'l', 'l', 'o'}, Bytes{0xFF, 0xD8, 0xFF},
                           Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0}}) {
    auto r = check_portrait(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::parse) << r.error().message;
    auto p = normalise_portrait(bad);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, Errc::parse);
  }
}

TEST(PortraitCheck, TruncatedJpegIsAParseError) {
  Bytes cut(one_face().begin(), one_face().begin() + one_face().size() / 2);
  auto r = check_portrait(cut);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::parse) << r.error().message;
}

TEST(PortraitCheck, RefusesHugeImagesBeforeDecoding) {
  // A real JPEG whose header claims 12000 x 9000 (108 megapixels).
  Bytes jpeg = encode_jpeg(uniform(64, 48, 90)).value();
  bool patched = false;
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: len(2) precision(1) height(2) width(2)
      jpeg[i + 5] = 9000 >> 8;
      jpeg[i + 6] = 9000 & 0xFF;
      jpeg[i + 7] = 12000 >> 8;
      jpeg[i + 8] = 12000 & 0xFF;
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  auto r = check_portrait(jpeg);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit) << r.error().message;

  Bytes big(21u << 20, 0);
  big[0] = 0xFF;
  big[1] = 0xD8;
  big[2] = 0xFF;
  auto b = check_portrait(big);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Errc::limit);
}

TEST(PortraitCheck, AcceptsPng) {
  auto r = check_portrait(encode_png(one_face_image()).value());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->accepted) << codes(*r);
}

TEST(PortraitExif, AppliesOrientationSoThePhotoIsUpright) {
  // Stored on its side, with the tag telling viewers to turn it clockwise.
  const RgbImage sideways = rotate_anticlockwise(one_face_image());
  const Bytes jpeg = test::with_segment_after_soi(encode_jpeg(sideways, 95).value(),
                                                  test::exif_orientation_segment(6));
  auto info = read_image_info(jpeg);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->exif_orientation, 6);
  EXPECT_EQ(info->width, 565);
  EXPECT_EQ(info->height, 800);
  auto img = decode_image(jpeg);
  ASSERT_TRUE(img) << img.error().message;
  ASSERT_EQ(img->width, 565);
  ASSERT_EQ(img->height, 800);
  // Same picture as the original, up to JPEG loss.
  double diff = 0;
  for (std::size_t i = 0; i < img->rgb.size(); ++i) {
    diff += std::abs(int{img->rgb[i]} - int{one_face_image().rgb[i]});
  }
  EXPECT_LT(diff / static_cast<double>(img->rgb.size()), 4.0);
  auto r = check_portrait(jpeg);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->accepted) << codes(*r);
}

TEST(PortraitSpecimen, SilhouettePassesWithoutFaceDetection) {
  const Bytes jpeg = make_specimen_silhouette_jpeg();
  EXPECT_EQ(jpeg, make_specimen_silhouette_jpeg()) << "must be deterministic";
  auto info = read_image_info(jpeg);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width * 45, info->height * 35);

  auto p = normalise_portrait(jpeg, PortraitOptions{.require_face = false});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->width, kPortraitWidth);
  EXPECT_EQ(p->height, kPortraitHeight);
  EXPECT_EQ(p->sha256, crypto::sha256(p->jpeg));
  EXPECT_LE(p->thumbnail.size(), kThumbnailMaxBytes);

  const Portrait s = specimen_portrait();
  EXPECT_EQ(s.width, kPortraitWidth);
  EXPECT_EQ(s.sha256, crypto::sha256(s.jpeg));
  EXPECT_TRUE(decode_image(s.jpeg));
  EXPECT_TRUE(decode_image(s.thumbnail));
  EXPECT_LE(s.thumbnail.size(), kThumbnailMaxBytes);

  // A drawing has no face: with detection, it is refused.
  auto r = check_portrait(jpeg);
  ASSERT_TRUE(r);
  EXPECT_TRUE(has_problem(*r, "no_face")) << codes(*r);
}

TEST(PortraitCheck, ThreadsGetTheSameAnswer) {
  auto expected = check_portrait(one_face());
  ASSERT_TRUE(expected && expected->face);
  std::atomic<int> same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      auto r = check_portrait(one_face());
      if (r && r->accepted && r->face && r->face->left == expected->face->left &&
          r->face->width == expected->face->width) {
        ++same;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 3);
}

}  // namespace
}  // namespace sdc
