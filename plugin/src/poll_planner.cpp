#include "poll_planner.h"

#include <algorithm>

namespace texforge {
namespace {

// A baseline shorter than this gives too noisy a rate to act on.
constexpr double kMinBaselineS = 0.2;
// Never a tighter loop than this, whatever is predicted.
constexpr double kMinDelayS = 0.25;
// How long after the predicted end the poll goes: the server's clock and rounding.
constexpr double kMarginS = 0.05;

}  // namespace

double onPollGrid(double delay_s, int64_t now_ms) {
  if (delay_s < 1.0) return delay_s;
  const int64_t due = now_ms + static_cast<int64_t>(delay_s * 1000);
  const int64_t on_grid = (due + kPollGridMs - 1) / kPollGridMs * kPollGridMs;
  return static_cast<double>(on_grid - now_ms) / 1000.0;
}

double PollPlanner::backoffDelay(const PollTiming& timing) {
  if (backoff_s_ <= 0) backoff_s_ = timing.initial_s;
  const double delay = backoff_s_;
  backoff_s_ = std::min(timing.max_s, backoff_s_ * timing.backoff);
  return delay;
}

std::optional<ProgressEstimate> PollPlanner::estimate() const {
  if (!first_ || !last_) return std::nullopt;
  const double dt = last_->t_s - first_->t_s;
  const double dp = last_->progress - first_->progress;
  if (dt < kMinBaselineS || dp <= 0) return std::nullopt;
  const double rate = dp / dt;
  return ProgressEstimate{last_->t_s + (1.0 - last_->progress) / rate, 1.0 / rate};
}

std::optional<double> PollPlanner::observedTail(double end_s) const {
  auto e = estimate();
  if (!e || e->span_s <= 0) return std::nullopt;
  const double tail = (end_s - e->reaches_one_s) / e->span_s;
  if (tail < 0 || tail > 4) return std::nullopt;  // progress that does not track the job's time
  return tail;
}

double PollPlanner::next(const PollTiming& timing, double t_s, double progress, double tail_ratio) {
  if (!timing.predict) return backoffDelay(timing);
  if (progress <= 0) {
    last_zero_s_ = t_s;
    first_.reset();  // progress went back: whatever was measured no longer holds
    last_.reset();
    return backoffDelay(timing);
  }
  if (progress < 1) {
    if (!first_ || progress < first_->progress) {
      first_ = Sample{t_s, progress};
      last_.reset();
    } else if (progress > (last_ ? last_->progress : first_->progress)) {
      last_ = Sample{t_s, progress};
    }
  }
  const auto e = estimate();
  if (!e) {
    const double backoff = backoffDelay(timing);
    if (progress >= 1 || !first_ || last_zero_s_ < 0) return backoff;
    // One moving answer: progress began after the last answer at 0, so it moves at least this fast.
    // A second answer soon (a fifth of the longest remaining time) measures the rate.
    const double slowest_rate = first_->progress / std::max(kMinBaselineS, first_->t_s - last_zero_s_);
    const double longest_remaining = (1.0 - first_->progress) / slowest_rate;
    return std::min(backoff, std::max(2 * kMinBaselineS, 0.2 * longest_remaining));
  }
  const double end_s = e->reaches_one_s + tail_ratio * e->span_s;
  const double wait = end_s - t_s + kMarginS;
  const double floor = std::min(kMinDelayS, timing.max_s);  // a host's faster backoff is its choice
  if (wait >= floor) {
    short_retry_s_ = 0;
    return std::min(wait, timing.predict_max_s);
  }
  // The job outlived its predicted end: ask again soon, less often each time.
  short_retry_s_ = short_retry_s_ <= 0 ? floor : std::min(timing.max_s, short_retry_s_ * 2);
  return short_retry_s_;
}

}  // namespace texforge
