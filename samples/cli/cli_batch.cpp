// What `texforge batch` decides and prints, from rows and job snapshots: no engine, no network,
// so the rules that keep a row from being paid twice are tested directly.
#include "cli_batch.h"

#include <cstdio>
#include <map>

#include "cli_jobs.h"
#include "cli_report.h"

namespace texforge::cli {
namespace {

std::string metadata(const GenerationParams& params, const char* key) {
  const auto it = params.host_metadata.find(key);
  return it == params.host_metadata.end() ? std::string() : it->second;
}

std::string units(double cost) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", cost);
  return text;
}

}  // namespace

const char* rowActionName(RowAction action) {
  switch (action) {
    case RowAction::kSubmit: return "submit";
    case RowAction::kWait: return "wait";
    case RowAction::kResume: return "resume";
    case RowAction::kDone: return "done";
    case RowAction::kFailed: return "failed";
    case RowAction::kHeld: return "held elsewhere";
  }
  return "submit";
}

Result<std::vector<RowPlan>> planBatch(const std::vector<BatchRow>& rows,
                                       const std::vector<JobSnapshot>& jobs, bool retry_failed) {
  std::vector<RowPlan> plan;
  for (size_t i = 0; i < rows.size(); ++i) {
    const BatchRow& row = rows[i];
    const std::string batch = metadata(row.params, kBatchMetadataKey);
    RowPlan step;
    step.row = i;
    for (const JobSnapshot& job : jobs) {  // newest first: a retried row's new job wins
      if (metadata(job.params, kBatchMetadataKey) == batch &&
          metadata(job.params, kBatchRowMetadataKey) == row.key) {
        step.job = job;
        break;
      }
    }
    if (!step.job) {
      plan.push_back(std::move(step));
      continue;
    }
    const JobSnapshot& job = *step.job;
    switch (resumeStepFor(job)) {
      case ResumeStep::kHeldElsewhere: step.action = RowAction::kHeld; break;
      case ResumeStep::kResume: step.action = RowAction::kResume; break;
      case ResumeStep::kWait: step.action = RowAction::kWait; break;
      case ResumeStep::kSkip:
        step.action = job.state == JobState::kImported ? RowAction::kDone
                      : retry_failed                   ? RowAction::kSubmit
                                                       : RowAction::kFailed;
        break;
    }
    if (job.params != row.params && step.action != RowAction::kSubmit) {
      return makeError(
          ErrorCode::kInvalidArgument,
          "row " + std::to_string(row.number) + " (" + row.label + ") differs from the request " +
              job.local_id + " sent for it earlier (" + jobStateName(job.state) +
              "); a batch file is not edited while its rows run: restore the row, or save the "
              "changed requests under a new file name" +
              (step.action == RowAction::kFailed ? " (or --retry-failed sends the edited row)" : ""));
    }
    plan.push_back(std::move(step));
  }
  return plan;
}

std::string quoteKey(const GenerationParams& params) {
  GenerationParams priced = params;
  // The words do not change the price (model, size, quality, outputs and inputs do): a set of
  // assets that differ only in their prompts is priced with one dry run.
  priced.prompt.clear();
  priced.seamless = false;
  priced.name.clear();
  priced.usage.clear();
  priced.host_metadata.clear();
  return paramsToJson(priced);
}

bool rowSucceeded(const JobSnapshot& job) {
  return outcomeFor({job}, 0).exit_status == 0;
}

std::string rowFinishedLine(int finished, int total, const BatchRow& row, const JobSnapshot& job) {
  std::string line = "[" + std::to_string(finished) + "/" + std::to_string(total) + "] " + row.label + ": ";
  if (!job.held_by.empty()) return line + heldLine(job);
  if (!rowSucceeded(job)) {
    const Outcome outcome = outcomeFor({job}, 0);
    return line +
           "failed: " + (outcome.error ? outcome.error->message : std::string(jobStateName(job.state)));
  }
  std::vector<std::string> paths;
  for (const OutputSnapshot& o : job.outputs) {
    if (o.state == OutputState::kImported) paths.push_back(o.imported_path);
  }
  line += std::to_string(paths.size()) + (paths.size() == 1 ? " image" : " images");
  if (!paths.empty()) line += " -> " + paths.front() + (paths.size() > 1 ? " ..." : "");
  return line;
}

std::string batchSummaryLine(const std::vector<std::optional<JobSnapshot>>& jobs) {
  int done = 0, failed = 0, held = 0, images = 0;
  double cost = 0;
  for (const auto& job : jobs) {
    if (job && !job->held_by.empty()) {
      ++held;
      continue;
    }
    if (job && rowSucceeded(*job)) {
      ++done;
    } else {
      ++failed;
    }
    if (!job) continue;
    for (const OutputSnapshot& o : job->outputs) images += o.state == OutputState::kImported ? 1 : 0;
    if (job->cost > 0) cost += job->cost;
  }
  return "batch: " + std::to_string(done) + " done, " + std::to_string(failed) + " failed" +
         (held ? ", " + std::to_string(held) + " held elsewhere" : "") + ", " + std::to_string(images) +
         (images == 1 ? " image, " : " images, ") + units(cost) + " creative units";
}

}  // namespace texforge::cli
