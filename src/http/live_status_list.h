// The validity list as verification uses it: loaded (signature checked,
// bits inflated) once per published iat rather than once per request.
// Internal to the http module.
//
// A change made through this process marks it stale at once (changed());
// a change made by another process on the same database is seen within
// kRecheck. Requests between rechecks take no lock. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "sdc/credential/status_list.h"
#include "sdc/credential/trust.h"
#include "sdc/registry/registry.h"

namespace sdc::http {

class LiveStatusList {
 public:
  static constexpr std::chrono::milliseconds kRecheck{500};

  // Both must outlive this object.
  LiveStatusList(registry::Registry& registry, const TrustStore& trust)
      : registry_(registry), trust_(trust) {}

  // Call after any card change made through this process, failed or not.
  void changed() { ++changes_; }

  // The newest list, or the last good one if it cannot be read now (null
  // when there never was one).
  std::shared_ptr<const StatusListCache> current();

 private:
  registry::Registry& registry_;
  const TrustStore& trust_;
  std::mutex mu_;  // one reload at a time
  std::atomic<std::shared_ptr<const StatusListCache>> cache_;
  UnixTime iat_ = -1;  // under mu_
  // The cache is good while it has loaded every change counted so far and
  // was checked less than kRecheck ago.
  std::atomic<std::uint64_t> changes_{0};
  std::atomic<std::uint64_t> loaded_changes_{~std::uint64_t{0}};
  std::atomic<std::chrono::steady_clock::rep> checked_{0};  // steady ticks
};

}  // namespace sdc::http
