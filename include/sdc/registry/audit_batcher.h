// Group commit of audit-only events (reads, verifications). With SQLite at
// synchronous=FULL every commit costs an fsync; appending the events of many
// concurrent callers in one transaction pays it once per batch.
//
// Callers enqueue their events; whoever finds no batch in flight becomes the
// leader, appends everything queued (up to max_batch events) after the
// chain's head in ONE transaction and commits, then wakes the callers of
// that batch, each on its own, and the first caller still queued, who leads
// the next batch. A caller returns only once the transaction holding its
// events has committed (acknowledged means durable), or with that
// transaction's error, which is then every caller's error in the batch.
//
// Changes do not come through here: they append their event in the same
// transaction as the change (append_audit_event).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "sdc/registry/store.h"

namespace sdc::registry {

class AuditBatcher {
 public:
  // `store` is not owned and must outlive the batcher.
  explicit AuditBatcher(Store& store, std::size_t max_batch = 512);
  AuditBatcher(const AuditBatcher&) = delete;
  AuditBatcher& operator=(const AuditBatcher&) = delete;

  // Appends `events` (seq, prev_hash and hash are filled in) together, all
  // or none, in the next batch; blocks until that batch has committed.
  // Thread-safe.
  Result<std::vector<AuditEvent>> record(std::vector<AuditEvent> events);
  Result<AuditEvent> record(AuditEvent event);

  // Transactions the batcher has run (committed or failed), and events it
  // has committed: transactions() < events() shows that batching happens.
  std::uint64_t transactions() const { return transactions_.load(); }
  std::uint64_t events() const { return events_.load(); }
  // Requests waiting for the next batch.
  std::size_t queued() const;

 private:
  struct Request {
    std::vector<AuditEvent> events;
    std::optional<Result<std::vector<AuditEvent>>> result;
    std::condition_variable wake;  // result set, or time to lead
  };

  // Appends the batch's `total` events in one transaction; one result per
  // request, in order.
  std::vector<Result<std::vector<AuditEvent>>> commit(
      const std::vector<std::shared_ptr<Request>>& batch, std::size_t total);

  Store& store_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Request>> queue_;
  bool leader_active_ = false;
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> events_{0};
};

}  // namespace sdc::registry
