// The host-facing side of the job engine: creation, submit, pump, snapshots and import.
// All state lives in jobs_ behind one mutex; the host only ever sees copies (snapshots), and
// everything meant for the host's thread goes through mailbox_.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "failpoint.h"
#include "file_util.h"
#include "generator_impl.h"

namespace texforge {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string newLocalId() {
  static std::mt19937_64 rng{std::random_device{}() ^ static_cast<uint64_t>(nowMs())};
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  char buf[32];
  std::snprintf(buf, sizeof buf, "tf_%012llx", static_cast<unsigned long long>(rng() & 0xffffffffffffull));
  return buf;
}

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string shortNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

namespace {

std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// A prompt as a log line shows it: quoted, on one line, cut after 80 bytes.
std::string promptForLog(const std::string& prompt) {
  constexpr size_t kShown = 80;
  size_t cut = std::min(prompt.size(), kShown);
  while (cut > 0 && cut < prompt.size() && (static_cast<unsigned char>(prompt[cut]) & 0xC0) == 0x80)
    --cut;  // never inside a UTF-8 sequence
  std::string shown = prompt.substr(0, cut);
  for (char& c : shown) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return "\"" + shown + (shown.size() < prompt.size() ? "...\"" : "\"");
}

// "2026-12-02T02:13:24Z" for unix ms; no gmtime (not thread-safe, and imports run on any thread).
std::string isoUtc(int64_t unix_ms) {
  int64_t secs = unix_ms / 1000;
  if (unix_ms % 1000 < 0) --secs;
  int64_t days = secs / 86400;
  int64_t rest = secs % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // The civil date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2);
  char buf[128];  // room for any int64 year, so no truncation is possible
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return buf;
}

// Whether a change is only what the next poll says again (progress, the server's status text): such
// a write need not wait for the disk. Everything a resume rests on (state, ids, the paid POST,
// outputs, errors, the lease) waits for it.
bool onlyProgressChanged(const JobRecord& a, const JobRecord& b) {
  const JobSnapshot &x = a.snap, &y = b.snap;
  if (x.state != y.state || x.job_id != y.job_id || x.cost != y.cost ||
      x.finished_at_ms != y.finished_at_ms || x.needs_decision != y.needs_decision ||
      x.resend_allowed_at_ms != y.resend_allowed_at_ms || x.error.has_value() != y.error.has_value() ||
      (x.error && x.error->message != y.error->message) || x.params != y.params ||
      x.outputs.size() != y.outputs.size())
    return false;
  if (a.reference_ids != b.reference_ids || a.mask_id != b.mask_id || a.post_sent != b.post_sent ||
      a.post_sent_at_ms != b.post_sent_at_ms || a.lease.owner_id != b.lease.owner_id)
    return false;
  for (size_t i = 0; i < x.outputs.size(); ++i) {
    const OutputSnapshot &o = x.outputs[i], &p = y.outputs[i];
    if (o.state != p.state || o.asset_id != p.asset_id || o.cache_path != p.cache_path ||
        o.imported_path != p.imported_path || o.error.has_value() != p.error.has_value() ||
        !(o.finish == p.finish) || o.width != p.width || o.height != p.height || o.format != p.format)
      return false;
  }
  return true;
}

// A running job's progress reaches the journal (and so other programs on the project) in steps of
// this much: at most ten commits per job for its progress, however often it is polled.
constexpr double kProgressJournalStep = 0.1;

std::string sizeForLog(const GenerationParams& p) {
  return p.width > 0 && p.height > 0 ? std::to_string(p.width) + "x" + std::to_string(p.height) : "auto size";
}

}  // namespace

Result<std::unique_ptr<Generator>> createGenerator(GeneratorOptions options) {
  if (options.project_dir.empty()) options.project_dir = ".";
  if (options.read_environment) {
    if (options.base_url.empty()) options.base_url = defaultBaseUrl(true);
    if (options.ca_file.empty()) options.ca_file = envOr("TEXFORGE_CA_FILE", "");
    if (options.credentials.empty()) options.credentials = CredentialStore{}.load();
  } else if (options.base_url.empty()) {
    options.base_url = defaultBaseUrl(false);  // the host's options are all there is
  }
  if (Status policy = checkUrlPolicy(options.base_url); !policy) return policy.error();
  if (options.offline) options.resume = false;
  if (options.credentials.empty() && !options.offline) {
    if (!options.read_environment) {
      return makeError(ErrorCode::kCredentials,
                       "no Scenario API credentials: GeneratorOptions::read_environment is false, so "
                       "texforge reads neither SCENARIO_API_KEY/SCENARIO_API_SECRET nor its credentials "
                       "file; pass the key and secret in GeneratorOptions::credentials");
    }
    return makeError(ErrorCode::kCredentials,
                     "no Scenario API credentials: set SCENARIO_API_KEY and SCENARIO_API_SECRET (from your "
                     "Scenario project's API keys), or save them in texforge's credentials file");
  }
  if (!options.importer) options.importer = makeFolderImporter();
  std::error_code ec;
  const auto state_dir = options.state_dir.empty() ? std::filesystem::path(options.project_dir) / ".texforge"
                                                   : std::filesystem::path(options.state_dir);
  if (options.state_dir.empty()) {
    options.state_dir = state_dir.string();
  } else if (Status s = refuseSymlink((std::filesystem::path(options.project_dir) / ".texforge").string());
             !s) {
    return s.error();  // a state folder inside .texforge must not be reached through a link either
  }
  if (Status s = refuseSymlink(state_dir.string()); !s) return s.error();
  if (Status s = refuseSymlink((state_dir / "cache").string()); !s) return s.error();
  // Offline is for reading: the journal opens read-only and nothing is created in the project.
  auto journal = Journal::open(state_dir.string(), options.offline);
  if (!journal) return journal.error();
  if (!options.offline) {
    std::filesystem::create_directories(state_dir / "cache", ec);
    if (ec) {
      return makeError(ErrorCode::kIo,
                       "cannot create " + (state_dir / "cache").string() + ": " + ec.message());
    }
  }
  auto records = (*journal)->loadAll();
  if (!records) return records.error();
  auto impl = std::make_unique<GeneratorImpl>(std::move(options), std::move(*journal));
  impl->start(std::move(*records));
  return std::unique_ptr<Generator>(std::move(impl));
}

GeneratorImpl::GeneratorImpl(GeneratorOptions options, std::unique_ptr<Journal> journal)
    : options_(std::move(options)),
      owner_(makeOwner(options_.owner_name)),
      account_(accountFingerprint(options_.credentials)),
      journal_(std::move(journal)),
      mailbox_(options_.wake),
      rng_(std::random_device{}()) {
  TransportOptions t;
  t.base_url = options_.base_url;
  t.credentials = options_.credentials;
  t.project_id = options_.project_id;
  t.ca_file = options_.ca_file;
  t.connect_timeout_ms = options_.connect_timeout_ms;
  t.low_speed_bytes = options_.low_speed_bytes;
  t.low_speed_time_s =
      std::max(1L, std::min(options_.low_speed_time_s, static_cast<long>(options_.silent_server_s)));
  transport_ = std::make_unique<Transport>(std::move(t));
  decoders_ = std::make_unique<WorkerPool>(options_.decode_threads);
  importer_thread_ = std::make_unique<WorkerPool>(1);
  jobs_cap_ = std::max(1, options_.max_jobs_in_flight);
}

GeneratorImpl::~GeneratorImpl() {
  // Stop the I/O thread first (its callbacks may still use transport_ until it has joined), so
  // nothing new reaches the decoders; then the decoders end. The journal already holds every state.
  transport_->shutdown();
  decoders_.reset();
  importer_thread_.reset();
  transport_.reset();
  // What this engine held is free at once for the others, rather than when the leases expire.
  journal_->release(owner_);
}

void GeneratorImpl::start(std::vector<JobRecord> journaled) {
  std::vector<std::string> to_resume;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& r : journaled) {
      const std::string id = r.snap.local_id;
      // Journaled before the journal settled this itself: every image is in, so the job is done.
      if (r.snap.state == JobState::kReady && allImported(r.snap)) r.snap.state = JobState::kImported;
      r.snap.endpoint = r.base_url;
      r.snap.other_account = foreign(r);
      r.snap.held_by = heldBy(r);
      r.snap.resend_allowed_at_ms = r.snap.state == JobState::kUnknown ? resendAllowedAt(r) : 0;
      // An unknown job is searched for again at every start (continueJob decides who), unless
      // this engine will not look (offline): then it waits for the user's word.
      const bool unknown = r.snap.state == JobState::kUnknown;
      if (options_.resume && !r.snap.other_account && r.snap.held_by.empty() && (needsWork(r) || unknown)) {
        to_resume.push_back(id);
      }
      r.snap.needs_decision = unknown && r.snap.held_by.empty() && !options_.resume;
      jobs_.emplace(id, std::move(r));
    }
  }
  if (options_.log) {
    log(LogLevel::kInfo, "engine started on " + options_.project_dir + " (state in " + options_.state_dir +
                             ") against " + options_.base_url + ": " + std::to_string(journaled.size()) +
                             " journaled job" + (journaled.size() == 1 ? "" : "s") + ", " +
                             std::to_string(to_resume.size()) + " to resume" +
                             (options_.offline ? "; offline, read-only" : "") +
                             (options_.import_on_pump ? "; imports run inside pump()" : ""));
  }
  pending_work_ += static_cast<int>(to_resume.size());
  for (const auto& id : to_resume) {
    transport_->post([this, id] {
      continueJob(id);
      --pending_work_;
    });
  }
  if (!options_.offline) transport_->post([this] { syncWithJournal(); }, syncDelay());
}

