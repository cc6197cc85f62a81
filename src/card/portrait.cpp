#include "sdc/card/portrait.h"

#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>

#include "card/face_detector.h"

namespace sdc {
namespace {

// --- Limits and thresholds --------------------------------------------------
// The thresholds were set on dlib's example faces (one sharp, well lit face is
// comfortably inside every one) and on darkened and blurred copies of it.

constexpr int kMinImageSide = 200;  // pixels, shorter side of the photo
constexpr int kMinFaceSide = 100;   // pixels, face box at the photo's resolution
constexpr int kWorkingSide = 2000;  // JPEGs larger than twice this decode at 1/2..1/8
// The detector first sees the photo at most this large, where it finds faces
// of >= 80 px: 1/6 of the longer side, as in any head-and-shoulders photo.
// Only if that finds none does it look again at twice the size (~4x slower).
constexpr int kDetectionSide = 480;
constexpr int kMeasureSide = 128;            // the face is measured at most this large
constexpr double kOtherFaceRatio = 1.0 / 3;  // smaller faces outside the crop are ignored

// Mean luminance of the face: low enough for the darkest skin in good light
// to pass, high enough for the palest.
constexpr double kTooDarkBrightness = 50;
constexpr double kWashedOutBrightness = 210;
constexpr double kClippedFraction = 0.20;  // of the face, black or white
// Sharp faces measure ~10-60. A face of 430 px shrunk to 107 px and enlarged
// back (as soft as the smallest face accepted) gives 5.0; to 86 px, 3.9.
constexpr double kMinSharpness = 4.5;

// ICAO framing, relative to dlib's face box (which spans roughly eyebrows to
// chin): the crown sits ~0.6 box above the box, the chin ~0.1 box below it.
constexpr double kCrownAbove = 0.60;
constexpr double kChinBelow = 0.10;
constexpr double kHeadRatioIdeal = 0.75;  // head height / portrait height
constexpr double kHeadRatioMax = 0.85;    // allowed, to keep the crop inside a tight photo
// Of the height the head leaves free, the share above it: eyes at ~55% from
// the bottom.
constexpr double kAboveHeadShare = 0.3;
constexpr double kMaxOverflow = 0.12;  // of the crop, filled from the photo's edge
constexpr double kAspect = static_cast<double>(kPortraitWidth) / kPortraitHeight;

// --- Geometry ----------------------------------------------------------------

struct Box {
  double left = 0, top = 0, width = 0, height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
  Box scaled(double s) const { return {left * s, top * s, width * s, height * s}; }
};

PixelRect to_pixels(const Box& b) {
  return {static_cast<int>(std::lround(b.left)), static_cast<int>(std::lround(b.top)),
          static_cast<int>(std::lround(b.width)), static_cast<int>(std::lround(b.height))};
}

bool intersects(const Box& a, const Box& b) {
  return a.left < b.right() && b.left < a.right() && a.top < b.bottom() && b.top < a.bottom();
}

struct Framing {
  Box crop;
  // How far the crop reaches past each edge of the photo, as a share of the
  // crop's width (left, right) or height (top, bottom).
  double over_left = 0, over_right = 0, over_top = 0, over_bottom = 0;
};

Framing frame_at(const Box& face, int image_width, int image_height, double head_ratio) {
  const double side = (face.width + face.height) / 2;
  const double crown = face.top - kCrownAbove * side;
  const double chin = face.bottom() + kChinBelow * side;
  const double height = (chin - crown) / head_ratio;
  const double width = height * kAspect;
  Framing f;
  f.crop.top = crown - kAboveHeadShare * (1 - head_ratio) * height;
  f.crop.left = face.left + face.width / 2 - width / 2;
  f.crop.width = width;
  f.crop.height = height;
  f.over_left = std::max(0.0, -f.crop.left) / width;
  f.over_right = std::max(0.0, f.crop.right() - image_width) / width;
  f.over_top = std::max(0.0, -f.crop.top) / height;
  f.over_bottom = std::max(0.0, f.crop.bottom() - image_height) / height;
  return f;
}

// The ideal framing if it fits in the photo; else the head is allowed to grow
// to kHeadRatioMax to keep the crop inside; what still falls outside is
// filled from the nearest edge.
Framing frame_face(const Box& face, int image_width, int image_height) {
  constexpr double kTolerance = 0.002;
  Framing f;
  for (double r = kHeadRatioIdeal; r <= kHeadRatioMax + 1e-9; r += 0.01) {
    f = frame_at(face, image_width, image_height, r);
    if (std::max({f.over_left, f.over_right, f.over_top, f.over_bottom}) <= kTolerance) break;
  }
  return f;
}

GrayImage gray_region(const GrayImage& g, const Box& b) {
  const int x0 = std::clamp(static_cast<int>(std::floor(b.left)), 0, g.width - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(b.top)), 0, g.height - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(b.right())), x0 + 1, g.width);
  const int y1 = std::clamp(static_cast<int>(std::ceil(b.bottom())), y0 + 1, g.height);
  GrayImage out;
  out.width = x1 - x0;
  out.height = y1 - y0;
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  for (int y = y0; y < y1; ++y) {
    std::copy_n(&g.pixels[static_cast<std::size_t>(y) * g.width + x0], out.width,
                &out.pixels[static_cast<std::size_t>(y - y0) * out.width]);
  }
  return out;
}

