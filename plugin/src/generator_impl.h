// The job engine behind the Generator interface. The I/O-thread flow (upload, submit, poll,
// download) lives in job_flow.cpp; the host-facing side (submit, pump, import) in generator.cpp.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "job_record.h"
#include "journal.h"
#include "texforge/project_files.h"
#include "texforge/generator.h"
#include "transport.h"
#include "worker_pool.h"

namespace texforge {

int64_t nowMs();

class GeneratorImpl final : public Generator {
 public:
  GeneratorImpl(GeneratorOptions options, std::unique_ptr<Journal> journal);
  ~GeneratorImpl() override;
  void start(std::vector<JobRecord> journaled);

  Result<std::string> submit(const GenerationParams& params) override;
  void quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) override;
  void fetchSchema(const std::string& model_id, std::function<void(Result<ModelSchema>)> on_done) override;
  void stopWaiting(const std::string& local_id) override;
  Status resolveUnknown(const std::string& local_id, bool resend) override;
  std::vector<GeneratorEvent> pump() override;
  bool waitForActivity(double timeout_s) override;
  std::vector<JobSnapshot> jobs() const override;
  std::optional<JobSnapshot> job(const std::string& local_id) const override;
  bool idle() const override;
  Result<ImportedAsset> importOutput(const std::string& local_id, int output_index) override;
  void importOutputAsync(const std::string& local_id, int output_index,
                         std::function<void(Result<ImportedAsset>)> on_done) override;
  Result<DecodedImage> loadOutputImage(const std::string& local_id, int output_index) const override;
  GeneratorStats stats() const override;
  std::string baseUrl() const override { return transport_->baseUrl(); }
  std::string projectDir() const override { return options_.project_dir; }

 private:
  // ---- job_flow.cpp: runs on the I/O thread ----
  void resumeJob(const std::string& local_id);
  void uploadInputs(const std::string& local_id, size_t next);
  void sendGenerate(const std::string& local_id);
  // Sends queued submissions while fewer than the cap are in flight on the service.
  void drainSubmitQueue();
  int jobsInFlight() const;
  // Looks for a lost submission among the account's recent jobs (GET /jobs) and adopts it.
  void reconcile(const std::string& local_id, std::string page_token, int page);
  void schedulePoll(const std::string& local_id, double delay_s);
  void poll(const std::string& local_id);
  void startOutput(const std::string& local_id, int index);
  void lookupAsset(const std::string& local_id, int index, int attempt, int refreshes);
  void download(const std::string& local_id, int index, const std::string& url, int attempt, int refreshes);
  void storeAndDecode(const std::string& local_id, int index, std::string bytes);
  void decodeCached(const std::string& local_id, int index);
  void failOutput(const std::string& local_id, int index, Error error);
  void finishJobIfDone(const std::string& local_id);
  // GET with retries on network errors, 5xx, 429 and malformed answers; the last answer is passed on.
  void getWithRetry(std::string url, std::function<void(HttpResponse)> done, int attempt = 0);
  double backoffDelay(int attempt, const HttpResponse& response);
  static bool isRetryable(const HttpResponse& response);

  // ---- shared helpers (generator.cpp) ----
  // Applies change to the job under the lock, bumps its version, journals it and posts an event.
  // Returns false (and does nothing) when the job is unknown or no longer wants updates.
  bool update(const std::string& local_id, const std::function<void(JobRecord&)>& change,
              GeneratorEvent::Kind kind = GeneratorEvent::Kind::kJobChanged, int output_index = -1,
              bool even_if_inactive = false);
  std::optional<JobRecord> record(const std::string& local_id) const;
  void postToHost(std::function<void()> callback);
  void postEvent(GeneratorEvent event);
  void wakeHost();
  std::string cacheDir() const;

  GeneratorOptions options_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<WorkerPool> decoders_;
  std::unique_ptr<WorkerPool> importer_thread_;  // one thread: imports never run concurrently

  mutable std::mutex mutex_;
  std::condition_variable activity_;
  std::map<std::string, JobRecord> jobs_;
  std::vector<GeneratorEvent> events_;
  std::vector<std::function<void()>> callbacks_;
  std::vector<std::pair<std::string, int>> to_import_;
  std::atomic<int> pending_requests_{0};  // quotes and schema fetches not yet delivered
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> url_refreshes_{0};
  std::atomic<uint64_t> reconciled_{0};
  std::atomic<int> pending_work_{0};      // resumes and decodes queued or running (idle() waits for them)
  std::mt19937_64 rng_;                   // jitter; used on the I/O thread only
  struct Pacing {
    double poll_delay_s = 0;
    int64_t started_ms = 0;  // when this session began polling the job (the deadline counts from here)
  };
  std::map<std::string, Pacing> pacing_;  // I/O thread only
  std::vector<std::string> submit_queue_;  // I/O thread only: ready to POST, waiting for a slot
  int jobs_cap_ = 4;                       // I/O thread only
};

}  // namespace texforge
