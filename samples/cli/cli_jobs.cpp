// The CLI's decisions about jobs: what `resume` does with each, and when waiting is over.
#include "cli_jobs.h"

#include <algorithm>

namespace texforge::cli {
namespace {

// Whether this process's engine still moves the job on: active, or images on their way to the project.
bool busyHere(const JobSnapshot& job) {
  if (isJobActive(job.state)) return true;
  return std::any_of(job.outputs.begin(), job.outputs.end(),
                     [](const OutputSnapshot& o) { return o.state == OutputState::kReady && !o.error; });
}

}  // namespace

ResumeStep resumeStepFor(const JobSnapshot& job) {
  if (!job.held_by.empty()) return ResumeStep::kHeldElsewhere;
  if (canResume(job)) return ResumeStep::kResume;
  const bool unimported = std::any_of(job.outputs.begin(), job.outputs.end(), [](const OutputSnapshot& o) {
    return o.state != OutputState::kImported;
  });
  if (isJobActive(job.state) || job.state == JobState::kReady || job.state == JobState::kUnknown ||
      (job.state == JobState::kFailed && unimported)) {
    return ResumeStep::kWait;
  }
  return ResumeStep::kSkip;
}

bool nothingLeftToWaitFor(const Generator& gen, const std::map<std::string, JobSnapshot>& resumed,
                          int64_t since_ms) {
  const std::vector<JobSnapshot> jobs = gen.jobs();
  for (const JobSnapshot& job : jobs) {
    const auto asked = resumed.find(job.local_id);
    if (asked != resumed.end() && job.held_by.empty() && job.state == asked->second.state &&
        job.updated_at_ms == asked->second.updated_at_ms) {
      return false;
    }
  }
  if (gen.idle()) return true;
  // Not idle: fine only when every job keeping it busy is explained by the rules above.
  bool explained = false;
  for (const JobSnapshot& job : jobs) {
    if (!job.held_by.empty()) {
      explained = explained || isJobActive(job.state) || job.state == JobState::kUnknown;
    } else if (job.state == JobState::kUnknown && !job.needs_decision) {
      // A search has reported when it set the error and the time a resend becomes possible.
      const bool reported = job.error && job.updated_at_ms >= since_ms && job.resend_allowed_at_ms > 0;
      if (!reported) return false;
      explained = true;
    } else if (busyHere(job)) {
      return false;
    }
  }
  return explained;
}

}  // namespace texforge::cli