// dlib reports boxes in steps of its image pyramid (each 5/6 of the last), so
// one box can be ~10% off in size and position. The face is detected again
// in a small window around it at a few scales spread over one pyramid step
// and the boxes are averaged. Each pass sees ~180 x 180 pixels: cheap.
Box refine_face(const GrayImage& gray, const Box& face) {
  constexpr std::array<double, 3> kFaceSides{90, 100, 110};
  const double side = (face.width + face.height) / 2;
  const Box window{face.left - side * 0.4, face.top - side * 0.4, side * 1.8, side * 1.8};
  // The window, clamped to the photo: a face at an edge is found on less.
  const GrayImage region = gray_region(gray, window);
  const double rx = std::clamp(std::floor(window.left), 0.0, gray.width - 1.0);
  const double ry = std::clamp(std::floor(window.top), 0.0, gray.height - 1.0);
  double l = 0, t = 0, r = 0, b = 0;
  int n = 0;
  for (double target : kFaceSides) {
    const double s = target / side;
    const int w = std::max(1, static_cast<int>(std::lround(region.width * s)));
    const int h = std::max(1, static_cast<int>(std::lround(region.height * s)));
    auto found = card::detect_faces(resize(region, w, h), card::Upsample::no);
    if (!found) continue;
    // The detection nearest the window's face, if it overlaps it well.
    const double fx = (face.left + face.width / 2 - rx) * s;
    const double fy = (face.top + face.height / 2 - ry) * s;
    for (const auto& f : *found) {
      const double cx = f.left + f.width / 2.0;
      const double cy = f.top + f.height / 2.0;
      if (std::abs(cx - fx) > target * 0.3 || std::abs(cy - fy) > target * 0.3) continue;
      l += f.left / s + rx;
      t += f.top / s + ry;
      r += (f.left + f.width) / s + rx;
      b += (f.top + f.height) / s + ry;
      ++n;
      break;
    }
  }
  if (n == 0) return face;
  return {l / n, t / n, (r - l) / n, (b - t) / n};
}

// --- Measures ----------------------------------------------------------------

PortraitMeasures measure(const GrayImage& g, const Box& region) {
  // Scaled down to at most kMeasureSide, never up: enlarging would blur it.
  const GrayImage source = gray_region(g, region);
  const GrayImage m = resize(source, std::clamp(source.width, 3, kMeasureSide),
                             std::clamp(source.height, 3, kMeasureSide));
  PortraitMeasures r;
  double sum = 0;
  std::size_t dark = 0, bright = 0;
  for (std::uint8_t v : m.pixels) {
    sum += v;
    dark += v <= 8 ? 1 : 0;
    bright += v >= 247 ? 1 : 0;
  }
  const auto n = static_cast<double>(m.pixels.size());
  r.brightness = sum / n;
  r.dark_fraction = static_cast<double>(dark) / n;
  r.bright_fraction = static_cast<double>(bright) / n;

  double lsum = 0, lsq = 0;
  int count = 0;
  const int w = m.width;
  for (int y = 1; y < m.height - 1; ++y) {
    for (int x = 1; x < w - 1; ++x) {
      const auto at = [&](int xx, int yy) {
        return static_cast<double>(m.pixels[static_cast<std::size_t>(yy) * w + xx]);
      };
      const double lap = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
      lsum += lap;
      lsq += lap * lap;
      ++count;
    }
  }
  const double mean = lsum / count;
  const double laplacian_variance = lsq / count - mean * mean;
  double isq = 0;
  for (std::uint8_t v : m.pixels) isq += (v - r.brightness) * (v - r.brightness);
  const double variance = isq / n;
  // Relative to the contrast, so that a dim but sharp face is still sharp.
  r.sharpness = variance > 1 ? 100 * laplacian_variance / variance : 0;
  return r;
}

