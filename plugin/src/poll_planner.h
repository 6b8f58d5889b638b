// When to ask about a running job next. Once its progress has moved twice, the rate it moves at
// predicts when it reaches 1, and a learnt tail (how long jobs run on after progress reaches 1, as
// a fraction of the time from 0 to 1) predicts the end: the next poll goes just after that. A job
// whose progress does not move is asked with backoff, as before. Internal to the core; one planner
// per job, used on the I/O thread only.
#pragma once

#include <cstdint>
#include <optional>

namespace texforge {

// The longest wait on a prediction: a job whose progress misleads is still asked about this often.
constexpr double kPredictedPollMaxS = 30;

struct PollTiming {
  double initial_s = 1.0;  // the first delay while nothing can be predicted; grows by backoff
  double backoff = 1.5;
  double max_s = 4.0;  // the longest backoff step
  double predict_max_s = kPredictedPollMaxS;
  bool predict = true;  // false: backoff only (fixed polling when backoff is 1)
};

// A job's progress, read by the planner: when it reaches 1 and how long it takes from 0 to 1.
struct ProgressEstimate {
  double reaches_one_s = 0;
  double span_s = 0;
};

class PollPlanner {
 public:
  // The job was seen running with `progress` at t_s (seconds, any steady origin kept for the job);
  // returns the seconds until the next poll. tail_ratio: see above.
  double next(const PollTiming& timing, double t_s, double progress, double tail_ratio);

  // What the answers so far predict; nullopt until progress has moved between two answers.
  std::optional<ProgressEstimate> estimate() const;

  // The tail ratio a finished job shows: it ended at end_s (on the planner's origin). nullopt when
  // nothing was predicted or the figure is out of any plausible range.
  std::optional<double> observedTail(double end_s) const;

 private:
  struct Sample {
    double t_s;
    double progress;
  };
  double backoffDelay(const PollTiming& timing);

  double backoff_s_ = 0;         // the next backoff delay; 0 before the first answer
  double short_retry_s_ = 0;     // after a prediction the job outlived: 0.25 s, doubling
  std::optional<Sample> first_;  // the first answer with 0 < progress < 1
  std::optional<Sample> last_;   // the latest answer whose progress moved past first_'s
  double last_zero_s_ = -1;      // the latest answer with progress 0
};

// Polls that no prediction times (backoff while progress does not move) fall due on a shared grid of
// this step, so the I/O thread wakes once for all the jobs due in the same quarter second rather than
// once for each: 100 queued jobs cost four wake-ups a second, not 25.
constexpr int64_t kPollGridMs = 250;
// delay_s moved later so that it ends on the grid (now_ms on any clock every job shares). A
// wait under a second is left as it is; a longer one grows by less than kPollGridMs.
double onPollGrid(double delay_s, int64_t now_ms);

// How far the tail ratio of the next prediction moves towards each observed one.
constexpr double kTailLearning = 0.5;
// The tail assumed before any job has finished.
constexpr double kInitialTailRatio = 0.25;

}  // namespace texforge
