#include "sdc/cbor/cbor.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace sdc::cbor {
namespace {

Error malformed(std::string m) { return Error{Errc::parse, "CBOR: " + std::move(m)}; }

bool valid_utf8(ByteView s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
    else return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

Result<Reader::Head> Reader::read_head() {
  if (pos_ >= data_.size()) return std::unexpected(malformed("unexpected end of data"));
  std::uint8_t ib = data_[pos_];
  Head h{static_cast<Major>(ib >> 5), 0, static_cast<std::uint8_t>(ib & 31)};
  if (h.info < 24) {
    h.arg = h.info;
    ++pos_;
    return h;
  }
  if (h.info > 27) {
    if (h.info == 31) return std::unexpected(malformed("indefinite lengths are not accepted"));
    return std::unexpected(malformed("reserved additional information value"));
  }
  std::size_t n = std::size_t{1} << (h.info - 24);
  if (data_.size() - pos_ - 1 < n) return std::unexpected(malformed("unexpected end of data"));
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | data_[pos_ + 1 + i];
  // Preferred serialization: the shortest head that holds the value. Major
  // type 7 with 2/4/8 bytes is a float, whose width is its own matter.
  if (h.major != Major::simple) {
    std::uint64_t min = n == 1 ? 24 : n == 2 ? 0x100 : n == 4 ? 0x10000 : 0x100000000ULL;
    if (v < min) return std::unexpected(malformed("integer or length not in shortest form"));
  } else if (n == 1 && v < 32) {
    return std::unexpected(malformed("simple value not in shortest form"));
  }
  h.arg = v;
  pos_ += 1 + n;
  return h;
}

Result<Major> Reader::peek() const {
  if (pos_ >= data_.size()) return std::unexpected(malformed("unexpected end of data"));
  return static_cast<Major>(data_[pos_] >> 5);
}

Result<Reader::Head> Reader::expect(Major m) {
  std::size_t start = pos_;
  auto h = read_head();
  if (!h) return h;
  if (h->major != m) {
    pos_ = start;
    return std::unexpected(malformed("unexpected item type"));
  }
  return h;
}

Result<std::uint64_t> Reader::read_uint() {
  auto h = expect(Major::unsigned_int);
  if (!h) return std::unexpected(h.error());
  return h->arg;
}

Result<std::int64_t> Reader::read_int() {
  std::size_t start = pos_;
  auto h = read_head();
  if (!h) return std::unexpected(h.error());
  if (h->major == Major::unsigned_int && h->arg <= INT64_MAX)
    return static_cast<std::int64_t>(h->arg);
  if (h->major == Major::negative_int && h->arg <= INT64_MAX)
    return -1 - static_cast<std::int64_t>(h->arg);
  pos_ = start;
  return std::unexpected(malformed(h->major == Major::unsigned_int ||
                                           h->major == Major::negative_int
                                       ? "integer out of range"
                                       : "unexpected item type"));
}

Result<ByteView> Reader::read_bytes() {
  auto h = expect(Major::bytes);
  if (!h) return std::unexpected(h.error());
  if (h->arg > remaining()) return std::unexpected(malformed("string longer than the data"));
  ByteView v = data_.subspan(pos_, h->arg);
  pos_ += h->arg;
  return v;
}

Result<std::string_view> Reader::read_text() {
  auto h = expect(Major::text);
  if (!h) return std::unexpected(h.error());
  if (h->arg > remaining()) return std::unexpected(malformed("string longer than the data"));
  ByteView v = data_.subspan(pos_, h->arg);
  if (!valid_utf8(v)) return std::unexpected(malformed("text string is not valid UTF-8"));
  pos_ += h->arg;
  return as_chars(v);
}

Result<bool> Reader::read_bool() {
  std::size_t start = pos_;
  auto h = read_head();
  if (!h) return std::unexpected(h.error());
  if (h->major == Major::simple && h->info == 20) return false;
  if (h->major == Major::simple && h->info == 21) return true;
  pos_ = start;
  return std::unexpected(malformed("expected a boolean"));
}

Result<std::uint64_t> Reader::read_array() {
  auto h = expect(Major::array);
  if (!h) return std::unexpected(h.error());
  if (h->arg > remaining()) return std::unexpected(malformed("array count exceeds the data"));
  return h->arg;
}

Result<std::uint64_t> Reader::read_map() {
  auto h = expect(Major::map);
  if (!h) return std::unexpected(h.error());
  if (h->arg > remaining() / 2) return std::unexpected(malformed("map count exceeds the data"));
  return h->arg;
}

Result<std::uint64_t> Reader::read_tag() {
  auto h = expect(Major::tag);
  if (!h) return std::unexpected(h.error());
  return h->arg;
}

Result<void> Reader::skip() { return skip_at_depth(0); }

Result<ByteView> Reader::read_raw() {
  std::size_t start = pos_;
  if (auto r = skip(); !r) return std::unexpected(r.error());
  return data_.subspan(start, pos_ - start);
}

namespace {
// Shortest-form encoding makes equal keys byte-identical, so comparing the
// encoded keys finds every duplicate.
Result<void> refuse_duplicates(std::vector<ByteView>& keys) {
  auto less = [](ByteView a, ByteView b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  };
  std::sort(keys.begin(), keys.end(), less);
  for (std::size_t i = 1; i < keys.size(); ++i)
    if (std::equal(keys[i - 1].begin(), keys[i - 1].end(), keys[i].begin(), keys[i].end()))
      return std::unexpected(malformed("duplicate map key"));
  return {};
}
}  // namespace

Result<void> Reader::check_unique_keys(std::uint64_t pairs) const {
  Reader r(data_);
  r.pos_ = pos_;
  std::vector<ByteView> keys;
  keys.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(pairs, 64)));
  for (std::uint64_t i = 0; i < pairs; ++i) {
    auto k = r.read_raw();
    if (!k) return std::unexpected(k.error());
    keys.push_back(*k);
    if (auto v = r.skip(); !v) return v;
  }
  return refuse_duplicates(keys);
}

