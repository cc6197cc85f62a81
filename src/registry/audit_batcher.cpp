#include "sdc/registry/audit_batcher.h"

#include <algorithm>

#include "sdc/registry/audit.h"

namespace sdc::registry {

AuditBatcher::AuditBatcher(Store& store, std::size_t max_batch)
    : store_(store), max_batch_(std::max<std::size_t>(max_batch, 1)) {}

std::size_t AuditBatcher::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

Result<AuditEvent> AuditBatcher::record(AuditEvent event) {
  std::vector<AuditEvent> one;
  one.push_back(std::move(event));
  auto r = record(std::move(one));
  if (!r) return std::unexpected(r.error());
  return std::move(r->front());
}

Result<std::vector<AuditEvent>> AuditBatcher::record(std::vector<AuditEvent> events) {
  if (events.empty()) return events;
  // Shared with the leader that commits it, which wakes it after letting
  // go of the lock: the request outlives that wake-up.
  auto request = std::make_shared<Request>();
  request->events = std::move(events);
  std::unique_lock lock(mutex_);
  queue_.push_back(request);
  while (!request->result) {
    if (leader_active_) {
      request->wake.wait(lock);
      continue;
    }
    // Lead one batch: everything queued, oldest first, up to max_batch_
    // events (a request is never split).
    leader_active_ = true;
    std::vector<std::shared_ptr<Request>> batch;
    std::size_t n = 0;
    while (!queue_.empty() && (batch.empty() || n + queue_.front()->events.size() <= max_batch_)) {
      n += queue_.front()->events.size();
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    auto result = commit(batch, n);
    lock.lock();
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(result[i]);
    leader_active_ = false;
    std::shared_ptr<Request> next = queue_.empty() ? nullptr : queue_.front();
    // Wake each caller of the batch, and the next leader, outside the lock
    // so that none of them wakes only to wait for it.
    lock.unlock();
    for (const auto& r : batch)
      if (r != request) r->wake.notify_one();
    if (next) next->wake.notify_one();
    lock.lock();
  }
  return std::move(*request->result);
}

std::vector<Result<std::vector<AuditEvent>>> AuditBatcher::commit(
    const std::vector<std::shared_ptr<Request>>& batch, std::size_t total) {
  ++transactions_;
  // The requests' events are moved into one batch and handed back filled
  // in; a retried transaction fills them in again from the new head.
  std::vector<AuditEvent> all;
  all.reserve(total);
  for (const auto& req : batch)
    for (AuditEvent& e : req->events) all.push_back(std::move(e));
  auto r = store_.in_transaction<void>([&](Tx& tx) { return chain_audit_events(tx, all); });
  std::vector<Result<std::vector<AuditEvent>>> out;
  out.reserve(batch.size());
  if (!r) {
    for (std::size_t i = 0; i < batch.size(); ++i) out.emplace_back(std::unexpected(r.error()));
    return out;
  }
  events_ += all.size();
  auto next = std::make_move_iterator(all.begin());
  for (const auto& req : batch) {
    auto count = static_cast<std::ptrdiff_t>(req->events.size());
    out.emplace_back(std::vector<AuditEvent>(next, next + count));
    next += count;
  }
  return out;
}

}  // namespace sdc::registry
