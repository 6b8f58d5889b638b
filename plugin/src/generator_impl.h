// The job engine behind the Generator interface, in five files that sort together:
//   generator.cpp            the host-facing side: creation, submit, pump, snapshots, import
//   generator_flow.cpp       a job on the I/O thread: upload inputs, the paid POST, polling
//   generator_upload.cpp     local references and masks uploaded, inline or in parts
//   generator_reconcile.cpp  a lost submission looked up among the account's jobs
//   generator_download.cpp   asset lookup, download with URL refresh, cache, decode
//   generator_retry.cpp      one retry loop for every idempotent request
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "job_record.h"
#include "journal.h"
#include "poll_planner.h"
#include "texforge/generator.h"
#include "texforge/mailbox.h"
#include "texforge/project_files.h"
#include "texforge/worker_pool.h"
#include "transport.h"

namespace texforge {

int64_t nowMs();
std::string newLocalId();
std::string accountFingerprint(const Credentials& credentials);  // of the key; never the key
bool allImported(const JobSnapshot& job);                        // has outputs, and every one is imported
std::string shortNumber(double value);                           // "%g": 12, 0.25, 1.5e+03, for log lines

// What decides whether an idempotent request is sent again (GETs, uploads, downloads).
struct RetryPolicy {
  // A 2xx whose body is not this is retried (a proxy's page, a torn answer); with kAny every 2xx is
  // the answer (an upload part's PUT answers with an empty body).
  enum class Body { kJson, kImage, kAny };
  int max_attempts = 6;
  Body body = Body::kJson;
};

// How one update() is announced and whether it applies to a job that is no longer active.
struct Change {
  GeneratorEvent::Kind event = GeneratorEvent::Kind::kJobChanged;
  int output_index = -1;
  bool even_if_inactive = false;  // imports, resolutions and cache records of finished jobs
  // Applies only while the job is still unknown: the search for a lost submission must not undo
  // a decision (discard, resend) the host made while the search was running.
  bool only_while_unknown = false;
  // A running job's poll answer: journaled only when the state or status changes or progress has
  // moved a step (kProgressJournalStep) since the journal last had it; an answer that changes
  // nothing is dropped without an event. Leases are renewed by the sync, not by polls.
  bool poll = false;
  static Change finished() { return {GeneratorEvent::Kind::kJobFinished}; }
  static Change always(GeneratorEvent::Kind event = GeneratorEvent::Kind::kJobChanged,
                       int output_index = -1) {
    return {event, output_index, true};
  }
  static Change polled() {
    Change change;
    change.poll = true;
    return change;
  }
  static Change whileUnknown() {
    Change change = always();
    change.only_while_unknown = true;
    return change;
  }
};

class GeneratorImpl final : public Generator {
 public:
  GeneratorImpl(GeneratorOptions options, std::unique_ptr<Journal> journal);
  ~GeneratorImpl() override;
  void start(std::vector<JobRecord> journaled);

  Result<std::string> submit(const GenerationParams& params) override;
  void quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) override;
  void fetchSchema(const std::string& model_id, std::function<void(Result<ModelSchema>)> on_done) override;
  void stopWaiting(const std::string& local_id) override;
  Status removeJob(const std::string& local_id) override;
  Status recheckUnknown(const std::string& local_id) override;
  Status resumeJob(const std::string& local_id) override;
  Status resolveUnknown(const std::string& local_id, bool resend) override;
  std::vector<GeneratorEvent> pump() override;
  bool waitForActivity(double timeout_s) override;
  std::vector<JobSnapshot> jobs() const override;
  std::optional<JobSnapshot> job(const std::string& local_id) const override;
  bool idle() const override;
  Result<ImportedAsset> importOutput(const std::string& local_id, int output_index) override;
  void importOutputAsync(const std::string& local_id, int output_index,
                         std::function<void(Result<ImportedAsset>)> on_done) override;
  Status forgetImport(const std::string& local_id, int output_index) override;  // generator_undo.cpp
  Status recordImport(const std::string& local_id, int output_index, const std::string& path) override;
  Result<DecodedImage> loadOutputImage(const std::string& local_id, int output_index) const override;
  Result<GenerationParams> seamRepairRequest(const std::string& local_id, int output_index) override;
  GeneratorStats stats() const override;
  std::string baseUrl() const override { return transport_->baseUrl(); }
  std::string projectDir() const override { return options_.project_dir; }

 private:
  // ---- generator_flow.cpp: I/O thread ----
  // After a restart or when the holder is gone: takes the job over, then proceed().
  void continueJob(const std::string& local_id);
  void proceed(const std::string& local_id);  // picks the job up where the journal left it
  void uploadInputs(const std::string& local_id, size_t next);

