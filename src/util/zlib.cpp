#include "sdc/util/zlib.h"

#include <zlib.h>

#include <algorithm>

namespace sdc {

Bytes zlib_compress(ByteView data, int level) {
  // A window no larger than the input compresses it the same and spares
  // zlib from setting up 32 KiB of state for a 300-byte credential.
  int window_bits = 9;
  while (window_bits < 15 && (std::size_t{1} << window_bits) < data.size()) ++window_bits;
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, window_bits, level == 0 ? 1 : 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
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

namespace {

// One inflate stream per thread, reset between uses: a fresh one costs two
// allocations of several KiB per call (its state, and its window when
// needed), which on a busy server is most of the cost of inflating a
// 300-byte credential.
class ThreadInflater {
 public:
  ThreadInflater() { ok_ = inflateInit(&zs_) == Z_OK; }
  ~ThreadInflater() {
    if (ok_) inflateEnd(&zs_);
  }
  ThreadInflater(const ThreadInflater&) = delete;
  ThreadInflater& operator=(const ThreadInflater&) = delete;

  z_stream* get() {
    if (!ok_ || inflateReset(&zs_) != Z_OK) return nullptr;
    return &zs_;
  }
  // Room for small outputs, kept between calls.
  Bytes& scratch() { return scratch_; }

 private:
  z_stream zs_{};
  bool ok_ = false;
  Bytes scratch_;
};

}  // namespace

Result<Bytes> zlib_inflate(ByteView data, std::size_t max_output) {
  thread_local ThreadInflater inflater;
  z_stream* zs = inflater.get();
  if (!zs) return fail(Errc::internal, "zlib could not be initialised");
  zs->next_in = const_cast<Bytef*>(data.data());
  zs->avail_in = static_cast<uInt>(data.size());
  // Small outputs (every barcode) inflate in one Z_FINISH call into the
  // thread's scratch buffer of the cap's size (at most 16 KiB), which lets
  // zlib skip its sliding window; larger ones grow a buffer of their own
  // geometrically up to the cap.
  Bytes& scratch = inflater.scratch();
  scratch.resize(std::min<std::size_t>(max_output, 16 * 1024) + 1);
  Bytes grown;
  Bytes* out = &scratch;
  for (;;) {
    zs->next_out = out->data() + zs->total_out;
    zs->avail_out = static_cast<uInt>(out->size() - zs->total_out);
    int rc = inflate(zs, Z_FINISH);
    if (zs->total_out > max_output)
      return fail(Errc::limit, "compressed data inflates past the " + std::to_string(max_output) +
                                   "-byte limit");
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs->avail_out == 0) {
      if (out == &scratch) {
        grown.assign(scratch.begin(), scratch.end());
        out = &grown;
      }
      out->resize(std::min<std::size_t>(out->size() * 2, max_output + 1));
      continue;
    }
    if (rc == Z_BUF_ERROR && zs->avail_in == 0)
      return fail(Errc::parse, "zlib stream is truncated");
    return fail(Errc::parse,
                std::string("zlib stream is broken: ") + (zs->msg ? zs->msg : "error"));
  }
  if (zs->avail_in != 0) return fail(Errc::parse, "bytes follow the end of the zlib stream");
  auto n = static_cast<std::ptrdiff_t>(zs->total_out);
  if (out == &grown) {
    grown.resize(zs->total_out);
    return grown;
  }
  return Bytes(scratch.begin(), scratch.begin() + n);
}

}  // namespace sdc
