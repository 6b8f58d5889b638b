// The poll planner on simulated jobs, without a network: backoff while progress does not move,
// a poll just after the predicted end once it does, short retries when a job outlives its
// prediction, and fewer polls in all than fixed 3-second polling over jobs of 5 to 55 s.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "poll_planner.h"

namespace texforge {
namespace {

// A job of `length` seconds whose progress is 0 for its first 30%, moves linearly to 1 by 85%, and
// stays at 1 until the end (as texforge-emulator's jobs do; the tail is 0.15 / 0.55 of the span).
double progressAt(double length, double t) {
  const double f = t / length;
  if (f < 0.30) return 0;
  if (f >= 0.85) return 1;
  return (f - 0.30) / 0.55;
}
constexpr double kTrueTail = 0.15 / 0.55;

struct Outcome {
  int polls = 0;
  double noticed_late_s = 0;  // from the job's end to the poll that saw it
};

Outcome simulate(double length, double tail, PollTiming timing = {}) {
  PollPlanner planner;
  Outcome out;
  double t = timing.initial_s;  // the first poll, scheduled when the POST is answered
  for (;;) {
    ++out.polls;
    if (t >= length) {
      out.noticed_late_s = t - length;
      return out;
    }
    const double delay = planner.next(timing, t, progressAt(length, t), tail);
    EXPECT_GE(delay, 0.25) << "never a tight loop";
    t += delay;
  }
}

TEST(PollPlanner, WithoutProgressItBacksOffToTheCeiling) {
  PollPlanner planner;
  const PollTiming timing;
  std::vector<double> delays;
  for (int i = 0; i < 6; ++i) delays.push_back(planner.next(timing, i, 0.0, kTrueTail));
  EXPECT_EQ(delays, (std::vector<double>{1.0, 1.5, 2.25, 3.375, 4.0, 4.0}));
}

TEST(PollPlanner, WithoutPredictionTheDelaysAreTheBackoffsEvenWhenProgressMoves) {
  PollPlanner planner;
  PollTiming fixed;
  fixed.initial_s = fixed.max_s = 3;
  fixed.backoff = 1;
  fixed.predict = false;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(planner.next(fixed, 3.0 * i, 0.2 * i, kTrueTail), 3.0);
}

TEST(PollPlanner, TwoMovingAnswersPredictTheEndAndThePollGoesJustAfterIt) {
  PollPlanner planner;
  const PollTiming timing;
  planner.next(timing, 1.0, 0.0, kTrueTail);
  planner.next(timing, 3.0, 0.2, kTrueTail);
  const double delay = planner.next(timing, 4.0, 0.3, kTrueTail);  // 0.1 a second: 1 at 11 s
  auto e = planner.estimate();
  ASSERT_TRUE(e);
  EXPECT_NEAR(e->reaches_one_s, 11.0, 1e-9);
  EXPECT_NEAR(e->span_s, 10.0, 1e-9);
  EXPECT_NEAR(4.0 + delay, 11.0 + kTrueTail * 10.0 + 0.05, 1e-9);
}

TEST(PollPlanner, AJobThatOutlivesItsPredictionIsAskedAgainSoonThenLessOften) {
  PollPlanner planner;
  const PollTiming timing;
  planner.next(timing, 1.0, 0.2, 0.0);
  planner.next(timing, 2.0, 0.4, 0.0);  // 1 at 5 s, no tail expected
  EXPECT_NEAR(planner.next(timing, 5.0, 1.0, 0.0), 0.25, 1e-9);
  EXPECT_NEAR(planner.next(timing, 5.25, 1.0, 0.0), 0.5, 1e-9);
  EXPECT_NEAR(planner.next(timing, 5.75, 1.0, 0.0), 1.0, 1e-9);
  EXPECT_NEAR(planner.next(timing, 6.75, 1.0, 0.0), 2.0, 1e-9);
  EXPECT_NEAR(planner.next(timing, 8.75, 1.0, 0.0), 4.0, 1e-9);
  EXPECT_NEAR(planner.next(timing, 12.75, 1.0, 0.0), 4.0, 1e-9) << "the backoff ceiling holds";
}

TEST(PollPlanner, AFarPredictionIsCappedSoMisleadingProgressIsStillChecked) {
  PollPlanner planner;
  const PollTiming timing;
  planner.next(timing, 1.0, 0.01, 0.0);
  EXPECT_EQ(planner.next(timing, 2.0, 0.02, 0.0), timing.predict_max_s);  // 1 at 100 s
}

TEST(PollPlanner, ProgressThatGoesBackStartsTheMeasurementAgain) {
  PollPlanner planner;
  const PollTiming timing;
  planner.next(timing, 1.0, 0.2, 0.0);
  planner.next(timing, 2.0, 0.4, 0.0);
  ASSERT_TRUE(planner.estimate());
  planner.next(timing, 3.0, 0.1, 0.0);
  EXPECT_FALSE(planner.estimate());
  planner.next(timing, 4.0, 0.0, 0.0);
  EXPECT_FALSE(planner.estimate());
}

TEST(PollPlanner, TheTailAJobShowsIsMeasuredAgainstItsSpan) {
  PollPlanner planner;
  const PollTiming timing;
  EXPECT_FALSE(planner.observedTail(10.0)) << "nothing predicted yet";
  planner.next(timing, 1.0, 0.1, 0.0);
  planner.next(timing, 2.0, 0.2, 0.0);  // 1 at 10 s, span 10 s
  ASSERT_TRUE(planner.observedTail(12.0));
  EXPECT_NEAR(*planner.observedTail(12.0), 0.2, 1e-9);
  EXPECT_FALSE(planner.observedTail(9.0)) << "ended before progress could reach 1: not a tail";
  EXPECT_FALSE(planner.observedTail(100.0)) << "progress that does not track the job's time";
}

TEST(PollPlanner, OverJobsOf5To55SecondsItNoticesWithinAFifthOfASecondWithFewerPollsThanFixed3s) {
  PollTiming fixed;
  fixed.initial_s = fixed.max_s = 3;
  fixed.backoff = 1;
  fixed.predict = false;
  int planned_polls = 0, fixed_polls = 0;
  double planned_late = 0, fixed_late = 0;
  int jobs = 0;
  for (double length = 5; length <= 55; length += 2.5, ++jobs) {
    const Outcome planned = simulate(length, kTrueTail);
    const Outcome every3 = simulate(length, kTrueTail, fixed);
    EXPECT_LT(planned.noticed_late_s, 0.2) << length << " s";
    planned_polls += planned.polls;
    fixed_polls += every3.polls;
    planned_late += planned.noticed_late_s;
    fixed_late += every3.noticed_late_s;
  }
  EXPECT_LT(planned_polls, fixed_polls);
  EXPECT_LT(planned_late / jobs, fixed_late / jobs / 3);
}

TEST(PollPlanner, AWrongTailCostsAtMostOneBackoffStepAndTheInitialOneLittle) {
  const PollTiming timing;
  for (double length = 5; length <= 55; length += 5) {
    EXPECT_LE(simulate(length, 0.0).noticed_late_s, timing.max_s) << length << " s, tail assumed 0";
    EXPECT_LT(simulate(length, kInitialTailRatio).noticed_late_s, 1.0) << length << " s";
  }
}

// Backoff polls of many jobs land on shared quarter seconds, later by less than a step; short waits
// (a prediction's retries, a host's fast polling) are never moved.
TEST(PollGrid, LongWaitsEndOnTheSharedGridAndShortOnesAreLeftAlone) {
  for (int64_t now : {0LL, 1LL, 249LL, 250LL, 123457LL}) {
    for (double delay : {1.0, 1.5, 2.25, 3.375, 4.0}) {
      const double moved = onPollGrid(delay, now);
      const int64_t due = now + static_cast<int64_t>(moved * 1000 + 0.5);
      EXPECT_EQ(due % kPollGridMs, 0) << "now " << now << ", delay " << delay;
      EXPECT_GE(moved, delay - 1e-9);
      EXPECT_LT(moved, delay + kPollGridMs / 1000.0);
    }
  }
  EXPECT_EQ(onPollGrid(0.25, 1234), 0.25);
  EXPECT_EQ(onPollGrid(0.05, 7), 0.05);
  // Two jobs whose waits end 100 ms apart within one step wake the loop once.
  EXPECT_EQ(1010 + static_cast<int64_t>(onPollGrid(2.0, 1010) * 1000 + 0.5), 3250);
  EXPECT_EQ(1110 + static_cast<int64_t>(onPollGrid(2.0, 1110) * 1000 + 0.5), 3250);
}

}  // namespace
}  // namespace texforge
