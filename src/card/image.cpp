// JPEG through libjpeg-turbo, PNG through libpng's simplified API, and the few
// pixel operations the portrait and card code need.
//
// libjpeg reports fatal errors through error_exit, which must not return; we
// longjmp out of it. Everything that outlives the jump (libjpeg's structs and
// our buffers) lives in a state object owned by the caller's frame, so that
// no object with a destructor is constructed or modified between setjmp and
// longjmp in the frame that calls setjmp.
#include "sdc/image.h"

#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

namespace sdc {
namespace {

constexpr int kMaxJpegScans = 1000;  // a progressive file with more is a decoding DoS
constexpr long kJpegMemoryLimit = 512L << 20;

// ---------------------------------------------------------------------------
// EXIF orientation

std::uint16_t read_u16(const std::uint8_t* p, bool big_endian) {
  return big_endian ? static_cast<std::uint16_t>((p[0] << 8) | p[1])
                    : static_cast<std::uint16_t>((p[1] << 8) | p[0]);
}
std::uint32_t read_u32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                          (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]}
                    : (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) |
                          (std::uint32_t{p[1]} << 8) | std::uint32_t{p[0]};
}

// The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment, 1..8, or 1
// when absent or malformed. Every offset is checked against the segment.
int exif_orientation(const std::uint8_t* data, std::size_t size) {
  static constexpr std::uint8_t kExif[6] = {'E', 'x', 'i', 'f', 0, 0};
  if (size < 6 + 8 || std::memcmp(data, kExif, 6) != 0) return 1;
  const std::uint8_t* tiff = data + 6;
  const std::size_t n = size - 6;
  bool big_endian;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    big_endian = false;
  } else if (tiff[0] == 'M' && tiff[1] == 'M') {
    big_endian = true;
  } else {
    return 1;
  }
  if (read_u16(tiff + 2, big_endian) != 42) return 1;
  const std::uint32_t ifd = read_u32(tiff + 4, big_endian);
  if (ifd > n || n - ifd < 2) return 1;
  const std::uint16_t entries = read_u16(tiff + ifd, big_endian);
  const std::size_t first = std::size_t{ifd} + 2;
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t at = first + i * 12;
    if (at > n || n - at < 12) return 1;
    const std::uint8_t* e = tiff + at;
    if (read_u16(e, big_endian) != 0x0112) continue;
    const std::uint16_t type = read_u16(e + 2, big_endian);
    const std::uint32_t count = read_u32(e + 4, big_endian);
    if (type != 3 || count != 1) return 1;  // SHORT, one value, stored inline
    const int value = read_u16(e + 8, big_endian);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

// Applies an EXIF orientation so that the image is upright.
RgbImage apply_orientation(RgbImage in, int orientation) {
  if (orientation <= 1 || orientation > 8) return in;
  const int w = in.width;
  const int h = in.height;
  const bool swap = orientation >= 5;
  RgbImage out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.rgb.resize(in.rgb.size());
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sx = x;
      int sy = y;
      switch (orientation) {
        case 2:  // mirrored
          sx = w - 1 - x;
          break;
        case 3:  // turned 180
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:  // flipped
          sy = h - 1 - y;
          break;
        case 5:  // transposed
          sx = y;
          sy = x;
          break;
        case 6:  // to be turned 90 clockwise
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:  // transversed
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        case 8:  // to be turned 90 anticlockwise
          sx = w - 1 - y;
          sy = x;
          break;
        default:
          break;
      }
      const std::size_t s = (static_cast<std::size_t>(sy) * w + sx) * 3;
      const std::size_t d = (static_cast<std::size_t>(y) * out.width + x) * 3;
      std::memcpy(&out.rgb[d], &in.rgb[s], 3);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// libjpeg plumbing

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
  bool too_many_scans;
};

[[noreturn]] void jpeg_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void jpeg_emit_message(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  if (level < 0) {
    ++cinfo->err->num_warnings;
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->truncated = true;
  }
}

void jpeg_output_message(j_common_ptr) {}  // never to stderr

struct JpegProgress {
  jpeg_progress_mgr mgr;
  JpegError* err;
};

void jpeg_progress(j_common_ptr cinfo) {
  if (!cinfo->is_decompressor) return;
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  auto* progress = reinterpret_cast<JpegProgress*>(cinfo->progress);
  if (d->input_scan_number > kMaxJpegScans) {
    progress->err->too_many_scans = true;
    std::longjmp(progress->err->jump, 1);
  }
}