  // ---- generator_upload.cpp: I/O thread ----
  // Uploads the file at path (what names it in messages, label in the job's server_status: "reference
  // image 1"), or reuses the asset of the same bytes uploaded before by this engine, and hands done
  // the asset id. Up to kMaxUploadBytes inline (POST /assets), larger through the multipart upload.
  // local_id: the job whose server_status shows the progress and whose stop or resume abandons the
  // upload; empty for a quote.
  void uploadFile(const std::string& path, const std::string& what, const std::string& label,
                  const std::string& local_id, std::function<void(Result<std::string>)> done);
  // The asset ids of inputs, in order: assets as they are, files through uploadFile (ids holds
  // those already known).
  void uploadAll(std::vector<ImageInput> inputs, std::vector<std::string> ids,
                 std::function<void(Result<std::vector<std::string>>)> done);
  struct PendingUpload;  // one upload in flight, shared by the callbacks of its steps
  void uploadInline(std::shared_ptr<PendingUpload> up);
  void startLargeUpload(std::shared_ptr<PendingUpload> up);  // POST /uploads, then the parts
  void sendUploadPart(std::shared_ptr<PendingUpload> up, size_t index);
  void completeLargeUpload(std::shared_ptr<PendingUpload> up);
  void pollLargeUpload(std::shared_ptr<PendingUpload> up);  // until imported, failed or the deadline
  void finishUpload(PendingUpload& up, const std::string& asset_id);
  void failUpload(PendingUpload& up, Error error);
  bool uploadAbandoned(const PendingUpload& up) const;  // its job was stopped, resumed or taken over
  void showUploadProgress(const PendingUpload& up, const std::string& status);  // job's server_status
  void drainSubmitQueue();  // sends queued submissions while fewer than the cap are in flight
  int jobsInFlight() const;
  void sendGenerate(const std::string& local_id);
  void onGenerateAnswer(const std::string& local_id, const HttpResponse& response);
  void schedulePoll(const std::string& local_id, double delay_s);
  void learnPollTail(const std::string& local_id, const JobInfo& finished);  // I/O thread
  void poll(const std::string& local_id, uint64_t epoch);
  void onPollAnswer(const std::string& local_id, const HttpResponse& response);
  // Fails the whole job (it stops being active), frees its slot and sends what waited for one.
  void failJob(const std::string& local_id, Error error, const std::string& server_status = {});

  // ---- generator_sharing.cpp: leases ----
  static JournalOwner makeOwner(const std::string& name);
  bool foreign(const JobRecord& r) const;        // created on another endpoint or account
  static bool holdsLease(const JobRecord& r);    // what this state needs: an owner working on it
  static bool needsWork(const JobRecord& r);     // something is left to do for the job
  std::string heldBy(const JobRecord& r) const;  // JobSnapshot::held_by for r
  // Takes the job's lease when nobody alive holds it and replaces the in-memory record by the
  // journal's; false when it is held elsewhere or already this engine's. Any thread.
  bool takeOver(const std::string& local_id);
  void syncWithJournal();  // I/O thread, every syncDelay(): heartbeats, others' changes, takeovers
  double syncDelay() const;
  int64_t leaseMs() const { return static_cast<int64_t>(options_.lease_s * 1000); }
  int64_t resendAllowedAt(const JobRecord& r) const;
  bool unknownWindowPassed(const JobRecord& r, int64_t now_ms) const { return now_ms >= resendAllowedAt(r); }

  // ---- generator_reconcile.cpp: I/O thread ----
  void reconcile(const std::string& local_id, std::string page_token, int page);
  // The search ended without the job: searched (the list was read) means only the user can decide;
  // otherwise the next start looks again.
  void endReconcile(const std::string& local_id, std::string message, bool searched);

  // ---- generator_download.cpp: I/O thread, then decode workers ----
  void startOutput(const std::string& local_id, int index);
  void lookupAsset(const std::string& local_id, int index, int refreshes);
  void download(const std::string& local_id, int index, const std::string& url, int refreshes);
  void storeAndDecode(const std::string& local_id, int index, std::string bytes);
  void decodeCached(const std::string& local_id, int index);
  void decode(const std::string& local_id, int index, const std::string& bytes);  // on a worker
  // What the job's parameters ask of the pixels (output_finish.h), on the decode worker; a changed
  // image is written to the cache as <local_id>-<index>-finished.png. nullopt: failed (said).
  struct FinishStep {
    OutputFinish finish;
    std::string finished_path;  // empty when the service's file stays the one to use
  };
  std::optional<FinishStep> finishPixels(const std::string& local_id, int index, DecodedImage& image);
  double repairedSeamScore(const GenerationParams& params) const;
  void failOutput(const std::string& local_id, int index, Error error);
  void finishJobIfDone(const std::string& local_id);

