// The world a test gives the library: a clock the test moves by hand, the
// system's CSPRNG and time-zone database.
#pragma once

#include <atomic>

#include "sdc/util/clock.h"
#include "sdc/crypto/crypto.h"
#include "sdc/registry/time_zones.h"

namespace sdc::test {

// Starts at the real time; only the test moves it. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixTime start = SystemClock().now()) : t_(start) {}
  UnixTime now() const override { return t_.load(); }
  void advance(UnixTime seconds) { t_ += seconds; }

 private:
  std::atomic<UnixTime> t_;
};

struct TestWorld {
  ManualClock clock;
  Random& random = crypto::system_random();
  registry::ZoneinfoTimeZones zones;
};

}  // namespace sdc::test
