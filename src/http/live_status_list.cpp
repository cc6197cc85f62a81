#include "http/live_status_list.h"

namespace sdc::http {

std::shared_ptr<const StatusListCache> LiveStatusList::current() {
  using steady = std::chrono::steady_clock;
  auto fresh_enough = [&](steady::time_point now) {
    return loaded_changes_.load() == changes_.load() &&
           now - steady::time_point(steady::duration(checked_.load())) < kRecheck;
  };
  auto now = steady::now();
  if (fresh_enough(now))
    if (auto cached = cache_.load()) return cached;
  std::lock_guard lock(mu_);
  auto cached = cache_.load();
  if (cached && fresh_enough(now)) return cached;  // reloaded meanwhile
  std::uint64_t changes = changes_.load();         // before reading: later ones reload again
  auto list = registry_.status_list();
  if (!list) return cached;  // the last good list, if any; retried next request
  if (!cached || list->iat != iat_) {
    auto fresh = std::make_shared<StatusListCache>();
    if (auto tok = load_status_list_token(list->token, trust_)) fresh->offer(std::move(*tok));
    cached = std::move(fresh);
    cache_.store(cached);
    iat_ = list->iat;
  }
  checked_ = now.time_since_epoch().count();
  loaded_changes_ = changes;
  return cached;
}

}  // namespace sdc::http
