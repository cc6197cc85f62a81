// Pixel operations on decoded images: cropping, conversion to luminance and
// resampling.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "image/codec.h"

namespace sdc {
namespace {

// Resampling: separable, triangle filter widened to the scale when shrinking
// (so shrinking averages every source pixel), plain bilinear when enlarging.

struct Taps {
  std::vector<int> first;      // per output index: first source index
  std::vector<int> count;      // per output index: number of taps
  std::vector<float> weights;  // per output index: count entries, from offset[i]
  std::vector<std::size_t> offset;
};

Taps make_taps(int src_size, int dst_size) {
  Taps t;
  const double scale = static_cast<double>(src_size) / dst_size;
  const double radius = std::max(1.0, scale);
  t.first.resize(dst_size);
  t.count.resize(dst_size);
  t.offset.resize(dst_size);
  for (int i = 0; i < dst_size; ++i) {
    const double centre = (i + 0.5) * scale - 0.5;
    int lo = static_cast<int>(std::floor(centre - radius)) + 1;
    int hi = static_cast<int>(std::ceil(centre + radius)) - 1;
    lo = std::max(lo, 0);
    hi = std::min(hi, src_size - 1);
    if (hi < lo) lo = hi = std::clamp(static_cast<int>(std::lround(centre)), 0, src_size - 1);
    t.first[i] = lo;
    t.count[i] = hi - lo + 1;
    t.offset[i] = t.weights.size();
    double sum = 0;
    for (int s = lo; s <= hi; ++s) {
      const double wgt = std::max(0.0, 1.0 - std::abs(s - centre) / radius);
      t.weights.push_back(static_cast<float>(wgt));
      sum += wgt;
    }
    if (sum <= 0) {
      for (int k = 0; k < t.count[i]; ++k)
        t.weights[t.offset[i] + k] = 1.0f / static_cast<float>(t.count[i]);
    } else {
      for (int k = 0; k < t.count[i]; ++k) {
        t.weights[t.offset[i] + k] = static_cast<float>(t.weights[t.offset[i] + k] / sum);
      }
    }
  }
  return t;
}

std::vector<std::uint8_t> resample(const std::vector<std::uint8_t>& src, int sw, int sh, int ch,
                                   int dw, int dh) {
  const Taps tx = make_taps(sw, dw);
  const Taps ty = make_taps(sh, dh);
  // Horizontal pass into floats, then vertical pass.
  std::vector<float> mid(static_cast<std::size_t>(dw) * sh * ch);
  for (int y = 0; y < sh; ++y) {
    const std::uint8_t* row = &src[static_cast<std::size_t>(y) * sw * ch];
    float* out = &mid[static_cast<std::size_t>(y) * dw * ch];
    for (int x = 0; x < dw; ++x) {
      const float* w = &tx.weights[tx.offset[x]];
      for (int c = 0; c < ch; ++c) {
        float acc = 0;
        for (int k = 0; k < tx.count[x]; ++k) {
          acc += w[k] * row[static_cast<std::size_t>(tx.first[x] + k) * ch + c];
        }
        out[static_cast<std::size_t>(x) * ch + c] = acc;
      }
    }
  }
  std::vector<std::uint8_t> dst(static_cast<std::size_t>(dw) * dh * ch);
  const std::size_t mid_stride = static_cast<std::size_t>(dw) * ch;
  for (int y = 0; y < dh; ++y) {
    const float* w = &ty.weights[ty.offset[y]];
    std::uint8_t* out = &dst[static_cast<std::size_t>(y) * mid_stride];
    for (std::size_t i = 0; i < mid_stride; ++i) {
      float acc = 0;
      for (int k = 0; k < ty.count[y]; ++k) {
        acc += w[k] * mid[static_cast<std::size_t>(ty.first[y] + k) * mid_stride + i];
      }
      out[i] = static_cast<std::uint8_t>(std::clamp(std::lround(acc), 0L, 255L));
    }
  }
  return dst;
}

}  // namespace

RgbImage crop(const RgbImage& image, int x, int y, int width, int height,
              std::optional<std::array<std::uint8_t, 3>> fill) {
  RgbImage out;
  out.width = std::max(1, width);
  out.height = std::max(1, height);
  out.rgb.assign(static_cast<std::size_t>(out.width) * out.height * 3, 0);
  if (image.width < 1 || image.height < 1) return out;
  for (int oy = 0; oy < out.height; ++oy) {
    const std::int64_t sy = std::int64_t{y} + oy;
    std::uint8_t* dst = &out.rgb[static_cast<std::size_t>(oy) * out.width * 3];
    for (int ox = 0; ox < out.width; ++ox) {
      const std::int64_t sx = std::int64_t{x} + ox;
      const bool inside = sy >= 0 && sy < image.height && sx >= 0 && sx < image.width;
      if (!inside && fill) {
        std::memcpy(dst + ox * 3, fill->data(), 3);
        continue;
      }
      const std::int64_t cx = std::clamp<std::int64_t>(sx, 0, image.width - 1);
      const std::int64_t cy = std::clamp<std::int64_t>(sy, 0, image.height - 1);
      std::memcpy(dst + ox * 3, &image.rgb[static_cast<std::size_t>(cy * image.width + cx) * 3], 3);
    }
  }
  return out;
}

GrayImage to_gray(const RgbImage& image) {
  GrayImage g;
  g.width = image.width;
  g.height = image.height;
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  g.pixels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* p = &image.rgb[i * 3];
    g.pixels[i] = codec::luma(p[0], p[1], p[2]);
  }
  return g;
}

RgbImage resize(const RgbImage& image, int width, int height) {
  RgbImage out;
  out.width = std::max(1, width);
  out.height = std::max(1, height);
  if (image.width < 1 || image.height < 1) {
    out.rgb.assign(static_cast<std::size_t>(out.width) * out.height * 3, 0);
    return out;
  }
  out.rgb = resample(image.rgb, image.width, image.height, 3, out.width, out.height);
  return out;
}

GrayImage resize(const GrayImage& image, int width, int height) {
  GrayImage out;
  out.width = std::max(1, width);
  out.height = std::max(1, height);
  if (image.width < 1 || image.height < 1) {
    out.pixels.assign(static_cast<std::size_t>(out.width) * out.height, 0);
    return out;
  }
  out.pixels = resample(image.pixels, image.width, image.height, 1, out.width, out.height);
  return out;
}

}  // namespace sdc