Result<std::string> GeneratorImpl::submit(const GenerationParams& params) {
  if (options_.offline)
    return makeError(ErrorCode::kInvalidArgument, "this engine was opened offline (journal only)");
  if (Status valid = validateParams(params); !valid) return valid.error();
  if (Status local = firstBlocking(checkLocalInputs(params)); !local) return local.error();
  {
    // While an identical request is unresolved (it may have started), sending another one silently
    // could pay twice for the same thing: the user decides first.
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, rec] : jobs_) {
      if (rec.snap.state == JobState::kUnknown && rec.snap.params == params) {
        return makeError(ErrorCode::kUnknownSubmission,
                         "an identical request (" + id +
                             ") was sent but its answer was lost, so it may have "
                             "started; resend or discard that one first");
      }
    }
  }
  JobRecord r;
  r.snap.local_id = newLocalId();
  r.snap.params = params;
  r.snap.state = JobState::kSubmitting;
  r.snap.created_at_ms = r.snap.updated_at_ms = nowMs();
  r.snap.endpoint = r.base_url = options_.base_url;
  r.account = account_;
  r.lease = JobLease{owner_.id, owner_.pid, owner_.host, owner_.name, r.snap.created_at_ms};
  r.version = 1;
  // The intent is durable, and this engine's, before anything is sent: a crash from here on
  // loses nothing, and no other process sends it while this one lives.
  if (auto written = journal_->write(r, owner_, true, r.snap.created_at_ms); !written) return written.error();
  const std::string id = r.snap.local_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.emplace(id, std::move(r));
  }
  mailbox_.post([this, id] { pumped_.push_back({GeneratorEvent::Kind::kJobChanged, id, -1}); });
  if (options_.log) {
    const size_t refs = params.reference_images.size();
    logJob(LogLevel::kInfo, id,
           "submitted: " + std::to_string(params.num_outputs) + " output" +
               (params.num_outputs == 1 ? "" : "s") + ", " + sizeForLog(params) + ", quality " +
               params.quality + ", background " + params.background +
               (refs ? ", " + std::to_string(refs) + " reference" + (refs == 1 ? "" : "s") : std::string()) +
               (params.mask && !params.mask->empty() ? ", a mask" : "") + ", model " + params.model_id +
               (params.usage.empty() ? std::string() : ", usage " + params.usage) + ": " +
               promptForLog(params.prompt));
  }
  transport_->post([this, id] { uploadInputs(id, 0); });
  return id;
}

