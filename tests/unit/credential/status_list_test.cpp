#include <gtest/gtest.h>

#include "sdc/credential/verify.h"
#include "support/test_issuer.h"

namespace sdc {
namespace {

using testing::kTestNow;
using testing::TestIssuer;

const std::string kUri = "https://sdc.invalid/status/1";

TEST(StatusList, TwoBitEntriesLeastSignificantFirst) {
  auto list = *StatusList::create(8);
  list.set(0, 1);
  list.set(1, 2);
  list.set(5, 1);
  EXPECT_EQ(list.bytes()[0], 0b00001001);
  EXPECT_EQ(list.bytes()[1], 0b00000100);
  EXPECT_EQ(list.get(1), 2);
  list.set(1, 0);
  EXPECT_EQ(list.get(1), 0);
  EXPECT_EQ(list.get(0), 1);
  EXPECT_FALSE(StatusList::create(6));
  EXPECT_FALSE(StatusList::create(0));
}

TEST(StatusList, TokenRoundTrip) {
  auto issuer = TestIssuer::make();
  auto list = *StatusList::create(4096);
  list.set(4094, 1);
  list.set(7, 2);
  auto token = build_status_list_token(list, {kUri, kTestNow, kTestNow + 3600, 300}, issuer.signer);
  ASSERT_TRUE(token);
  auto loaded = load_status_list_token(*token, issuer.trust);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->claims.uri, kUri);
  EXPECT_EQ(loaded->claims.ttl, 300u);
  EXPECT_EQ(loaded->list.size(), 4096u);
  EXPECT_EQ(lookup_status(*loaded, kUri, 4094, kTestNow).validity, Validity::invalid);
  EXPECT_EQ(lookup_status(*loaded, kUri, 4095, kTestNow).validity, Validity::valid);
  EXPECT_EQ(lookup_status(*loaded, kUri, 7, kTestNow).validity, Validity::suspended);
}

TEST(StatusList, PerCardRulesGiveUnknownWithAReason) {
  auto issuer = TestIssuer::make();
  auto list = *StatusList::create(16);
  auto token = *load_status_list_token(
      *build_status_list_token(list, {kUri, kTestNow, kTestNow + 3600, 300}, issuer.signer), issuer.trust);
  auto unknown = [&](StatusAnswer a, const char* why) {
    EXPECT_EQ(a.validity, Validity::unknown);
    EXPECT_NE(a.reason.find(why), std::string::npos) << a.reason;
  };
  unknown(lookup_status(token, "https://other.invalid/1", 0, kTestNow), "not the card's");
  unknown(lookup_status(token, kUri, 0, kTestNow + 3600), "expired");
  unknown(lookup_status(token, kUri, 0, kTestNow - 301), "future");
  unknown(lookup_status(token, kUri, 16, kTestNow), "outside");
  EXPECT_EQ(lookup_status(token, kUri, 15, kTestNow - 299).validity, Validity::valid);
}

TEST(StatusList, ForgedOrMistypedListsAreRefused) {
  auto issuer = TestIssuer::make();
  auto other = TestIssuer::make();
  auto list = *StatusList::create(16);
  auto forged = *build_status_list_token(list, {kUri, kTestNow, kTestNow + 3600, 300}, other.signer);
  EXPECT_FALSE(load_status_list_token(forged, issuer.trust));
  auto good = *build_status_list_token(list, {kUri, kTestNow, kTestNow + 3600, 300}, issuer.signer);
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes altered = good;
    altered[i] ^= 0x01;
    EXPECT_FALSE(load_status_list_token(altered, issuer.trust)) << "byte " << i;
  }
}

TEST(StatusListCache, AnOlderListNeverReplacesANewerOne) {
  auto issuer = TestIssuer::make();
  auto before = *StatusList::create(16);
  auto after = before;
  after.set(3, 1);  // the card at index 3 was revoked in between
  auto old_token = *load_status_list_token(
      *build_status_list_token(before, {kUri, kTestNow, kTestNow + 86400, 300}, issuer.signer),
      issuer.trust);
  auto new_token = *load_status_list_token(
      *build_status_list_token(after, {kUri, kTestNow + 60, kTestNow + 86400, 300}, issuer.signer),
      issuer.trust);
  StatusListCache cache;
  EXPECT_EQ(cache.offer(new_token), StatusListCache::Offer::stored);
  EXPECT_EQ(cache.offer(old_token), StatusListCache::Offer::kept_newer);
  ASSERT_NE(cache.find(kUri), nullptr);
  EXPECT_EQ(cache.find(kUri)->claims.iat, kTestNow + 60);
  EXPECT_EQ(lookup_status(*cache.find(kUri), kUri, 3, kTestNow + 120).validity, Validity::invalid);
}

}  // namespace
}  // namespace sdc
