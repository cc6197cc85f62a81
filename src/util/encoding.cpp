#include <array>

#include "sdc/util/bytes.h"

namespace sdc {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<std::int8_t, 256> make_table(const char* alphabet, int n) {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < n; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kB64Index = make_table(kB64, 64);
constexpr auto kB45Index = make_table(kB45, 45);

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string hex_encode(ByteView data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return fail(Errc::parse, "hex text has an odd number of digits");
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::parse, "hex text has a character that is not a hex digit");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  if (std::size_t rest = data.size() - i; rest > 0) {
    std::uint32_t v = data[i] << 16 | (rest == 2 ? data[i + 1] << 8 : 0);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return fail(Errc::parse, "base64 text length is not a multiple of 4");
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int pad = 0;
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      int d = kB64Index[static_cast<unsigned char>(c)];
      if (d < 0 || pad > 0) return fail(Errc::parse, "base64 text has a character outside the alphabet");
      v = v << 6 | static_cast<std::uint32_t>(d);
    }
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

std::string base45_encode(ByteView data) {
  std::string out;
  out.reserve(data.size() / 2 * 3 + 2);
  std::size_t i = 0;
  for (; i + 2 <= data.size(); i += 2) {
    unsigned v = data[i] * 256u + data[i + 1];
    out.push_back(kB45[v % 45]);
    out.push_back(kB45[(v / 45) % 45]);
    out.push_back(kB45[v / 2025]);
  }
  if (i < data.size()) {
    unsigned v = data[i];
    out.push_back(kB45[v % 45]);
    out.push_back(kB45[v / 45]);
  }
  return out;
}

Result<Bytes> base45_decode(std::string_view text) {
  if (text.size() % 3 == 1) return fail(Errc::parse, "Base45 text has a dangling character");
  Bytes out;
  out.reserve(text.size() / 3 * 2 + 1);
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return kB45Index[static_cast<unsigned char>(text[k])]; };
  for (; i + 3 <= text.size(); i += 3) {
    int c = digit(i), d = digit(i + 1), e = digit(i + 2);
    if (c < 0 || d < 0 || e < 0) return fail(Errc::parse, "Base45 text has a character outside the alphabet");
    unsigned v = static_cast<unsigned>(c + d * 45 + e * 2025);
    if (v > 0xFFFF) return fail(Errc::parse, "Base45 triple decodes above 0xFFFF");
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  }
  if (i < text.size()) {
    int c = digit(i), d = digit(i + 1);
    if (c < 0 || d < 0) return fail(Errc::parse, "Base45 text has a character outside the alphabet");
    unsigned v = static_cast<unsigned>(c + d * 45);
    if (v > 0xFF) return fail(Errc::parse, "Base45 pair decodes above 0xFF");
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  volatile std::uint8_t acc = 0;
  for (std::size_t i = 0; i < a.size(); ++i) acc = acc | static_cast<std::uint8_t>(a[i] ^ b[i]);
  return acc == 0;
}

}  // namespace sdc
