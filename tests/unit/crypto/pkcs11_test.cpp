#include "sdc/crypto/pkcs11.h"

#include <gtest/gtest.h>

#include "sdc/credential/credential.h"

namespace sdc::crypto {
namespace {

TEST(Pkcs11Uri, PinValueIsRemovedAndTheRestKept) {
  auto uri = pkcs11_uri_without_pin(
      "pkcs11:token=sdc;object=signer?module-path=/m.so&pin-value=1234&pin-source=file:/p");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(*uri, "pkcs11:token=sdc;object=signer?module-path=/m.so&pin-source=file:/p");
  EXPECT_EQ(*pkcs11_uri_without_pin("pkcs11:token=sdc?pin-value=1"), "pkcs11:token=sdc");
  EXPECT_EQ(*pkcs11_uri_without_pin("pkcs11:token=sdc;object=a"), "pkcs11:token=sdc;object=a");
}

TEST(Pkcs11Uri, NotAPkcs11UriIsAParseError) {
  auto uri = pkcs11_uri_without_pin("file:/etc/key.pem");
  ASSERT_FALSE(uri);
  EXPECT_EQ(uri.error().code, Errc::parse);
}

TEST(Pkcs11Key, AUriWithoutModulePathIsRefusedBeforeAnyModuleIsLoaded) {
  auto key = Pkcs11Key::open("pkcs11:token=sdc;object=signer");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::invalid_argument);
  EXPECT_NE(key.error().message.find("module-path"), std::string::npos);
}

TEST(Pkcs11Key, AMissingModuleIsNotFound) {
  auto key = Pkcs11Key::generate_p256("pkcs11:token=sdc;object=s?module-path=/nonexistent/p11.so");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::not_found);
}

TEST(Pkcs11Key, AUriNamingNoKeyIsRefused) {
  auto key = Pkcs11Key::open("pkcs11:token=sdc?module-path=/nonexistent/p11.so");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace sdc::crypto
