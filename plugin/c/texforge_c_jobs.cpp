// The C interface (texforge/texforge_c.h), second half: job snapshots and their accessors, the job
// controls, decoded images and imports. Accessors are pure reads of a copy the caller owns, so they need no
// lock.
#include "texforge_c_internal.h"

using namespace texforge;
using namespace texforge::capi;

namespace {

texforge_job makeJob(JobSnapshot snap) {
  texforge_job job;
  job.params_json = paramsToJson(snap.params);
  for (const auto& [key, value] : snap.params.host_metadata) {
    job.metadata_keys.push_back(key);
    job.metadata_values.push_back(value);
  }
  job.snap = std::move(snap);
  return job;
}

const OutputSnapshot* outputOf(const texforge_job* job, int32_t index) {
  if (!job || index < 0 || index >= static_cast<int32_t>(job->snap.outputs.size())) return nullptr;
  return &job->snap.outputs[static_cast<size_t>(index)];
}

const char* text(const std::string& s) {
  return s.c_str();
}

}  // namespace

extern "C" {

texforge_status texforge_job_get(const texforge_engine* engine, const char* local_id, texforge_job** out) {
  if (out) *out = nullptr;
  return guarded([&]() -> texforge_status {
    if (!engine || !out) return invalid("texforge_job_get: engine or out is NULL");
    std::optional<JobSnapshot> snap = engine->generator->job(str(local_id));
    if (!snap) return setLastError(TEXFORGE_ERR_NOT_FOUND, "no job " + str(local_id));
    *out = new texforge_job(makeJob(std::move(*snap)));
    return succeed();
  });
}

void texforge_job_free(texforge_job* job) {
  delete job;
}

texforge_status texforge_jobs(const texforge_engine* engine, texforge_job_list** out) {
  if (out) *out = nullptr;
  return guarded([&]() -> texforge_status {
    if (!engine || !out) return invalid("texforge_jobs: engine or out is NULL");
    auto list = std::make_unique<texforge_job_list>();
    for (JobSnapshot& snap : engine->generator->jobs()) list->jobs.push_back(makeJob(std::move(snap)));
    *out = list.release();
    return succeed();
  });
}

size_t texforge_job_list_count(const texforge_job_list* list) {
  return list ? list->jobs.size() : 0;
}

const texforge_job* texforge_job_list_at(const texforge_job_list* list, size_t index) {
  return list && index < list->jobs.size() ? &list->jobs[index] : nullptr;
}

void texforge_job_list_free(texforge_job_list* list) {
  delete list;
}

const char* texforge_job_local_id(const texforge_job* job) {
  return job ? text(job->snap.local_id) : "";
}
const char* texforge_job_remote_id(const texforge_job* job) {
  return job ? text(job->snap.job_id) : "";
}
int32_t texforge_job_state(const texforge_job* job) {
  return job ? static_cast<int32_t>(job->snap.state) : -1;
}
const char* texforge_job_server_status(const texforge_job* job) {
  return job ? text(job->snap.server_status) : "";
}
double texforge_job_progress(const texforge_job* job) {
  return job ? job->snap.progress : 0.0;
}
double texforge_job_cost(const texforge_job* job) {
  return job ? job->snap.cost : -1.0;
}
int64_t texforge_job_created_at_ms(const texforge_job* job) {
  return job ? job->snap.created_at_ms : 0;
}
int64_t texforge_job_updated_at_ms(const texforge_job* job) {
  return job ? job->snap.updated_at_ms : 0;
}
int64_t texforge_job_finished_at_ms(const texforge_job* job) {
  return job ? job->snap.finished_at_ms : 0;
}

texforge_status texforge_job_error_code(const texforge_job* job) {
  return job && job->snap.error ? toStatus(job->snap.error->code) : TEXFORGE_OK;
}
const char* texforge_job_error_message(const texforge_job* job) {
  return job && job->snap.error ? text(job->snap.error->message) : "";
}

int32_t texforge_job_needs_decision(const texforge_job* job) {
  return job && job->snap.needs_decision ? 1 : 0;
}
int64_t texforge_job_resend_allowed_at_ms(const texforge_job* job) {
  return job ? job->snap.resend_allowed_at_ms : 0;
}
const char* texforge_job_held_by(const texforge_job* job) {
  return job ? text(job->snap.held_by) : "";
}
int32_t texforge_job_can_resume(const texforge_job* job) {
  return job && canResume(job->snap) ? 1 : 0;
}

const char* texforge_job_prompt(const texforge_job* job) {
  return job ? text(job->snap.params.prompt) : "";
}
const char* texforge_job_params_json(const texforge_job* job) {
  return job ? text(job->params_json) : "";
}
const char* texforge_job_usage(const texforge_job* job) {
  return job ? text(job->snap.params.usage) : "";
}
size_t texforge_job_host_metadata_count(const texforge_job* job) {
  return job ? job->metadata_keys.size() : 0;
}
const char* texforge_job_host_metadata_key(const texforge_job* job, size_t index) {
  return job && index < job->metadata_keys.size() ? text(job->metadata_keys[index]) : "";
}
const char* texforge_job_host_metadata_value(const texforge_job* job, size_t index) {
  return job && index < job->metadata_values.size() ? text(job->metadata_values[index]) : "";
}

int32_t texforge_job_output_count(const texforge_job* job) {
  return job ? static_cast<int32_t>(job->snap.outputs.size()) : 0;
}
int32_t texforge_job_ready_count(const texforge_job* job) {
  return job ? job->snap.readyCount() : 0;
}
int32_t texforge_job_output_state(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? static_cast<int32_t>(o->state) : -1;
}
const char* texforge_job_output_asset_id(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? text(o->asset_id) : "";
}
const char* texforge_job_output_format(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? imageFormatName(o->format) : "";
}
int32_t texforge_job_output_width(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? o->width : 0;
}
int32_t texforge_job_output_height(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? o->height : 0;
}
const char* texforge_job_output_cache_path(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? text(o->cache_path) : "";
}
const char* texforge_job_output_imported_path(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? text(o->imported_path) : "";
}
texforge_status texforge_job_output_error_code(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o && o->error ? toStatus(o->error->code) : TEXFORGE_OK;
}
const char* texforge_job_output_error_message(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o && o->error ? text(o->error->message) : "";
}

double texforge_job_output_seam_score(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? o->finish.seam : -1.0;
}
const char* texforge_job_output_alpha(const texforge_job* job, int32_t index) {
  const OutputSnapshot* o = outputOf(job, index);
  return o ? text(o->finish.alpha) : "";
}

texforge_status texforge_output_image(const texforge_engine* engine, const char* local_id,
                                      int32_t output_index, texforge_image** out) {
  if (out) *out = nullptr;
  return guarded([&]() -> texforge_status {
    if (!engine || !out) return invalid("texforge_output_image: engine or out is NULL");
    const std::string id = str(local_id);
    auto image = std::make_unique<texforge_image>();
    // The engine's decoded copy is shared as it is; otherwise the cached file is decoded here.
    if (std::optional<JobSnapshot> snap = engine->generator->job(id);
        snap && output_index >= 0 && output_index < static_cast<int32_t>(snap->outputs.size())) {
      image->image = snap->outputs[static_cast<size_t>(output_index)].image;
    }
    if (!image->image) {
      Result<DecodedImage> decoded = engine->generator->loadOutputImage(id, output_index);
      if (!decoded) return setLastError(decoded.error());
      image->image = std::make_shared<const DecodedImage>(std::move(*decoded));
    }
    *out = image.release();
    return succeed();
  });
}

int32_t texforge_image_width(const texforge_image* image) {
  return image ? image->image->width : 0;
}
int32_t texforge_image_height(const texforge_image* image) {
  return image ? image->image->height : 0;
}
int32_t texforge_image_has_alpha(const texforge_image* image) {
  return image && image->image->has_alpha ? 1 : 0;
}
const uint8_t* texforge_image_rgba(const texforge_image* image) {
  return image && !image->image->rgba.empty() ? image->image->rgba.data() : nullptr;
}
size_t texforge_image_size(const texforge_image* image) {
  return image ? image->image->rgba.size() : 0;
}
void texforge_image_free(texforge_image* image) {
  delete image;
}

texforge_status texforge_import_output(texforge_engine* engine, const char* local_id, int32_t output_index,
                                       char* path_out, size_t path_cap, char* sidecar_out,
                                       size_t sidecar_cap) {
  if (path_out && path_cap > 0) path_out[0] = '\0';
  if (sidecar_out && sidecar_cap > 0) sidecar_out[0] = '\0';
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_import_output: engine is NULL");
    if ((path_out == nullptr) != (path_cap == 0) || (sidecar_out == nullptr) != (sidecar_cap == 0)) {
      return invalid("texforge_import_output: a buffer and its capacity must be both set or both 0");
    }
    Result<ImportedAsset> imported = engine->generator->importOutput(str(local_id), output_index);
    if (!imported) return setLastError(imported.error());
    const bool path_fits = copyOut(imported->path, path_out, path_cap);
    const bool sidecar_fits = copyOut(imported->sidecar_path, sidecar_out, sidecar_cap);
    if (!path_fits || !sidecar_fits) {
      return setLastError(TEXFORGE_ERR_BUFFER_TOO_SMALL,
                          "the output was imported, but its paths need " +
                              std::to_string(imported->path.size() + 1) + " and " +
                              std::to_string(imported->sidecar_path.size() + 1) +
                              " bytes; call again with larger buffers");
    }
    return succeed();
  });
}

