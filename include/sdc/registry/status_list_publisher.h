// Publishes the validity list in the background when card changes are
// queued (RegistryOptions::publish_interval > 0): at most once per interval,
// one signed list for every change since the last.
//
// It looks at once when a change is made through its registry
// (Registry::on_list_change), and every kLook for changes made by another
// process on the same database; queued changes are published as soon as
// they are due, so a change is in the published list within about
// publish_interval of being made. Several publishers on one database
// publish at most once per interval between them: the due time comes from
// the stored list's iat, read under its lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "sdc/registry/registry.h"

namespace sdc::registry {

class StatusListPublisher {
 public:
  static constexpr std::chrono::milliseconds kLook{250};

  // `published` runs on the publisher's thread after each publication.
  // The registry must outlive the publisher.
  explicit StatusListPublisher(Registry& registry, std::function<void()> published = {});
  ~StatusListPublisher();
  StatusListPublisher(const StatusListPublisher&) = delete;
  StatusListPublisher& operator=(const StatusListPublisher&) = delete;

  // Publishes what is due before it returns (a server started on queued
  // changes answers its first request with them), then looks in the
  // background.
  void start();
  // Publishes what is due, then stops; what is not due yet stays queued in
  // the store for the next publisher.
  void stop();
  // A change was queued: look now.
  void wake();

 private:
  void run();
  Result<Registry::QueuedPublication> look();

  Registry& registry_;
  std::function<void()> published_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;   // under mu_
  bool woken_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace sdc::registry
