// PNG through libpng's simplified API.
#include <png.h>

#include <cstring>
#include <string>

#include "image/codec.h"

namespace sdc::codec {
namespace {

// A png_image, released by png_image_free on every path. Neither copied nor
// moved: libpng's state points back at it.
class PngImage {
 public:
  PngImage() {
    std::memset(&image_, 0, sizeof image_);
    image_.version = PNG_IMAGE_VERSION;
  }
  ~PngImage() { png_image_free(&image_); }
  PngImage(const PngImage&) = delete;
  PngImage& operator=(const PngImage&) = delete;

  png_image* get() { return &image_; }
  png_image* operator->() { return &image_; }

 private:
  png_image image_;
};

// Reads the PNG header into `png` and checks the limits.
Result<void> begin_png(PngImage& png, ByteView file, const DecodeOptions& options) {
  if (png_image_begin_read_from_memory(png.get(), file.data(), file.size()) == 0) {
    return fail(Errc::parse, std::string("not a readable PNG: ") + png->message);
  }
  return check_dimensions(png->width, png->height, options);
}

}  // namespace

Result<Header> read_png_header(ByteView file, const DecodeOptions& options) {
  PngImage png;
  if (auto begun = begin_png(png, file, options); !begun) return std::unexpected(begun.error());
  return Header{static_cast<int>(png->width), static_cast<int>(png->height), 1, false};
}

Result<Pixels> decode_png(ByteView file, const DecodeOptions& options, int channels) {
  PngImage png;
  if (auto begun = begin_png(png, file, options); !begun) return std::unexpected(begun.error());
  // No alpha channel asked for: libpng composites transparency onto `white`.
  png->format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  Pixels out;
  out.width = static_cast<int>(png->width);
  out.height = static_cast<int>(png->height);
  out.channels = channels;
  out.data.resize(PNG_IMAGE_SIZE(*png.get()));
  const png_color white{255, 255, 255};
  if (png_image_finish_read(png.get(), &white, out.data.data(), 0, nullptr) == 0) {
    return fail(Errc::parse, std::string("not a readable PNG: ") + png->message);
  }
  if (out.data.size() != static_cast<std::size_t>(out.width) * out.height * channels) {
    return fail(Errc::internal, "PNG decoder returned an unexpected layout");
  }
  return out;
}

}  // namespace sdc::codec

namespace sdc {

Result<Bytes> encode_png(const RgbImage& image) {
  if (image.width < 1 || image.height < 1 ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3) {
    return fail(Errc::invalid_argument,
                "image to encode is empty or its buffer has the wrong size");
  }
  codec::PngImage png;
  png->width = static_cast<png_uint_32>(image.width);
  png->height = static_cast<png_uint_32>(image.height);
  png->format = PNG_FORMAT_RGB;
  png_alloc_size_t written = 0;
  if (png_image_write_to_memory(png.get(), nullptr, &written, 0, image.rgb.data(), 0, nullptr) ==
      0) {
    return fail(Errc::internal, std::string("PNG encoding failed: ") + png->message);
  }
  Bytes out(written);
  if (png_image_write_to_memory(png.get(), out.data(), &written, 0, image.rgb.data(), 0, nullptr) ==
      0) {
    return fail(Errc::internal, std::string("PNG encoding failed: ") + png->message);
  }
  out.resize(written);
  return out;
}

}  // namespace sdc
