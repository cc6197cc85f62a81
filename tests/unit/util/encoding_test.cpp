#include <gtest/gtest.h>

#include "sdc/bytes.h"
#include "sdc/clock.h"
#include "sdc/zlib.h"

namespace sdc {
namespace {

TEST(Base45, Rfc9285Examples) {
  EXPECT_EQ(base45_encode(as_bytes("AB")), "BB8");
  EXPECT_EQ(base45_encode(as_bytes("Hello!!")), "%69 VD92EX0");
  EXPECT_EQ(base45_encode(as_bytes("base-45")), "UJCLQE7W581");
  EXPECT_EQ(as_chars(*base45_decode("QED8WEX0")), "ietf!");
}

TEST(Base45, RefusesBadText) {
  EXPECT_FALSE(base45_decode("GGW"));   // 65535 < value
  EXPECT_FALSE(base45_decode("A"));     // dangling
  EXPECT_FALSE(base45_decode("ab"));    // lowercase not in alphabet
  EXPECT_FALSE(base45_decode(":::"));  // 44+44*45+44*2025 > 0xFFFF
}

TEST(Base45, RoundTripsEveryLength) {
  Bytes data;
  for (int n = 0; n < 300; ++n) {
    EXPECT_EQ(*base45_decode(base45_encode(data)), data) << n;
    data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base64, RoundTripAndPadding) {
  EXPECT_EQ(base64_encode(as_bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(as_bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(as_bytes("foo")), "Zm9v");
  EXPECT_EQ(as_chars(*base64_decode("Zm9vYmE=")), "fooba");
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Z=9v"));
}

TEST(Hex, RoundTrip) {
  Bytes b{0x00, 0xab, 0xff};
  EXPECT_EQ(hex_encode(b), "00abff");
  EXPECT_EQ(*hex_decode("00ABff"), b);
  EXPECT_FALSE(hex_decode("0g"));
}

TEST(Zlib, InflateCapAndTrailingBytes) {
  Bytes big(20000, 'a');
  Bytes z = zlib_compress(big);
  EXPECT_EQ(*zlib_inflate(z, 20000), big);
  auto capped = zlib_inflate(z, 16384);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code, Errc::limit);
  z.push_back(0);
  EXPECT_EQ(zlib_inflate(z, 1 << 20).error().code, Errc::parse);
  Bytes truncated(z.begin(), z.begin() + 5);
  EXPECT_EQ(zlib_inflate(truncated, 1 << 20).error().code, Errc::parse);
}

TEST(Time, ParsesRfc3339AndEpoch) {
  EXPECT_EQ(*parse_time("1767225600"), 1767225600);
  EXPECT_EQ(*parse_time("2026-01-01T00:00:00Z"), 1767225600);
  EXPECT_EQ(*parse_time("2026-01-01T01:00:00+01:00"), 1767225600);
  EXPECT_EQ(format_time(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_FALSE(parse_time("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_time("yesterday"));
}

TEST(ConstantTimeEqual, ComparesContent) {
  EXPECT_TRUE(constant_time_equal(as_bytes("secret"), as_bytes("secret")));
  EXPECT_FALSE(constant_time_equal(as_bytes("secret"), as_bytes("secreT")));
  EXPECT_FALSE(constant_time_equal(as_bytes("secret"), as_bytes("secre")));
}

}  // namespace
}  // namespace sdc
