// Which of the project's jobs a CLI verb acts on, and when it has nothing left to wait for. Pure
// decisions over snapshots (and one Generator's jobs()), kept apart from main.cpp to be tested.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "texforge/generator.h"

namespace texforge::cli {

enum class ResumeStep {
  kSkip,           // finished for good: nothing resume can add
  kWait,           // the engine is already on it (active, ready, unknown, or failed with images left)
  kResume,         // stopped, or failed while the service may still hold it: Generator::resumeJob
  kHeldElsewhere,  // another process, endpoint or account holds it: report it, never wait for it
};
ResumeStep resumeStepFor(const JobSnapshot& job);

// Whether a command may stop waiting: the engine is idle, or all that keeps it busy is jobs other
// processes hold (this process never acts on those) and lost requests whose search has already
// reported once since since_ms (unix ms; the engine goes on looking for reconcile_window_s, which
// the advice tells the user to wait out). Jobs in `resumed` (as they were when resumeJob was
// asked) count as busy until their state or updated_at_ms has changed, so a resume that has not
// started yet is waited for. Any thread.
bool nothingLeftToWaitFor(const Generator& gen, const std::map<std::string, JobSnapshot>& resumed,
                          int64_t since_ms);

}  // namespace texforge::cli
