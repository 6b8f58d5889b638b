// A job's life on the I/O thread up to its results: resume after a restart, upload local inputs,
// the paid POST (sent once, never retried), and polling with backoff until the job ends.
#include <algorithm>
#include <filesystem>

#include "failpoint.h"
#include "generator_impl.h"

namespace texforge {
namespace {

constexpr int kMaxPollRefusals = 5;

}  // namespace

void GeneratorImpl::continueJob(const std::string& local_id) {
  // Only a job this engine has just taken is picked up: one another process holds, or one this
  // engine already works on, goes on where it is.
  auto before = record(local_id);
  if (!before || !takeOver(local_id)) return;
  logTakeover(local_id, before->lease);
  proceed(local_id);
}

void GeneratorImpl::proceed(const std::string& local_id) {
  auto r = record(local_id);
  if (!r) return;
  if (r->snap.state == JobState::kUnknown) {
    reconcile(local_id, "", 0);
    return;
  }
  if (r->snap.state == JobState::kSubmitting) {
    if (!r->post_sent) {
      uploadInputs(local_id, r->reference_ids.size() + (r->mask_id.empty() ? 0 : 1));
      return;
    }
    update(local_id, Change::finished(), [](JobRecord& rec) {
      rec.snap.state = JobState::kUnknown;
      rec.reconciling = true;
      rec.snap.finished_at_ms = nowMs();
      rec.snap.error = makeError(ErrorCode::kUnknownSubmission,
                                 "texforge stopped while this request was being sent, so it may have started "
                                 "(and been charged); looking for it among your recent Scenario jobs");
      if (rec.post_sent_at_ms == 0) rec.post_sent_at_ms = rec.snap.updated_at_ms;
    });
    reconcile(local_id, "", 0);
    return;
  }
  if (r->snap.state == JobState::kStopped && r->snap.job_id.empty()) {
    // Stopped before the POST was answered: sent again only when it certainly never left.
    update(local_id, Change::always(), [](JobRecord& rec) {
      rec.snap.state = JobState::kSubmitting;
      rec.snap.error.reset();
      rec.snap.finished_at_ms = 0;
    });
    proceed(local_id);
    return;
  }
  if (r->snap.state == JobState::kFailed || r->snap.state == JobState::kStopped) {
    update(local_id, Change::always(), [](JobRecord& rec) {
      rec.snap.state = rec.snap.outputs.empty() ? JobState::kRunning : JobState::kDownloading;
      rec.snap.error.reset();
      rec.snap.finished_at_ms = 0;
    });
    r = record(local_id);
  }
  if (r->snap.outputs.empty()) {
    poll(local_id, r->epoch);
    return;
  }
  for (const OutputSnapshot& o : r->snap.outputs) {
    const bool cached = !o.cache_path.empty() && std::filesystem::is_regular_file(o.cache_path);
    switch (o.state) {
      case OutputState::kReady:
      case OutputState::kPending:
      case OutputState::kDownloading:
        if (cached)
          decodeCached(local_id, o.index);
        else
          startOutput(local_id, o.index);
        break;
      case OutputState::kFailed:
        if (o.error && o.error->code != ErrorCode::kDecode && !o.asset_id.empty())
          startOutput(local_id, o.index);
        break;
      case OutputState::kImported: break;
    }
  }
  finishJobIfDone(local_id);
}

void GeneratorImpl::uploadInputs(const std::string& local_id, size_t next) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kSubmitting) return;
  const GenerationParams& params = r->snap.params;
  const size_t ref_count = params.reference_images.size();
  const bool has_mask = params.mask && !params.mask->empty();
  if (next >= ref_count + (has_mask ? 1 : 0)) {
    if (next > 0)
      logJob(LogLevel::kDebug, local_id, "inputs ready: " + std::to_string(next) + " asset id(s)");
    submit_queue_.push_back(local_id);
    drainSubmitQueue();
    return;
  }
  const bool is_mask = next == ref_count;
  const ImageInput& input = is_mask ? *params.mask : params.reference_images[next];
  auto record_id = [this, local_id, is_mask, next](const std::string& asset_id) {
    update(local_id, [&](JobRecord& rec) {
      if (is_mask)
        rec.mask_id = asset_id;
      else
        rec.reference_ids.push_back(asset_id);
    });
    uploadInputs(local_id, next + 1);
  };
  if (input.isAsset()) {
    record_id(input.asset_id);
    return;
  }
  // submit() checked the file; it may have changed since (or this is a resume in a later session).
  GenerationParams one;
  if (is_mask) {
    one.mask = input;
    if (ref_count > 0) one.reference_images.push_back(params.reference_images.front());  // for the size check
  } else {
    one.reference_images.push_back(input);
  }
  if (Status local = firstBlocking(checkLocalInputs(one)); !local) {
    failJob(local_id, local.error());
    return;
  }
  uploadFile(input.local_path, is_mask ? "mask" : "reference image",
             is_mask ? "mask" : "reference image " + std::to_string(next + 1), local_id,
             [this, local_id, record_id](Result<std::string> asset_id) {
               if (!asset_id) {
                 failJob(local_id, asset_id.error());
                 return;
               }
               record_id(*asset_id);
             });
}

