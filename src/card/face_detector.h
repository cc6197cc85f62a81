// Frontal face detection (dlib's HOG detector). Internal to the card module:
// this header is cheap to include; dlib's headers, which take ~11 s and
// ~550 MB to compile, stay inside face_detector.cpp.
#pragma once

#include <vector>

#include "sdc/image/image.h"

namespace sdc::card {

// A face found in an image, in that image's pixel coordinates. The box covers
// roughly the eyebrows to the chin and cheek to cheek (dlib's convention).
struct FaceBox {
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
  double score = 0;  // detector confidence; > 0 means detected
};

enum class Upsample { no, once };

// Every frontal face in `image`, strongest first. Without upsampling the
// smallest face found is ~80 px across; Upsample::once finds ~40 px faces
// and is ~4x slower. The detector is built once per process and copied once
// per calling thread, so calls from several threads run in parallel.
// Errors: Errc::internal if dlib fails (e.g. out of memory).
Result<std::vector<FaceBox>> detect_faces(const GrayImage& image, Upsample upsample);

}  // namespace sdc::card
