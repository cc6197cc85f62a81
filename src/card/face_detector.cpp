// The only translation unit that includes dlib's detector headers.
#include "card/face_detector.h"

#include <algorithm>
#include <exception>
#include <new>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wdeprecated-copy"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#pragma GCC diagnostic pop

namespace sdc::card {
namespace {

using Detector = dlib::frontal_face_detector;

// Building the detector deserialises its HOG filters (~300 ms): done once.
// dlib's detector keeps scratch state, so each thread scans with its own copy.
const Detector& prototype() {
  static const Detector detector = dlib::get_frontal_face_detector();
  return detector;
}

Detector& thread_detector() {
  thread_local Detector detector = prototype();
  return detector;
}

}  // namespace

Result<std::vector<FaceBox>> detect_faces(const GrayImage& image, Upsample upsample) {
  if (image.width < 1 || image.height < 1 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height) {
    return fail(Errc::invalid_argument, "face detection needs a non-empty grayscale image");
  }
  try {
    dlib::array2d<unsigned char> img(image.height, image.width);
    for (int y = 0; y < image.height; ++y) {
      const unsigned char* src = &image.pixels[static_cast<std::size_t>(y) * image.width];
      std::copy(src, src + image.width, &img[y][0]);
    }
    double scale = 1.0;
    if (upsample == Upsample::once) {
      dlib::pyramid_up(img);
      scale = 0.5;
    }
    std::vector<dlib::rect_detection> found;
    thread_detector()(img, found, 0.0);
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return a.detection_confidence > b.detection_confidence;
    });
    std::vector<FaceBox> faces;
    faces.reserve(found.size());
    for (const auto& d : found) {
      const auto& r = d.rect;
      FaceBox f;
      f.left = static_cast<int>(std::lround(static_cast<double>(r.left()) * scale));
      f.top = static_cast<int>(std::lround(static_cast<double>(r.top()) * scale));
      f.width = static_cast<int>(std::lround(static_cast<double>(r.width()) * scale));
      f.height = static_cast<int>(std::lround(static_cast<double>(r.height()) * scale));
      f.score = d.detection_confidence;
      faces.push_back(f);
    }
    return faces;
  } catch (const std::bad_alloc&) {
    return fail(Errc::internal, "face detection ran out of memory");
  } catch (const std::exception& e) {
    return fail(Errc::internal, std::string("face detection failed: ") + e.what());
  }
}

}  // namespace sdc::card
