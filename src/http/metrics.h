// sdcd's counters in the Prometheus text format (served at /metrics):
// requests by route template and status, verifications by result, and the
// audit group commit's. They carry no personal data. Thread-safe.
// Internal to the http module.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "sdc/registry/audit_batcher.h"

namespace sdc::http {

class Metrics {
 public:
  // `label` is "METHOD /route/{template}" (or a refusal's label).
  void count_request(const std::string& label, int status);
  void count_verification(const std::string& result);
  std::string render(const registry::AuditBatcher& batcher) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, std::uint64_t> verifications_;
};

// One access-log line (label, status, latency: no personal data), written
// with a single write(2) so that lines of concurrent requests never mix.
void log_request(const std::string& label, int status, long long us);

}  // namespace sdc::http
