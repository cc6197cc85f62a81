#include "sdc/registry/status_list_publisher.h"

#include <cstdio>

namespace sdc::registry {

StatusListPublisher::StatusListPublisher(Registry& registry, std::function<void()> published)
    : registry_(registry), published_(std::move(published)) {}

StatusListPublisher::~StatusListPublisher() {
  stop();
}

void StatusListPublisher::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  look();
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

Result<Registry::QueuedPublication> StatusListPublisher::look() {
  auto r = registry_.publish_queued();
  if (!r)
    // Store errors name no holder; the changes stay queued for the next look.
    std::fprintf(stderr, "sdcd: validity list not published: %s\n", r.error().message.c_str());
  else if (r->list && published_)
    published_();
  return r;
}

void StatusListPublisher::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void StatusListPublisher::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void StatusListPublisher::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    const bool last_look = stop_;
    woken_ = false;
    lock.unlock();
    auto r = look();
    lock.lock();
    if (last_look) return;
    // Sleep until the next look, or until the queued changes are due if
    // that is sooner: the clock counts whole seconds, so they are due at the
    // start of that second of the system clock (a clock of another kind
    // is looked at every kLook).
    std::chrono::milliseconds wait = kLook;
    if (r && r->list) {
      wait = std::chrono::milliseconds(0);  // more may have been queued meanwhile
    } else if (r && r->due > 0) {
      const auto due = std::chrono::system_clock::time_point(std::chrono::seconds(r->due));
      const auto until =
          std::chrono::ceil<std::chrono::milliseconds>(due - std::chrono::system_clock::now());
      if (until > std::chrono::milliseconds(0) && until < wait) wait = until;
    }
    cv_.wait_for(lock, wait, [&] { return stop_ || woken_; });
  }
}

}  // namespace sdc::registry