void init_error(JpegError& err) {
  std::memset(&err, 0, sizeof err);
  jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_error_exit;
  err.mgr.emit_message = jpeg_emit_message;
  err.mgr.output_message = jpeg_output_message;
}

struct JpegDecodeState {
  jpeg_decompress_struct cinfo;
  JpegError err;
  JpegProgress progress;
  bool created = false;
  bool too_large = false;
  std::vector<std::uint8_t> pixels;  // out_color_components per pixel
  std::int64_t header_width = 0;     // as stored, before orientation
  std::int64_t header_height = 0;
  int width = 0;  // decoded, before orientation
  int height = 0;
  int components = 0;
  bool cmyk_inverted = false;
  int orientation = 1;
};

enum class JpegStage { header, pixels };

// Runs the decoder; returns false after a libjpeg error (message in st.err).
bool run_jpeg_decode(JpegDecodeState& st, ByteView file, const DecodeOptions& options,
                     JpegStage stage) {
  if (setjmp(st.err.jump) != 0) return false;
  jpeg_create_decompress(&st.cinfo);
  st.created = true;
  st.cinfo.mem->max_memory_to_use = kJpegMemoryLimit;
  st.cinfo.progress = &st.progress.mgr;
  jpeg_mem_src(&st.cinfo, file.data(), static_cast<unsigned long>(file.size()));
  jpeg_save_markers(&st.cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&st.cinfo, TRUE);

  st.header_width = st.cinfo.image_width;
  st.header_height = st.cinfo.image_height;
  const std::int64_t w = st.header_width;
  const std::int64_t h = st.header_height;
  for (jpeg_saved_marker_ptr m = st.cinfo.marker_list; m != nullptr; m = m->next) {
    if (m->marker == JPEG_APP0 + 1) {
      const int o = exif_orientation(m->data, m->data_length);
      if (o != 1) {
        st.orientation = o;
        break;
      }
    }
  }
  if (w < 1 || h < 1 || w > options.max_side || h > options.max_side ||
      w * h > options.max_pixels) {
    st.too_large = true;
    return true;
  }
  if (stage == JpegStage::header) return true;

  if (st.cinfo.jpeg_color_space == JCS_CMYK || st.cinfo.jpeg_color_space == JCS_YCCK) {
    st.cinfo.out_color_space = JCS_CMYK;
    st.cmyk_inverted = st.cinfo.saw_Adobe_marker != 0;
  } else {
    st.cinfo.out_color_space = JCS_RGB;
  }
  if (options.shrink_to_at_least > 0) {
    const std::int64_t longer = std::max(w, h);
    unsigned denom = 1;
    while (denom < 8 && longer / (denom * 2) >= options.shrink_to_at_least) denom *= 2;
    st.cinfo.scale_num = 1;
    st.cinfo.scale_denom = denom;
  }
  st.cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&st.cinfo);
  st.width = static_cast<int>(st.cinfo.output_width);
  st.height = static_cast<int>(st.cinfo.output_height);
  st.components = st.cinfo.output_components;
  const std::size_t stride = static_cast<std::size_t>(st.width) * st.components;
  st.pixels.resize(stride * st.height);
  while (st.cinfo.output_scanline < st.cinfo.output_height) {
    JSAMPROW row = st.pixels.data() + stride * st.cinfo.output_scanline;
    jpeg_read_scanlines(&st.cinfo, &row, 1);
  }
  jpeg_finish_decompress(&st.cinfo);
  return true;
}

std::string too_large_message(std::int64_t w, std::int64_t h, const DecodeOptions& options) {
  return "image of " + std::to_string(w) + "x" + std::to_string(h) +
         " pixels is over the limit of " + std::to_string(options.max_pixels) +
         " pixels (at most " + std::to_string(options.max_side) + " a side)";
}

Result<std::unique_ptr<JpegDecodeState>> jpeg_decode(ByteView file, const DecodeOptions& options,
                                                     JpegStage stage) {
  auto st = std::make_unique<JpegDecodeState>();
  std::memset(&st->cinfo, 0, sizeof st->cinfo);
  init_error(st->err);
  st->cinfo.err = &st->err.mgr;
  std::memset(&st->progress, 0, sizeof st->progress);
  st->progress.mgr.progress_monitor = jpeg_progress;
  st->progress.err = &st->err;

  const bool ok = run_jpeg_decode(*st, file, options, stage);
  if (st->created) jpeg_destroy_decompress(&st->cinfo);
  if (!ok) {
    if (st->err.too_many_scans) return fail(Errc::limit, "JPEG has too many progressive scans");
    return fail(Errc::parse, std::string("not a readable JPEG: ") + st->err.message);
  }
  if (st->too_large) {
    return fail(Errc::limit, too_large_message(st->header_width, st->header_height, options));
  }
  if (st->err.truncated) return fail(Errc::parse, "JPEG file is truncated");
  return st;
}

