// Local references and masks become assets on the I/O thread: up to kMaxUploadBytes inline (POST
// /assets, base64 JSON), larger ones through the multipart upload (POST /uploads, a PUT per part to
// its signed URL, "complete", then GET /uploads/{id} until imported). Uploads cost nothing, so each
// step is retried on its own: a part that fails is sent again, never the whole file.
#include <algorithm>
#include <filesystem>

#include "generator_impl.h"

namespace texforge {
namespace {

// 8 MiB parts: above S3's 5 MiB floor for every part but the last; few enough that the largest
// file (kMaxLargeUploadBytes) takes 8 PUTs; small enough that a failed part costs 8 MiB to send
// again and an attempt holds one part's copy in memory, not the file's.
constexpr size_t kPartBytes = size_t{8} << 20;
// After "complete" the service checks the file: asked again soon (a small file is ready at once),
// then at most every 2 s, for 3 minutes in all.
constexpr double kImportPollFirstS = 0.25;
constexpr double kImportPollMaxS = 2.0;
constexpr double kImportDeadlineS = 180.0;

std::string fileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

// One upload in flight, shared by the callbacks of its steps.
struct GeneratorImpl::PendingUpload {
  std::string path;
  std::string what;        // "reference image", "mask", "image": names it in messages
  std::string label;       // "reference image 1": names it in the job's server_status
  std::string local_id;    // the job it is for; empty for a cost preview
  uint64_t epoch = 0;      // the job's when the upload began
  std::string log_prefix;  // "tf_...: " or "cost preview: "
  std::string key;         // uploaded_'s key: "size:hash" of the bytes
  std::string bytes;
  std::string mime;
  std::string upload_id;
  std::vector<UploadPart> parts;
  int64_t import_started_ms = 0;
  double poll_delay_s = kImportPollFirstS;
  bool large = false;  // in parts: its progress shows in the job's server_status
  std::function<void(Result<std::string>)> done;

