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
  Request request{std::move(events), std::nullopt};
  std::unique_lock lock(mutex_);
  queue_.push_back(&request);
  while (!request.result) {
    if (leader_active_) {
      done_.wait(lock);
      continue;
    }
    // Lead one batch: everything queued, oldest first, up to max_batch_
    // events (a request is never split).
    leader_active_ = true;
    std::vector<Request*> batch;
    std::size_t n = 0;
    while (!queue_.empty() && (batch.empty() || n + queue_.front()->events.size() <= max_batch_)) {
      n += queue_.front()->events.size();
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    commit(batch);
    lock.lock();
    leader_active_ = false;
    done_.notify_all();
  }
  return std::move(*request.result);
}

void AuditBatcher::commit(const std::vector<Request*>& batch) {
  std::vector<std::vector<AuditEvent>> appended;
  ++transactions_;
  auto r = store_.in_transaction<bool>([&](Tx& tx) -> Result<bool> {
    appended.clear();  // a retry starts again from the events as given
    for (const Request* req : batch) {
      std::vector<AuditEvent> out;
      for (const AuditEvent& e : req->events) {
        auto a = append_audit_event(tx, e);
        if (!a) return std::unexpected(a.error());
        out.push_back(std::move(*a));
      }
      appended.push_back(std::move(out));
    }
    return true;
  });
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (r) {
      events_ += appended[i].size();
      batch[i]->result = std::move(appended[i]);
    } else {
      batch[i]->result = std::unexpected(r.error());
    }
  }
}

}  // namespace sdc::registry
