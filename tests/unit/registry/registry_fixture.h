// A Registry on a fresh store of each backend, with a test issuer, frozen
// clock and one user per role.
#pragma once

#include "sdc/registry/registry.h"
#include "support/test_issuer.h"
#include "unit/store/store_env.h"

namespace sdc::testing {

class RegistryTestBase : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    registry_ = make_registry(*store_);
  }

  std::unique_ptr<registry::Registry> make_registry(registry::Store& store) {
    registry::RegistryOptions o;
    o.store = &store;
    o.cipher = &cipher_;
    o.signer = &issuer_.signer;
    o.clock = &clock_;
    o.random = &crypto::system_random();
    o.status_list_size = 1024;
    auto r = registry::Registry::create(o);
    EXPECT_TRUE(r) << r.error().message;
    return std::make_unique<registry::Registry>(std::move(*r));
  }

  static registry::HolderInput input(std::string a_number = "A201-555-000",
                                     std::string family = "ERIKSSON",
                                     std::string dob = "1974-08-12") {
    registry::HolderInput in;
    in.a_number = std::move(a_number);
    in.family_name = std::move(family);
    in.given_names = "ANNA MARIA";
    in.date_of_birth = std::move(dob);
    in.sex = "F";
    in.nationality = "UTO";
    in.portrait = Bytes{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4};
    in.contact = "12 Harbour Road, Springfield";
    in.language = "sv";
    return in;
  }

  registry::HolderRecord enroll(const registry::HolderInput& in) {
    auto h = registry_->enroll(officer_, in);
    EXPECT_TRUE(h) << h.error().message;
    return h ? *h : registry::HolderRecord{};
  }

  TestIssuer issuer_ = TestIssuer::make();
  FixedClock clock_{kTestNow};
  registry::PiiCipher cipher_{registry::PiiKeys::generate(crypto::system_random())};
  std::unique_ptr<registry::Registry> registry_;

  registry::User officer_{"u-officer", "Officer", registry::Role::enrollment_officer};
  registry::User field_{"u-field", "Field", registry::Role::field_officer};
  registry::User screener_{"u-screener", "Screener", registry::Role::checkpoint_screener};
  registry::User kiosk_{"u-kiosk", "Kiosk", registry::Role::kiosk};
  registry::User auditor_{"u-auditor", "Auditor", registry::Role::auditor};
  registry::User admin_{"u-admin", "Admin", registry::Role::administrator};
};

}  // namespace sdc::testing
