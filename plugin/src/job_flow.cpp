// A job's life on the I/O thread: upload inputs, the paid POST (never resent), polling with
// backoff, asset lookup, download with retries and URL refresh, then decode on a worker.
#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "failpoint.h"
#include "generator_impl.h"

namespace texforge {
namespace {

constexpr int kMaxUrlRefreshes = 3;

std::string fileName(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

bool GeneratorImpl::isRetryable(const HttpResponse& response) {
  const int s = response.status;
  if (response.tls_refused) return false;  // an untrusted certificate stays untrusted
  return s == 0 || s == 408 || s == 429 || s >= 500 ||
         (isSuccessStatus(s) && !nlohmann::json::accept(response.body));
}

double GeneratorImpl::backoffDelay(int attempt, const HttpResponse& response) {
  const double hinted = retryAfterSeconds(response);
  if (hinted >= 0) return std::min(hinted, options_.max_retry_wait_s);
  const double cap = std::min(30.0, options_.retry_base_s * std::pow(2.0, attempt));
  std::uniform_real_distribution<double> jitter(0.0, cap);  // full jitter
  return jitter(rng_);
}

void GeneratorImpl::getWithRetry(std::string url, std::function<void(HttpResponse)> done, int attempt) {
  HttpRequest request;
  request.url = url;
  transport_->send(std::move(request), [this, url, done, attempt](HttpResponse response) {
    if (isRetryable(response) && attempt + 1 < options_.max_attempts) {
      ++retries_;
      transport_->post([this, url, done, attempt] { getWithRetry(url, done, attempt + 1); },
                       backoffDelay(attempt, response));
      return;
    }
    done(std::move(response));
  });
}

void GeneratorImpl::resumeJob(const std::string& local_id) {
  auto r = record(local_id);
  if (!r) return;
  JobSnapshot& s = r->snap;
  if (s.state == JobState::kUnknown) {
    reconcile(local_id, "", 0);
    return;
  }
  if (s.state == JobState::kSubmitting) {
    if (r->post_sent) {
      update(local_id, [](JobRecord& rec) {
        rec.snap.state = JobState::kUnknown;
        rec.reconciling = true;
        rec.snap.finished_at_ms = nowMs();
        rec.snap.error = makeError(ErrorCode::kUnknownSubmission,
                                   "texforge stopped while this request was being sent, so it may have started "
                                   "(and been charged). Looking for it among your recent Scenario jobs.");
      }, GeneratorEvent::Kind::kJobFinished);
      reconcile(local_id, "", 0);
      return;
    }
    uploadInputs(local_id, r->reference_ids.size() + (r->mask_id.empty() ? 0 : 1));
    return;
  }
  if (s.state == JobState::kFailed) {
    update(local_id, [](JobRecord& rec) {
      rec.snap.state = rec.snap.outputs.empty() ? JobState::kRunning : JobState::kDownloading;
      rec.snap.error.reset();
      rec.snap.finished_at_ms = 0;
    }, GeneratorEvent::Kind::kJobChanged, -1, true);
    r = record(local_id);
  }
  if (r->snap.outputs.empty()) {
    poll(local_id);
    return;
  }
  for (const OutputSnapshot& o : r->snap.outputs) {
    const bool cached = !o.cache_path.empty() && std::filesystem::is_regular_file(o.cache_path);
    switch (o.state) {
      case OutputState::kReady:
        if (cached) decodeCached(local_id, o.index);
        else startOutput(local_id, o.index);
        break;
      case OutputState::kPending:
      case OutputState::kDownloading:
        if (cached) decodeCached(local_id, o.index);
        else startOutput(local_id, o.index);
        break;
      case OutputState::kFailed:
        if (o.error && o.error->code != ErrorCode::kDecode && !o.asset_id.empty()) startOutput(local_id, o.index);
        break;
      case OutputState::kImported:
        break;
    }
  }
  finishJobIfDone(local_id);
}

void GeneratorImpl::uploadInputs(const std::string& local_id, size_t next) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kSubmitting) return;
  const auto& params = r->snap.params;
  const size_t ref_count = params.reference_images.size();
  const bool has_mask = params.mask && !params.mask->empty();
  if (next >= ref_count + (has_mask ? 1 : 0)) {
    submit_queue_.push_back(local_id);
    drainSubmitQueue();
    return;
  }
  const bool is_mask = next == ref_count;
  const ImageInput& input = is_mask ? *params.mask : params.reference_images[next];
  auto record_id = [this, local_id, is_mask, next](const std::string& asset_id) {
    update(local_id, [&](JobRecord& rec) {
      if (is_mask) rec.mask_id = asset_id;
      else rec.reference_ids.push_back(asset_id);
    });
    uploadInputs(local_id, next + 1);
  };
  if (input.isAsset()) {
    record_id(input.asset_id);
    return;
  }
  auto fail = [this, local_id](Error error) {
    update(local_id, [&](JobRecord& rec) {
      rec.snap.state = JobState::kFailed;
      rec.snap.finished_at_ms = nowMs();
      rec.snap.error = std::move(error);
    }, GeneratorEvent::Kind::kJobFinished);
  };
  const char* what = is_mask ? "mask" : "reference image";
  auto bytes = readFile(input.local_path, 64u << 20);
  if (!bytes) {
    fail(makeError(bytes.error().code, std::string("cannot read the ") + what + " " + input.local_path + ": " +
                                           bytes.error().message));
    return;
  }
  if (bytes->size() > kMaxUploadBytes) {
    fail(makeError(ErrorCode::kInvalidArgument,
                   std::string("the ") + what + " " + input.local_path + " is " +
                       std::to_string(bytes->size() / 1000) + " kB; uploads are limited to 3500 kB. "
                       "Resize or recompress it."));
    return;
  }
  const ImageFormat format = sniffImageFormat(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  if (format == ImageFormat::kUnknown) {
    fail(makeError(ErrorCode::kInvalidArgument,
                   std::string("the ") + what + " " + input.local_path + " is not a PNG, JPEG or WebP image"));
    return;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = transport_->apiUrl("/assets");
  request.body = buildUploadBody(fileName(input.local_path), imageFormatMime(format), *bytes);
  // Uploads cost nothing, so they may be retried like GETs.
  auto attempt_upload = std::make_shared<std::function<void(int)>>();
  *attempt_upload = [this, request, record_id, fail, attempt_upload, what](int attempt) {
    transport_->send(request, [this, record_id, fail, attempt_upload, attempt, what](HttpResponse response) {
      if (isRetryable(response) && attempt + 1 < options_.max_attempts) {
        ++retries_;
        transport_->post([attempt_upload, attempt] { (*attempt_upload)(attempt + 1); },
                         backoffDelay(attempt, response));
        return;
      }
      auto asset = parseAssetAnswer(response);
      if (!asset) {
        Error e = asset.error();
        e.message = std::string("uploading the ") + what + " failed: " + e.message;
        fail(std::move(e));
      } else {
        record_id(asset->id);
      }
      *attempt_upload = nullptr;  // break the self-reference
    });
  };
  (*attempt_upload)(0);
}

int GeneratorImpl::jobsInFlight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int count = 0;
  for (const auto& [id, r] : jobs_) {
    const JobState s = r.snap.state;
    count += s == JobState::kSubmitted || s == JobState::kRunning || (s == JobState::kSubmitting && r.post_sent);
  }
  return count;
}

void GeneratorImpl::drainSubmitQueue() {
  while (!submit_queue_.empty()) {
    auto r = record(submit_queue_.front());
    if (!r || r->snap.state != JobState::kSubmitting) {  // stopped while it waited
      submit_queue_.erase(submit_queue_.begin());
      continue;
    }
    if (jobsInFlight() >= jobs_cap_) {
      for (const auto& id : submit_queue_) {
        update(id, [](JobRecord& rec) { rec.snap.server_status = "waiting for a free slot"; });
      }
      return;
    }
    const std::string id = submit_queue_.front();
    submit_queue_.erase(submit_queue_.begin());
    sendGenerate(id);
  }
}

void GeneratorImpl::sendGenerate(const std::string& local_id) {
  // Journaled before the request leaves: after a crash from here on, the job is "unknown", never resent.
  if (!update(local_id, [](JobRecord& rec) { rec.post_sent = true; })) return;
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kSubmitting) return;
  HttpRequest request;
  request.method = "POST";
  request.url = transport_->apiUrl("/generate/custom/" + r->snap.params.model_id);
  request.body = buildGenerateBody(r->snap.params, r->reference_ids, r->mask_id);
  request.fresh_connection = true;  // never let the HTTP stack resend the paid request on its own
  failpoint("submit.before_post");
  transport_->send(std::move(request), [this, local_id](HttpResponse response) {
    failpoint("submit.answer_lost");  // the service has the job; this process never learns its id
    auto job = parseJobAnswer(response);
    if (job) {
      update(local_id, [&](JobRecord& rec) {
        rec.snap.job_id = job->job_id;
        rec.snap.server_status = job->status;
        rec.snap.state = JobState::kSubmitted;
        if (job->cost >= 0) rec.snap.cost = job->cost;
      });
      failpoint("submit.job_id_known");
      schedulePoll(local_id, options_.poll_initial_s);
      return;
    }
    const Error error = job.error();
    if (response.status == 429) {
      // Refused before it started, so nothing was charged: back into the local queue, at its head.
      // A parallel-jobs limit tells how many may run at once; the cap follows it.
      auto body = nlohmann::json::parse(response.body, nullptr, false);
      if (body.is_object() && body.contains("details") && body["details"].is_object()) {
        const auto& details = body["details"];
        if (details.value("actionName", "") == "parallel-custom-jobs" && details.contains("actionLimit") &&
            details["actionLimit"].is_number_integer()) {
          jobs_cap_ = std::max(1, std::min(jobs_cap_, details["actionLimit"].get<int>()));
        }
      }
      update(local_id, [](JobRecord& rec) { rec.post_sent = false; rec.snap.server_status = "waiting for a free slot"; });
      submit_queue_.insert(submit_queue_.begin(), local_id);
      const double hinted = retryAfterSeconds(response);
      transport_->post([this] { drainSubmitQueue(); }, std::min(hinted >= 0 ? hinted : 5.0, options_.max_retry_wait_s));
      return;
    }
    // A failure before the request left (DNS, connect, TLS handshake) cannot have started a job.
    const bool maybe_started = (response.status == 0 && !response.never_sent) || response.status >= 500 ||
                               isSuccessStatus(response.status);
    update(local_id, [&](JobRecord& rec) {
      rec.snap.finished_at_ms = nowMs();
      if (maybe_started) {
        rec.snap.state = JobState::kUnknown;
        rec.reconciling = true;
        rec.snap.error = makeError(ErrorCode::kUnknownSubmission,
                                   "the request was sent but its answer was lost (" + error.message +
                                       "), so it may have started and been charged. Looking for it among your "
                                       "recent Scenario jobs; it is not sent again on its own.",
                                   response.status);
      } else {
        rec.snap.state = JobState::kFailed;
        rec.snap.error = error;
      }
    }, GeneratorEvent::Kind::kJobFinished);
    if (maybe_started) reconcile(local_id, "", 0);
    drainSubmitQueue();
  });
}

void GeneratorImpl::reconcile(const std::string& local_id, std::string page_token, int page) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kUnknown) return;
  std::string query = "pageSize=50";
  if (!page_token.empty()) {
    std::string escaped;
    for (unsigned char c : page_token) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        escaped += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        escaped += hex;
      }
    }
    query += "&paginationToken=" + escaped;
  }
  const std::string unresolved =
      " Resend it or discard it: `texforge resolve " + local_id + " --resend` or `--discard` (or the job's menu in "
      "the panel).";
  getWithRetry(transport_->apiUrl("/jobs", query), [=](HttpResponse response) {
    std::string next;
    auto listed = parseJobListAnswer(response, &next);
    auto set_message = [&](const std::string& message) {
      update(local_id, [&](JobRecord& rec) {
        rec.reconciling = false;
        if (rec.snap.state == JobState::kUnknown) rec.snap.error = makeError(ErrorCode::kUnknownSubmission, message);
      }, GeneratorEvent::Kind::kJobChanged, -1, true);
    };
    if (!listed) {
      set_message("the request was sent but its answer was lost, so it may have started and been charged; texforge "
                  "could not check your recent jobs (" + listed.error().message + ") and will look again next "
                  "time it starts." + unresolved);
      return;
    }
    auto mine = record(local_id);
    if (!mine || mine->snap.state != JobState::kUnknown) return;
    std::vector<std::string> claimed;
    for (const auto& job : jobs()) {
      if (!job.job_id.empty()) claimed.push_back(job.job_id);
    }
    const int64_t created = mine->snap.created_at_ms;
    const int64_t window_start = created - 2 * 60 * 1000;  // allows for clock skew between us and the service
    const int64_t window_end = created + 30 * 60 * 1000;
    int64_t oldest = INT64_MAX;
    for (const JobInfo& info : *listed) {
      if (info.created_at_ms) oldest = std::min(oldest, info.created_at_ms);
      const bool same_request = info.prompt == mine->snap.params.prompt &&
                                (info.model_id.empty() || info.model_id == mine->snap.params.model_id);
      const bool in_window = info.created_at_ms == 0 ||
                             (info.created_at_ms >= window_start && info.created_at_ms <= window_end);
      if (!same_request || !in_window || info.job_id.empty() ||
          std::find(claimed.begin(), claimed.end(), info.job_id) != claimed.end()) {
        continue;
      }
      update(local_id, [&](JobRecord& rec) {  // found it: it did start, so follow it like any other job
        rec.snap.job_id = info.job_id;
        rec.snap.server_status = info.status;
        rec.snap.state = JobState::kSubmitted;
        rec.reconciling = false;
        rec.snap.error.reset();
        rec.snap.finished_at_ms = 0;
      }, GeneratorEvent::Kind::kJobChanged, -1, true);
      ++reconciled_;
      schedulePoll(local_id, 0.0);
      return;
    }
    const bool older_pages_matter = oldest == INT64_MAX || oldest >= window_start;
    if (!next.empty() && next != page_token && page < 10 && older_pages_matter) {
      reconcile(local_id, next, page + 1);
      return;
    }
    set_message("the request was sent but its answer was lost, and it is not among your recent Scenario jobs, so it "
                "most likely did not start." + unresolved);
  });
}

