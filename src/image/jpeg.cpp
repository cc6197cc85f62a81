// JPEG through libjpeg-turbo.
//
// libjpeg reports fatal errors through error_exit, which must not return; we
// longjmp out of it. Everything that outlives the jump (libjpeg's structs and
// our buffers) lives in a decoder or encoder object on the heap, owned by the
// caller's frame through std::unique_ptr, so that no object with a
// destructor is constructed or modified between setjmp and longjmp in the
// frame that calls setjmp. Those objects release libjpeg's structs and
// buffers in their destructors, on every path.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

// clang-format off: jpeglib.h needs <cstdio> first.
#include <jerror.h>
#include <jpeglib.h>
// clang-format on

#include "image/codec.h"

namespace sdc::codec {
namespace {

constexpr int kMaxJpegScans = 1000;  // a progressive file with more is a decoding DoS
constexpr long kJpegMemoryLimit = 512L << 20;

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

// A libjpeg decompressor and what it decodes. Neither copied nor moved:
// libjpeg keeps pointers into it.
struct JpegDecoder {
  JpegDecoder() {
    std::memset(&cinfo, 0, sizeof cinfo);
    init_error(err);
    cinfo.err = &err.mgr;
    std::memset(&progress, 0, sizeof progress);
    progress.mgr.progress_monitor = jpeg_progress;
    progress.err = &err;
  }
  ~JpegDecoder() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
  JpegDecoder(const JpegDecoder&) = delete;
  JpegDecoder& operator=(const JpegDecoder&) = delete;

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
  bool cmyk = false;
  bool cmyk_inverted = false;
  int orientation = 1;
};

enum class JpegStage { header, pixels };

// Runs the decoder; returns false after a libjpeg error (message in st.err).
bool run_jpeg_decode(JpegDecoder& st, ByteView file, const DecodeOptions& options, JpegStage stage,
                     int channels) {
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
  if (!within_limits(w, h, options)) {
    st.too_large = true;
    return true;
  }
  if (stage == JpegStage::header) return true;

  if (st.cinfo.jpeg_color_space == JCS_CMYK || st.cinfo.jpeg_color_space == JCS_YCCK) {
    st.cinfo.out_color_space = JCS_CMYK;
    st.cmyk = true;
    st.cmyk_inverted = st.cinfo.saw_Adobe_marker != 0;
  } else {
    st.cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
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

Result<std::unique_ptr<JpegDecoder>> run_decoder(ByteView file, const DecodeOptions& options,
                                                 JpegStage stage, int channels) {
  auto st = std::make_unique<JpegDecoder>();
  if (!run_jpeg_decode(*st, file, options, stage, channels)) {
    if (st->err.too_many_scans) return fail(Errc::limit, "JPEG has too many progressive scans");
    return fail(Errc::parse, std::string("not a readable JPEG: ") + st->err.message);
  }
  if (st->too_large) {
    auto checked = check_dimensions(st->header_width, st->header_height, options);
    return std::unexpected(checked.error());
  }
  if (st->err.truncated) return fail(Errc::parse, "JPEG file is truncated");
  return st;
}

// CMYK to R, G, B; Adobe files store it inverted.
std::array<int, 3> cmyk_to_rgb(const std::uint8_t* p, bool inverted) {
  int c = p[0], m = p[1], y = p[2], k = p[3];
  if (!inverted) {
    c = 255 - c;
    m = 255 - m;
    y = 255 - y;
    k = 255 - k;
  }
  return {c * k / 255, m * k / 255, y * k / 255};
}

// libjpeg's compressor and the buffer it writes. Neither copied nor moved.
struct JpegEncoder {
  JpegEncoder() {
    std::memset(&cinfo, 0, sizeof cinfo);
    init_error(err);
    cinfo.err = &err.mgr;
  }
  ~JpegEncoder() {
    if (created) jpeg_destroy_compress(&cinfo);
    std::free(buffer);  // allocated by jpeg_mem_dest with malloc
  }
  JpegEncoder(const JpegEncoder&) = delete;
  JpegEncoder& operator=(const JpegEncoder&) = delete;

  jpeg_compress_struct cinfo;
  JpegError err;
  bool created = false;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
};

bool run_jpeg_encode(JpegEncoder& st, const std::uint8_t* pixels, int width, int height,
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
                              int channels, int quality) {
  if (width < 1 || height < 1 || width > 65500 || height > 65500 ||
      size != static_cast<std::size_t>(width) * height * channels) {
    return fail(Errc::invalid_argument,
                "image to encode is empty or its buffer has the wrong size");
  }
  if (quality < 1 || quality > 100) {
    return fail(Errc::invalid_argument, "JPEG quality must be 1..100");
  }
  auto st = std::make_unique<JpegEncoder>();
  if (!run_jpeg_encode(*st, pixels, width, height, channels, quality)) {
    return fail(Errc::internal, std::string("JPEG encoding failed: ") + st->err.message);
  }
  if (st->buffer == nullptr) return fail(Errc::internal, "JPEG encoding gave no output");
  return Bytes(st->buffer, st->buffer + st->size);
}

}  // namespace

Result<Header> read_jpeg_header(ByteView file, const DecodeOptions& options) {
  auto decoded = run_decoder(file, options, JpegStage::header, 3);
  if (!decoded) return std::unexpected(decoded.error());
  const JpegDecoder& st = **decoded;
  const J_COLOR_SPACE space = st.cinfo.jpeg_color_space;
  return Header{static_cast<int>(st.header_width), static_cast<int>(st.header_height),
                st.orientation, space == JCS_CMYK || space == JCS_YCCK};
}

Result<Pixels> decode_jpeg(ByteView file, const DecodeOptions& options, int channels) {
  auto decoded = run_decoder(file, options, JpegStage::pixels, channels);
  if (!decoded) return std::unexpected(decoded.error());
  JpegDecoder& st = **decoded;
  Pixels out;
  out.width = st.width;
  out.height = st.height;
  out.channels = channels;
  out.orientation = st.orientation;
  const std::size_t n = static_cast<std::size_t>(st.width) * st.height;
  if (!st.cmyk && st.components == channels) {
    out.data = std::move(st.pixels);
    return out;
  }
  if (!st.cmyk || st.components != 4) {
    return fail(Errc::parse, "JPEG has an unsupported colour layout");
  }
  out.data.resize(n * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < n; ++i) {
    const auto [r, g, b] = cmyk_to_rgb(&st.pixels[i * 4], st.cmyk_inverted);
    if (channels == 1) {
      out.data[i] = luma(r, g, b);
    } else {
      out.data[i * 3 + 0] = static_cast<std::uint8_t>(r);
      out.data[i * 3 + 1] = static_cast<std::uint8_t>(g);
      out.data[i * 3 + 2] = static_cast<std::uint8_t>(b);
    }
  }
  return out;
}

}  // namespace sdc::codec

namespace sdc {

Result<Bytes> encode_jpeg(const RgbImage& image, int quality) {
  return codec::encode_jpeg_raw(image.rgb.data(), image.rgb.size(), image.width, image.height, 3,
                                quality);
}

Result<Bytes> encode_gray_jpeg(const GrayImage& image, int quality) {
  return codec::encode_jpeg_raw(image.pixels.data(), image.pixels.size(), image.width, image.height,
                                1, quality);
}

}  // namespace sdc