void GeneratorImpl::quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) {
  Status valid = options_.offline ? Status(makeError(ErrorCode::kInvalidArgument, "offline: no cost preview"))
                                  : validateParams(params);
  if (!valid) {
    Error error = valid.error();
    postToHost([on_done, error] { on_done(error); });
    return;
  }
  // The preview prices the request as it will be sent: local inputs are uploaded first (free),
  // and the submission reuses those uploads.
  ++pending_requests_;  // counted from here, so idle() is false while uploads and the answer travel
  transport_->post([this, params, on_done] {
    auto fail = [this, on_done](Error error) {
      postToHost([on_done, error] { on_done(error); });
      --pending_requests_;
    };
    // A file that cannot be sent has no price. Read here, off the host's thread: it may be large.
    if (Status local = firstBlocking(checkLocalInputs(params)); !local) return fail(local.error());
    std::vector<ImageInput> inputs = params.reference_images;
    if (params.mask && !params.mask->empty()) inputs.push_back(*params.mask);
    uploadAll(std::move(inputs), {}, [this, params, on_done, fail](Result<std::vector<std::string>> ids) {
      if (!ids) return fail(ids.error());
      std::vector<std::string> ref_ids = *ids;
      std::string mask_id;
      if (params.mask && !params.mask->empty()) {
        mask_id = ref_ids.back();
        ref_ids.pop_back();
      }
      HttpRequest request;
      request.method = "POST";
      request.url = transport_->apiUrl("/generate/custom/" + urlPathSegment(params.model_id), "dryRun=true");
      request.body = buildGenerateBody(params, ref_ids, mask_id);
      transport_->send(std::move(request), [this, on_done](HttpResponse response) {
        Result<Quote> quote = parseQuoteAnswer(response);
        postToHost([on_done, quote] { on_done(quote); });
        --pending_requests_;
      });
    });
  });
}

