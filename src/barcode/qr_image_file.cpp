// Reading a QR code from a PNG or JPEG file. The card module has a full
// colour decoder (sdc/image.h), but this layer sits below it, and a QR reader
// only needs luminance, so this is a small grayscale-only decoder of its own.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

// clang-format off: jpeglib.h needs <cstdio> first.
#include <jpeglib.h>
// clang-format on

#include "sdc/barcode.h"
#include "sdc/file.h"

namespace sdc {
namespace {

constexpr std::size_t kMaxFileBytes = 50u << 20;
constexpr std::int64_t kMaxPixels = 60'000'000;

bool pixel_count_ok(std::int64_t w, std::int64_t h) {
  return w > 0 && h > 0 && w <= 30'000 && h <= 30'000 && w * h <= kMaxPixels;
}

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void jpeg_silence(j_common_ptr, int) {}

// Kept free of C++ objects with destructors between setjmp and longjmp:
// the output buffer is owned by the caller.
bool decode_jpeg_gray(ByteView bytes, GrayImage& out, std::string& error) {
  jpeg_decompress_struct cinfo;
  JpegError jerr;
  cinfo.err = jpeg_std_error(&jerr.mgr);
  jerr.mgr.error_exit = jpeg_error_exit;
  jerr.mgr.emit_message = jpeg_silence;
  jerr.message[0] = '\0';
  if (setjmp(jerr.jump)) {
    jpeg_destroy_decompress(&cinfo);
    error = jerr.message;
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
  if (!pixel_count_ok(cinfo.image_width, cinfo.image_height)) {
    jpeg_destroy_decompress(&cinfo);
    error = "image dimensions out of range";
    return false;
  }
  jpeg_start_decompress(&cinfo);
  const int w = static_cast<int>(cinfo.output_width);
  const int h = static_cast<int>(cinfo.output_height);
  const int comps = cinfo.output_components;
  out.width = w;
  out.height = h;
  out.pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  // One scanline buffer from libjpeg's own pool: freed with the decompressor.
  JSAMPARRAY line = (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE,
                                               static_cast<JDIMENSION>(w * comps), 1);
  while (cinfo.output_scanline < cinfo.output_height) {
    const auto y = static_cast<std::size_t>(cinfo.output_scanline);
    jpeg_read_scanlines(&cinfo, line, 1);
    std::uint8_t* dst = out.pixels.data() + y * static_cast<std::size_t>(w);
    const JSAMPLE* src = line[0];
    if (!cmyk) {
      std::memcpy(dst, src, static_cast<std::size_t>(w));
      continue;
    }
    // Adobe writes CMYK inverted; scale each channel by K for RGB, then luma.
    for (int x = 0; x < w; ++x) {
      const JSAMPLE* p = src + 4 * x;
      const int k = p[3];
      const int r = p[0] * k / 255, g = p[1] * k / 255, b = p[2] * k / 255;
      dst[x] = static_cast<std::uint8_t>((299 * r + 587 * g + 114 * b) / 1000);
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

Result<GrayImage> decode_png_gray(ByteView bytes) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    return fail(Errc::parse, std::string("PNG: ") + image.message);
  }
  if (!pixel_count_ok(image.width, image.height)) {
    png_image_free(&image);
    return fail(Errc::limit, "PNG dimensions out of range");
  }
  image.format = PNG_FORMAT_GRAY;  // alpha is composited onto `background`
  GrayImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&image, &white, out.pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return fail(Errc::parse, std::string("PNG: ") + image.message);
  }
  return out;
}

Result<GrayImage> decode_gray(ByteView bytes) {
  static constexpr std::uint8_t kPng[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return decode_png_gray(bytes);
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    GrayImage out;
    std::string error;
    if (!decode_jpeg_gray(bytes, out, error)) return fail(Errc::parse, "JPEG: " + error);
    return out;
  }
  return fail(Errc::parse, "not a PNG or JPEG image");
}

}  // namespace

Result<std::string> read_qr_from_image_bytes(ByteView file_bytes) {
  if (file_bytes.size() > kMaxFileBytes) return fail(Errc::limit, "image file is too large");
  auto image = decode_gray(file_bytes);
  if (!image) return std::unexpected(image.error());
  return read_qr(*image);
}

Result<std::string> read_qr_from_image_file(const std::filesystem::path& path) {
  auto bytes = read_file(path, kMaxFileBytes);
  if (!bytes) return std::unexpected(bytes.error());
  return read_qr_from_image_bytes(as_bytes(*bytes));
}

}  // namespace sdc
