// Names and small queries of the job data types (texforge/job.h).
#include "texforge/job.h"

#include <algorithm>

namespace texforge {

const char* jobStateName(JobState state) {
  switch (state) {
    case JobState::kSubmitting: return "submitting";
    case JobState::kSubmitted: return "submitted";
    case JobState::kRunning: return "running";
    case JobState::kDownloading: return "downloading";
    case JobState::kReady: return "ready";
    case JobState::kImported: return "imported";
    case JobState::kFailed: return "failed";
    case JobState::kStopped: return "stopped";
    case JobState::kUnknown: return "unknown";
  }
  return "unknown";
}

bool isJobActive(JobState state) {
  return state == JobState::kSubmitting || state == JobState::kSubmitted || state == JobState::kRunning ||
         state == JobState::kDownloading;
}

const char* outputStateName(OutputState state) {
  switch (state) {
    case OutputState::kPending: return "pending";
    case OutputState::kDownloading: return "downloading";
    case OutputState::kReady: return "ready";
    case OutputState::kImported: return "imported";
    case OutputState::kFailed: return "failed";
  }
  return "failed";
}

int JobSnapshot::readyCount() const {
  return static_cast<int>(std::count_if(outputs.begin(), outputs.end(), [](const OutputSnapshot& o) {
    return o.state == OutputState::kReady || o.state == OutputState::kImported;
  }));
}

bool canResume(const JobSnapshot& job) {
  if (!job.held_by.empty()) return false;
  const bool undownloaded = std::any_of(job.outputs.begin(), job.outputs.end(), [](const OutputSnapshot& o) {
    return o.state == OutputState::kFailed && !o.asset_id.empty() &&
           !(o.error && o.error->code == ErrorCode::kDecode);
  });
  if (job.state == JobState::kStopped) return !job.job_id.empty() || job.outputs.empty();
  if (job.state != JobState::kFailed || !job.error) return false;
  switch (job.error->code) {
    case ErrorCode::kJobFailed:
    case ErrorCode::kJobCanceled:
    case ErrorCode::kCanceled:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kDecode: return undownloaded;
    default: return !job.job_id.empty();
  }
}

}  // namespace texforge