void GeneratorImpl::fetchSchema(const std::string& model_id,
                                std::function<void(Result<ModelSchema>)> on_done) {
  ++pending_requests_;
  transport_->post([this, model_id, on_done] {
    HttpRequest request;
    request.url = transport_->apiUrl("/models/" + urlPathSegment(model_id));
    sendWithRetry(std::move(request), retryPolicy(), [this, on_done](HttpResponse response, int) {
      Result<ModelSchema> schema = parseModelAnswer(response);
      postToHost([on_done, schema] { on_done(schema); });
      --pending_requests_;
    });
  });
}

void GeneratorImpl::stopWaiting(const std::string& local_id) {
  // Only the holder stops a job: another process's wait is that process's to end.
  bool stopped = false;
  update(local_id, Change::finished(), [&stopped](JobRecord& r) {
    if (!isJobActive(r.snap.state)) return;
    stopped = true;
    r.snap.state = JobState::kStopped;
    r.snap.finished_at_ms = nowMs();
    r.snap.error = makeError(ErrorCode::kStopped,
                             "you stopped waiting for this job; the service cannot cancel it, so it is still "
                             "charged, and resuming it brings its images in when it finishes");
  });
  if (stopped) logJob(LogLevel::kInfo, local_id, "stopped waiting at the host's request");
  transport_->post([this] { drainSubmitQueue(); });
}

Status GeneratorImpl::removeJob(const std::string& local_id) {
  auto r = record(local_id);
  if (!r) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (options_.offline) return makeError(ErrorCode::kInvalidArgument, "this engine was opened offline");
  if (isJobActive(r->snap.state) || r->snap.state == JobState::kUnknown) {
    return makeError(ErrorCode::kInvalidArgument,
                     "job " + local_id + " is " + jobStateName(r->snap.state) +
                         ": only a finished job can be deleted, so that nothing the service may still "
                         "deliver (and charge) is forgotten");
  }
  auto removed = journal_->remove(local_id, owner_, nowMs(), leaseMs());
  if (!removed) return removed.error();
  if (!*removed) {
    return makeError(ErrorCode::kInvalidArgument,
                     "job " + local_id + " is not this program's to delete: " + heldBy(*r));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.erase(local_id);
  }
  // Only texforge's own copies go: an imported asset belongs to the project.
  const std::filesystem::path cache = cacheDir();
  for (const OutputSnapshot& o : r->snap.outputs) {
    for (const std::string& file : {o.cache_path, o.finish.original_path}) {
      if (file.empty() || std::filesystem::path(file).parent_path() != cache) continue;
      std::error_code ec;
      std::filesystem::remove(file, ec);
    }
  }
  logJob(LogLevel::kInfo, local_id, "deleted from the history at the host's request");
  mailbox_.post([this, local_id] { pumped_.push_back({GeneratorEvent::Kind::kJobChanged, local_id, -1}); });
  return Ok{};
}

