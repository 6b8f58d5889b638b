// The one hand-off to the host's UI thread: any thread posts a closure, the host drains the box
// once per frame and the closures run there, in posting order. Posting wakes an idle host.
#pragma once
#include "texforge/export.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace texforge {

class TEXFORGE_CORE_API Mailbox {
 public:
  // wake runs on the posting thread after each post (a GLFW host passes glfwPostEmptyEvent).
  explicit Mailbox(std::function<void()> wake = {}) : wake_(std::move(wake)) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Any thread.
  void post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items_.push_back(std::move(fn));
    }
    posted_.notify_all();
    if (wake_) wake_();
  }

  // Runs what was posted so far on the calling thread; what those closures post waits for the
  // next drain. Returns how many ran. The host's thread only.
  size_t drain() {
    std::vector<std::function<void()>> items;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      items.swap(items_);
    }
    for (auto& fn : items) fn();
    return items.size();
  }

  // Blocks until something is posted or timeout_s passes; true when something waits. Any thread.
  bool waitFor(double timeout_s) {
    std::unique_lock<std::mutex> lock(mutex_);
    return posted_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                            [this] { return !items_.empty(); });
  }

  bool empty() const {  // any thread
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.empty();
  }

 private:
  const std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::condition_variable posted_;
  std::vector<std::function<void()>> items_;
};

}  // namespace texforge
