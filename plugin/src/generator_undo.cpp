// Undo of an import: the host moved the file away (or back) and the engine journals that the
// output is ready to import again (or imported once more).
#include <algorithm>
#include <mutex>

#include "generator_impl.h"

namespace texforge {
namespace {

Status checkOutput(const std::optional<JobRecord>& r, const std::string& local_id, int output_index) {
  if (!r) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (output_index < 0 || output_index >= static_cast<int>(r->snap.outputs.size())) {
    return makeError(ErrorCode::kNotFound,
                     "job " + local_id + " has no output " + std::to_string(output_index));
  }
  return Ok{};
}

}  // namespace

Status GeneratorImpl::forgetImport(const std::string& local_id, int output_index) {
  const auto r = record(local_id);
  if (Status st = checkOutput(r, local_id, output_index); !st) return st;
  if (r->snap.outputs[output_index].state != OutputState::kImported) {
    return makeError(ErrorCode::kInvalidArgument, "output " + std::to_string(output_index + 1) + " of job " +
                                                      local_id + " is not imported");
  }
  // The journal first: the record written next must not find the output imported there.
  auto forgotten = journal_->forgetImport(local_id, output_index);
  if (!forgotten) return forgotten.error();
  auto apply = [&](JobRecord& rec) {
    if (output_index >= static_cast<int>(rec.snap.outputs.size())) return;
    OutputSnapshot& out = rec.snap.outputs[output_index];
    out.state = OutputState::kReady;
    out.imported_path.clear();
    if (rec.snap.state == JobState::kImported) rec.snap.state = JobState::kReady;
  };
  if (!update(local_id, Change::always(GeneratorEvent::Kind::kJobChanged, output_index), apply)) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it != jobs_.end()) apply(it->second);
  }
  logJob(LogLevel::kInfo, local_id, "import of image " + std::to_string(output_index + 1) + " undone");
  return Ok{};
}

Status GeneratorImpl::recordImport(const std::string& local_id, int output_index, const std::string& path) {
  const auto r = record(local_id);
  if (Status st = checkOutput(r, local_id, output_index); !st) return st;
  if (path.empty() || r->snap.outputs[output_index].state != OutputState::kReady) {
    return makeError(ErrorCode::kInvalidArgument, "output " + std::to_string(output_index + 1) + " of job " +
                                                      local_id + " is not ready to record an import");
  }
  if (Status done = journal_->finishImport(local_id, output_index, path); !done) return done;
  logJob(LogLevel::kInfo, local_id, "image " + std::to_string(output_index + 1) + " restored as " + path);
  markImported(local_id, output_index, path);
  return Ok{};
}

}  // namespace texforge