// The job, taken over for a host's decision: held by nobody else, and this engine's from now on.
Result<JobRecord> GeneratorImpl::recordToDecide(const std::string& local_id) {
  auto r = record(local_id);
  if (!r) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (r->lease.owner_id != owner_.id) {
    if (!takeOver(local_id)) {
      const std::string who = heldBy(*r);
      return makeError(ErrorCode::kInvalidArgument,
                       "job " + local_id + " is not this program's to decide: " +
                           (who.empty() ? std::string("another texforge process is working on it") : who));
    }
    logTakeover(local_id, r->lease);
  }
  return *record(local_id);
}

Status GeneratorImpl::resolveUnknown(const std::string& local_id, bool resend) {
  auto peek = record(local_id);
  if (!peek) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (peek->snap.state != JobState::kUnknown) {
    return makeError(ErrorCode::kInvalidArgument, "job " + local_id + " is " +
                                                      jobStateName(peek->snap.state) +
                                                      ", not unknown; there is nothing to resolve");
  }
  auto r = recordToDecide(local_id);
  if (!r) return r.error();
  if (r->snap.state != JobState::kUnknown) {  // another process settled it meanwhile
    return makeError(
        ErrorCode::kInvalidArgument,
        "job " + local_id + " is now " + jobStateName(r->snap.state) + "; there is nothing to resolve");
  }
  if (!resend) {
    update(local_id, Change::always(GeneratorEvent::Kind::kJobFinished), [](JobRecord& rec) {
      rec.snap.state = JobState::kFailed;
      rec.reconciling = false;
      rec.snap.needs_decision = false;
      rec.snap.finished_at_ms = nowMs();
      rec.snap.error =
          makeError(ErrorCode::kCanceled, "you discarded this request after its answer was lost");
    });
    logJob(LogLevel::kInfo, local_id, "discarded at the host's request after its answer was lost");
    return Ok{};
  }
  const int64_t allowed = resendAllowedAt(*r);
  if (nowMs() < allowed) {
    const int64_t minutes = (allowed - nowMs() + 59999) / 60000;
    return makeError(
        ErrorCode::kInvalidArgument,
        "job " + local_id + " may still show up among your Scenario jobs: a late answer can take " +
            "several minutes. Resending now could pay twice; it can be resent in about " +
            std::to_string(minutes) + " minute" + (minutes == 1 ? "" : "s") + ", after one more check");
  }
  // One more look first: only a request that is still not there is sent again.
  update(local_id, Change::always(), [](JobRecord& rec) {
    rec.resend_requested = true;
    rec.reconciling = true;
    rec.snap.needs_decision = false;
  });
  logJob(LogLevel::kWarning, local_id,
         "resend asked: looking for it once more, then sending it again if it is still not found");
  transport_->post([this, local_id] { reconcile(local_id, "", 0); });
  return Ok{};
}

Status GeneratorImpl::recheckUnknown(const std::string& local_id) {
  auto peek = record(local_id);
  if (!peek) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (peek->snap.state != JobState::kUnknown)
    return makeError(ErrorCode::kInvalidArgument, "job " + local_id + " is not unknown");
  auto r = recordToDecide(local_id);
  if (!r) return r.error();
  update(local_id, Change::always(), [](JobRecord& rec) {
    rec.reconciling = true;
    rec.snap.needs_decision = false;
  });
  transport_->post([this, local_id] { reconcile(local_id, "", 0); });
  return Ok{};
}

Status GeneratorImpl::resumeJob(const std::string& local_id) {
  auto peek = record(local_id);
  if (!peek) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (options_.offline) return makeError(ErrorCode::kInvalidArgument, "this engine was opened offline");
  if (!canResume(peek->snap)) {
    return makeError(
        ErrorCode::kInvalidArgument,
        "job " + local_id + " is " + jobStateName(peek->snap.state) +
            (peek->snap.held_by.empty() ? "; there is nothing to resume" : ": " + peek->snap.held_by));
  }
  auto r = recordToDecide(local_id);
  if (!r) return r.error();
  if (!canResume(r->snap)) {
    return makeError(
        ErrorCode::kInvalidArgument,
        "job " + local_id + " is now " + jobStateName(r->snap.state) + "; there is nothing to resume");
  }
  logJob(LogLevel::kInfo, local_id, std::string("resuming (it was ") + jobStateName(r->snap.state) + ")");
  ++pending_work_;
  transport_->post([this, local_id] {
    pacing_.erase(local_id);  // the deadline counts afresh
    proceed(local_id);
    --pending_work_;
  });
  return Ok{};
}

