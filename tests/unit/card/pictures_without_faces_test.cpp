// No picture kept in the repository shows a photo of a person: every PNG and
// JPEG under docs/ (the screenshots, the specimen card) is searched for
// faces with the detector that checks portraits. The search is first shown
// to find a real face (Debian's libdlib19.1 example photo) at the smallest
// size a screenshot shows one: a card preview's portrait.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "card/face_detector.h"
#include "sdc/image/image.h"
#include "support/face_photos.h"

namespace sdc {
namespace {

namespace fs = std::filesystem;

// The detector's score a face must pass here. At twice their size, the real
// faces the console's screenshots once showed (the enrolled photo, the photo
// from the card's code, the card preview's portrait) score 1.5 to 1.9; shapes
// of the pages that the detector half takes for a face score at most 0.11.
constexpr double kFaceScore = 0.5;

std::size_t faces_over(const std::vector<card::FaceBox>& found) {
  return static_cast<std::size_t>(std::count_if(
      found.begin(), found.end(), [](const card::FaceBox& f) { return f.score >= kFaceScore; }));
}

// Faces in `image` as small as ~40 px across: the image is searched at twice
// its size, where the detector finds faces from ~80 px.
std::size_t faces_in(const GrayImage& image) {
  auto found =
      card::detect_faces(resize(image, image.width * 2, image.height * 2), card::Upsample::no);
  EXPECT_TRUE(found.has_value()) << (found ? "" : found.error().message);
  return found ? faces_over(*found) : 0;
}

// A 360 px wide page, white, with `face` pasted at (x, y).
GrayImage page_with(const GrayImage& face, int x, int y) {
  GrayImage page{360, 740, std::vector<std::uint8_t>(360u * 740u, 245)};
  for (int r = 0; r < face.height; ++r) {
    std::copy_n(&face.pixels[static_cast<std::size_t>(r) * face.width], face.width,
                &page.pixels[static_cast<std::size_t>(y + r) * page.width + x]);
  }
  return page;
}

TEST(PicturesWithoutFaces, TheSearchFindsAFaceAsSmallAsOnACardPreview) {
  const Bytes photo = test::face_photo("Tom_Cruise_avp_2014_4.jpg");
  auto gray = decode_gray_image(photo);
  ASSERT_TRUE(gray.has_value()) << gray.error().message;
  // On a card preview 330 px wide the portrait (23.6 of 85.6 mm) is ~91 px
  // wide; this photo's face is about half its width, as on the card.
  const int w = 91;
  const int h = gray->height * w / gray->width;
  const GrayImage small = resize(*gray, w, h);
  EXPECT_GE(faces_in(page_with(small, 30, 200)), 1u);
  // And nothing on the same page without it.
  EXPECT_EQ(faces_in(GrayImage{360, 740, std::vector<std::uint8_t>(360u * 740u, 245)}), 0u);
}

TEST(PicturesWithoutFaces, NoPictureInDocsShowsAFace) {
  std::vector<fs::path> pictures;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(SDC_SOURCE_DIR) / "docs")) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg"))
      pictures.push_back(e.path());
  }
  std::sort(pictures.begin(), pictures.end());
  ASSERT_GE(pictures.size(), 20u) << "the screenshots and the specimen are in docs/";

  // Two threads: the detector runs in parallel (face_detector.h).
  std::vector<std::string> with_faces(pictures.size());
  std::vector<std::string> unreadable(pictures.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < pictures.size(); i = next++) {
      auto gray = decode_gray_image(test::read_all(pictures[i]));
      if (!gray) {
        unreadable[i] = pictures[i].string() + ": " + gray.error().message;
        continue;
      }
      auto found =
          card::detect_faces(resize(*gray, gray->width * 2, gray->height * 2), card::Upsample::no);
      if (!found)
        unreadable[i] = pictures[i].string() + ": " + found.error().message;
      else if (faces_over(*found) > 0)
        with_faces[i] = pictures[i].string();
    }
  };
  std::thread other(work);
  work();
  other.join();
  for (std::size_t i = 0; i < pictures.size(); ++i) {
    EXPECT_TRUE(unreadable[i].empty()) << unreadable[i];
    EXPECT_TRUE(with_faces[i].empty()) << with_faces[i] << " shows a face";
  }
}

}  // namespace
}  // namespace sdc
