// Every case of the independent implementation's vectors, read in place.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sdc/util/file.h"
#include "sdc/credential/verify.h"

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
    if (token)
      cache.offer(std::move(*token));
    else
      list_problem = token.error().message;
  }
  Verification v =
      verify_barcode(c["barcode"].get<std::string>(), *trust, &cache, c["now"].get<UnixTime>());
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

constexpr std::string_view kSuite = "Spec/Vectors";
constexpr std::string_view kTest = "VerifierReproducesExpectedResult/";

INSTANTIATE_TEST_SUITE_P(Spec, Vectors, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<nlohmann::json>& p) {
                           return p.param["name"].get<std::string>();
                         });

// The names in cases.json, read apart from cases() so that a case it drops
// shows up here.
std::multiset<std::string> names_in_cases_json() {
  std::multiset<std::string> names;
  std::ifstream in(kDir + "/cases.json");
  EXPECT_TRUE(in) << "cannot open cases.json in " << kDir;
  if (!in) return names;
  const auto doc = nlohmann::json::parse(in);
  for (const auto& c : doc.at("cases")) names.insert(c.at("name").get<std::string>());
  return names;
}

// The cases registered with GoogleTest as vector tests, one per test: the
// registry is complete before any test runs, so this does not depend on
// the order the tests run in or on a filter.
std::multiset<std::string> names_registered() {
  std::multiset<std::string> names;
  const auto& unit = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const auto& suite = *unit.GetTestSuite(i);
    if (suite.name() != kSuite) continue;
    for (int j = 0; j < suite.total_test_count(); ++j) {
      std::string_view name = suite.GetTestInfo(j)->name();
      if (name.starts_with(kTest)) names.emplace(name.substr(kTest.size()));
    }
  }
  return names;
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

TEST(VectorsFiles, EveryCaseIsExercised) {
  const auto expected = names_in_cases_json();
  const auto registered = names_registered();
  ASSERT_FALSE(expected.empty()) << "cases.json in " << kDir << " lists no case";
  ASSERT_FALSE(registered.empty()) << "no " << kSuite << "." << kTest << "* test is registered";
  std::vector<std::string> missing, extra;
  std::ranges::set_difference(expected, registered, std::back_inserter(missing));
  std::ranges::set_difference(registered, expected, std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << "cases in cases.json that no test runs: " << listed(missing);
  EXPECT_TRUE(extra.empty()) << "tests run for no case of cases.json: " << listed(extra);
  EXPECT_EQ(registered.size(), expected.size());
}

}  // namespace
}  // namespace sdc
