#include "sdc/zlib.h"

#include <zlib.h>

namespace sdc {

Bytes zlib_compress(ByteView data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  Bytes out(size);
  int rc = compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), 9);
  if (rc != Z_OK) return {};  // only Z_MEM_ERROR is possible with a bound-sized buffer
  out.resize(size);
  return out;
}

Result<Bytes> zlib_inflate(ByteView data, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return fail(Errc::internal, "zlib could not be initialised");
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&zs};

  Bytes out;
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  std::uint8_t chunk[4096];
  for (;;) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    int rc = inflate(&zs, Z_NO_FLUSH);
    std::size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max_output)
      return fail(Errc::limit, "compressed data inflates past the " + std::to_string(max_output) +
                                   "-byte limit");
    out.insert(out.end(), chunk, chunk + produced);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0)
      return fail(Errc::parse, "zlib stream is truncated");
    return fail(Errc::parse, std::string("zlib stream is broken: ") + (zs.msg ? zs.msg : "error"));
  }
  if (zs.avail_in != 0) return fail(Errc::parse, "bytes follow the end of the zlib stream");
  return out;
}

}  // namespace sdc