// The part of the face box that is skin: without the background at the sides.
Box face_core(const Box& face) {
  return {face.left + 0.15 * face.width, face.top + 0.10 * face.height, 0.70 * face.width,
          0.85 * face.height};
}

void add_exposure_problems(const PortraitMeasures& m, bool on_face,
                           std::vector<PortraitProblem>& problems) {
  const std::string where = on_face ? "The face" : "The photo";
  if (m.brightness < kTooDarkBrightness || m.dark_fraction > kClippedFraction) {
    problems.push_back({"too_dark", where + " is too dark: take the photo in even, brighter light, "
                                            "with no shadow across the face."});
  } else if (m.brightness > kWashedOutBrightness || m.bright_fraction > kClippedFraction) {
    problems.push_back({"washed_out", where + " is washed out (overexposed): avoid direct flash "
                                              "and strong light on the face."});
  }
}

// --- Analysis ----------------------------------------------------------------

struct Analysis {
  PortraitReport report;
  RgbImage working;  // the decoded photo, upright
  double scale = 1;  // working pixels per photo pixel (<= 1)
  Box crop;          // in working pixels
};

std::string px(int v) {
  return std::to_string(v);
}

Result<Analysis> analyse(ByteView file_bytes, const PortraitOptions& options) {
  const auto info = read_image_info(file_bytes);
  if (!info) return std::unexpected(info.error());
  Analysis a;
  PortraitReport& rep = a.report;
  rep.image_width = info->width;
  rep.image_height = info->height;
  if (std::min(info->width, info->height) < kMinImageSide) {
    rep.problems.push_back(
        {"image_too_small", "The photo is only " + px(info->width) + " x " + px(info->height) +
                                " pixels; it must be at least " + px(kMinImageSide) + " x " +
                                px(kMinImageSide) + ". Use the camera's full resolution."});
    return a;
  }

  DecodeOptions decode;
  decode.shrink_to_at_least = kWorkingSide;
  auto decoded = decode_image(file_bytes, decode);
  if (!decoded) return std::unexpected(decoded.error());
  a.working = std::move(*decoded);
  a.scale = static_cast<double>(a.working.width) / info->width;
  const int ww = a.working.width;
  const int wh = a.working.height;

  if (!options.require_face) {
    const double h = std::min(static_cast<double>(wh), ww / kAspect);
    a.crop = {(ww - h * kAspect) / 2, (wh - h) / 2, h * kAspect, h};
    rep.crop = to_pixels(a.crop.scaled(1 / a.scale));
    rep.accepted = true;
    return a;
  }

  const GrayImage gray = to_gray(a.working);
  const int longer = std::max(ww, wh);
  double det_scale = 1;  // detection pixels per working pixel
  GrayImage det_owned;
  const GrayImage* det = &gray;
  if (longer > kDetectionSide) {
    det_scale = static_cast<double>(kDetectionSide) / longer;
    det_owned = resize(gray, std::max(1, static_cast<int>(std::lround(ww * det_scale))),
                       std::max(1, static_cast<int>(std::lround(wh * det_scale))));
    det = &det_owned;
  }
  auto found = card::detect_faces(*det, card::Upsample::no);
  if (found && found->empty()) found = card::detect_faces(*det, card::Upsample::once);
  if (!found) return std::unexpected(found.error());

  std::vector<Box> faces;
  for (const auto& f : *found) {
    faces.push_back(Box{static_cast<double>(f.left), static_cast<double>(f.top),
                        static_cast<double>(f.width), static_cast<double>(f.height)}
                        .scaled(1 / det_scale));
  }
  if (faces.empty()) {
    rep.problems.push_back({"no_face",
                            "No face was found. The person must face the camera, "
                            "eyes open and visible, with nothing covering the face."});
    const Box centre{ww * 0.2, wh * 0.2, ww * 0.6, wh * 0.6};
    rep.measures = measure(gray, centre);
    add_exposure_problems(*rep.measures, false, rep.problems);
    return a;
  }

  // The largest face is the subject; dlib sorts by confidence, not size.
  const auto main_it = std::max_element(faces.begin(), faces.end(), [](const Box& x, const Box& y) {
    return x.width * x.height < y.width * y.height;
  });
  const Box face = refine_face(gray, *main_it);
  const Framing framing = frame_face(face, ww, wh);
  a.crop = framing.crop;
  rep.face = to_pixels(face.scaled(1 / a.scale));
  rep.crop = to_pixels(a.crop.scaled(1 / a.scale));

  // Another face counts if it is not much smaller, or if it shows in the crop.
  for (const Box& f : faces) {
    if (f.width >= face.width * kOtherFaceRatio || intersects(f, a.crop)) ++rep.faces_found;
  }
  if (rep.faces_found > 1) {
    rep.problems.push_back({"several_faces",
                            "More than one face was found: the photo must show the person "
                            "alone, with no one else and no picture of a face in the frame."});
  }
  const int face_px = rep.face->width;
  if (face_px < kMinFaceSide) {
    rep.problems.push_back(
        {"face_too_small", "The face is only " + px(face_px) +
                               " pixels wide; it must be at least " + px(kMinFaceSide) +
                               ". Move the camera closer, so that the head and shoulders fill "
                               "the frame."});
  }
  std::vector<std::string> edges;
  if (framing.over_left > kMaxOverflow) edges.push_back("left");
  if (framing.over_right > kMaxOverflow) edges.push_back("right");
  if (framing.over_top > kMaxOverflow) edges.push_back("top");
  if (framing.over_bottom > kMaxOverflow) edges.push_back("bottom");
  if (!edges.empty()) {
    std::string list = edges[0];
    for (std::size_t i = 1; i < edges.size(); ++i) {
      list += (i + 1 == edges.size() ? " and " : ", ") + edges[i];
    }
    rep.problems.push_back(
        {"face_off_centre", "The head is too close to the " + list +
                                " edge of the photo to frame it: centre the face, with space "
                                "above the head and the shoulders in the picture."});
  }

  rep.measures = measure(gray, face_core(face));
  add_exposure_problems(*rep.measures, true, rep.problems);
  if (rep.measures->sharpness < kMinSharpness) {
    rep.problems.push_back({"too_blurred",
                            "The face is blurred: hold the camera steady, focus "
                            "on the eyes, and keep the person still."});
  }
  rep.accepted = rep.problems.empty();
  return a;
}