Result<RgbImage> decode_jpeg(ByteView file, const DecodeOptions& options) {
  auto decoded = jpeg_decode(file, options, JpegStage::pixels);
  if (!decoded) return std::unexpected(decoded.error());
  JpegDecodeState& st = **decoded;
  RgbImage img;
  img.width = st.width;
  img.height = st.height;
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  if (st.components == 3) {
    img.rgb = std::move(st.pixels);
  } else if (st.components == 4) {  // CMYK; Adobe files store it inverted
    img.rgb.resize(n * 3);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* p = &st.pixels[i * 4];
      int c = p[0], m = p[1], y = p[2], k = p[3];
      if (!st.cmyk_inverted) {
        c = 255 - c;
        m = 255 - m;
        y = 255 - y;
        k = 255 - k;
      }
      img.rgb[i * 3 + 0] = static_cast<std::uint8_t>(c * k / 255);
      img.rgb[i * 3 + 1] = static_cast<std::uint8_t>(m * k / 255);
      img.rgb[i * 3 + 2] = static_cast<std::uint8_t>(y * k / 255);
    }
  } else {
    return fail(Errc::parse, "JPEG has an unsupported colour layout");
  }
  return apply_orientation(std::move(img), st.orientation);
}

struct JpegEncodeState {
  jpeg_compress_struct cinfo;
  JpegError err;
  bool created = false;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
};

bool run_jpeg_encode(JpegEncodeState& st, const std::uint8_t* pixels, int width, int height,
                     int components, int quality) {
  if (setjmp(st.err.jump) != 0) return false;
  jpeg_create_compress(&st.cinfo);
  st.created = true;
  jpeg_mem_dest(&st.cinfo, &st.buffer, &st.size);
  st.cinfo.image_width = static_cast<JDIMENSION>(width);
  st.cinfo.image_height = static_cast<JDIMENSION>(height);
  st.cinfo.input_components = components;
  st.cinfo.in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&st.cinfo);
  jpeg_set_quality(&st.cinfo, quality, TRUE);
  st.cinfo.optimize_coding = TRUE;
  st.cinfo.dct_method = JDCT_ISLOW;
  if (components == 1) st.cinfo.write_JFIF_header = FALSE;  // 18 bytes a thumbnail can spare
  jpeg_start_compress(&st.cinfo, TRUE);
  const std::size_t stride = static_cast<std::size_t>(width) * components;
  while (st.cinfo.next_scanline < st.cinfo.image_height) {
    // libjpeg's API takes non-const rows but does not write to them.
    auto row = const_cast<JSAMPROW>(pixels + stride * st.cinfo.next_scanline);
    jpeg_write_scanlines(&st.cinfo, &row, 1);
  }
  jpeg_finish_compress(&st.cinfo);
  return true;
}

Result<Bytes> encode_jpeg_raw(const std::uint8_t* pixels, std::size_t size, int width, int height,
                              int components, int quality) {
  if (width < 1 || height < 1 || width > 65500 || height > 65500 ||
      size != static_cast<std::size_t>(width) * height * components) {
    return fail(Errc::invalid_argument,
                "image to encode is empty or its buffer has the wrong size");
  }
  if (quality < 1 || quality > 100) {
    return fail(Errc::invalid_argument, "JPEG quality must be 1..100");
  }
  auto st = std::make_unique<JpegEncodeState>();
  std::memset(&st->cinfo, 0, sizeof st->cinfo);
  init_error(st->err);
  st->cinfo.err = &st->err.mgr;
  const bool ok = run_jpeg_encode(*st, pixels, width, height, components, quality);
  if (st->created) jpeg_destroy_compress(&st->cinfo);
  Bytes out;
  if (ok && st->buffer != nullptr) out.assign(st->buffer, st->buffer + st->size);
  std::free(st->buffer);
  if (!ok) return fail(Errc::internal, std::string("JPEG encoding failed: ") + st->err.message);
  return out;
}

// ---------------------------------------------------------------------------
// PNG

struct PngImageFree {
  png_image* image;
  ~PngImageFree() { png_image_free(image); }
};

