// The scripted Generator: jobs kept in memory and moved by the test. The mailbox is the real engine's
// in miniature: post under the lock, wake the host, run and return everything inside pump().
#include "scripted_generator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "test_support.h"
#include "texforge/api.h"
#include "texforge/params.h"

namespace texforge::test {
namespace {

int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The image as a PNG file at path, as the real engine keeps a downloaded original; "" if not written.
std::string cachePng(const std::string& path, const DecodedImage& image) {
  auto png = encodePng(image);
  if (!png) return "";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  writeAll(path, std::string(png->begin(), png->end()));
  return std::filesystem::file_size(path, ec) == png->size() ? path : "";
}

}  // namespace

ScriptedGenerator::ScriptedGenerator(ScriptedGeneratorOptions options) : options_(std::move(options)) {
  if (!options_.importer) options_.importer = recorder_ = makeRecordingImporter();
}

bool ScriptedGenerator::change(const std::string& local_id, GeneratorEvent::Kind kind, int output_index,
                               const std::function<void(JobSnapshot&)>& apply) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it == jobs_.end()) return false;
    JobSnapshot& job = it->second;
    apply(job);
    job.updated_at_ms = nowMs();
    if (isJobActive(job.state)) {
      job.finished_at_ms = 0;
    } else if (job.finished_at_ms == 0) {
      job.finished_at_ms = job.updated_at_ms;
    }
    events_.push_back({kind, local_id, output_index});
  }
  wakeHost();
  return true;
}

void ScriptedGenerator::post(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    mailbox_.push_back(std::move(callback));
  }
  wakeHost();
}

void ScriptedGenerator::wakeHost() {
  activity_.notify_all();
  if (options_.wake) options_.wake();
}

void ScriptedGenerator::setState(const std::string& local_id, JobState state) {
  using Kind = GeneratorEvent::Kind;
  change(local_id, isJobActive(state) ? Kind::kJobChanged : Kind::kJobFinished, -1, [&](JobSnapshot& job) {
    job.state = state;
    if (isJobActive(state) && state != JobState::kSubmitting && job.job_id.empty()) {
      job.job_id = "job_scripted_" + job.local_id;
    }
  });
}

void ScriptedGenerator::setProgress(const std::string& local_id, double progress) {
  change(local_id, GeneratorEvent::Kind::kJobChanged, -1, [&](JobSnapshot& job) { job.progress = progress; });
}

int ScriptedGenerator::addReadyOutput(const std::string& local_id, DecodedImage image) {
  auto shared = std::make_shared<const DecodedImage>(std::move(image));
  int index = -1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it == jobs_.end()) return -1;
    index = static_cast<int>(it->second.outputs.size());
  }
  const std::string file = "/.texforge/cache/" + local_id + "-" + std::to_string(index) + ".png";
  const std::string cache =
      options_.project_dir.empty() ? "" : cachePng(options_.project_dir + file, *shared);
  change(local_id, GeneratorEvent::Kind::kOutputReady, index, [&](JobSnapshot& job) {
    OutputSnapshot out;
    out.index = static_cast<int>(job.outputs.size());
    out.state = OutputState::kReady;
    out.asset_id = "asset_scripted_" + local_id + "_" + std::to_string(out.index);
    out.cache_path = cache;
    out.format = ImageFormat::kPng;
    out.width = shared->width;
    out.height = shared->height;
    out.image = shared;
    job.outputs.push_back(std::move(out));
    if (static_cast<int>(job.outputs.size()) >= job.params.num_outputs && isJobActive(job.state)) {
      job.state = JobState::kReady;
      job.progress = 1.0;
    }
  });
  return index;
}

