// One fresh database per test, on SQLite (a temp folder) or PostgreSQL (a
// database with a random name on the cluster named by SDC_TEST_PG). The
// store and registry contract tests run against both through this.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sdc/registry/store.h"

namespace sdc::testing {

class StoreEnv {
 public:
  virtual ~StoreEnv() = default;
  // Another Store on the same database (a second sdcd, in effect).
  virtual Result<std::unique_ptr<registry::Store>> open() = 0;
  // Every stored byte of every table, for plaintext searches.
  virtual std::string raw_dump() = 0;
  // Raw SQL behind the store's back (tampering tests).
  virtual void exec(const std::string& sql) = 0;
  virtual std::string blob_literal(ByteView bytes) const = 0;
};

// "sqlite" or "postgres". Returns nullptr and sets `why` if the backend is
// not available here.
std::unique_ptr<StoreEnv> make_store_env(const std::string& backend, std::string& why);

// The parameter of every contract test: the backend's name.
inline std::vector<std::string> store_backends() { return {"sqlite", "postgres"}; }
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param;
}

// Base fixture: opens a fresh, migrated store, or skips/fails the test when
// PostgreSQL is not configured (fails when SDC_REQUIRE_PG=1).
class StoreTestBase : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<StoreEnv> env_;
  std::unique_ptr<registry::Store> store_;
};

}  // namespace sdc::testing