// --- Output ------------------------------------------------------------------

// Crops `rect` out of `image`. Where the crop reaches past the photo (a tight
// photo), the missing pixels continue the photo's edge: the edge pixel fades
// within a few pixels into a heavily blurred copy of the photo, so that the
// fill is smooth and shows neither streaks nor a hard seam.
RgbImage crop_with_soft_fill(const RgbImage& image, int x, int y, int width, int height) {
  const bool inside = x >= 0 && y >= 0 && x + width <= image.width && y + height <= image.height;
  if (inside) return crop(image, x, y, width, height);
  constexpr double kBlurCell = 24;  // pixels of the photo per pixel of the blurred copy
  constexpr double kFade = 12;      // pixels over which the edge fades into it
  const int bw = std::max(2, static_cast<int>(std::lround(image.width / kBlurCell)));
  const int bh = std::max(2, static_cast<int>(std::lround(image.height / kBlurCell)));
  const RgbImage blurred = resize(image, bw, bh);
  const auto blurred_at = [&](double fx, double fy, int c) {
    // Bilinear, in blurred-pixel centres.
    const double u = std::clamp((fx + 0.5) * bw / image.width - 0.5, 0.0, bw - 1.0);
    const double v = std::clamp((fy + 0.5) * bh / image.height - 0.5, 0.0, bh - 1.0);
    const int u0 = std::min(static_cast<int>(u), bw - 2);
    const int v0 = std::min(static_cast<int>(v), bh - 2);
    const double du = u - u0, dv = v - v0;
    const auto px = [&](int xx, int yy) {
      return static_cast<double>(blurred.rgb[(static_cast<std::size_t>(yy) * bw + xx) * 3 + c]);
    };
    return (px(u0, v0) * (1 - du) + px(u0 + 1, v0) * du) * (1 - dv) +
           (px(u0, v0 + 1) * (1 - du) + px(u0 + 1, v0 + 1) * du) * dv;
  };
  RgbImage out = crop(image, x, y, width, height);  // edge pixels outside
  for (int oy = 0; oy < out.height; ++oy) {
    const int sy = y + oy;
    for (int ox = 0; ox < out.width; ++ox) {
      const int sx = x + ox;
      const int cx = std::clamp(sx, 0, image.width - 1);
      const int cy = std::clamp(sy, 0, image.height - 1);
      const int distance = std::max(std::abs(sx - cx), std::abs(sy - cy));
      if (distance == 0) continue;
      const double t = std::min(1.0, distance / kFade);
      std::uint8_t* o = &out.rgb[(static_cast<std::size_t>(oy) * out.width + ox) * 3];
      for (int c = 0; c < 3; ++c) {
        const double v = o[c] * (1 - t) + blurred_at(cx, cy, c) * t;
        o[c] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
      }
    }
  }
  return out;
}