// Reads the PNG header into `image` and checks the limits.
Result<void> begin_png(png_image& image, ByteView file, const DecodeOptions& options) {
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, file.data(), file.size()) == 0) {
    return fail(Errc::parse, std::string("not a readable PNG: ") + image.message);
  }
  const std::int64_t w = image.width;
  const std::int64_t h = image.height;
  if (w < 1 || h < 1 || w > options.max_side || h > options.max_side ||
      w * h > options.max_pixels) {
    return fail(Errc::limit, too_large_message(w, h, options));
  }
  return {};
}

Result<RgbImage> decode_png(ByteView file, const DecodeOptions& options) {
  png_image image;
  PngImageFree guard{&image};
  if (auto begun = begin_png(image, file, options); !begun) {
    return std::unexpected(begun.error());
  }
  image.format = PNG_FORMAT_RGB;
  RgbImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  const png_color white{255, 255, 255};
  if (png_image_finish_read(&image, &white, out.rgb.data(), 0, nullptr) == 0) {
    return fail(Errc::parse, std::string("not a readable PNG: ") + image.message);
  }
  if (out.rgb.size() != static_cast<std::size_t>(out.width) * out.height * 3) {
    return fail(Errc::internal, "PNG decoder returned an unexpected layout");
  }
  return out;
}

// ---------------------------------------------------------------------------
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

std::optional<ImageFormat> sniff_image_format(ByteView b) {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::jpeg;
  static constexpr std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() >= 8 && std::memcmp(b.data(), kPng, 8) == 0) return ImageFormat::png;
  return std::nullopt;
}

namespace {

Result<ImageFormat> check_file(ByteView file_bytes, const DecodeOptions& options) {
  if (file_bytes.size() > options.max_file_bytes) {
    return fail(Errc::limit, "image file of " + std::to_string(file_bytes.size()) +
                                 " bytes is over the limit of " +
                                 std::to_string(options.max_file_bytes));
  }
  const auto format = sniff_image_format(file_bytes);
  if (!format) return fail(Errc::parse, "not a JPEG or PNG file");
  return *format;
}

}  // namespace

Result<ImageInfo> read_image_info(ByteView file_bytes, const DecodeOptions& options) {
  auto format = check_file(file_bytes, options);
  if (!format) return std::unexpected(format.error());
  ImageInfo info;
  info.format = *format;
  if (*format == ImageFormat::png) {
    png_image image;
    PngImageFree guard{&image};
    if (auto begun = begin_png(image, file_bytes, options); !begun) {
      return std::unexpected(begun.error());
    }
    info.width = static_cast<int>(image.width);
    info.height = static_cast<int>(image.height);
    return info;
  }
  auto decoded = jpeg_decode(file_bytes, options, JpegStage::header);
  if (!decoded) return std::unexpected(decoded.error());
  const JpegDecodeState& st = **decoded;
  info.exif_orientation = st.orientation;
  const bool swap = st.orientation >= 5;
  info.width = static_cast<int>(swap ? st.header_height : st.header_width);
  info.height = static_cast<int>(swap ? st.header_width : st.header_height);
  return info;
}

Result<RgbImage> decode_image(ByteView file_bytes, const DecodeOptions& options) {
  auto format = check_file(file_bytes, options);
  if (!format) return std::unexpected(format.error());
  if (*format == ImageFormat::png) return decode_png(file_bytes, options);
  return decode_jpeg(file_bytes, options);
}

Result<Bytes> encode_jpeg(const RgbImage& image, int quality) {
  return encode_jpeg_raw(image.rgb.data(), image.rgb.size(), image.width, image.height, 3, quality);
}

Result<Bytes> encode_gray_jpeg(const GrayImage& image, int quality) {
  return encode_jpeg_raw(image.pixels.data(), image.pixels.size(), image.width, image.height, 1,
                         quality);
}

Result<Bytes> encode_png(const RgbImage& image) {
  if (image.width < 1 || image.height < 1 ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3) {
    return fail(Errc::invalid_argument,
                "image to encode is empty or its buffer has the wrong size");
  }
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  PngImageFree guard{&png};
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&png, nullptr, &size, 0, image.rgb.data(), 0, nullptr) == 0) {
    return fail(Errc::internal, std::string("PNG encoding failed: ") + png.message);
  }
  Bytes out(size);
  if (png_image_write_to_memory(&png, out.data(), &size, 0, image.rgb.data(), 0, nullptr) == 0) {
    return fail(Errc::internal, std::string("PNG encoding failed: ") + png.message);
  }
  out.resize(size);
  return out;
}

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
    g.pixels[i] = static_cast<std::uint8_t>((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
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
