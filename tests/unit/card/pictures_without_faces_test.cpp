// No picture kept in the repository shows a photo of a person: every PNG and
// JPEG under docs/ (the screenshots, the specimen card) is searched for
// faces with the detector that checks portraits. The search is first shown
// to find a real face (Debian's libdlib19.1 example photo) at the smallest
// size a screenshot showed one: a card preview's portrait.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "card/face_detector.h"
#include "sdc/image/image.h"
#include "support/face_photos.h"

namespace sdc {
namespace {

namespace fs = std::filesystem;

// The detector's score a face must reach here. Searched as below, the real
// faces the console's screenshots once showed (the enrolled photo, the photo
// from the card's code, the card preview's portrait) score 1.47 to 2.06;
// shapes of the pages that the detector half takes for a face stay under 0.3.
constexpr double kFaceScore = 0.8;

// How many faces `image` shows, as small as ~55 px across: the image is
// searched at 1.5 times its size, where the detector finds faces from ~80 px.
// An error if the detector fails.
Result<std::size_t> faces_in(const GrayImage& image) {
  auto found = card::detect_faces(resize(image, image.width * 3 / 2, image.height * 3 / 2),
                                  card::Upsample::no);
  if (!found) return std::unexpected(found.error());
  return static_cast<std::size_t>(std::count_if(
      found->begin(), found->end(), [](const card::FaceBox& f) { return f.score >= kFaceScore; }));
}

// A page 360 px wide, near white, with `face` pasted at (x, y).
GrayImage page_with(const GrayImage& face, int x, int y) {
  GrayImage page{360, 740, std::vector<std::uint8_t>(360u * 740u, 245)};
  for (int r = 0; r < face.height; ++r) {
    std::copy_n(&face.pixels[static_cast<std::size_t>(r) * face.width], face.width,
                &page.pixels[static_cast<std::size_t>(y + r) * page.width + x]);
  }
  return page;
}

TEST(PicturesWithoutFaces, TheSearchFindsAFaceAsSmallAsOnACardPreview) {
  auto gray = decode_gray_image(test::face_photo("Tom_Cruise_avp_2014_4.jpg"));
  ASSERT_TRUE(gray.has_value()) << gray.error().message;
  // On a card preview 330 px wide the portrait (23.6 of 85.6 mm) is ~91 px
  // wide; the face fills about half of this photo's width, as on the card.
  const int w = 91;
  const GrayImage small = resize(*gray, w, gray->height * w / gray->width);
  auto with_face = faces_in(page_with(small, 30, 200));
  ASSERT_TRUE(with_face.has_value()) << with_face.error().message;
  EXPECT_EQ(*with_face, 1u);
  auto without = faces_in(GrayImage{360, 740, std::vector<std::uint8_t>(360u * 740u, 245)});
  ASSERT_TRUE(without.has_value()) << without.error().message;
  EXPECT_EQ(*without, 0u);
}

// Every PNG and JPEG under docs/, in order.
std::vector<fs::path> docs_pictures() {
  std::vector<fs::path> pictures;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(SDC_SOURCE_DIR) / "docs")) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg"))
      pictures.push_back(e.path());
  }
  std::sort(pictures.begin(), pictures.end());
  return pictures;
}

TEST(PicturesWithoutFaces, DocsHoldTheScreenshotsAndTheSpecimen) {
  EXPECT_GE(docs_pictures().size(), 20u);
}

// One test per picture, so that each has its own time (a search takes a few
// seconds under the sanitizers) and ctest runs them side by side.
class PictureInDocs : public testing::TestWithParam<fs::path> {};

TEST_P(PictureInDocs, ShowsNoFace) {
  auto gray = decode_gray_image(test::read_all(GetParam()));
  ASSERT_TRUE(gray.has_value()) << GetParam() << ": " << gray.error().message;
  auto faces = faces_in(*gray);
  ASSERT_TRUE(faces.has_value()) << GetParam() << ": " << faces.error().message;
  EXPECT_EQ(*faces, 0u) << GetParam() << " shows a face";
}

INSTANTIATE_TEST_SUITE_P(
    Docs, PictureInDocs, testing::ValuesIn(docs_pictures()),
    [](const testing::TestParamInfo<fs::path>& picture) {
      std::string name = fs::relative(picture.param, fs::path(SDC_SOURCE_DIR) / "docs").string();
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace sdc