int ScriptedGenerator::addFailedOutput(const std::string& local_id, Error error) {
  int index = -1;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it == jobs_.end()) return -1;
    index = static_cast<int>(it->second.outputs.size());
  }
  change(local_id, GeneratorEvent::Kind::kOutputFailed, index, [&](JobSnapshot& job) {
    OutputSnapshot out;
    out.index = static_cast<int>(job.outputs.size());
    out.state = OutputState::kFailed;
    out.error = std::move(error);
    job.outputs.push_back(std::move(out));
    if (static_cast<int>(job.outputs.size()) >= job.params.num_outputs && isJobActive(job.state)) {
      job.state = job.readyCount() > 0 ? JobState::kReady : JobState::kFailed;
      job.progress = 1.0;
    }
  });
  return index;
}

void ScriptedGenerator::failJob(const std::string& local_id, Error error) {
  change(local_id, GeneratorEvent::Kind::kJobFinished, -1, [&](JobSnapshot& job) {
    job.state = JobState::kFailed;
    job.error = std::move(error);
  });
}

void ScriptedGenerator::loseAnswer(const std::string& local_id, bool needs_decision,
                                   int64_t resend_allowed_at_ms) {
  change(local_id, GeneratorEvent::Kind::kJobFinished, -1, [&](JobSnapshot& job) {
    job.state = JobState::kUnknown;
    job.job_id.clear();
    job.error = makeError(ErrorCode::kUnknownSubmission, "the request was sent but its answer was lost");
    job.needs_decision = needs_decision;
    job.resend_allowed_at_ms = resend_allowed_at_ms;
  });
}

void ScriptedGenerator::setHeldBy(const std::string& local_id, std::string held_by, bool other_account) {
  change(local_id, GeneratorEvent::Kind::kJobChanged, -1, [&](JobSnapshot& job) {
    job.held_by = std::move(held_by);
    job.other_account = other_account && !job.held_by.empty();
  });
}

void ScriptedGenerator::setQuote(Result<Quote> quote) {
  std::lock_guard<std::mutex> lock(mutex_);
  quote_answer_ = std::move(quote);
}

void ScriptedGenerator::setSchema(Result<ModelSchema> schema) {
  std::lock_guard<std::mutex> lock(mutex_);
  schema_answer_ = std::move(schema);
}

Result<std::string> ScriptedGenerator::submit(const GenerationParams& params) {
  if (Status valid = validateParams(params); !valid) return valid.error();
  char id[32];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::snprintf(id, sizeof id, "scripted-%04d", next_id_++);  // sorts like creation order
    JobSnapshot job;
    job.local_id = id;
    job.params = params;
    job.created_at_ms = job.updated_at_ms = nowMs();
    jobs_[id] = job;
    submitted_.push_back(params);
    events_.push_back({GeneratorEvent::Kind::kJobChanged, id, -1});
  }
  wakeHost();
  return std::string(id);
}

void ScriptedGenerator::quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) {
  Status valid = validateParams(params);
  Result<Quote> answer = valid ? Result<Quote>(Quote{}) : Result<Quote>(valid.error());
  if (valid) {
    std::lock_guard<std::mutex> lock(mutex_);
    quoted_.push_back(params);
    answer = quote_answer_;
  }
  post([on_done = std::move(on_done), answer] { on_done(answer); });
}

void ScriptedGenerator::fetchSchema(const std::string&, std::function<void(Result<ModelSchema>)> on_done) {
  post([on_done = std::move(on_done), answer = locked(schema_answer_)] { on_done(answer); });
}

Status ScriptedGenerator::resolveUnknown(const std::string& local_id, bool resend) {
  auto current = job(local_id);
  if (!current) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (current->state != JobState::kUnknown) {
    return makeError(ErrorCode::kInvalidArgument, local_id + " is not unknown");
  }
  if (!current->held_by.empty()) return makeError(ErrorCode::kInvalidArgument, current->held_by);
  if (resend && nowMs() < current->resend_allowed_at_ms) {
    return makeError(ErrorCode::kInvalidArgument, "a late job may still show up; resend later");
  }
  const auto kind = resend ? GeneratorEvent::Kind::kJobChanged : GeneratorEvent::Kind::kJobFinished;
  change(local_id, kind, -1, [&](JobSnapshot& job) {
    job.state = resend ? JobState::kSubmitting : JobState::kFailed;
    job.error.reset();
    job.needs_decision = false;
    job.resend_allowed_at_ms = 0;
    if (!resend) job.error = makeError(ErrorCode::kCanceled, "you discarded it");
    (resend ? resent_ : discarded_).push_back(local_id);  // change() holds the lock
  });
  return Ok{};
}