int GeneratorImpl::jobsInFlight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int count = 0;
  for (const auto& [id, r] : jobs_) {
    if (r.lease.owner_id != owner_.id) continue;  // the cap is this engine's; others keep their own
    const JobState s = r.snap.state;
    count +=
        s == JobState::kSubmitted || s == JobState::kRunning || (s == JobState::kSubmitting && r.post_sent);
  }
  return count;
}

void GeneratorImpl::drainSubmitQueue() {
  while (!submit_queue_.empty()) {
    auto r = record(submit_queue_.front());
    if (!r || r->snap.state != JobState::kSubmitting) {  // stopped while it waited
      told_waiting_.erase(submit_queue_.front());
      submit_queue_.erase(submit_queue_.begin());
      continue;
    }
    if (jobsInFlight() >= jobs_cap_) {
      // Each waiting job is told once, when it joins the queue's tail: a pass over a long queue
      // writes nothing it wrote before (the 429 path marks a job it puts back at the head).
      for (auto it = submit_queue_.rbegin(); it != submit_queue_.rend() && !told_waiting_.count(*it); ++it) {
        update(*it, [](JobRecord& rec) { rec.snap.server_status = "waiting for a free slot"; });
        told_waiting_.insert(*it);
      }
      if (options_.log) {
        log(LogLevel::kDebug, std::to_string(submit_queue_.size()) + " request(s) wait for a free slot (" +
                                  std::to_string(jobs_cap_) + " in flight at most)");
      }
      return;
    }
    const std::string id = submit_queue_.front();
    submit_queue_.erase(submit_queue_.begin());
    told_waiting_.erase(id);
    sendGenerate(id);
  }
}

void GeneratorImpl::sendGenerate(const std::string& local_id) {
  // Journaled before the request leaves: after a crash from here on, the job is "unknown", never
  // resent. Refused when another process holds the job: then it is that one's to send.
  if (!update(local_id, [](JobRecord& rec) {
        rec.post_sent = true;
        rec.post_sent_at_ms = nowMs();
      }))
    return;
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kSubmitting) return;
  HttpRequest request;
  request.method = "POST";
  request.url = transport_->apiUrl("/generate/custom/" + urlPathSegment(r->snap.params.model_id));
  request.body = buildGenerateBody(r->snap.params, r->reference_ids, r->mask_id);
  request.fresh_connection = true;  // never let the HTTP stack resend the paid request on its own
  // A slow gateway is not a lost answer: the POST waits as long as a late answer may take.
  request.answer_window_s = options_.submit_answer_s;
  logJob(LogLevel::kInfo, local_id,
         "paid request sent: POST " + request.url + " (" + std::to_string(r->snap.params.num_outputs) +
             " output" + (r->snap.params.num_outputs == 1 ? "" : "s") + "; never resent on its own)");
  failpoint("submit.before_post");
  transport_->send(std::move(request), [this, local_id](HttpResponse response) {
    failpoint("submit.answer_lost");  // the service has the job; this process never learns its id
    onGenerateAnswer(local_id, response);
  });
}

