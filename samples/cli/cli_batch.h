// The decisions of `texforge batch` over snapshots, kept apart from batch_command.cpp to be tested:
// which rows already have a job in the journal (and what to do with it), what decides a price, the
// lines printed as rows finish, and the summary.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli_batch_file.h"
#include "texforge/generator.h"

namespace texforge::cli {

enum class RowAction {
  kSubmit,  // no job yet (or --retry-failed and its job failed for good): paid now
  kWait,    // its job is under way or its images are on their way: the engine goes on with it
  kResume,  // its job stopped, or failed while the service may still hold it: Generator::resumeJob
  kDone,    // its job was imported earlier
  kFailed,  // its job failed for good; reported as failed (--retry-failed sends it again)
  kHeld,    // another process holds its job: reported, never waited for
};
const char* rowActionName(RowAction action);  // "submit", "wait", ...

struct RowPlan {
  size_t row = 0;  // index into the rows
  RowAction action = RowAction::kSubmit;
  std::optional<JobSnapshot> job;  // the journaled job it matched, newest first
};

// Matches each row to its newest journaled job: the same kBatchMetadataKey and
// kBatchRowMetadataKey. Never pays twice: a row with a job is submitted again only when the job
// failed for good and retry_failed is set. Errors (kInvalidArgument, nothing is paid): a row whose
// journaled job has other parameters (the row was edited, or rows were inserted before an unnamed
// one), naming the row and its job, unless that job failed for good and retry_failed is set.
Result<std::vector<RowPlan>> planBatch(const std::vector<BatchRow>& rows,
                                       const std::vector<JobSnapshot>& jobs, bool retry_failed);

// What decides the price: the parameters without the prompt's words, the host's fields and the
// name, so requests that differ only there share one quote.
std::string quoteKey(const GenerationParams& params);

// Whether a row's job ended with every image imported (outcomeFor's verdict on it alone).
bool rowSucceeded(const JobSnapshot& job);

// "[3/12] mossy_wall: 4 images -> assets/generated/mossy_wall.png ..." or
// "[5/12] row 5: failed: tf_x: the job failed: ..." for a row whose job has ended.
std::string rowFinishedLine(int finished, int total, const BatchRow& row, const JobSnapshot& job);

// "batch: 11 done, 1 failed, 11 images, 63.00 creative units" (plus ", 1 held elsewhere" when so),
// over the rows' jobs as they ended (rows without a job count as failed).
std::string batchSummaryLine(const std::vector<std::optional<JobSnapshot>>& jobs);

}  // namespace texforge::cli
