// A small CBOR (RFC 8949) codec for the COSE/CWT subset the credential uses.
//
// The reader is zero-copy and allocation-free: byte and text strings are
// returned as views into the input, which must outlive them. It accepts only
// preferred serialization (shortest-form heads, definite lengths), checks
// every count against the bytes that remain, limits nesting depth, validates
// UTF-8 in text strings and refuses duplicate map keys in any map it reads
// or skips. The writer emits shortest-form heads in call order.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sdc/util/bytes.h"

namespace sdc::cbor {

enum class Major : std::uint8_t {
  unsigned_int = 0,
  negative_int = 1,
  bytes = 2,
  text = 3,
  array = 4,
  map = 5,
  tag = 6,
  simple = 7,
};

inline constexpr int kMaxDepth = 16;

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  bool at_end() const { return pos_ == data_.size(); }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }

  // The major type of the next item, without consuming it.
  Result<Major> peek() const;

  Result<std::uint64_t> read_uint();
  // Major type 0 or 1 as a signed value (fails outside int64).
  Result<std::int64_t> read_int();
  Result<ByteView> read_bytes();
  Result<std::string_view> read_text();
  Result<bool> read_bool();
  // Returns the element count; the caller reads that many items.
  Result<std::uint64_t> read_array();
  // Returns the pair count; the caller reads that many key/value pairs and
  // should call check_unique_keys() on the map first if it does not skip.
  Result<std::uint64_t> read_map();
  Result<std::uint64_t> read_tag();

  // Consumes one whole item of any type, validating it as a whole.
  Result<void> skip();
  // Consumes one item and returns its encoded bytes.
  Result<ByteView> read_raw();

  // Validates that the map whose pairs start at the current position, with
  // `pairs` pairs, has no duplicate key, without consuming anything.
  Result<void> check_unique_keys(std::uint64_t pairs) const;

 private:
  struct Head {
    Major major;
    std::uint64_t arg;
    std::uint8_t info;
  };
  Result<Head> read_head();
  Result<Head> expect(Major m);
  Result<void> skip_at_depth(int depth);

  ByteView data_;
  std::size_t pos_ = 0;
};

class Writer {
 public:
  Writer& uint(std::uint64_t v);
  Writer& integer(std::int64_t v);
  Writer& bytes(ByteView v);
  Writer& text(std::string_view v);
  Writer& array(std::uint64_t count);
  Writer& map(std::uint64_t count);
  Writer& tag(std::uint64_t t);
  Writer& boolean(bool v);
  // Appends already-encoded CBOR.
  Writer& raw(ByteView encoded);

  const Bytes& data() const& { return out_; }
  Bytes take() && { return std::move(out_); }

 private:
  void head(Major m, std::uint64_t arg);
  Bytes out_;
};

}  // namespace sdc::cbor