void GeneratorImpl::onGenerateAnswer(const std::string& local_id, const HttpResponse& response) {
  auto job = parseJobAnswer(response);
  if (job) {
    // Kept even when the user stopped waiting meanwhile: a paid job's id is what resumes it.
    bool active = false;
    update(local_id, Change::always(), [&](JobRecord& rec) {
      rec.snap.job_id = job->job_id;
      rec.snap.server_status = job->status;
      if (job->cost >= 0) rec.snap.cost = job->cost;
      if (rec.snap.state == JobState::kSubmitting) rec.snap.state = JobState::kSubmitted;
      active = isJobActive(rec.snap.state);
    });
    logJob(LogLevel::kInfo, local_id,
           "the service started job " + job->job_id + " (" + job->status +
               (job->cost >= 0 ? ", " + shortNumber(job->cost) + " creative units" : std::string()) + ")");
    failpoint("submit.job_id_known");
    if (active) {
      Pacing& pace = pacing_[local_id];
      pace.origin_ms = nowMs();
      pace.origin_is_creation = true;
      schedulePoll(local_id, options_.poll_initial_s);
    }
    drainSubmitQueue();
    return;
  }
  if (response.status == 429) {
    // Refused before it started, so nothing was charged: back into the local queue, at its head.
    // A parallel-jobs limit tells how many may run at once; the cap follows it.
    const RateLimit limit = parseRateLimit(response);
    if (limit.action == "parallel-custom-jobs" && limit.limit > 0)
      jobs_cap_ = std::min(jobs_cap_, limit.limit);
    update(local_id, [](JobRecord& rec) {
      rec.post_sent = false;
      rec.post_sent_at_ms = 0;
      rec.snap.server_status = "waiting for a free slot";
    });
    submit_queue_.insert(submit_queue_.begin(), local_id);
    told_waiting_.insert(local_id);
    const double hinted = retryAfterSeconds(response);
    const double wait_s = std::min(hinted >= 0 ? hinted : 5.0, options_.max_retry_wait_s);
    logJob(LogLevel::kWarning, local_id,
           "the paid request was refused with HTTP 429 (" +
               (limit.action.empty() ? std::string("rate limit") : limit.action) +
               ") before it started, so nothing was charged; it waits in the local queue and is tried "
               "again in " +
               shortNumber(wait_s) + " s");
    transport_->post([this] { drainSubmitQueue(); }, wait_s);
    return;
  }
  // A failure before the request left (DNS, connect, TLS handshake) cannot have started a job.
  const bool maybe_started = (response.status == 0 && !response.neverSent()) || response.status >= 500 ||
                             isSuccessStatus(response.status);
  if (!maybe_started) {
    failJob(local_id, job.error());
    return;
  }
  logJob(LogLevel::kWarning, local_id,
         "the paid request's answer was lost (" + job.error().message +
             "); it may have started and been charged, so it is looked for among the account's recent "
             "jobs and never sent again on its own");
  update(local_id, Change::finished(), [&](JobRecord& rec) {
    rec.snap.finished_at_ms = nowMs();
    rec.snap.state = JobState::kUnknown;
    rec.reconciling = true;
    rec.snap.error = makeError(ErrorCode::kUnknownSubmission,
                               "the request was sent but its answer was lost (" + job.error().message +
                                   "), so it may have started and been charged; looking for it among your "
                                   "recent Scenario jobs. It is not sent again on its own.",
                               response.status);
  });
  reconcile(local_id, "", 0);
  drainSubmitQueue();
}

