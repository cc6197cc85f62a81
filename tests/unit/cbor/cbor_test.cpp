#include <gtest/gtest.h>

#include "sdc/cbor/cbor.h"

namespace sdc::cbor {
namespace {

Bytes hex(std::string_view h) { return *hex_decode(h); }

TEST(CborWriter, ShortestFormIntegers) {
  Writer w;
  w.uint(0).uint(23).uint(24).uint(255).uint(256).uint(65536).integer(-1).integer(-7).integer(-65537);
  EXPECT_EQ(hex_encode(w.data()), "0017181818ff1901001a0001000020263a00010000");
}

TEST(CborReader, ReadsWhatTheWriterWrites) {
  Writer w;
  w.map(2).uint(1).text("USA").integer(-65537).array(2).bytes(Bytes{1, 2}).boolean(true);
  Reader r(w.data());
  EXPECT_EQ(*r.read_map(), 2u);
  EXPECT_EQ(*r.read_uint(), 1u);
  EXPECT_EQ(*r.read_text(), "USA");
  EXPECT_EQ(*r.read_int(), -65537);
  EXPECT_EQ(*r.read_array(), 2u);
  EXPECT_EQ(r.read_bytes()->size(), 2u);
  EXPECT_TRUE(*r.read_bool());
  EXPECT_TRUE(r.at_end());
}

TEST(CborReader, RefusesNonPreferredAndIndefiniteEncodings) {
  EXPECT_FALSE(Reader(hex("1817")).read_uint());        // 23 in two bytes
  EXPECT_FALSE(Reader(hex("190017")).read_uint());      // 23 in three bytes
  EXPECT_FALSE(Reader(hex("5f4101ff")).skip());         // indefinite bytes
  EXPECT_FALSE(Reader(hex("9f01ff")).skip());           // indefinite array
  EXPECT_FALSE(Reader(hex("1c")).skip());               // reserved
}

TEST(CborReader, RefusesCountsBeyondTheData) {
  EXPECT_FALSE(Reader(hex("9a08000000")).read_array());
  EXPECT_FALSE(Reader(hex("5a08000000")).read_bytes());
  EXPECT_FALSE(Reader(hex("bb0000000100000000")).skip());
}

TEST(CborReader, RefusesDuplicateKeysAnywhere) {
  EXPECT_FALSE(Reader(hex("a201010102")).skip());
  EXPECT_FALSE(Reader(hex("81a2616101616102")).skip());  // nested, text keys
  EXPECT_TRUE(Reader(hex("a201010202")).skip());
  const Bytes dup = hex("a201010102");
  Reader r(dup);
  auto n = r.read_map();
  EXPECT_FALSE(r.check_unique_keys(*n));
}

TEST(CborReader, LimitsDepthAndValidatesUtf8) {
  Bytes deep(100, 0x81);
  deep.push_back(0x00);
  EXPECT_FALSE(Reader(deep).skip());
  EXPECT_FALSE(Reader(hex("62c328")).read_text());
  EXPECT_FALSE(Reader(hex("63eda080")).read_text());  // surrogate
  EXPECT_TRUE(Reader(hex("62c3a9")).read_text());
}

TEST(CborReader, IntegerRangeAndTypes) {
  EXPECT_EQ(*Reader(hex("3b7ffffffffffffffe")).read_int(), INT64_MIN + 1);
  EXPECT_FALSE(Reader(hex("3bfffffffffffffffe")).read_int());
  EXPECT_FALSE(Reader(hex("1bffffffffffffffff")).read_int());
  EXPECT_FALSE(Reader(hex("20")).read_uint());  // -1 is no uint
  EXPECT_FALSE(Reader(hex("f5")).read_uint());  // a boolean is no integer
}

}  // namespace
}  // namespace sdc::cbor
