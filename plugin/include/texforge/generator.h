// The job engine: submit() returns at once; one I/O thread submits, polls and downloads; decode
// workers decode; pump() on the host's UI thread delivers events. Every state change is journaled
// in <project>/.texforge/ so a new Generator on the same project resumes what was in flight.
//
// In short:
//   GeneratorOptions options;                  // defaults work; credentials from the environment
//   options.project_dir = "my-game";
//   options.wake = [] { glfwPostEmptyEvent(); };  // optional: lets an idle UI sleep
//   auto gen = createGenerator(options);        // Result<unique_ptr<Generator>>
//   GenerationParams p;  p.prompt = "a mossy stone wall texture";
//   auto id = (*gen)->submit(p);                // returns at once; nothing blocks the UI
//   every frame: for (auto& e : (*gen)->pump()) { ... (*gen)->job(e.local_id) ... }
//
// Threads: every method may be called from any thread except pump(), which belongs to the one
// host thread that also receives every callback (quote, fetchSchema, importOutputAsync).
// Callbacks run only inside pump(); those still pending when the Generator is destroyed are
// dropped, never run. A callback may call any method except pump() itself.
// Any number of Generators, in one process or many, may open one project at once: each job has one
// owner at a time (a lease in the journal, renewed while the owner lives), and only the owner
// uploads, sends the paid POST, polls and downloads; the others show the job read-only
// (JobSnapshot::held_by) and take it over once its owner is gone. An output is imported once,
// whoever imports it.
// Errors: expected failures are values (Result, Status, JobSnapshot::error), never exceptions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "texforge/api.h"
#include "texforge/asset_importer.h"
#include "texforge/credentials.h"
#include "texforge/error.h"
#include "texforge/export.h"
#include "texforge/image.h"
#include "texforge/job.h"
#include "texforge/params.h"

namespace texforge {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
TEXFORGE_CORE_API const char* logLevelName(LogLevel level);  // "debug", "info", "warning", "error"

// Counters since the engine started, for status bars, soak tests and benches.
struct TEXFORGE_CORE_API GeneratorStats {
  uint64_t requests = 0;       // HTTP exchanges finished (any outcome)
  uint64_t retries = 0;        // idempotent requests sent again after a failure
  uint64_t url_refreshes = 0;  // signed URLs fetched again after the CDN refused one
  uint64_t reconciled = 0;     // lost submissions found among the account's jobs and adopted
};

struct TEXFORGE_CORE_API GeneratorOptions {
  std::string project_dir = ".";  // journal and cache go to <project_dir>/.texforge/
  std::string base_url;           // empty: $SCENARIO_API_URL, else kDefaultBaseUrl
  Credentials credentials;        // empty: CredentialStore{}.load()
  std::string project_id;         // optional Scenario projectId query on every call
  std::string ca_file;            // extra CA bundle (PEM); empty: $TEXFORGE_CA_FILE, else system store
  double poll_initial_s = 1.0;    // first poll delay; grows by poll_backoff up to poll_max_s
  double poll_max_s = 4.0;
  double poll_backoff = 1.5;
  // true: once a job's progress moves, its end is predicted from the rate and polled just after
  // (poll_planner.h); false: backoff only, so initial = max and backoff 1 poll at a fixed interval.
  bool poll_predict = true;
  double job_deadline_s = 15 * 60;  // a job still running after this fails with kTimeout
  double max_retry_wait_s = 60.0;   // cap on Retry-After / remainingSeconds honoured
  int max_attempts = 6;             // per idempotent request (GETs, downloads, uploads)
  double retry_base_s = 0.5;        // exponential backoff with full jitter from this base
  long connect_timeout_ms = 15000;
  long low_speed_bytes = 1;  // abort a transfer slower than this for low_speed_time_s
  long low_speed_time_s = 60;
  int max_jobs_in_flight = 4;  // submissions beyond this wait locally; lowered by a 429 parallel-custom-jobs
  int decode_threads = 2;
  DecodeLimits decode_limits;
  // true: each output is decoded once it arrives and its pixels stay in OutputSnapshot::image (a
  // UI shows them). false: its bytes are checked (checkImageIntegrity), not decoded, and no pixels
  // are kept, unless finishing needs them (then decoded once and dropped): for headless hosts,
  // where imports write the bytes as they came. loadOutputImage decodes from the cache either way.
  bool decode_outputs = true;
  std::shared_ptr<AssetImporter> importer;  // null: makeFolderImporter()
  bool auto_import = false;    // import each output on the import thread as soon as it is decoded
  bool resume = true;          // resume journaled jobs on start
  bool offline = false;        // read the journal only: no credentials needed, submit/quote refused
  std::function<void()> wake;  // called from any thread when pump() has something to deliver

