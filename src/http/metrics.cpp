#include "http/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sdc::http {

void Metrics::count_request(const std::string& label, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{label, status}];
}

void Metrics::count_verification(const std::string& result) {
  std::lock_guard lock(mu_);
  ++verifications_[result];
}

std::string Metrics::render(const registry::AuditBatcher& batcher) const {
  std::string out;
  out += "# HELP sdcd_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE sdcd_http_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [k, n] : requests_) {
    auto sp = k.first.find(' ');
    out += "sdcd_http_requests_total{method=\"" + k.first.substr(0, sp) + "\",route=\"" +
           k.first.substr(sp + 1) + "\",status=\"" + std::to_string(k.second) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP sdcd_verifications_total Card verifications by result.\n";
  out += "# TYPE sdcd_verifications_total counter\n";
  for (const auto& [k, n] : verifications_)
    out += "sdcd_verifications_total{result=\"" + k + "\"} " + std::to_string(n) + "\n";
  // The group commit of audit records of reads, verifications and
  // refusals (registry/audit_batcher.h): events per batch is how much it saves.
  out +=
      "# HELP sdcd_audit_batches_total Audit group-commit transactions run (committed or "
      "failed).\n";
  out += "# TYPE sdcd_audit_batches_total counter\n";
  out += "sdcd_audit_batches_total " + std::to_string(batcher.transactions()) + "\n";
  out += "# HELP sdcd_audit_batched_events_total Audit events committed by the group commit.\n";
  out += "# TYPE sdcd_audit_batched_events_total counter\n";
  out += "sdcd_audit_batched_events_total " + std::to_string(batcher.events()) + "\n";
  out += "# HELP sdcd_audit_queue_depth Audit requests waiting for the next group commit.\n";
  out += "# TYPE sdcd_audit_queue_depth gauge\n";
  out += "sdcd_audit_queue_depth " + std::to_string(batcher.queued()) + "\n";
  return out;
}

void log_request(const std::string& label, int status, long long us) {
  char line[256];
  int n = std::snprintf(line, sizeof line, "sdcd: %s %d %lldus\n", label.c_str(), status, us);
  if (n <= 0) return;
  auto len = std::min(static_cast<std::size_t>(n), sizeof line - 1);
  [[maybe_unused]] auto w = ::write(STDERR_FILENO, line, len);
}

}  // namespace sdc::http
