// Every case of the independent implementation's vectors, read in place.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "sdc/file.h"
#include "sdc/verify.h"

namespace sdc {
namespace {

const std::string kDir = SDC_VECTORS_DIR;

nlohmann::json load_cases() {
  auto text = read_file(kDir + "/cases.json");
  EXPECT_TRUE(text) << "vectors not found at " << kDir;
  return nlohmann::json::parse(text.value_or("{}"));
}

class Vectors : public ::testing::TestWithParam<nlohmann::json> {};

TEST_P(Vectors, VerifierReproducesExpectedResult) {
  const auto& c = GetParam();
  auto trust = TrustStore::from_files(kDir + "/root.pem", kDir + "/signers.pem");
  ASSERT_TRUE(trust) << trust.error().message;
  StatusListCache cache;
  std::string list_problem;
  if (c["validity_list"].is_string()) {
    auto bytes = read_file(kDir + "/" + c["validity_list"].get<std::string>());
    ASSERT_TRUE(bytes);
    auto token = load_status_list_token(as_bytes(*bytes), *trust);
    if (token) cache.offer(std::move(*token));
    else list_problem = token.error().message;
  }
  Verification v = verify_barcode(c["barcode"].get<std::string>(), *trust, &cache,
                                  c["now"].get<UnixTime>());
  const auto& expected = c["expected"];
  EXPECT_EQ(to_string(v.result), expected["result"].get<std::string>()) << v.detail;
  if (expected.contains("holder")) {
    ASSERT_TRUE(v.claims.has_value());
    nlohmann::json holder = holder_to_json(v.claims->holder);
    for (auto& [key, value] : expected["holder"].items())
      EXPECT_EQ(holder[key], value) << "holder field " << key;
  }
  if (expected.contains("validity")) {
    EXPECT_EQ(to_string(v.status.validity), expected["validity"].get<std::string>())
        << v.status.reason << " " << list_problem;
  }
  if (v.status.validity == Validity::unknown && expected.value("validity", "") == "UNKNOWN") {
    EXPECT_FALSE(v.status.reason.empty() && list_problem.empty());
  }
}

std::vector<nlohmann::json> cases() {
  std::vector<nlohmann::json> out;
  const nlohmann::json all = load_cases();
  for (const auto& c : all["cases"]) out.push_back(c);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Spec, Vectors, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<nlohmann::json>& p) {
                           return p.param["name"].get<std::string>();
                         });

TEST(VectorsFiles, EveryCaseIsExercised) {
  EXPECT_GE(cases().size(), 40u);
}

}  // namespace
}  // namespace sdc