  // Sharing a project and doubtful submissions.
  std::string state_dir;                // journal and cache; empty: <project_dir>/.texforge
  std::string owner_name = "texforge";  // shown to other processes that see this engine's jobs
  double lease_s = 30.0;           // a job whose owner has not renewed its lease for this long is taken over
  double submit_answer_s = 600.0;  // how long the paid POST may wait for its answer (no low-speed abort)
  double silent_server_s = 60.0;   // a GET that has received nothing for this long is not retried
  double reconcile_window_s = 900.0;  // a lost submission is looked for this long before a resend is allowed
  double reconcile_every_s = 30.0;    // how often it is looked for during that window
  double sync_every_s = 2.0;          // how often jobs other processes hold are read back from the journal

  // Embedding.
  // Where imports run: false, on texforge's import thread; true, inside pump() on the host's
  // thread (for an importer that must touch the engine's asset database from its main thread).
  bool import_on_pump = false;
  // false: nothing is read from the environment ($SCENARIO_API_URL, $SCENARIO_API_KEY/SECRET,
  // $TEXFORGE_CA_FILE, the credential file): the host passes everything in these options (an empty
  // base_url is kDefaultBaseUrl; empty credentials fail with kCredentials unless offline). libcurl
  // still honours the proxy variables (https_proxy, no_proxy), which have no option here.
  bool read_environment = true;
  // Receives the engine's log lines, secrets already redacted (redactServerText with the
  // credentials: no key, secret, Basic token or signed URL query). Called from any texforge thread,
  // never while a texforge lock is held (so it may read jobs(), job() or stats()); it must not
  // block. Debug lines follow every poll and decode; info and above are the job's milestones
  // (submit, the paid POST, the job id, downloads, imports, takeovers); warnings are retries with
  // their reason and lost answers; errors are failures. Empty: nothing is logged.
  std::function<void(LogLevel level, const std::string& message)> log;
};

class TEXFORGE_CORE_API Generator {
 public:
  virtual ~Generator() = default;

  // Checks params (checkParams, checkLocalInputs), journals the intent and queues the job; returns
  // the local id at once. Any thread. Errors: kInvalidArgument (bad parameters, an unreadable
  // file, an engine opened offline), kNotFound (a local reference or mask is missing),
  // kUnknownSubmission (an identical request is unresolved), kIo (the journal cannot be written).
  virtual Result<std::string> submit(const GenerationParams& params) = 0;

  // Dry-run cost of params (nothing is charged); on_done runs inside pump(). Any thread.
  // Errors (in on_done): kInvalidArgument (bad parameters, offline), and any from errorFromResponse.
  virtual void quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) = 0;

  // The model's schema (GET /models/{id}), retried like every GET; on_done runs inside pump().
  // Any thread. Errors (in on_done): kCredentials, kNotFound, kNetwork, kServer, kProtocol...
  virtual void fetchSchema(const std::string& model_id, std::function<void(Result<ModelSchema>)> on_done) = 0;

  // Decides a job in state unknown (see JobSnapshot::needs_decision): resend=true looks for it once
  // more and, only when it is still not found, sends it again (a second charge if the first did
  // start); resend=false discards it. Any thread. Errors: kNotFound (no such job),
  // kInvalidArgument (the job is not unknown, is held by another process, or a resend is asked
  // before resend_allowed_at_ms).
  virtual Status resolveUnknown(const std::string& local_id, bool resend) = 0;

  // Looks for an unknown job among the account's recent jobs again, now (it is adopted when found).
  // Any thread. Errors: kNotFound, kInvalidArgument (not unknown, or held by another process).
  virtual Status recheckUnknown(const std::string& local_id) = 0;

  // Waits again for a stopped job, or a failed one the service may still hold (network, endpoint or
  // credential trouble): polls, downloads and, with auto_import, imports its images. Any thread.
  // Errors: kNotFound, kInvalidArgument (finished for good, still active, or held elsewhere).
  virtual Status resumeJob(const std::string& local_id) = 0;

