#include <gtest/gtest.h>

#include "sdc/util/bytes.h"
#include "sdc/util/clock.h"
#include "sdc/util/zlib.h"

namespace sdc {
namespace {

TEST(Base45, Rfc9285Examples) {
  EXPECT_EQ(base45_encode(as_bytes("AB")), "BB8");
  EXPECT_EQ(base45_encode(as_bytes("Hello!!")), "%69 VD92EX0");
  EXPECT_EQ(base45_encode(as_bytes("base-45")), "UJCLQE7W581");
  EXPECT_EQ(as_chars(*base45_decode("QED8WEX0")), "ietf!");
}

TEST(Base45, RefusesBadText) {
  EXPECT_FALSE(base45_decode("GGW"));  // 65535 < value
  EXPECT_FALSE(base45_decode("A"));    // dangling
  EXPECT_FALSE(base45_decode("ab"));   // lowercase not in alphabet
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

TEST(Time, FormatsEveryFieldAndRoundTrips) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_time(951782400), "2000-02-29T00:00:00Z");  // a leap day
  EXPECT_EQ(format_time(4102444799), "2099-12-31T23:59:59Z");
  EXPECT_EQ(format_time(1767268994), "2026-01-01T12:03:14Z");
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59Z");
  for (UnixTime t = -86400 * 400; t < 4102444800; t += 86400 * 37 + 3671) {
    auto back = parse_time(format_time(t));
    ASSERT_TRUE(back) << format_time(t);
    EXPECT_EQ(*back, t);
  }
}

TEST(Zlib, InflatesCorrectlyAfterLargeAndBrokenStreams) {
  // The inflater is reused within a thread: each call must start clean.
  Bytes small(300, 'a'), large(100000);
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::uint8_t>(i * 7 % 251);
  Bytes z_small = zlib_compress(small, 9), z_large = zlib_compress(large, 9);
  for (int round = 0; round < 3; ++round) {
    auto a = zlib_inflate(z_small, 16 * 1024);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, small);
    auto b = zlib_inflate(z_large, 1 << 20);
    ASSERT_TRUE(b);
    EXPECT_EQ(*b, large);
    EXPECT_EQ(zlib_inflate(z_large, 50000).error().code, Errc::limit);
    Bytes broken(z_large.begin(), z_large.begin() + 40);
    EXPECT_EQ(zlib_inflate(broken, 1 << 20).error().code, Errc::parse);
    auto c = zlib_inflate(z_small, 16 * 1024);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, small);
  }
}

TEST(ConstantTimeEqual, ComparesContent) {
  EXPECT_TRUE(constant_time_equal(as_bytes("secret"), as_bytes("secret")));
  EXPECT_FALSE(constant_time_equal(as_bytes("secret"), as_bytes("secreT")));
  EXPECT_FALSE(constant_time_equal(as_bytes("secret"), as_bytes("secre")));
}

}  // namespace
}  // namespace sdc
