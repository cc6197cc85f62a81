// Byte buffers and the text encodings the project uses for them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/util/error.h"

namespace sdc {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Lowercase hexadecimal.
std::string hex_encode(ByteView data);
Result<Bytes> hex_decode(std::string_view text);

// Base64 with padding (RFC 4648 §4).
std::string base64_encode(ByteView data);
Result<Bytes> base64_decode(std::string_view text);

// Base45 (RFC 9285). Decoding refuses characters outside the alphabet, a
// dangling single character and triples that decode above 0xFFFF.
std::string base45_encode(ByteView data);
Result<Bytes> base45_decode(std::string_view text);

// Compares two buffers in time that depends only on their lengths.
bool constant_time_equal(ByteView a, ByteView b);

}  // namespace sdc