std::vector<GeneratorEvent> GeneratorImpl::pump() {
  mailbox_.drain();  // events append to pumped_; callbacks run here, on the host's thread
  std::vector<GeneratorEvent> events;
  events.swap(pumped_);
  return events;
}

bool GeneratorImpl::waitForActivity(double timeout_s) {
  return mailbox_.waitFor(timeout_s);
}

std::vector<JobSnapshot> GeneratorImpl::jobs() const {
  std::vector<JobSnapshot> out;
  std::lock_guard<std::mutex> lock(mutex_);
  // Sorted as pointers, then copied once: sorting the snapshots themselves moved every one of them
  // many times over (a project with thousands of past jobs felt it at every call).
  std::vector<const JobSnapshot*> order;
  order.reserve(jobs_.size());
  for (const auto& [id, r] : jobs_) order.push_back(&r.snap);
  std::sort(order.begin(), order.end(), [](const JobSnapshot* a, const JobSnapshot* b) {
    return a->created_at_ms != b->created_at_ms ? a->created_at_ms > b->created_at_ms
                                                : a->local_id > b->local_id;
  });
  out.reserve(order.size());
  for (const JobSnapshot* snap : order) out.push_back(*snap);
  return out;
}

std::optional<JobSnapshot> GeneratorImpl::job(const std::string& local_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(local_id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second.snap;
}

bool GeneratorImpl::idle() const {
  if (!mailbox_.empty() || pending_requests_ > 0 || pending_work_ > 0) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [id, r] : jobs_) {
    if (r.lease.owner_id == owner_.id && holdsLease(r))
      return false;  // jobs others hold are theirs to finish
  }
  return true;
}

Result<ImportedAsset> GeneratorImpl::importOutput(const std::string& local_id, int output_index) {
  auto r = record(local_id);
  if (!r) return makeError(ErrorCode::kNotFound, "no job " + local_id);
  if (output_index < 0 || output_index >= static_cast<int>(r->snap.outputs.size())) {
    return makeError(ErrorCode::kNotFound,
                     "job " + local_id + " has no output " + std::to_string(output_index));
  }
  const OutputSnapshot& o = r->snap.outputs[output_index];
  if (o.state == OutputState::kImported) {
    return ImportedAsset{o.imported_path, o.imported_path + ".texforge.json"};
  }
  if (o.state != OutputState::kReady) {
    return makeError(ErrorCode::kInvalidArgument, "output " + std::to_string(output_index + 1) + " of job " +
                                                      local_id + " is not ready to import");
  }
  // r holds the output's decoded pixels (if any) for the whole call: request.image stays valid.
  const ImportRequest request = importRequest(*r, output_index);
  // One importer per output across every process on the project: the claim decides who writes it.
  auto claim = journal_->claimImport(local_id, output_index, owner_, nowMs(), leaseMs());
  if (!claim) return claim.error();
  const std::string image = "image " + std::to_string(output_index + 1);
  if (claim->kind == Journal::ImportClaim::Kind::kBusy) {
    logJob(LogLevel::kDebug, local_id, image + " is being imported by " + claim->holder);
    return makeError(ErrorCode::kInvalidArgument, "output " + std::to_string(output_index + 1) + " of job " +
                                                      local_id + " is being imported by " + claim->holder);
  }
  if (claim->kind == Journal::ImportClaim::Kind::kImported) {
    logJob(LogLevel::kDebug, local_id, image + " was already imported as " + claim->imported_path);
    markImported(local_id, output_index, claim->imported_path);
    return ImportedAsset{claim->imported_path, claim->imported_path + ".texforge.json"};
  }
  failpoint("import.before_write");
  auto imported = options_.importer->importAsset(request);
  if (!imported) {
    journal_->releaseImport(local_id, output_index, owner_);
    logJob(LogLevel::kWarning, local_id,
           "importing " + image + " failed (" + errorCodeName(imported.error().code) +
               "): " + imported.error().message);
    return imported.error();
  }
  failpoint("import.before_journal");
  if (Status done = journal_->finishImport(local_id, output_index, imported->path); !done) {
    logJob(LogLevel::kError, local_id,
           image + " was written as " + imported->path +
               " but the journal could not record it: " + done.error().message);
    return done.error();
  }
  logJob(LogLevel::kInfo, local_id, image + " imported as " + imported->path);
  markImported(local_id, output_index, imported->path);
  return imported;
}