Status ScriptedGenerator::recheckUnknown(const std::string& local_id) {
  auto current = job(local_id);
  if (!current) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (current->state != JobState::kUnknown)
    return makeError(ErrorCode::kInvalidArgument, local_id + " is not unknown");
  if (!current->held_by.empty()) return makeError(ErrorCode::kInvalidArgument, current->held_by);
  std::lock_guard<std::mutex> lock(mutex_);
  rechecked_.push_back(local_id);
  return Ok{};
}

Status ScriptedGenerator::resumeJob(const std::string& local_id) {
  auto current = job(local_id);
  if (!current) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (!canResume(*current)) return makeError(ErrorCode::kInvalidArgument, local_id + " cannot be resumed");
  change(local_id, GeneratorEvent::Kind::kJobChanged, -1, [&](JobSnapshot& job) {
    job.state = JobState::kRunning;
    job.error.reset();
    job.finished_at_ms = 0;
    resumed_.push_back(local_id);  // change() holds the lock
  });
  return Ok{};
}

void ScriptedGenerator::stopWaiting(const std::string& local_id) {
  change(local_id, GeneratorEvent::Kind::kJobFinished, -1, [&](JobSnapshot& job) {
    if (!isJobActive(job.state) || !job.held_by.empty()) return;
    stopped_.push_back(local_id);  // change() holds the lock
    job.state = JobState::kStopped;
    job.error = makeError(ErrorCode::kStopped, "you stopped waiting for this job");
  });
}

Status ScriptedGenerator::removeJob(const std::string& local_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it == jobs_.end()) return makeError(ErrorCode::kNotFound, "no job " + local_id);
    if (isJobActive(it->second.state) || it->second.state == JobState::kUnknown ||
        !it->second.held_by.empty())
      return makeError(ErrorCode::kInvalidArgument, "job " + local_id + " is not finished here");
    jobs_.erase(it);
  }
  wakeHost();
  return Ok{};
}

std::vector<GeneratorEvent> ScriptedGenerator::pump() {
  std::vector<std::function<void()>> callbacks;
  std::vector<GeneratorEvent> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    callbacks.swap(mailbox_);
    events.swap(events_);
  }
  for (auto& callback : callbacks) callback();  // what these post waits for the next pump()
  return events;
}

bool ScriptedGenerator::waitForActivity(double timeout_s) {
  std::unique_lock<std::mutex> lock(mutex_);
  return activity_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                            [this] { return !mailbox_.empty() || !events_.empty(); });
}

std::vector<JobSnapshot> ScriptedGenerator::jobs() const {
  std::vector<JobSnapshot> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : jobs_) out.push_back(entry.second);
  }
  std::reverse(out.begin(), out.end());  // ids sort by creation: newest first
  return out;
}

std::optional<JobSnapshot> ScriptedGenerator::job(const std::string& local_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(local_id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

bool ScriptedGenerator::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!mailbox_.empty() || !events_.empty()) return false;
  return std::none_of(jobs_.begin(), jobs_.end(),
                      [](const auto& entry) { return isJobActive(entry.second.state); });
}

