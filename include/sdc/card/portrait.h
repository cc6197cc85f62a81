// Portrait intake for card production: a photo (JPEG or PNG) is checked for
// what an ICAO-style identity portrait needs (one frontal face, large enough,
// well exposed, sharp) and normalised into a 35:45 JPEG with the head filling
// ~75% of the height, plus the grayscale thumbnail carried in the barcode
// (credential-v1 §3, fields 9 and 10).
//
// Every function is safe to call from several threads at once. Face
// detection builds dlib's detector once per process (~0.3 s, on first use)
// and keeps a copy per calling thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sdc/crypto/crypto.h"
#include "sdc/image/image.h"
#include "sdc/util/bytes.h"

namespace sdc {

// The normalised portrait: 35:45.
inline constexpr int kPortraitWidth = 420;
inline constexpr int kPortraitHeight = 540;
// Field 10 of the credential: at most this many bytes.
inline constexpr std::size_t kThumbnailMaxBytes = 500;

// Why a photo is refused, in words a person can act on. Codes:
//   image_too_small  the photo has too few pixels
//   unreadable       not a JPEG/PNG, broken, or over the size limits (only
//                    reported by tools; the functions return an Error)
//   no_face          no frontal face found
//   several_faces    more than one face
//   face_too_small   the face has too few pixels to print
//   face_off_centre  the head is too close to an edge to frame it
//   too_dark, washed_out, too_blurred   exposure and focus of the face
struct PortraitProblem {
  std::string code;
  std::string message;
};

// A rectangle in pixels of the upright photo (after EXIF orientation), at the
// photo's full resolution. May extend past the photo's edges (a crop).
struct PixelRect {
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
};

// Measures of the face region (or of the whole photo when no face is found).
struct PortraitMeasures {
  double brightness = 0;       // mean luminance, 0..255
  double dark_fraction = 0;    // share of pixels at luminance <= 8
  double bright_fraction = 0;  // share of pixels at luminance >= 247
  // 100 x variance of the Laplacian / variance of the luminance, on the
  // region scaled down to at most 128 px: high-frequency detail relative to
  // contrast, so exposure does not change it. Sharp faces measure ~10-60.
  double sharpness = 0;
};

struct PortraitReport {
  bool accepted = false;
  std::vector<PortraitProblem> problems;  // empty if and only if accepted
  int image_width = 0;                    // upright
  int image_height = 0;
  int faces_found = 0;
  std::optional<PixelRect> face;  // the main (strongest) face
  std::optional<PixelRect> crop;  // what normalise_portrait frames around it
  std::optional<PortraitMeasures> measures;
};

struct PortraitOptions {
  // false: for drawn or already framed images (the SPECIMEN card's
  // silhouette). No face detection and no quality checks: the image is
  // centre-cropped to 35:45; only its size is checked.
  bool require_face = true;
};

// Checks a photo file. A refusal is a report with accepted == false, not an
// error. Errors: Errc::parse (not a decodable JPEG/PNG), Errc::limit (file
// over 20 MB or image over 40 megapixels, checked before decoding),
// Errc::internal (the detector failed).
Result<PortraitReport> check_portrait(ByteView file_bytes, const PortraitOptions& options = {});

struct Portrait {
  Bytes jpeg;  // kPortraitWidth x kPortraitHeight, RGB, no metadata
  int width = 0;
  int height = 0;
  crypto::Digest sha256{};  // of `jpeg`: the credential's portrait digest
  Bytes thumbnail;          // grayscale JPEG, <= kThumbnailMaxBytes
};

// Checks, then crops, scales and encodes the photo. Errors: those of
// check_portrait, and Errc::invalid_argument when the photo is refused; its
// message lists every reason, each one a sentence a person can act on.
Result<Portrait> normalise_portrait(ByteView file_bytes, const PortraitOptions& options = {});

// check_portrait and normalise_portrait in one analysis of the photo: the
// report, and the normalised portrait when it is accepted (for a form that
// shows the reasons and stores the photo). Errors: those of check_portrait.
struct PortraitIntake {
  PortraitReport report;
  std::optional<Portrait> portrait;  // present if and only if report.accepted
};
Result<PortraitIntake> intake_portrait(ByteView file_bytes, const PortraitOptions& options = {});

// The barcode thumbnail of an upright portrait (e.g. the decoded
// Portrait::jpeg): a grayscale JPEG of ~40x52 pixels, contrast stretched,
// at the highest quality that fits in `max_bytes`, shrinking the image only
// if the lowest quality does not fit. Errors: Errc::invalid_argument for an
// empty image, Errc::limit if nothing fits (max_bytes far below 500).
Result<Bytes> make_thumbnail(const RgbImage& portrait, std::size_t max_bytes = kThumbnailMaxBytes);

// A drawn (not photographed) head-and-shoulders silhouette, 35:45, as JPEG:
// the portrait of the SPECIMEN card. Deterministic.
Bytes make_specimen_silhouette_jpeg();
// The silhouette normalised like a photo with require_face = false.
Portrait specimen_portrait();

}  // namespace sdc
