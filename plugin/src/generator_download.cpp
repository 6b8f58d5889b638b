// A finished job's images: GET /assets/{id} for a signed URL, the download (no credentials, a
// fresh URL when the CDN refuses an expired one), the original kept in the project's cache before
// anything else, then decoding on a worker. Cached originals are decoded where they lie.
#include <algorithm>
#include <filesystem>

#include "failpoint.h"
#include "generator_impl.h"
#include "output_finish.h"

namespace texforge {
namespace {

constexpr int kMaxUrlRefreshes = 3;

std::string imageName(int index) {
  return "image " + std::to_string(index + 1);
}

}  // namespace

void GeneratorImpl::startOutput(const std::string& local_id, int index) {
  update(local_id, [&](JobRecord& rec) {
    assert(index < static_cast<int>(rec.snap.outputs.size()));
    if (rec.snap.state == JobState::kReady) rec.snap.state = JobState::kDownloading;
    rec.snap.outputs[index].state = OutputState::kDownloading;
    rec.snap.outputs[index].error.reset();
  });
  lookupAsset(local_id, index, 0);
}

void GeneratorImpl::lookupAsset(const std::string& local_id, int index, int refreshes) {
  auto r = record(local_id);
  if (!r || index >= static_cast<int>(r->snap.outputs.size())) return;
  HttpRequest request;
  request.url = transport_->apiUrl("/assets/" + urlPathSegment(r->snap.outputs[index].asset_id));
  sendWithRetry(std::move(request), retryPolicy(), [=](HttpResponse response, int) {
    auto asset = parseAssetAnswer(response);
    if (!asset) {
      Error e = asset.error();
      e.message = "could not look up " + imageName(index) + ": " + e.message;
      failOutput(local_id, index, std::move(e));
      return;
    }
    if (asset->url.empty()) {
      failOutput(local_id, index,
                 makeError(ErrorCode::kProtocol, "the service gave no download URL for " + imageName(index)));
      return;
    }
    download(local_id, index, asset->url, refreshes);
  });
}

void GeneratorImpl::download(const std::string& local_id, int index, const std::string& url, int refreshes) {
  auto r = record(local_id);
  if (!r || (r->snap.state != JobState::kDownloading && r->snap.state != JobState::kReady)) return;
  HttpRequest request;
  request.url = url;
  request.authorize = false;  // the signed URL is its own credential; the CDN gets no key
  request.same_host_redirects = true;
  request.max_response_bytes = options_.decode_limits.max_bytes;
  sendWithRetry(
      std::move(request), retryPolicy(RetryPolicy::Body::kImage), [=](HttpResponse response, int attempts) {
        const int s = response.status;
        if (isSuccessStatus(s) && !isRetryable(response, RetryPolicy::Body::kImage)) {
          logJob(LogLevel::kInfo, local_id,
                 imageName(index) + " downloaded (" + std::to_string(response.body.size()) + " bytes" +
                     (attempts > 1 ? ", " + std::to_string(attempts) + " attempts" : std::string()) + ")");
          failpoint("download.received");
          storeAndDecode(local_id, index, std::move(response.body));
          return;
        }
        if ((s == 403 || s == 404 || s == 410) && refreshes < kMaxUrlRefreshes) {
          logJob(LogLevel::kWarning, local_id,
                 "the CDN refused " + imageName(index) + "'s signed URL with HTTP " + std::to_string(s) +
                     " (expired?); asking the service for a fresh one");
          ++url_refreshes_;
          lookupAsset(local_id, index, refreshes + 1);  // expired or refused: get a fresh signed URL
          return;
        }
        Error e = errorFromResponse(response);
        e.message = "downloading " + imageName(index) + " failed after " + std::to_string(attempts) +
                    " attempts: " + e.message +
                    " The result is kept on the service and can be downloaded again.";
        failOutput(local_id, index, std::move(e));
      });
}

void GeneratorImpl::storeAndDecode(const std::string& local_id, int index, std::string bytes) {
  ++pending_work_;
  decoders_->post([this, local_id, index, bytes = std::move(bytes)] {
    WorkDone done{pending_work_};
    const ImageFormat format = sniffImageFormat(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    const std::string path = (std::filesystem::path(cacheDir()) /
                              (local_id + "-" + std::to_string(index) + imageFormatExtension(format)))
                                 .string();
    // The original is on disk before anything else happens, so no later failure can lose it.
    if (Status stored = writeFileAtomic(path, bytes.data(), bytes.size(), false); !stored) {
      Error e = stored.error();
      e.message = "could not keep " + imageName(index) + ": " + e.message + " Free some space and resume.";
      failOutput(local_id, index, std::move(e));
      return;
    }
    update(local_id, Change::always(GeneratorEvent::Kind::kJobChanged, index), [&](JobRecord& rec) {
      rec.snap.outputs[index].cache_path = path;
      rec.snap.outputs[index].format = format;
    });
    logJob(LogLevel::kDebug, local_id, imageName(index) + " kept in the cache as " + path);
    failpoint("download.cached");
    decode(local_id, index, bytes);
  });
}

void GeneratorImpl::decodeCached(const std::string& local_id, int index) {
  auto r = record(local_id);
  if (!r || index >= static_cast<int>(r->snap.outputs.size())) return;
  const std::string path = r->snap.outputs[index].cache_path;
  ++pending_work_;
  decoders_->post([this, local_id, index, path] {
    WorkDone done{pending_work_};
    auto bytes = readFile(path, options_.decode_limits.max_bytes);
    if (!bytes) {
      failOutput(local_id, index, bytes.error());
      return;
    }
    decode(local_id, index, *bytes);  // already in the cache: not written again
  });
}

void GeneratorImpl::decode(const std::string& local_id, int index, const std::string& bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  auto r = record(local_id);
  if (!r) return;
  // A host that shows no pixels (decode_outputs off) gets the bytes checked, not decoded, unless
  // finishing needs the pixels; then they are decoded once and dropped.
  const bool pixels_needed = options_.decode_outputs || needsFinishing(r->snap.params);
  std::optional<FinishStep> finish = FinishStep{r->snap.outputs[index].finish, {}};
  std::shared_ptr<const DecodedImage> image;
  int width = 0, height = 0;
  if (pixels_needed) {
    auto decoded = decodeImage(data, bytes.size(), options_.decode_limits);
    if (!decoded) {
      Error e = decoded.error();
      e.message = imageName(index) + " could not be decoded: " + e.message;
      failOutput(local_id, index, std::move(e));
      return;
    }
    finish = finishPixels(local_id, index, *decoded);
    if (!finish) return;  // failed, said by finishPixels
    width = decoded->width, height = decoded->height;
    if (options_.decode_outputs) image = std::make_shared<const DecodedImage>(std::move(*decoded));
  } else {
    auto checked = checkImageIntegrity(data, bytes.size(), options_.decode_limits);
    if (!checked) {
      Error e = checked.error();
      e.message = imageName(index) + " is damaged: " + e.message;
      failOutput(local_id, index, std::move(e));
      return;
    }
    width = checked->width, height = checked->height;
  }
  update(local_id, Change::always(GeneratorEvent::Kind::kOutputReady, index), [&](JobRecord& rec) {
    OutputSnapshot& o = rec.snap.outputs[index];
    o.state = OutputState::kReady;
    o.width = width;
    o.height = height;
    o.image = image;
    o.error.reset();
    o.finish = finish->finish;
    if (!finish->finished_path.empty()) {  // every later step reads the finished PNG
      o.finish.original_path = o.cache_path;
      o.cache_path = finish->finished_path;
      o.format = ImageFormat::kPng;
    }
  });
  logJob(LogLevel::kDebug, local_id,
         imageName(index) + (pixels_needed ? " decoded (" : " checked (") + std::to_string(width) + "x" +
             std::to_string(height) + ")");
  finishJobIfDone(local_id);
  if (!options_.auto_import) return;
  // Straight to the import thread; only the outcome passes through the host's pump().
  importOutputAsync(local_id, index, [this, local_id, index](Result<ImportedAsset> imported) {
    if (imported) return;
    update(local_id, Change::always(GeneratorEvent::Kind::kOutputFailed, index), [&](JobRecord& r) {
      if (index < static_cast<int>(r.snap.outputs.size())) r.snap.outputs[index].error = imported.error();
    });
  });
}

std::optional<GeneratorImpl::FinishStep> GeneratorImpl::finishPixels(const std::string& local_id, int index,
                                                                     DecodedImage& image) {
  auto r = record(local_id);
  if (!r || index >= static_cast<int>(r->snap.outputs.size())) return std::nullopt;
  const OutputSnapshot& o = r->snap.outputs[index];
  // A cached output decoded again (a later session) was finished when it arrived.
  if (isFinished(o.finish) || !needsFinishing(r->snap.params)) return FinishStep{o.finish, {}};
  FinishedOutput done = finishOutput(std::move(image), r->snap.params, repairedSeamScore(r->snap.params));
  image = std::move(done.image);
  if (done.changed) {
    // The service's bytes stay in the cache; the finished pixels go beside them as a PNG, the file
    // every later step (preview, import) reads.
    auto png = encodePng(image);
    const std::string path =
        (std::filesystem::path(cacheDir()) / (local_id + "-" + std::to_string(index) + "-finished.png"))
            .string();
    Status stored = png ? writeFileAtomic(path, png->data(), png->size(), false) : Status(png.error());
    if (!stored) {
      Error e = stored.error();
      e.message = "could not keep the finished " + imageName(index) + ": " + e.message +
                  " Free some space and resume.";
      failOutput(local_id, index, std::move(e));
      return std::nullopt;
    }
    logJob(LogLevel::kDebug, local_id, imageName(index) + " finished: " + finishToJson(done.finish));
    return FinishStep{done.finish, path};
  }
  logJob(LogLevel::kDebug, local_id, imageName(index) + " finished: " + finishToJson(done.finish));
  return FinishStep{done.finish, {}};
}

// The seam score of the output a repair repairs: measured when it arrived, or now from its file.
double GeneratorImpl::repairedSeamScore(const GenerationParams& params) const {
  if (params.repair_of.empty()) return -1;
  const size_t colon = params.repair_of.rfind(':');
  if (colon == std::string::npos) return -1;
  const std::string source = params.repair_of.substr(0, colon);
  const int source_index = std::atoi(params.repair_of.c_str() + colon + 1);
  if (auto src = record(source); src && source_index >= 0 && source_index < int(src->snap.outputs.size())) {
    if (src->snap.outputs[source_index].finish.seam >= 0) return src->snap.outputs[source_index].finish.seam;
  }
  auto pixels = loadOutputImage(source, source_index);
  return pixels ? measureSeams(*pixels).score : -1;
}

void GeneratorImpl::failOutput(const std::string& local_id, int index, Error error) {
  if (options_.log) {
    logJob(LogLevel::kError, local_id,
           imageName(index) + " failed (" + errorCodeName(error.code) + "): " + error.message);
  }
  update(local_id, Change{GeneratorEvent::Kind::kOutputFailed, index}, [&](JobRecord& rec) {
    if (index >= static_cast<int>(rec.snap.outputs.size())) return;
    rec.snap.outputs[index].state = OutputState::kFailed;
    rec.snap.outputs[index].error = std::move(error);
  });
  finishJobIfDone(local_id);
}

void GeneratorImpl::finishJobIfDone(const std::string& local_id) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kDownloading) return;
  const auto& outs = r->snap.outputs;
  const bool settled = std::all_of(outs.begin(), outs.end(), [](const OutputSnapshot& o) {
    return o.state == OutputState::kReady || o.state == OutputState::kImported ||
           o.state == OutputState::kFailed;
  });
  if (!settled) return;
  // The job is seen to end before its last line is logged: idle() waits for that line too, so a host
  // that waits for idle() reads a complete log.
  ++pending_work_;
  WorkDone done{pending_work_};
  JobState finished = JobState::kDownloading;
  update(local_id, Change::finished(), [&finished](JobRecord& rec) {
    if (rec.snap.state != JobState::kDownloading) return;
    const auto& o = rec.snap.outputs;
    const bool any_ok = std::any_of(o.begin(), o.end(), [](auto& x) {
      return x.state == OutputState::kReady || x.state == OutputState::kImported;
    });
    const bool all_imported =
        std::all_of(o.begin(), o.end(), [](auto& x) { return x.state == OutputState::kImported; });
    rec.snap.finished_at_ms = nowMs();
    if (!any_ok) {
      rec.snap.state = JobState::kFailed;
      auto failed = std::find_if(o.begin(), o.end(), [](auto& x) { return x.error.has_value(); });
      if (failed != o.end()) rec.snap.error = failed->error;
    } else {
      rec.snap.state = all_imported ? JobState::kImported : JobState::kReady;
    }
    finished = rec.snap.state;
  });
  if (finished != JobState::kDownloading && options_.log) {
    const int ok = static_cast<int>(std::count_if(
        outs.begin(), outs.end(), [](const OutputSnapshot& o) { return o.state != OutputState::kFailed; }));
    logJob(finished == JobState::kFailed ? LogLevel::kError : LogLevel::kInfo, local_id,
           std::string(jobStateName(finished)) + ": " + std::to_string(ok) + " of " +
               std::to_string(outs.size()) + " image" + (outs.size() == 1 ? "" : "s"));
  }
}

}  // namespace texforge