Result<ImportedAsset> ScriptedGenerator::importOutput(const std::string& local_id, int output_index) {
  auto current = job(local_id);
  if (!current) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (output_index < 0 || output_index >= static_cast<int>(current->outputs.size())) {
    return makeError(ErrorCode::kNotFound, local_id + " has no output " + std::to_string(output_index));
  }
  const OutputSnapshot& out = current->outputs[output_index];
  if (out.state == OutputState::kImported) {
    return ImportedAsset{out.imported_path, out.imported_path + ".texforge.json"};
  }
  if (out.state != OutputState::kReady) return makeError(ErrorCode::kInvalidArgument, "output not ready");
  ImportRequest request;
  request.project_dir = options_.project_dir.empty() ? "." : options_.project_dir;
  request.source_file = out.cache_path;
  request.format = out.format;
  request.width = out.width;
  request.height = out.height;
  request.params = current->params;
  request.local_id = local_id;
  request.job_id = current->job_id;
  request.asset_id = out.asset_id;
  request.output_index = output_index;
  request.output_count = static_cast<int>(current->outputs.size());
  request.cost = current->cost;
  Result<ImportedAsset> imported = options_.importer->importAsset(request);
  if (!imported) return imported;
  change(local_id, GeneratorEvent::Kind::kJobChanged, output_index, [&](JobSnapshot& job) {
    job.outputs[output_index].state = OutputState::kImported;
    job.outputs[output_index].imported_path = imported->path;
    const bool all = std::all_of(job.outputs.begin(), job.outputs.end(),
                                 [](const OutputSnapshot& o) { return o.state == OutputState::kImported; });
    if (all && job.state == JobState::kReady) job.state = JobState::kImported;
  });
  return imported;
}

Status ScriptedGenerator::forgetImport(const std::string& local_id, int output_index) {
  auto current = job(local_id);
  if (!current || output_index < 0 || output_index >= static_cast<int>(current->outputs.size()))
    return makeError(ErrorCode::kNotFound, "no such output");
  if (current->outputs[output_index].state != OutputState::kImported)
    return makeError(ErrorCode::kInvalidArgument, "output not imported");
  change(local_id, GeneratorEvent::Kind::kJobChanged, output_index, [&](JobSnapshot& job) {
    job.outputs[output_index].state = OutputState::kReady;
    job.outputs[output_index].imported_path.clear();
    if (job.state == JobState::kImported) job.state = JobState::kReady;
  });
  return Ok{};
}

Status ScriptedGenerator::recordImport(const std::string& local_id, int output_index,
                                       const std::string& path) {
  auto current = job(local_id);
  if (!current || output_index < 0 || output_index >= static_cast<int>(current->outputs.size()))
    return makeError(ErrorCode::kNotFound, "no such output");
  if (current->outputs[output_index].state != OutputState::kReady)
    return makeError(ErrorCode::kInvalidArgument, "output not ready");
  change(local_id, GeneratorEvent::Kind::kJobChanged, output_index, [&](JobSnapshot& job) {
    job.outputs[output_index].state = OutputState::kImported;
    job.outputs[output_index].imported_path = path;
    const bool all = std::all_of(job.outputs.begin(), job.outputs.end(),
                                 [](const OutputSnapshot& o) { return o.state == OutputState::kImported; });
    if (all && job.state == JobState::kReady) job.state = JobState::kImported;
  });
  return Ok{};
}

void ScriptedGenerator::importOutputAsync(const std::string& local_id, int output_index,
                                          std::function<void(Result<ImportedAsset>)> on_done) {
  post([this, local_id, output_index, on_done = std::move(on_done)] {
    Result<ImportedAsset> imported = importOutput(local_id, output_index);
    if (on_done) on_done(imported);
  });
}

Result<DecodedImage> ScriptedGenerator::loadOutputImage(const std::string& local_id, int output_index) const {
  auto current = job(local_id);
  if (!current || output_index < 0 || output_index >= static_cast<int>(current->outputs.size()) ||
      !current->outputs[output_index].image) {
    return makeError(ErrorCode::kNotFound, "no such output");
  }
  return *current->outputs[output_index].image;
}

}  // namespace texforge::test