  // Stops polling and downloading a job (the credits are spent: the API cannot cancel custom
  // jobs); the job becomes stopped. Unknown ids and finished jobs are ignored. Any thread.
  virtual void stopWaiting(const std::string& local_id) = 0;
  // Deletes a finished job from the project's history: its journal entry and its cached images
  // (imported assets stay where they are). Refused (kInvalidArgument) for a job still running or
  // whose fate is unknown (the service may still deliver it), and for one another program holds.
  // Every engine on the project drops it at its next journal sync. Any thread.
  virtual Status removeJob(const std::string& local_id) = 0;

  // Drains the mailbox: runs the callbacks posted since the last call and returns the events.
  // Call once per frame on the host's thread, the only one that may. Never blocks on the network.
  virtual std::vector<GeneratorEvent> pump() = 0;

  // Blocks until something waits for pump() or timeout_s passes; true when something waits.
  // For headless hosts. Any thread.
  virtual bool waitForActivity(double timeout_s) = 0;

  // Every job the journal knows (this session and earlier ones), newest first, as copies. Any thread.
  virtual std::vector<JobSnapshot> jobs() const = 0;
  virtual std::optional<JobSnapshot> job(const std::string& local_id) const = 0;  // nullopt: no such job

  // True when no job is active or being looked for and nothing waits for pump(). Any thread.
  virtual bool idle() const = 0;

  // Imports one ready output with the configured importer and journals it, on the calling thread
  // (the write is fsynced: milliseconds per image). Importing an imported output returns it again.
  // Any thread. Errors: kNotFound (no such job or output), kInvalidArgument (not ready), and the
  // importer's (kIo for a full or read-only disk).
  virtual Result<ImportedAsset> importOutput(const std::string& local_id, int output_index) = 0;

  // The same on texforge's import thread (one import at a time), so a UI never waits on the disk;
  // on_done runs inside pump(). With import_on_pump the import itself runs inside the next pump(),
  // on the host's thread, just before on_done. auto_import uses this path. Any thread.
  // Errors: as importOutput.
  virtual void importOutputAsync(const std::string& local_id, int output_index,
                                 std::function<void(Result<ImportedAsset>)> on_done) = 0;

  // Undo of an import, journaled. forgetImport: the output's file was moved away (to the project's
  // trash): the output is ready again and the next import writes it anew. recordImport: the file
  // came back at path (relative to the project): the output is imported there again. The caller
  // moves the files. Any thread. Errors: kNotFound (no such job or output),
  // kInvalidArgument (forget: not imported; record: not ready; a generator that cannot), kIo.
  virtual Status forgetImport(const std::string& local_id, int output_index) {
    (void)local_id, (void)output_index;
    return makeError(ErrorCode::kInvalidArgument, "this generator cannot undo imports");
  }
  virtual Status recordImport(const std::string& local_id, int output_index, const std::string& path) {
    (void)local_id, (void)output_index, (void)path;
    return makeError(ErrorCode::kInvalidArgument, "this generator cannot undo imports");
  }

  // A seam repair of a ready or imported output: writes the output shifted by half its size (the
  // seams meet in the middle) and a mask over a band along that cross into the cache, and returns
  // the one inpainting request that repaints the band (GenerationParams::repair_of), to quote and
  // submit like any other; its result is shifted back and scored on arrival, and both images are
  // kept. Any thread. Errors: kNotFound (no such output), kInvalidArgument (not ready, or a
  // generator that cannot), kIo (the cache cannot be written), kDecode.
  virtual Result<GenerationParams> seamRepairRequest(const std::string& local_id, int output_index) {
    (void)local_id, (void)output_index;
    return makeError(ErrorCode::kInvalidArgument, "this generator cannot repair seams");
  }

  // Decodes a downloaded output from the cache (for history thumbnails). Any thread.
  // Errors: kNotFound (no such output, or not downloaded), kIo, kDecode.
  virtual Result<DecodedImage> loadOutputImage(const std::string& local_id, int output_index) const = 0;

  virtual GeneratorStats stats() const = 0;    // any thread
  virtual std::string baseUrl() const = 0;     // the API root in use; any thread
  virtual std::string projectDir() const = 0;  // as given in the options; any thread
};

// Opens (or creates) the project's journal, starts the I/O thread and the decode workers, and
// resumes journaled jobs. Any thread. Errors: kCredentials (none found and not offline), kIo (the
// journal or cache cannot be opened), kInsecure (plain http to a non-loopback host, or a scheme
// other than https), kInvalidArgument (a malformed base URL).
TEXFORGE_CORE_API Result<std::unique_ptr<Generator>> createGenerator(GeneratorOptions options);

}  // namespace texforge