Result<Portrait> portrait_from(const RgbImage& framed) {
  Portrait p;
  p.width = kPortraitWidth;
  p.height = kPortraitHeight;
  const RgbImage sized = (framed.width == kPortraitWidth && framed.height == kPortraitHeight)
                             ? framed
                             : resize(framed, kPortraitWidth, kPortraitHeight);
  auto jpeg = encode_jpeg(sized, 90);
  if (!jpeg) return std::unexpected(jpeg.error());
  p.jpeg = std::move(*jpeg);
  p.sha256 = crypto::sha256(p.jpeg);
  auto thumbnail = make_thumbnail(sized);
  if (!thumbnail) return std::unexpected(thumbnail.error());
  p.thumbnail = std::move(*thumbnail);
  return p;
}

struct CairoSurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

RgbImage draw_silhouette() {
  const int w = kPortraitWidth;
  const int h = kPortraitHeight;
  std::unique_ptr<cairo_surface_t, CairoSurfaceFree> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
  std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
  cairo_t* c = cr.get();

  // Plain light background, a little darker at the bottom.
  std::unique_ptr<cairo_pattern_t, decltype(&cairo_pattern_destroy)> bg(
      cairo_pattern_create_linear(0, 0, 0, h), cairo_pattern_destroy);
  cairo_pattern_add_color_stop_rgb(bg.get(), 0, 0.90, 0.92, 0.94);
  cairo_pattern_add_color_stop_rgb(bg.get(), 1, 0.80, 0.83, 0.87);
  cairo_set_source(c, bg.get());
  cairo_paint(c);

  cairo_set_source_rgb(c, 0.36, 0.40, 0.46);
  // Shoulders and chest.
  const double cx = w / 2.0;
  cairo_move_to(c, 0, h);
  cairo_line_to(c, 0, 0.88 * h);
  cairo_curve_to(c, 0.02 * w, 0.80 * h, 0.18 * w, 0.76 * h, 0.36 * w, 0.74 * h);
  cairo_line_to(c, 0.64 * w, 0.74 * h);
  cairo_curve_to(c, 0.82 * w, 0.76 * h, 0.98 * w, 0.80 * h, w, 0.88 * h);
  cairo_line_to(c, w, h);
  cairo_close_path(c);
  cairo_fill(c);
  // Neck.
  cairo_rectangle(c, cx - 0.11 * w, 0.58 * h, 0.22 * w, 0.20 * h);
  cairo_fill(c);
  // Head: the crown at ~8% and the chin at ~68% of the height (ICAO-like).
  cairo_save(c);
  cairo_translate(c, cx, 0.38 * h);
  cairo_scale(c, 0.27 * w, 0.30 * h);
  cairo_arc(c, 0, 0, 1, 0, 2 * std::numbers::pi);
  cairo_restore(c);
  cairo_fill(c);
  cairo_surface_flush(surface.get());

  RgbImage out;
  out.width = w;
  out.height = h;
  out.rgb.assign(static_cast<std::size_t>(w) * h * 3, 230);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  if (cairo_status(c) != CAIRO_STATUS_SUCCESS || data == nullptr) return out;  // out of memory
  for (int y = 0; y < h; ++y) {
    const unsigned char* row = data + static_cast<std::ptrdiff_t>(y) * stride;
    for (int x = 0; x < w; ++x) {
      // CAIRO_FORMAT_RGB24: native-endian 0x00RRGGBB words.
      std::uint32_t px32;
      std::memcpy(&px32, row + x * 4, 4);
      std::uint8_t* o = &out.rgb[(static_cast<std::size_t>(y) * w + x) * 3];
      o[0] = static_cast<std::uint8_t>(px32 >> 16);
      o[1] = static_cast<std::uint8_t>(px32 >> 8);
      o[2] = static_cast<std::uint8_t>(px32);
    }
  }
  return out;
}

}  // namespace

Result<PortraitReport> check_portrait(ByteView file_bytes, const PortraitOptions& options) {
  auto a = analyse(file_bytes, options);
  if (!a) return std::unexpected(a.error());
  return std::move(a->report);
}