void GeneratorImpl::failJob(const std::string& local_id, Error error, const std::string& server_status) {
  if (options_.log) {
    logJob(LogLevel::kError, local_id,
           std::string("failed (") + errorCodeName(error.code) +
               (error.http_status ? ", HTTP " + std::to_string(error.http_status) : std::string()) +
               "): " + error.message);
  }
  update(local_id, Change::finished(), [&](JobRecord& rec) {
    rec.snap.state = JobState::kFailed;
    rec.snap.finished_at_ms = nowMs();
    rec.snap.error = std::move(error);
    if (!server_status.empty()) rec.snap.server_status = server_status;
  });
  pacing_.erase(local_id);
  drainSubmitQueue();
}

void GeneratorImpl::schedulePoll(const std::string& local_id, double delay_s) {
  auto r = record(local_id);
  if (!r) return;
  transport_->post([this, local_id, epoch = r->epoch] { poll(local_id, epoch); }, delay_s);
}

// A job this session saw start ends: how long it ran on after its progress reached 1 (from the
// service's own createdAt and updatedAt, so clock skew does not count) tunes the next predictions.
void GeneratorImpl::learnPollTail(const std::string& local_id, const JobInfo& finished) {
  auto it = pacing_.find(local_id);
  if (it == pacing_.end() || !it->second.origin_is_creation) return;
  if (finished.created_at_ms <= 0 || finished.updated_at_ms <= finished.created_at_ms) return;
  const double end_s = (finished.updated_at_ms - finished.created_at_ms) / 1000.0;
  if (auto tail = it->second.planner.observedTail(end_s)) {
    poll_tail_ratio_ += kTailLearning * (*tail - poll_tail_ratio_);
  }
}

void GeneratorImpl::poll(const std::string& local_id, uint64_t epoch) {
  auto r = record(local_id);
  if (!r || r->epoch != epoch || r->lease.owner_id != owner_.id) return;  // stopped, resumed or taken over
  if (!isJobActive(r->snap.state) || r->snap.job_id.empty()) return;
  Pacing& pacing = pacing_[local_id];
  if (pacing.started_ms == 0) {
    pacing.started_ms = nowMs();
    if (pacing.origin_ms == 0) pacing.origin_ms = pacing.started_ms;
  }
  if (nowMs() - pacing.started_ms > static_cast<int64_t>(options_.job_deadline_s * 1000)) {
    failJob(local_id, makeError(ErrorCode::kTimeout,
                                "the job was still running after " +
                                    std::to_string(static_cast<int>(options_.job_deadline_s / 60)) +
                                    " minutes, so texforge stopped waiting; the result is not lost, resuming "
                                    "the project checks it again"));
    return;
  }
  HttpRequest request;
  request.url = transport_->apiUrl("/jobs/" + urlPathSegment(r->snap.job_id));
  sendWithRetry(std::move(request), retryPolicy(),
                [this, local_id](HttpResponse response, int) { onPollAnswer(local_id, response); });
}

