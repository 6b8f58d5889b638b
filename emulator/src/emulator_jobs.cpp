// A job's life in the emulator: its status derived from elapsed time, and its images rendered once,
// when it first reaches the end (outside the lock, so other requests are not held up by encoding).
#include <algorithm>

#include "emulator_images.h"
#include "emulator_impl.h"

namespace texforge::emulator {

using nlohmann::json;

namespace {

// Where each running status begins, as a fraction of the job's duration; it ends at 1.
constexpr double kWarmingUpFrom = 0.15;
constexpr double kInProgressFrom = 0.30;
constexpr double kFinalizingFrom = 0.85;

// The fraction at which a status begins; -1 for a name that is not one of the emulator's.
double statusBegins(const std::string& status) {
  if (status == "queued") return 0.0;
  if (status == "warming-up") return kWarmingUpFrom;
  if (status == "in-progress") return kInProgressFrom;
  if (status == "finalizing") return kFinalizingFrom;
  if (status == "success" || status == "failure") return 1.0;
  return -1.0;
}

// The emulator's options that change pictures, read when the job renders.
struct RenderModes {
  bool visible_seams = false;
  bool ignore_transparency = false;
};

struct RenderedJob {
  std::string error;  // non-empty: the job fails with this text
  int width = 0;
  int height = 0;
  std::vector<detail::EncodedImage> images;
};

// Pure: same request and inputs, same bytes.
RenderedJob renderJob(const detail::GenerateRequest& request, std::string format,
                      const std::shared_ptr<const AssetRecord>& reference_asset,
                      const std::shared_ptr<const AssetRecord>& mask_asset, const RenderModes& modes) {
  RenderedJob out;
  detail::RgbaImage reference, mask;
  if (reference_asset && !detail::decodeImage(reference_asset->bytes, &reference)) {
    out.error = "reference image could not be decoded";
    return out;
  }
  if (mask_asset) {
    if (!detail::decodeImage(mask_asset->bytes, &mask)) {
      out.error = "mask could not be decoded";
      return out;
    }
    if (mask.width != reference.width || mask.height != reference.height) {
      out.error = "mask and reference image must have the same dimensions";
      return out;
    }
  }
  if (request.width > 0) {
    out.width = detail::snapSide(request.width);
    out.height = detail::snapSide(request.height);
  } else if (reference_asset) {
    // "auto" with a reference keeps the reference's size, so an edit lines up pixel for pixel.
    out.width = std::min(reference.width, detail::kMaxSide);
    out.height = std::min(reference.height, detail::kMaxSide);
  } else {
    out.width = out.height = detail::kAutoSide;
  }

  // A model that ignores the request paints an opaque picture, in whatever format it was going to.
  const bool transparent = request.background == "transparent" && !modes.ignore_transparency;
  // JPEG has no alpha; never hand back opaque pixels when transparency was asked for.
  if (transparent && format == "jpeg") format = "png";
  // A matte only when the picture is not transparent anyway: then the background is that colour.
  uint8_t matte_rgb[3] = {};
  const bool matte =
      request.background != "transparent" && detail::findMatteInPrompt(request.prompt, matte_rgb);

  json canonical = {{"prompt", request.prompt},   {"referenceImages", request.reference_ids},
                    {"mask", request.mask_id},    {"numOutputs", request.num_outputs},
                    {"width", out.width},         {"height", out.height},
                    {"quality", request.quality}, {"background", request.background}};
  const uint64_t seed = detail::mix64(detail::fnv1a(canonical.dump()));
  for (int i = 0; i < request.num_outputs; ++i) {
    detail::RenderSpec spec;
    spec.prompt = request.prompt;
    spec.width = out.width;
    spec.height = out.height;
    spec.transparent = transparent;
    spec.matte = matte;
    std::copy(matte_rgb, matte_rgb + 3, spec.matte_rgb);
    spec.visible_seams = modes.visible_seams;
    spec.index = i;
    spec.count = request.num_outputs;
    spec.seed = seed;
    spec.reference = reference_asset ? &reference : nullptr;
    spec.mask = mask_asset ? &mask : nullptr;
    detail::EncodedImage encoded;
    if (!detail::encodeImage(detail::renderImage(spec), format, &encoded)) {
      out.error = "internal error while encoding the image";
      return out;
    }
    out.images.push_back(std::move(encoded));
  }
  return out;
}

}  // namespace

void Emulator::Impl::finishJob(JobRecord& job, std::unique_lock<std::mutex>& lock) {
  changed.wait(lock, [&] { return job.stage != JobRecord::Stage::kRendering; });
  if (job.stage == JobRecord::Stage::kDone) return;
  if (job.forced_failure) {
    job.failed = true;
    job.error = job.failure_text;
    job.stage = JobRecord::Stage::kDone;
    return;
  }
  job.stage = JobRecord::Stage::kRendering;
  std::shared_ptr<const AssetRecord> reference, mask;
  if (!job.request.reference_ids.empty()) reference = assets.at(job.request.reference_ids.front());
  if (!job.request.mask_id.empty()) mask = assets.at(job.request.mask_id);
  const detail::GenerateRequest request = job.request;
  const std::string format = job.format;
  const RenderModes modes{options.visible_seams, options.ignore_transparency};

  lock.unlock();
  RenderedJob rendered = renderJob(request, format, reference, mask, modes);
  lock.lock();

  if (!rendered.error.empty()) {
    job.failed = true;
    job.error = rendered.error;
  }
  for (detail::EncodedImage& image : rendered.images) {
    auto asset = std::make_shared<AssetRecord>();
    asset->id = newId("asset_");
    asset->mime = image.mime;
    asset->ext = image.ext;
    asset->bytes = std::move(image.bytes);
    asset->width = rendered.width;
    asset->height = rendered.height;
    asset->prompt = request.prompt;
    asset->model_id = job.model_id;
    asset->job_id = job.id;
    asset->created_at = isoTime(std::chrono::system_clock::now());
    job.asset_ids.push_back(asset->id);
    assets[asset->id] = std::move(asset);
  }
  job.stage = JobRecord::Stage::kDone;
  changed.notify_all();
}

void Emulator::Impl::startRenderers() {
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  for (unsigned i = 0; i < n; ++i) renderers.emplace_back([this] { renderAhead(); });
}

void Emulator::Impl::stopRenderers() {  // after stopping is set and render_wanted notified
  for (std::thread& t : renderers) t.join();
  renderers.clear();
  std::lock_guard<std::mutex> lock(mutex);
  to_render.clear();  // rendered on demand if the server starts again
}

void Emulator::Impl::renderAhead() {
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    render_wanted.wait(lock, [&] { return stopping || !to_render.empty(); });
    if (stopping) return;
    std::shared_ptr<JobRecord> job = std::move(to_render.front());
    to_render.pop_front();
    finishJob(*job, lock);  // its assets stay unlisted until the job's time is up
  }
}