Result<void> Reader::skip_at_depth(int depth) {
  if (depth > kMaxDepth) return std::unexpected(malformed("nesting too deep"));
  auto h = read_head();
  if (!h) return std::unexpected(h.error());
  switch (h->major) {
    case Major::unsigned_int:
    case Major::negative_int:
      return {};
    case Major::bytes:
    case Major::text: {
      if (h->arg > remaining()) return std::unexpected(malformed("string longer than the data"));
      ByteView v = data_.subspan(pos_, h->arg);
      if (h->major == Major::text && !valid_utf8(v))
        return std::unexpected(malformed("text string is not valid UTF-8"));
      pos_ += h->arg;
      return {};
    }
    case Major::array:
      if (h->arg > remaining()) return std::unexpected(malformed("array count exceeds the data"));
      for (std::uint64_t i = 0; i < h->arg; ++i)
        if (auto r = skip_at_depth(depth + 1); !r) return r;
      return {};
    case Major::map: {
      if (h->arg > remaining() / 2) return std::unexpected(malformed("map count exceeds the data"));
      std::vector<ByteView> keys;
      keys.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(h->arg, 64)));
      for (std::uint64_t i = 0; i < h->arg; ++i) {
        std::size_t key_start = pos_;
        if (auto r = skip_at_depth(depth + 1); !r) return r;
        keys.push_back(data_.subspan(key_start, pos_ - key_start));
        if (auto r = skip_at_depth(depth + 1); !r) return r;
      }
      return refuse_duplicates(keys);
    }
    case Major::tag:
      return skip_at_depth(depth + 1);
    case Major::simple:
      return {};
  }
  return {};
}

void Writer::head(Major m, std::uint64_t arg) {
  std::uint8_t mt = static_cast<std::uint8_t>(static_cast<std::uint8_t>(m) << 5);
  if (arg < 24) {
    out_.push_back(static_cast<std::uint8_t>(mt | arg));
    return;
  }
  int n = arg <= 0xFF ? 1 : arg <= 0xFFFF ? 2 : arg <= 0xFFFFFFFFULL ? 4 : 8;
  out_.push_back(static_cast<std::uint8_t>(mt | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27)));
  for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(arg >> (8 * i)));
}

Writer& Writer::uint(std::uint64_t v) {
  head(Major::unsigned_int, v);
  return *this;
}
Writer& Writer::integer(std::int64_t v) {
  if (v >= 0)
    head(Major::unsigned_int, static_cast<std::uint64_t>(v));
  else
    head(Major::negative_int, static_cast<std::uint64_t>(-1 - v));
  return *this;
}
Writer& Writer::bytes(ByteView v) {
  head(Major::bytes, v.size());
  out_.insert(out_.end(), v.begin(), v.end());
  return *this;
}
Writer& Writer::text(std::string_view v) {
  head(Major::text, v.size());
  out_.insert(out_.end(), v.begin(), v.end());
  return *this;
}
Writer& Writer::array(std::uint64_t count) {
  head(Major::array, count);
  return *this;
}
Writer& Writer::map(std::uint64_t count) {
  head(Major::map, count);
  return *this;
}
Writer& Writer::tag(std::uint64_t t) {
  head(Major::tag, t);
  return *this;
}
Writer& Writer::boolean(bool v) {
  out_.push_back(v ? 0xF5 : 0xF4);
  return *this;
}
Writer& Writer::raw(ByteView encoded) {
  out_.insert(out_.end(), encoded.begin(), encoded.end());
  return *this;
}

}  // namespace sdc::cbor
