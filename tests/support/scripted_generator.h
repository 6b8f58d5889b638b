// A Generator without HTTP for panel tests: jobs move only when the test says so. It keeps the real
// engine's delivery contract: answers and events wait in one mailbox that pump() drains.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "texforge/generator.h"

namespace texforge::test {

struct ScriptedGeneratorOptions {
  std::string project_dir;                  // empty: ready outputs are not cached as files
  std::shared_ptr<AssetImporter> importer;  // null: makeRecordingImporter() (see recorder())
  std::function<void()> wake;               // called on the posting thread when pump() has something
};

// Any thread may call anything; callbacks and events reach the host only inside pump().
class ScriptedGenerator final : public Generator {
 public:
  explicit ScriptedGenerator(ScriptedGeneratorOptions options = {});

  // --- The script. Each change posts the event the real engine would; unknown ids are ignored. ---
  // An active state past submitting gives the job a Scenario job id, as the POST's answer does.
  void setState(const std::string& local_id, JobState state);
  void setProgress(const std::string& local_id, double progress);  // 0..1
  // Appends an output, ready with image (and cached as PNG under project_dir/.texforge/cache when
  // project_dir is set, so the folder importer can read it); its index, -1 for an unknown id. When
  // the job has all params.num_outputs outputs it becomes ready, as the real one does after the
  // last download.
  int addReadyOutput(const std::string& local_id, DecodedImage image);
  // Appends an output that failed with error (a download the real engine gave up on); the job ends
  // ready when another output is, else failed. Its index, -1 for an unknown id.
  int addFailedOutput(const std::string& local_id, Error error);
  void failJob(const std::string& local_id, Error error);  // failed, with error
  // The paid POST's answer was lost: unknown, with kUnknownSubmission. needs_decision: the search
  // among recent jobs ended without finding it. Resend is refused before resend_allowed_at_ms (unix).
  void loseAnswer(const std::string& local_id, bool needs_decision, int64_t resend_allowed_at_ms = 0);
  // Another process (or, other_account, another endpoint or key) holds the job: everything that would
  // act on it is refused or ignored, as the real engine does. An empty held_by releases it.
  void setHeldBy(const std::string& local_id, std::string held_by, bool other_account = false);
  void setQuote(Result<Quote> quote);          // the answer to later quote()s; default Quote{}
  void setSchema(Result<ModelSchema> schema);  // to later fetchSchema()s; default kNotFound
  std::vector<GenerationParams> submitted() const { return locked(submitted_); }  // accepted, in order
  std::vector<GenerationParams> quoted() const { return locked(quoted_); }        // valid ones, in order
  std::vector<std::string> rechecked() const { return locked(rechecked_); }       // recheckUnknown ids
  std::vector<std::string> resent() const { return locked(resent_); }  // resolveUnknown(resend) accepted
  std::vector<std::string> discarded() const {
    return locked(discarded_);
  }                                                                      // resolveUnknown(discard) accepted
  std::vector<std::string> resumed() const { return locked(resumed_); }  // resumeJob accepted
  std::vector<std::string> stopped() const { return locked(stopped_); }  // stopWaiting acted on
  std::shared_ptr<RecordingImporter> recorder() const { return recorder_; }  // the default; null if given one

  // --- Generator: validates like the real one; no network, no journal. ---
  Result<std::string> submit(const GenerationParams& params) override;
  void quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) override;
  void fetchSchema(const std::string& model_id, std::function<void(Result<ModelSchema>)> on_done) override;
  Status resolveUnknown(const std::string& local_id, bool resend) override;
  Status recheckUnknown(const std::string& local_id) override;
  Status resumeJob(const std::string& local_id) override;
  void stopWaiting(const std::string& local_id) override;
  Status removeJob(const std::string& local_id) override;  // a finished job leaves jobs()
  std::vector<GeneratorEvent> pump() override;
  bool waitForActivity(double timeout_s) override;
  std::vector<JobSnapshot> jobs() const override;
  std::optional<JobSnapshot> job(const std::string& local_id) const override;
  bool idle() const override;
  // On the calling thread; importOutputAsync runs it inside pump().
  Result<ImportedAsset> importOutput(const std::string& local_id, int output_index) override;
  void importOutputAsync(const std::string& local_id, int output_index,
                         std::function<void(Result<ImportedAsset>)> on_done) override;
  // Undo import: the output becomes ready again, or imported at path again (no journal here).
  Status forgetImport(const std::string& local_id, int output_index) override;
  Status recordImport(const std::string& local_id, int output_index, const std::string& path) override;
  Result<DecodedImage> loadOutputImage(const std::string& local_id, int output_index) const override;
  GeneratorStats stats() const override { return {}; }
  std::string baseUrl() const override { return "scripted:"; }
  std::string projectDir() const override { return options_.project_dir; }

 private:
  // Applies change to the job under the lock and posts an event of kind; false for an unknown id.
  bool change(const std::string& local_id, GeneratorEvent::Kind kind, int output_index,
              const std::function<void(JobSnapshot&)>& apply);
  void post(std::function<void()> callback);  // into the mailbox, then wakes the host
  void wakeHost();
  template <typename T>
  T locked(const T& member) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return member;
  }

  ScriptedGeneratorOptions options_;
  std::shared_ptr<RecordingImporter> recorder_;
  mutable std::mutex mutex_;
  std::condition_variable activity_;
  std::map<std::string, JobSnapshot> jobs_;
  std::vector<std::function<void()>> mailbox_;
  std::vector<GeneratorEvent> events_;
  int next_id_ = 1;
  Result<Quote> quote_answer_ = Quote{};
  Result<ModelSchema> schema_answer_ = Error{ErrorCode::kNotFound, 0, "no schema was scripted"};
  std::vector<GenerationParams> submitted_, quoted_;
  std::vector<std::string> rechecked_, resent_, discarded_, resumed_, stopped_;
};

}  // namespace texforge::test