void GeneratorImpl::schedulePoll(const std::string& local_id, double delay_s) {
  transport_->post([this, local_id] { poll(local_id); }, delay_s);
}

void GeneratorImpl::poll(const std::string& local_id) {
  auto r = record(local_id);
  if (!r || !isJobActive(r->snap.state) || r->snap.job_id.empty()) return;
  Pacing& pacing = pacing_[local_id];
  if (pacing.started_ms == 0) {
    pacing.started_ms = nowMs();
    pacing.poll_delay_s = options_.poll_initial_s;
  }
  if (nowMs() - pacing.started_ms > static_cast<int64_t>(options_.job_deadline_s * 1000)) {
    update(local_id, [&](JobRecord& rec) {
      rec.snap.state = JobState::kFailed;
      rec.snap.finished_at_ms = nowMs();
      rec.snap.error = makeError(ErrorCode::kTimeout,
                                 "the job was still running after " +
                                     std::to_string(static_cast<int>(options_.job_deadline_s / 60)) +
                                     " minutes, so texforge stopped waiting. Run `texforge resume` to check it "
                                     "again later; the result is not lost.");
    }, GeneratorEvent::Kind::kJobFinished);
    drainSubmitQueue();
    return;
  }
  getWithRetry(transport_->apiUrl("/jobs/" + r->snap.job_id), [this, local_id](HttpResponse response) {
    auto info = parseJobAnswer(response);
    Pacing& pace = pacing_[local_id];
    if (!info) {
      if (isRetryable(response)) {  // still unreachable after retries: keep trying until the deadline
        schedulePoll(local_id, options_.poll_max_s);
        return;
      }
      update(local_id, [&](JobRecord& rec) {
        rec.snap.state = JobState::kFailed;
        rec.snap.finished_at_ms = nowMs();
        rec.snap.error = info.error();
      }, GeneratorEvent::Kind::kJobFinished);
      drainSubmitQueue();
      return;
    }
    switch (info->phase) {
      case JobPhase::kRunning: {
        update(local_id, [&](JobRecord& rec) {
          rec.snap.state = JobState::kRunning;
          rec.snap.server_status = info->status;
          rec.snap.progress = std::max(rec.snap.progress, info->progress);
        });
        failpoint("poll.running");
        double delay = pace.poll_delay_s;
        pace.poll_delay_s = std::min(options_.poll_max_s, pace.poll_delay_s * options_.poll_backoff);
        const double hinted = retryAfterSeconds(response);
        if (hinted > delay) delay = std::min(hinted, options_.max_retry_wait_s);
        schedulePoll(local_id, delay);
        return;
      }
      case JobPhase::kSuccess: {
        if (info->asset_ids.empty()) {
          update(local_id, [&](JobRecord& rec) {
            rec.snap.state = JobState::kFailed;
            rec.snap.finished_at_ms = nowMs();
            rec.snap.error = makeError(ErrorCode::kProtocol, "the job succeeded but listed no images");
          }, GeneratorEvent::Kind::kJobFinished);
          drainSubmitQueue();
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
        pacing_.erase(local_id);
        for (size_t i = 0; i < info->asset_ids.size(); ++i) startOutput(local_id, static_cast<int>(i));
        drainSubmitQueue();
        return;
      }
      case JobPhase::kFailure:
      case JobPhase::kCanceled: {
        const bool canceled = info->phase == JobPhase::kCanceled;
        const std::string why = info->error.empty() ? "no reason given" : info->error;
        update(local_id, [&](JobRecord& rec) {
          rec.snap.state = JobState::kFailed;
          rec.snap.server_status = info->status;
          rec.snap.finished_at_ms = nowMs();
          rec.snap.error = canceled
              ? makeError(ErrorCode::kJobCanceled, "the job was canceled on the service: " + why)
              : makeError(ErrorCode::kJobFailed, "the service could not generate this image: " + why +
                                                     ". Change the prompt or the settings and try again.");
        }, GeneratorEvent::Kind::kJobFinished);
        pacing_.erase(local_id);
        drainSubmitQueue();
        return;
      }
    }
  });
}

void GeneratorImpl::startOutput(const std::string& local_id, int index) {
  update(local_id, [&](JobRecord& rec) {
    if (rec.snap.state == JobState::kReady) rec.snap.state = JobState::kDownloading;
    rec.snap.outputs[index].state = OutputState::kDownloading;
    rec.snap.outputs[index].error.reset();
  });
  lookupAsset(local_id, index, 0, 0);
}

void GeneratorImpl::lookupAsset(const std::string& local_id, int index, int attempt, int refreshes) {
  auto r = record(local_id);
  if (!r || index >= static_cast<int>(r->snap.outputs.size())) return;
  const std::string asset_id = r->snap.outputs[index].asset_id;
  getWithRetry(transport_->apiUrl("/assets/" + asset_id), [=](HttpResponse response) {
    auto asset = parseAssetAnswer(response);
    if (!asset) {
      Error e = asset.error();
      e.message = "could not look up image " + std::to_string(index + 1) + ": " + e.message +
                  " Run `texforge resume` to try again.";
      failOutput(local_id, index, std::move(e));
      return;
    }
    if (asset->url.empty()) {
      failOutput(local_id, index, makeError(ErrorCode::kProtocol, "the service gave no download URL for image " +
                                                                      std::to_string(index + 1)));
      return;
    }
    download(local_id, index, asset->url, attempt, refreshes);
  }, attempt);
}

void GeneratorImpl::download(const std::string& local_id, int index, const std::string& url, int attempt,
                             int refreshes) {
  auto r = record(local_id);
  if (!r || (r->snap.state != JobState::kDownloading && r->snap.state != JobState::kReady)) return;
  HttpRequest request;
  request.url = url;
  request.authorize = false;  // the signed URL is its own credential; the CDN gets no key
  request.same_host_redirects = true;
  request.max_response_bytes = options_.decode_limits.max_bytes;
  transport_->send(std::move(request), [=](HttpResponse response) {
    const bool is_image = sniffImageFormat(reinterpret_cast<const uint8_t*>(response.body.data()),
                                           response.body.size()) != ImageFormat::kUnknown;
    if (isSuccessStatus(response.status) && is_image) {
      failpoint("download.received");
      storeAndDecode(local_id, index, std::move(response.body));
      return;
    }
    const int s = response.status;
    if ((s == 403 || s == 404 || s == 410) && refreshes < kMaxUrlRefreshes) {
      ++url_refreshes_;
      lookupAsset(local_id, index, 0, refreshes + 1);  // expired or refused: get a fresh signed URL
      return;
    }
    if (((s == 0 && !response.tls_refused) || s == 408 || s == 429 || s >= 500 || isSuccessStatus(s)) &&
        attempt + 1 < options_.max_attempts) {
      ++retries_;
      transport_->post([=] { download(local_id, index, url, attempt + 1, refreshes); },
                       backoffDelay(attempt, response));
      return;
    }
    Error e = s == 0 ? makeError(ErrorCode::kNetwork, response.body)
                     : errorFromResponse(response);
    e.message = "downloading image " + std::to_string(index + 1) + " failed after " + std::to_string(attempt + 1) +
                " attempts: " + e.message + " The result is kept on the service; run `texforge resume` to try again.";
    failOutput(local_id, index, std::move(e));
  });
}

void GeneratorImpl::storeAndDecode(const std::string& local_id, int index, std::string bytes) {
  ++pending_work_;
  decoders_->post([this, local_id, index, bytes = std::move(bytes)] {
    struct Done {
      std::atomic<int>& counter;
      ~Done() { --counter; }
    } done{pending_work_};
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    const ImageFormat format = sniffImageFormat(data, bytes.size());
    const std::string path = (std::filesystem::path(cacheDir()) /
                              (local_id + "-" + std::to_string(index) + imageFormatExtension(format))).string();
    // The original is on disk before anything else happens, so no later failure can lose it.
    if (Status stored = writeFileAtomic(path, bytes.data(), bytes.size(), false); !stored) {
      Error e = stored.error();
      e.message = "could not keep image " + std::to_string(index + 1) + ": " + e.message +
                  " Run `texforge resume` after freeing space.";
      failOutput(local_id, index, std::move(e));
      return;
    }
    update(local_id, [&](JobRecord& rec) {
      rec.snap.outputs[index].cache_path = path;
      rec.snap.outputs[index].format = format;
    }, GeneratorEvent::Kind::kJobChanged, index, true);
    failpoint("download.cached");
    auto decoded = decodeImage(data, bytes.size(), options_.decode_limits);
    if (!decoded) {
      Error e = decoded.error();
      e.message = "image " + std::to_string(index + 1) + " could not be decoded: " + e.message;
      failOutput(local_id, index, std::move(e));
      return;
    }
    auto image = std::make_shared<const DecodedImage>(std::move(*decoded));
    update(local_id, [&](JobRecord& rec) {
      OutputSnapshot& o = rec.snap.outputs[index];
      o.state = OutputState::kReady;
      o.width = image->width;
      o.height = image->height;
      o.image = image;
      o.error.reset();
      if (options_.auto_import) to_import_.emplace_back(local_id, index);
    }, GeneratorEvent::Kind::kOutputReady, index, true);
    finishJobIfDone(local_id);
  });
}

void GeneratorImpl::decodeCached(const std::string& local_id, int index) {
  auto r = record(local_id);
  if (!r) return;
  const std::string path = r->snap.outputs[index].cache_path;
  ++pending_work_;
  decoders_->post([this, local_id, index, path] {
    struct Done {
      std::atomic<int>& counter;
      ~Done() { --counter; }
    } done{pending_work_};
    auto bytes = readFile(path, options_.decode_limits.max_bytes);
    if (!bytes) {
      failOutput(local_id, index, bytes.error());
      return;
    }
    storeAndDecode(local_id, index, std::move(*bytes));
  });
}

void GeneratorImpl::failOutput(const std::string& local_id, int index, Error error) {
  update(local_id, [&](JobRecord& rec) {
    if (index >= static_cast<int>(rec.snap.outputs.size())) return;
    rec.snap.outputs[index].state = OutputState::kFailed;
    rec.snap.outputs[index].error = std::move(error);
  }, GeneratorEvent::Kind::kOutputFailed, index);
  finishJobIfDone(local_id);
}

void GeneratorImpl::finishJobIfDone(const std::string& local_id) {
  auto r = record(local_id);
  if (!r || (r->snap.state != JobState::kDownloading && r->snap.state != JobState::kReady)) return;
  const auto& outs = r->snap.outputs;
  const bool settled = std::all_of(outs.begin(), outs.end(), [](const OutputSnapshot& o) {
    return o.state == OutputState::kReady || o.state == OutputState::kImported || o.state == OutputState::kFailed;
  });
  if (!settled || r->snap.state == JobState::kReady) return;
  update(local_id, [](JobRecord& rec) {
    if (rec.snap.state != JobState::kDownloading) return;
    const auto& o = rec.snap.outputs;
    const bool any_ok = std::any_of(o.begin(), o.end(), [](auto& x) {
      return x.state == OutputState::kReady || x.state == OutputState::kImported;
    });
    const bool all_imported = std::all_of(o.begin(), o.end(), [](auto& x) { return x.state == OutputState::kImported; });
    rec.snap.finished_at_ms = nowMs();
    if (!any_ok) {
      rec.snap.state = JobState::kFailed;
      for (const auto& x : o) {
        if (x.error) { rec.snap.error = x.error; break; }
      }
    } else {
      rec.snap.state = all_imported ? JobState::kImported : JobState::kReady;
    }
  }, GeneratorEvent::Kind::kJobFinished);
}

}  // namespace texforge