void GeneratorImpl::markImported(const std::string& local_id, int output_index, const std::string& path) {
  // The journal has it already; this is the in-memory copy, and the job's own state.
  auto apply = [&](JobRecord& rec) {
    if (output_index >= static_cast<int>(rec.snap.outputs.size())) return;
    OutputSnapshot& out = rec.snap.outputs[output_index];
    out.state = OutputState::kImported;
    out.imported_path = path;
    out.error.reset();
    const bool all_done = std::all_of(rec.snap.outputs.begin(), rec.snap.outputs.end(),
                                      [](auto& x) { return x.state == OutputState::kImported; });
    if (all_done && rec.snap.state == JobState::kReady) rec.snap.state = JobState::kImported;
  };
  if (!update(local_id, Change::always(GeneratorEvent::Kind::kJobChanged, output_index), apply)) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it != jobs_.end()) apply(it->second);
  }
}

GeneratorStats GeneratorImpl::stats() const {
  GeneratorStats s;
  s.requests = transport_->completedRequests();
  s.retries = retries_.load();
  s.url_refreshes = url_refreshes_.load();
  s.reconciled = reconciled_.load();
  return s;
}

void GeneratorImpl::importOutputAsync(const std::string& local_id, int output_index,
                                      std::function<void(Result<ImportedAsset>)> on_done) {
  ++pending_requests_;
  if (options_.import_on_pump) {
    // The host's thread, inside its next pump(): the importer may touch the engine's own asset
    // database there. The claim and the journal work exactly as on the import thread.
    mailbox_.post([this, local_id, output_index, on_done = std::move(on_done)] {
      Result<ImportedAsset> imported = importOutput(local_id, output_index);
      if (on_done) on_done(imported);
      --pending_requests_;
    });
    return;
  }
  importer_thread_->post([this, local_id, output_index, on_done = std::move(on_done)] {
    Result<ImportedAsset> imported = importOutput(local_id, output_index);
    postToHost([on_done, imported] {
      if (on_done) on_done(imported);
    });
    --pending_requests_;
  });
}

Result<DecodedImage> GeneratorImpl::loadOutputImage(const std::string& local_id, int output_index) const {
  auto r = record(local_id);
  if (!r || output_index < 0 || output_index >= static_cast<int>(r->snap.outputs.size())) {
    return makeError(ErrorCode::kNotFound, "no such output");
  }
  const OutputSnapshot& o = r->snap.outputs[output_index];
  if (o.image) return *o.image;
  if (o.cache_path.empty()) return makeError(ErrorCode::kNotFound, "this output was not downloaded");
  auto bytes = readFile(o.cache_path, options_.decode_limits.max_bytes);
  if (!bytes) return bytes.error();
  return decodeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size(), options_.decode_limits);
}