namespace {

// Crops, scales and encodes an accepted photo as its analysis framed it.
Result<Portrait> frame(Analysis& a, ByteView file_bytes, const PortraitOptions& options) {
  // A photo decoded at reduced size, with a face too small for the portrait
  // at that size: decode it again at full size.
  const double needed = kPortraitHeight * kHeadRatioIdeal / (1 + kCrownAbove + kChinBelow);
  if (a.scale < 1 && options.require_face && a.report.face &&
      a.report.face->width * a.scale < needed) {
    auto full = decode_image(file_bytes);
    if (!full) return std::unexpected(full.error());
    a.crop = a.crop.scaled(static_cast<double>(full->width) / a.working.width);
    a.working = std::move(*full);
  }
  const Box& c = a.crop;
  const RgbImage framed = crop_with_soft_fill(a.working, static_cast<int>(std::lround(c.left)),
                                              static_cast<int>(std::lround(c.top)),
                                              std::max(1, static_cast<int>(std::lround(c.width))),
                                              std::max(1, static_cast<int>(std::lround(c.height))));
  return portrait_from(framed);
}

}  // namespace

Result<Portrait> normalise_portrait(ByteView file_bytes, const PortraitOptions& options) {
  auto a = analyse(file_bytes, options);
  if (!a) return std::unexpected(a.error());
  if (!a->report.accepted) {
    std::string message = "portrait refused:";
    for (const auto& p : a->report.problems) message += " " + p.message;
    return fail(Errc::invalid_argument, message);
  }
  return frame(*a, file_bytes, options);
}

Result<PortraitIntake> intake_portrait(ByteView file_bytes, const PortraitOptions& options) {
  auto a = analyse(file_bytes, options);
  if (!a) return std::unexpected(a.error());
  PortraitIntake in;
  if (a->report.accepted) {
    auto framed = frame(*a, file_bytes, options);
    if (!framed) return std::unexpected(framed.error());
    in.portrait = std::move(*framed);
  }
  in.report = std::move(a->report);
  return in;
}

Result<Bytes> make_thumbnail(const RgbImage& portrait, std::size_t max_bytes) {
  if (portrait.width < 1 || portrait.height < 1 ||
      portrait.rgb.size() != static_cast<std::size_t>(portrait.width) * portrait.height * 3) {
    return fail(Errc::invalid_argument, "thumbnail needs a non-empty RGB image");
  }
  GrayImage gray = to_gray(portrait);
  // Stretch the 1st..99th percentiles to full range: what little the
  // thumbnail can carry is then spent on the face, not on a flat grey.
  std::array<std::size_t, 256> hist{};
  for (std::uint8_t v : gray.pixels) ++hist[v];
  const std::size_t n = gray.pixels.size();
  std::size_t acc = 0;
  int lo = 0, hi = 255;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (acc <= n / 100) lo = v;
    if (acc < n - n / 100) hi = v + 1;
  }
  hi = std::min(hi, 255);
  if (hi - lo >= 32) {
    for (auto& v : gray.pixels) {
      const int s = (static_cast<int>(v) - lo) * 255 / (hi - lo);
      v = static_cast<std::uint8_t>(std::clamp(s, 0, 255));
    }
  }
  // 35:45 sizes, largest first; qualities from good to poor.
  static constexpr std::array<std::array<int, 2>, 4> kSizes{
      {{42, 54}, {35, 45}, {28, 36}, {21, 27}}};
  for (const auto& size : kSizes) {
    const int tw = std::min(size[0], portrait.width);
    const int th = std::min(size[1], portrait.height);
    const GrayImage small = resize(gray, tw, th);
    for (int q = 60; q >= 10; q -= 5) {
      auto jpeg = encode_gray_jpeg(small, q);
      if (!jpeg) return std::unexpected(jpeg.error());
      if (jpeg->size() <= max_bytes) return jpeg;
    }
  }
  return fail(Errc::limit, "no thumbnail fits in " + std::to_string(max_bytes) + " bytes");
}

// Encoding a fixed, valid 420 x 540 image cannot fail short of running out
// of memory, where an empty result is the only answer left.
Bytes make_specimen_silhouette_jpeg() {
  return encode_jpeg(draw_silhouette(), 90).value_or(Bytes{});
}

Portrait specimen_portrait() {
  return portrait_from(draw_silhouette()).value_or(Portrait{});
}

}  // namespace sdc