texforge_status texforge_stop_waiting(texforge_engine* engine, const char* local_id) {
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_stop_waiting: engine is NULL");
    engine->generator->stopWaiting(str(local_id));
    return succeed();
  });
}

texforge_status texforge_resume_job(texforge_engine* engine, const char* local_id) {
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_resume_job: engine is NULL");
    Status s = engine->generator->resumeJob(str(local_id));
    return s ? succeed() : setLastError(s.error());
  });
}

texforge_status texforge_resolve_unknown(texforge_engine* engine, const char* local_id, int32_t resend) {
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_resolve_unknown: engine is NULL");
    Status s = engine->generator->resolveUnknown(str(local_id), resend != 0);
    return s ? succeed() : setLastError(s.error());
  });
}

texforge_status texforge_recheck_unknown(texforge_engine* engine, const char* local_id) {
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_recheck_unknown: engine is NULL");
    Status s = engine->generator->recheckUnknown(str(local_id));
    return s ? succeed() : setLastError(s.error());
  });
}

texforge_status texforge_import_output_async(texforge_engine* engine, const char* local_id,
                                             int32_t output_index, uint64_t* request_id_out) {
  if (request_id_out) *request_id_out = 0;
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_import_output_async: engine is NULL");
    const uint64_t id = engine->next_request++;
    const std::string job = str(local_id);
    engine->generator->importOutputAsync(
        job, output_index, [engine, id, job, output_index](Result<ImportedAsset> imported) {
          TexforgeQueuedEvent ev =
              resultEvent(TEXFORGE_EVENT_IMPORT, id, imported ? nullptr : &imported.error());
          ev.local_id = job;
          ev.output_index = output_index;
          if (imported) {
            ev.path = imported->path;
            ev.sidecar_path = imported->sidecar_path;
          }
          engine->push(std::move(ev));
        });
    if (request_id_out) *request_id_out = id;
    return succeed();
  });
}

}  // extern "C"