void GeneratorImpl::onPollAnswer(const std::string& local_id, const HttpResponse& response) {
  auto info = parseJobAnswer(response);
  if (!info) {
    if (isRetryable(response,
                    RetryPolicy::Body::kJson)) {  // still unreachable: keep trying until the deadline
      logJob(LogLevel::kWarning, local_id,
             "the service is still unreachable while polling (" + info.error().message +
                 "); polling goes on until the job's deadline");
      schedulePoll(local_id, options_.poll_max_s);
      return;
    }
    const int s = response.status;
    if (s == 401 || s == 403 || s == 404) {
      // Not a verdict on a paid job: a wrong endpoint or key typed once, or a service that has not
      // caught up. Asked again with backoff; then the job waits for a resume with the right ones.
      Pacing& pace = pacing_[local_id];
      if (++pace.refusals < kMaxPollRefusals) {
        logJob(LogLevel::kWarning, local_id,
               "polling was refused with HTTP " + std::to_string(s) + " (" + std::to_string(pace.refusals) +
                   " of " + std::to_string(kMaxPollRefusals) +
                   " before texforge stops waiting); asking again");
        schedulePoll(local_id, std::min(options_.poll_max_s * pace.refusals, options_.max_retry_wait_s));
        return;
      }
      Error e = info.error();
      e.message = "the service at " + transport_->baseUrl() + " answered HTTP " + std::to_string(s) +
                  " for this job " + std::to_string(kMaxPollRefusals) + " times (" + e.message +
                  "). The job was paid for and may still finish: check SCENARIO_API_URL and the API key, "
                  "then resume it (texforge resume, or Resume in the panel).";
      failJob(local_id, std::move(e));
      return;
    }
    failJob(local_id, info.error());
    return;
  }
  pacing_[local_id].refusals = 0;
  switch (info->phase) {
    case JobPhase::kRunning: {
      update(local_id, Change::polled(), [&](JobRecord& rec) {
        rec.snap.state = JobState::kRunning;
        rec.snap.server_status = info->status;
        rec.snap.progress = std::max(rec.snap.progress, info->progress);
      });
      if (options_.log) {
        logJob(LogLevel::kDebug, local_id,
               "job " + info->job_id + " is " + info->status + " (" +
                   std::to_string(static_cast<int>(info->progress * 100)) + "%)");
      }
      failpoint("poll.running");
      Pacing& pace = pacing_[local_id];
      const PollTiming timing{options_.poll_initial_s, options_.poll_backoff, options_.poll_max_s,
                              kPredictedPollMaxS, options_.poll_predict};
      double delay =
          pace.planner.next(timing, (nowMs() - pace.origin_ms) / 1000.0, info->progress, poll_tail_ratio_);
      if (!pace.planner.estimate()) delay = onPollGrid(delay, nowMs());
      const double hinted = retryAfterSeconds(response);
      if (hinted > delay) delay = std::min(hinted, options_.max_retry_wait_s);
      schedulePoll(local_id, delay);
      return;
    }
    case JobPhase::kSuccess: {
      if (info->asset_ids.empty()) {
        failJob(local_id, makeError(ErrorCode::kProtocol, "the job succeeded but listed no images"),
                info->status);
        return;
      }
      update(local_id, [&](JobRecord& rec) {
        rec.snap.state = JobState::kDownloading;
        rec.snap.server_status = info->status;
        rec.snap.progress = 1.0;
        if (info->cost >= 0) rec.snap.cost = info->cost;
        rec.snap.outputs.clear();
        for (size_t i = 0; i < info->asset_ids.size(); ++i) {
          OutputSnapshot o;
          o.index = static_cast<int>(i);
          o.asset_id = info->asset_ids[i];
          rec.snap.outputs.push_back(std::move(o));
        }
      });
      learnPollTail(local_id, *info);
      pacing_.erase(local_id);
      logJob(LogLevel::kInfo, local_id,
             "job " + info->job_id + " succeeded with " + std::to_string(info->asset_ids.size()) + " image" +
                 (info->asset_ids.size() == 1 ? "" : "s") + "; downloading");
      for (size_t i = 0; i < info->asset_ids.size(); ++i) startOutput(local_id, static_cast<int>(i));
      drainSubmitQueue();
      return;
    }
    case JobPhase::kFailure:
    case JobPhase::kCanceled: {
      const std::string why = info->error.empty() ? "no reason given" : info->error;
      failJob(
          local_id,
          info->phase == JobPhase::kCanceled
              ? makeError(ErrorCode::kJobCanceled, "the job was canceled on the service: " + why)
              : makeError(ErrorCode::kJobFailed, "the service could not generate this image: " + why +
                                                     ". Change the prompt or the settings and try again."),
          info->status);
      return;
    }
  }
}

}  // namespace texforge