  std::string name() const { return fileName(path); }
  std::string partText(size_t index) const {
    return "part " + std::to_string(index + 1) + " of " + std::to_string(parts.size());
  }
};

void GeneratorImpl::uploadFile(const std::string& path, const std::string& what, const std::string& label,
                               const std::string& local_id, std::function<void(Result<std::string>)> done) {
  auto bytes = readFile(path, kMaxLargeUploadBytes);
  if (!bytes) {
    done(bytes.error());
    return;
  }
  auto up = std::make_shared<PendingUpload>();
  up->path = path;
  up->what = what;
  up->label = label;
  up->local_id = local_id;
  up->log_prefix = local_id.empty() ? std::string("cost preview: ") : local_id + ": ";
  up->done = std::move(done);
  // The same bytes are uploaded once per engine: a cost preview's uploads serve the submission.
  up->key = std::to_string(bytes->size()) + ":" + std::to_string(std::hash<std::string>{}(*bytes));
  if (auto known = uploaded_.find(up->key); known != uploaded_.end()) {
    if (options_.log)
      log(LogLevel::kDebug, up->log_prefix + "the " + what + " " + up->name() + " is " + known->second);
    up->done(known->second);
    return;
  }
  if (!local_id.empty()) {
    auto r = record(local_id);
    if (!r) return;
    up->epoch = r->epoch;
  }
  const auto* data = reinterpret_cast<const uint8_t*>(bytes->data());
  up->mime = imageFormatMime(sniffImageFormat(data, bytes->size()));
  up->bytes = std::move(*bytes);
  if (up->bytes.size() <= kMaxUploadBytes)
    uploadInline(std::move(up));
  else
    startLargeUpload(std::move(up));
}

void GeneratorImpl::uploadInline(std::shared_ptr<PendingUpload> up) {
  HttpRequest request;
  request.method = "POST";
  request.url = transport_->apiUrl("/assets");
  request.body = buildUploadBody(up->name(), up->mime, up->bytes);
  if (options_.log) {
    log(LogLevel::kDebug, up->log_prefix + "uploading the " + up->what + " " + up->name() + " (" +
                              std::to_string(up->bytes.size()) + " bytes)");
  }
  sendWithRetry(std::move(request), retryPolicy(), [this, up](HttpResponse response, int) {
    auto asset = parseAssetAnswer(response);
    if (!asset) {
      Error e = asset.error();
      e.message = "uploading the " + up->what + " " + up->name() + " failed: " + e.message;
      failUpload(*up, std::move(e));
      return;
    }
    finishUpload(*up, asset->id);
  });
}

void GeneratorImpl::startLargeUpload(std::shared_ptr<PendingUpload> up) {
  const int parts = static_cast<int>((up->bytes.size() + kPartBytes - 1) / kPartBytes);
  up->large = true;
  HttpRequest request;
  request.method = "POST";
  request.url = transport_->apiUrl("/uploads");
  request.body = buildMultipartUploadBody(up->name(), up->mime, up->bytes.size(), parts);
  if (options_.log) {
    log(LogLevel::kDebug, up->log_prefix + "uploading the " + up->what + " " + up->name() + " (" +
                              std::to_string(up->bytes.size()) + " bytes) in " + std::to_string(parts) +
                              " part" + (parts == 1 ? "" : "s"));
  }
  showUploadProgress(*up, "uploading " + up->label);
  // A retry after a lost answer may open a second upload; the first is left unfinished and costs nothing.
  sendWithRetry(std::move(request), retryPolicy(), [this, up, parts](HttpResponse response, int) {
    if (uploadAbandoned(*up)) return;
    auto ticket = parseUploadAnswer(response, parts);
    if (!ticket) {
      Error e = ticket.error();
      e.message = "could not start the upload of the " + up->what + " " + up->name() + ": " + e.message;
      failUpload(*up, std::move(e));
      return;
    }
    up->upload_id = ticket->id;
    up->parts = std::move(ticket->parts);
    sendUploadPart(up, 0);
  });
}

void GeneratorImpl::sendUploadPart(std::shared_ptr<PendingUpload> up, size_t index) {
  if (index == up->parts.size()) {
    completeLargeUpload(std::move(up));
    return;
  }
  const UploadPart& part = up->parts[index];
  HttpRequest request;
  request.method = "PUT";
  request.url = part.url;
  request.body = up->bytes.substr(static_cast<size_t>(part.number - 1) * kPartBytes, kPartBytes);
  request.content_type = "application/octet-stream";
  request.authorize = false;  // the signed URL is its own credential, and may be another host's
  request.same_host_redirects = true;
  showUploadProgress(*up, "uploading " + up->label + ": " + up->partText(index));
  if (options_.log) {
    log(LogLevel::kDebug, up->log_prefix + "uploading the " + up->what + " " + up->name() + ": " +
                              up->partText(index) + " (" + std::to_string(request.body.size()) + " bytes)");
  }
  // Any 2xx stores the part (its body is empty or the storage's own); only this part is retried.
  sendWithRetry(std::move(request), retryPolicy(RetryPolicy::Body::kAny),
                [this, up, index](HttpResponse response, int attempts) {
                  if (uploadAbandoned(*up)) return;
                  if (!isSuccessStatus(response.status)) {
                    Error e = errorFromResponse(response);
                    e.message = "uploading " + up->partText(index) + " of the " + up->what + " " +
                                up->name() + " failed after " + std::to_string(attempts) + " attempt" +
                                (attempts == 1 ? "" : "s") + ": " + e.message;
                    failUpload(*up, std::move(e));
                    return;
                  }
                  if (options_.log) {
                    log(LogLevel::kDebug,
                        up->log_prefix + "the " + up->what + "'s " + up->partText(index) + " is uploaded" +
                            (attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : std::string()));
                  }
                  sendUploadPart(up, index + 1);
                });
}

void GeneratorImpl::completeLargeUpload(std::shared_ptr<PendingUpload> up) {
  HttpRequest request;
  request.method = "POST";
  request.url = transport_->apiUrl("/uploads/" + urlPathSegment(up->upload_id) + "/action");
  request.body = buildUploadCompleteBody();
  showUploadProgress(*up, "uploading " + up->label + ": the service checks it");
  sendWithRetry(std::move(request), retryPolicy(), [this, up](HttpResponse response, int) {
    if (uploadAbandoned(*up)) return;
    if (!isSuccessStatus(response.status)) {
      Error e = errorFromResponse(response);
      e.message =
          "the service did not accept the upload of the " + up->what + " " + up->name() + ": " + e.message;
      failUpload(*up, std::move(e));
      return;
    }
    up->import_started_ms = nowMs();
    pollLargeUpload(up);
  });
}

void GeneratorImpl::pollLargeUpload(std::shared_ptr<PendingUpload> up) {
  if (uploadAbandoned(*up)) return;
  HttpRequest request;
  request.url = transport_->apiUrl("/uploads/" + urlPathSegment(up->upload_id));
  sendWithRetry(std::move(request), retryPolicy(), [this, up](HttpResponse response, int) {
    if (uploadAbandoned(*up)) return;
    auto status = parseUploadStatus(response);
    if (!status) {
      Error e = status.error();
      e.message = "could not follow the upload of the " + up->what + " " + up->name() + ": " + e.message;
      failUpload(*up, std::move(e));
      return;
    }
    switch (status->phase) {
      case UploadPhase::kImported: finishUpload(*up, status->entity_id); return;
      case UploadPhase::kFailed: {
        const std::string why = status->error_message.empty() ? "no reason given" : status->error_message;
        failUpload(*up, makeError(ErrorCode::kInvalidArgument,
                                  "the service could not use the " + up->what + " " + up->path + ": " + why +
                                      ". Check that it is a valid PNG, JPEG or WebP image (export it again), "
                                      "then try again."));
        return;
      }
      case UploadPhase::kWaiting: break;
    }
    if (nowMs() - up->import_started_ms > static_cast<int64_t>(kImportDeadlineS * 1000)) {
      failUpload(*up, makeError(ErrorCode::kTimeout,
                                "the service was still checking the uploaded " + up->what + " " + up->name() +
                                    " after " + std::to_string(static_cast<int>(kImportDeadlineS)) +
                                    " s (status " + status->status + "); try again later"));
      return;
    }
    const double delay = up->poll_delay_s;
    up->poll_delay_s = std::min(kImportPollMaxS, delay * 2);
    if (options_.log) {
      log(LogLevel::kDebug, up->log_prefix + "the " + up->what + "'s upload is " + status->status +
                                "; asking again in " + shortNumber(delay) + " s");
    }
    transport_->post([this, up] { pollLargeUpload(up); }, delay);
  });
}

void GeneratorImpl::finishUpload(PendingUpload& up, const std::string& asset_id) {
  uploaded_[up.key] = asset_id;
  if (up.large) showUploadProgress(up, "");
  if (options_.log) {
    log(LogLevel::kInfo, up.log_prefix + "uploaded the " + up.what + " as " + asset_id +
                             (up.large ? " (" + up.name() + ", " + std::to_string(up.bytes.size()) +
                                             " bytes in " + std::to_string(up.parts.size()) + " parts)"
                                       : std::string()));
  }
  up.done(asset_id);
}

void GeneratorImpl::failUpload(PendingUpload& up, Error error) {
  if (up.large) showUploadProgress(up, "");
  up.done(std::move(error));
}

bool GeneratorImpl::uploadAbandoned(const PendingUpload& up) const {
  if (up.local_id.empty()) return false;  // a cost preview's upload always answers its caller
  auto r = record(up.local_id);
  const bool gone =
      !r || r->epoch != up.epoch || r->snap.state != JobState::kSubmitting || r->lease.owner_id != owner_.id;
  if (gone && options_.log)
    log(LogLevel::kDebug,
        up.log_prefix + "the upload of the " + up.what + " stops: the job no longer waits for it");
  return gone;
}

void GeneratorImpl::showUploadProgress(const PendingUpload& up, const std::string& status) {
  if (up.local_id.empty()) return;
  update(up.local_id, [&](JobRecord& rec) { rec.snap.server_status = status; });
}

void GeneratorImpl::uploadAll(std::vector<ImageInput> inputs, std::vector<std::string> ids,
                              std::function<void(Result<std::vector<std::string>>)> done) {
  if (ids.size() == inputs.size()) {
    done(std::move(ids));
    return;
  }
  const ImageInput input = inputs[ids.size()];
  if (input.isAsset()) {
    ids.push_back(input.asset_id);
    uploadAll(std::move(inputs), std::move(ids), std::move(done));
    return;
  }
  uploadFile(input.local_path, "image", "image " + std::to_string(ids.size() + 1), "",
             [this, inputs = std::move(inputs), ids = std::move(ids),
              done = std::move(done)](Result<std::string> asset_id) mutable {
               if (!asset_id) {
                 done(asset_id.error());
                 return;
               }
               ids.push_back(*asset_id);
               uploadAll(std::move(inputs), std::move(ids), std::move(done));
             });
}

}  // namespace texforge