  // ---- generator_retry.cpp: I/O thread ----
  // Sends request, again after a backoff while policy says the answer is worth retrying; done
  // gets the last answer and how many attempts it took.
  void sendWithRetry(HttpRequest request, RetryPolicy policy, std::function<void(HttpResponse, int)> done,
                     int attempt = 0, int64_t started_ms = 0);
  RetryPolicy retryPolicy(RetryPolicy::Body body = RetryPolicy::Body::kJson) const;
  double backoffDelay(int attempt, const HttpResponse& response);
  static bool isRetryable(const HttpResponse& response, RetryPolicy::Body body);

  // ---- generator.cpp: shared ----
  // Applies fn to the job under the lock, bumps its version, journals it and posts the event.
  // Returns false (and does nothing) when the job is unknown or, unless said, no longer active.
  bool update(const std::string& local_id, Change change, const std::function<void(JobRecord&)>& fn);
  bool update(const std::string& local_id, const std::function<void(JobRecord&)>& fn) {
    return update(local_id, Change{}, fn);
  }
  std::optional<JobRecord> record(const std::string& local_id) const;
  Result<JobRecord> recordToDecide(const std::string& local_id);
  void markImported(const std::string& local_id, int output_index, const std::string& path);
  void redactRecord(JobRecord& r) const;            // server text loses keys, tokens and signed queries
  void postToHost(std::function<void()> callback);  // runs inside pump(); pending_requests_ counts it
  std::string cacheDir() const;
  // The ImportRequest for one output of r (ImportRequest::image points into r's decoded pixels).
  ImportRequest importRequest(const JobRecord& r, int output_index) const;
  // Hands message, redacted (redactServerText with the credentials), to GeneratorOptions::log.
  // Never while mutex_ (or any other texforge lock) is held: the sink may call back into the engine.
  void log(LogLevel level, const std::string& message) const;
  // "tf_...: " + message, at level.
  void logJob(LogLevel level, const std::string& local_id, const std::string& message) const {
    if (options_.log) log(level, local_id + ": " + message);
  }
  // After takeOver() succeeded: who had the job before (previous is its lease as last read).
  void logTakeover(const std::string& local_id, const JobLease& previous) const;

  GeneratorOptions options_;
  JournalOwner owner_;   // this engine as a lease holder
  std::string account_;  // accountFingerprint(options_.credentials)
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<WorkerPool> decoders_;
  std::unique_ptr<WorkerPool> importer_thread_;  // one thread: imports never run concurrently
  Mailbox mailbox_;                              // the only way anything reaches the host's thread
  std::vector<GeneratorEvent> pumped_;           // host thread only: events drained by this pump()

  mutable std::mutex mutex_;
  std::map<std::string, JobRecord> jobs_;
  std::atomic<int> pending_requests_{0};  // host callbacks not yet delivered (quotes, schemas, imports)
  std::atomic<int> pending_work_{0};      // resumes and decodes queued or running (idle() waits for them)
  // Gives back one count of pending_work_, taken when the work was queued, as the work ends.
  struct WorkDone {
    std::atomic<int>& counter;
    ~WorkDone() { --counter; }
  };
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> url_refreshes_{0};
  std::atomic<uint64_t> reconciled_{0};
  std::mt19937_64 rng_;  // jitter; I/O thread only
  struct Pacing {
    PollPlanner planner;
    int64_t origin_ms = 0;            // the planner's time 0
    bool origin_is_creation = false;  // origin_ms is when the service answered its POST (tails are learnt)
    int64_t started_ms = 0;  // when this session began polling the job (the deadline counts from here)
    int refusals = 0;        // 401/403/404 answers in a row: not a verdict on a paid job
  };
  std::map<std::string, Pacing> pacing_;         // I/O thread only
  double poll_tail_ratio_ = kInitialTailRatio;   // I/O thread only: learnt from finished jobs
  std::vector<std::string> submit_queue_;        // I/O thread only: ready to POST, waiting for a slot
  std::set<std::string> told_waiting_;           // I/O thread only: queued jobs already marked waiting
  std::map<std::string, std::string> uploaded_;  // I/O thread only: "size:hash" of the bytes -> asset id
  int jobs_cap_ = 4;                             // I/O thread only
  std::atomic<bool> sync_due_{true};             // read the journal back at the next sync
};

}  // namespace texforge
