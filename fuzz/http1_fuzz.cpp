// libFuzzer target for HTTP/1.1 request framing (src/http/http1.h), the
// first code to see the bytes a client sends to sdcd. The input is a byte
// stream as one connection would carry it: requests are framed one after
// another, as the listener does, until the stream needs more bytes or is
// refused. parse_request must never throw, crash or hang, and what it says
// must hold: a complete request lies within the bytes given, its body within
// the limit; an error names a status the listener answers, and why.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/http1.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdc::http::http1;
  constexpr std::size_t kMaxBody = 4096;
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  while (!stream.empty()) {
    RequestHead head;
    auto r = parse_request(stream, kMaxBody, head);
    if (r.state == Parse::error) {
      if (r.message.empty()) __builtin_trap();
      switch (r.status) {
        case 400:
        case 413:
        case 417:
        case 431:
        case 501:
        case 505:
          break;
        default:
          __builtin_trap();
      }
      return 0;
    }
    if (r.state == Parse::incomplete) {
      if (r.head_size != 0 && r.head_size + head.content_length <= stream.size()) __builtin_trap();
      if (r.head_size == 0 && stream.size() > kMaxHead) __builtin_trap();
      return 0;
    }
    if (r.head_size == 0 || r.head_size > kMaxHead) __builtin_trap();
    if (head.content_length > kMaxBody) __builtin_trap();
    if (r.head_size + head.content_length > stream.size()) __builtin_trap();
    if (head.method.empty() || head.target.empty() || head.target.front() != '/') __builtin_trap();
    if (head.headers.size() > kMaxHeaders) __builtin_trap();
    stream.remove_prefix(r.head_size + head.content_length);
  }
  return 0;
}