json Emulator::Impl::jobJson(JobRecord& job, std::unique_lock<std::mutex>& lock,
                             const std::string* status_override) {
  using std::chrono::duration;
  const auto now = std::chrono::steady_clock::now();
  double elapsed_ms = duration<double, std::milli>(now - job.started).count();
  double fraction = job.fractionAt(now);
  std::string status;
  double progress = 0;
  bool terminal = false;
  if (fraction >= 1.0) {
    finishJob(job, lock);
    terminal = true;
    status = job.failed ? "failure" : "success";
    progress = 1;
  } else if (fraction < kWarmingUpFrom) {
    status = "queued";
  } else if (fraction < kInProgressFrom) {
    status = "warming-up";
  } else if (fraction < kFinalizingFrom) {
    status = "in-progress";
    progress = (fraction - kInProgressFrom) / (kFinalizingFrom - kInProgressFrom);
  } else {
    status = "finalizing";
    progress = 1;
  }
  if (status_override) status = *status_override;

  auto updated =
      job.created_wall + std::chrono::milliseconds(int64_t(std::min(elapsed_ms, double(job.duration_ms))));
  json metadata = {{"input", job.input}, {"assetIds", terminal ? job.asset_ids : std::vector<std::string>{}}};
  if (terminal && job.failed) metadata["error"] = job.error;
  json out = {{"jobId", job.id},
              {"jobType", "custom"},
              {"modelId", job.model_id},
              {"status", status},
              {"progress", progress},
              {"createdAt", job.created_at},
              {"updatedAt", isoTime(updated)},
              {"metadata", metadata}};
  if (terminal) out["billing"] = {{"cuCost", job.failed ? 0.0 : job.cost}};
  return out;
}

bool Emulator::waitForJobStatus(const std::string& job_id, const std::string& status,
                                std::chrono::milliseconds deadline) const {
  const double begins = statusBegins(status);
  if (begins < 0) return false;
  Impl& s = *impl_;
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  std::unique_lock<std::mutex> lock(s.mutex);
  auto it = s.jobs.find(job_id);
  if (it == s.jobs.end()) return false;
  const std::shared_ptr<const JobRecord> job = it->second;
  // A status follows the job's clock, so the wait ends at the moment it begins (or at stop()).
  const auto at = job->started + std::chrono::ceil<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double, std::milli>(begins * job->duration_ms));
  while (job->fractionAt(std::chrono::steady_clock::now()) < begins) {
    if (s.stopping || std::chrono::steady_clock::now() >= give_up) return false;
    s.changed.wait_until(lock, std::min(at, give_up));
  }
  return true;
}

}  // namespace texforge::emulator