bool GeneratorImpl::update(const std::string& local_id, Change change,
                           const std::function<void(JobRecord&)>& fn) {
  JobRecord copy;
  bool hold = false;
  bool durable = true;
  bool lazy = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it == jobs_.end()) return false;
    JobRecord& r = it->second;
    const bool mine = r.lease.owner_id == owner_.id;
    // Work on a job (polling, downloading, the paid POST) needs its lease; a job someone else
    // holds is only ever read back from the journal.
    if (!change.even_if_inactive &&
        (!mine || (!isJobActive(r.snap.state) && r.snap.state != JobState::kReady)))
      return false;
    if (!mine && !r.lease.owner_id.empty() && leaseAlive(r.lease, nowMs(), leaseMs(), owner_.host))
      return false;
    if (change.only_while_unknown && r.snap.state != JobState::kUnknown) return false;
    const JobRecord before = r;
    fn(r);
    redactRecord(r);
    durable = !onlyProgressChanged(before, r);
    if (change.poll && !durable && r.snap.server_status == before.snap.server_status) {
      if (r.snap.progress == before.snap.progress) return true;  // the answer changed nothing
      lazy = r.snap.progress < 1 && r.snap.progress - r.journaled_progress < kProgressJournalStep;
    }
    r.snap.updated_at_ms = nowMs();
    ++r.version;
    hold = mine && holdsLease(r);
    if (!lazy) copy = r;
  }
  if (lazy) {  // in memory and on the host's side now; the journal takes it with the next step
    const GeneratorEvent event{change.event, local_id, change.output_index};
    mailbox_.post([this, event] { pumped_.push_back(event); });
    return true;
  }
  const int64_t now = nowMs();
  auto written = journal_->write(copy, owner_, hold, now, durable);
  bool journal_failed = false, lost = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it != jobs_.end()) {
      JobRecord& r = it->second;
      if (!written) {
        // A failed journal write is reported on the job; the in-memory state still reaches the host.
        if (!r.snap.error) r.snap.error = written.error();
        journal_failed = true;
      } else if (!*written) {
        lost = true;
        // Another process holds the job now (this one was too slow to renew): it is that one's.
        r.lease = JobLease{"elsewhere", 0, "", "another texforge process", now};
        r.snap.held_by = "another texforge process took this job over";
        ++r.epoch;
        sync_due_ = true;
      } else {
        r.journaled_progress = std::max(r.journaled_progress, copy.snap.progress);
        if (r.version == copy.version) {  // a later change sets the lease as it wrote it
          r.lease = hold ? JobLease{owner_.id, owner_.pid, owner_.host, owner_.name, now} : JobLease{};
        }
      }
    }
  }
  if (journal_failed) {
    logJob(LogLevel::kError, local_id, "the journal could not be written: " + written.error().message);
  } else if (lost) {
    logJob(LogLevel::kWarning, local_id,
           "another texforge process took this job over (this one had not renewed its lease in time)");
  }
  const GeneratorEvent event{change.event, local_id, change.output_index};
  mailbox_.post([this, event] { pumped_.push_back(event); });
  return !written || *written;
}

std::optional<JobRecord> GeneratorImpl::record(const std::string& local_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(local_id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

void GeneratorImpl::postToHost(std::function<void()> callback) {
  // Counted until it has run, so idle() stays false while the callback waits for pump().
  ++pending_requests_;
  mailbox_.post([this, callback = std::move(callback)] {
    callback();
    --pending_requests_;
  });
}

std::string GeneratorImpl::cacheDir() const {
  return (std::filesystem::path(options_.state_dir) / "cache").string();
}

ImportRequest GeneratorImpl::importRequest(const JobRecord& r, int output_index) const {
  const OutputSnapshot& o = r.snap.outputs[output_index];
  ImportRequest request;
  request.project_dir = options_.project_dir;
  request.source_file = o.cache_path;
  request.format = o.format;
  request.width = o.width;
  request.height = o.height;
  request.params = r.snap.params;
  request.reference_asset_ids = r.reference_ids;
  request.mask_asset_id = r.mask_id;
  request.local_id = r.snap.local_id;
  request.job_id = r.snap.job_id;
  request.asset_id = o.asset_id;
  request.output_index = output_index;
  request.output_count = static_cast<int>(r.snap.outputs.size());
  request.cost = r.snap.cost;
  request.created_at = isoUtc(r.snap.created_at_ms);
  request.image = o.image.get();  // decoded in this session, or null: the importer reads source_file
  request.finish = o.finish;
  request.usage = r.snap.params.usage;
  request.host_metadata = r.snap.params.host_metadata;
  return request;
}

void GeneratorImpl::log(LogLevel level, const std::string& message) const {
  if (!options_.log) return;
  const std::string line = redactServerText(message, options_.credentials);
  try {
    options_.log(level, line);
  } catch (...) {
    // A sink that throws must not take a texforge thread down with it.
  }
}

void GeneratorImpl::logTakeover(const std::string& local_id, const JobLease& previous) const {
  if (!options_.log) return;
  if (previous.owner_id.empty()) {
    logJob(LogLevel::kInfo, local_id, "picked up from the journal");
    return;
  }
  logJob(LogLevel::kInfo, local_id,
         "taken over from " +
             (previous.name.empty() ? std::string("another texforge process") : previous.name) + " (pid " +
             std::to_string(previous.pid) + " on " + previous.host + "), which no longer holds it");
}

void GeneratorImpl::redactRecord(JobRecord& r) const {
  auto clean = [this](std::optional<Error>& error) {
    if (error) error->message = redactServerText(std::move(error->message), options_.credentials);
  };
  clean(r.snap.error);
  r.snap.server_status = redactServerText(std::move(r.snap.server_status), options_.credentials);
  for (OutputSnapshot& o : r.snap.outputs) clean(o.error);
}

}  // namespace texforge
