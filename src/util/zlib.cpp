#include "sdc/zlib.h"

#include <zlib.h>

#include <algorithm>

namespace sdc {

Bytes zlib_compress(ByteView data, int level) {
  // A window no larger than the input compresses it the same and spares
  // zlib from setting up 32 KiB of state for a 300-byte credential.
  int window_bits = 9;
  while (window_bits < 15 && (std::size_t{1} << window_bits) < data.size()) ++window_bits;
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, window_bits, level == 0 ? 1 : 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return {};
  Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};  // impossible with a deflateBound-sized buffer
  return out;
}

Result<Bytes> zlib_inflate(ByteView data, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return fail(Errc::internal, "zlib could not be initialised");
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&zs};

  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  // Small outputs (every barcode) inflate in one Z_FINISH call into a buffer
  // of the cap's size, which lets zlib skip its sliding window; larger ones
  // grow the buffer geometrically up to the cap.
  Bytes out(std::min<std::size_t>(max_output, 16 * 1024) + 1);
  for (;;) {
    zs.next_out = out.data() + zs.total_out;
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    int rc = inflate(&zs, Z_FINISH);
    if (zs.total_out > max_output)
      return fail(Errc::limit, "compressed data inflates past the " + std::to_string(max_output) +
                                   "-byte limit");
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
      out.resize(std::min<std::size_t>(out.size() * 2, max_output + 1));
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) return fail(Errc::parse, "zlib stream is truncated");
    return fail(Errc::parse, std::string("zlib stream is broken: ") + (zs.msg ? zs.msg : "error"));
  }
  out.resize(zs.total_out);
  if (zs.avail_in != 0) return fail(Errc::parse, "bytes follow the end of the zlib stream");
  return out;
}

}  // namespace sdc
