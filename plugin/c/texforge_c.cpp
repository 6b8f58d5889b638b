// The C interface (texforge/texforge_c.h), first half: errors, names, the engine, parameters,
// submit, quote and events. Jobs, their controls, images and imports are in texforge_c_jobs.cpp.
// No exception leaves an entry point: guarded() turns one into TEXFORGE_ERR_INTERNAL, and C
// callbacks are called from noexcept lambdas, so nothing unwinds through C frames.
#include <cmath>

#include "texforge/version.h"
#include "texforge_c_internal.h"

using namespace texforge;
using namespace texforge::capi;

// The C values mirror the C++ enumerations one to one; a change on either side fails here.
static_assert(TEXFORGE_ERR_INVALID_ARGUMENT == static_cast<int>(ErrorCode::kInvalidArgument), "");
static_assert(TEXFORGE_ERR_CREDENTIALS == static_cast<int>(ErrorCode::kCredentials), "");
static_assert(TEXFORGE_ERR_FORBIDDEN == static_cast<int>(ErrorCode::kForbidden), "");
static_assert(TEXFORGE_ERR_NOT_FOUND == static_cast<int>(ErrorCode::kNotFound), "");
static_assert(TEXFORGE_ERR_RATE_LIMITED == static_cast<int>(ErrorCode::kRateLimited), "");
static_assert(TEXFORGE_ERR_SERVER == static_cast<int>(ErrorCode::kServer), "");
static_assert(TEXFORGE_ERR_NETWORK == static_cast<int>(ErrorCode::kNetwork), "");
static_assert(TEXFORGE_ERR_PROTOCOL == static_cast<int>(ErrorCode::kProtocol), "");
static_assert(TEXFORGE_ERR_JOB_FAILED == static_cast<int>(ErrorCode::kJobFailed), "");
static_assert(TEXFORGE_ERR_JOB_CANCELED == static_cast<int>(ErrorCode::kJobCanceled), "");
static_assert(TEXFORGE_ERR_TIMEOUT == static_cast<int>(ErrorCode::kTimeout), "");
static_assert(TEXFORGE_ERR_STOPPED == static_cast<int>(ErrorCode::kStopped), "");
static_assert(TEXFORGE_ERR_UNKNOWN_SUBMISSION == static_cast<int>(ErrorCode::kUnknownSubmission), "");
static_assert(TEXFORGE_ERR_DECODE == static_cast<int>(ErrorCode::kDecode), "");
static_assert(TEXFORGE_ERR_IO == static_cast<int>(ErrorCode::kIo), "");
static_assert(TEXFORGE_ERR_INSECURE == static_cast<int>(ErrorCode::kInsecure), "");
static_assert(TEXFORGE_ERR_CANCELED == static_cast<int>(ErrorCode::kCanceled), "");
static_assert(TEXFORGE_ERR_INTERNAL == static_cast<int>(ErrorCode::kInternal), "");
static_assert(TEXFORGE_JOB_UNKNOWN == static_cast<int>(JobState::kUnknown), "");
static_assert(TEXFORGE_JOB_IMPORTED == static_cast<int>(JobState::kImported), "");
static_assert(TEXFORGE_OUTPUT_FAILED == static_cast<int>(OutputState::kFailed), "");
static_assert(TEXFORGE_OUTPUT_IMPORTED == static_cast<int>(OutputState::kImported), "");
static_assert(TEXFORGE_LOG_ERROR == static_cast<int>(LogLevel::kError), "");
static_assert(TEXFORGE_EVENT_JOB_FINISHED == static_cast<int>(GeneratorEvent::Kind::kJobFinished), "");
static_assert(TEXFORGE_EVENT_OUTPUT_FAILED == static_cast<int>(GeneratorEvent::Kind::kOutputFailed), "");

namespace {

struct LastError {
  texforge_status status = TEXFORGE_OK;
  int32_t http_status = 0;
  std::string message;
};
thread_local LastError last_error;

}  // namespace

namespace texforge::capi {

texforge_status setLastError(texforge_status status, const std::string& message, int http_status) {
  last_error.status = status;
  last_error.http_status = http_status;
  try {
    last_error.message = message;
  } catch (...) {
    last_error.message.clear();  // out of memory: the code still tells what happened
  }
  return status;
}

texforge_status setLastError(const Error& error) {
  return setLastError(toStatus(error.code), error.message, error.http_status);
}

bool toGenerationParams(const texforge_params* in, GenerationParams* out, std::string* why) {
  texforge_params p;
  if (!readVersioned(in, texforge_params_init, &p)) {
    *why = "params is NULL or its struct_size is 0 (start it with texforge_params_init)";
    return false;
  }
  GenerationParams g;
  if (p.model_id && *p.model_id) g.model_id = p.model_id;
  g.prompt = str(p.prompt);
  g.num_outputs = p.num_outputs;
  g.width = p.width;
  g.height = p.height;
  if (p.quality && *p.quality) g.quality = p.quality;
  if (p.background && *p.background) g.background = p.background;
  if (p.reference_image_count > 0 && !p.reference_images) {
    *why = "reference_images is NULL while reference_image_count is not 0";
    return false;
  }
  for (size_t i = 0; i < p.reference_image_count; ++i) {
    if (!p.reference_images[i] || !*p.reference_images[i]) {
      *why = "reference image " + std::to_string(i + 1) + " is NULL or empty";
      return false;
    }
    g.reference_images.push_back(imageInputFromArgument(p.reference_images[i]));
  }
  if (p.mask && *p.mask) g.mask = imageInputFromArgument(p.mask);
  g.usage = str(p.usage);
  if (p.host_metadata_count > 0 && (!p.host_metadata_keys || !p.host_metadata_values)) {
    *why = "host_metadata_keys or host_metadata_values is NULL while host_metadata_count is not 0";
    return false;
  }
  for (size_t i = 0; i < p.host_metadata_count; ++i) {
    if (!p.host_metadata_keys[i] || !p.host_metadata_values[i]) {
      *why = "host metadata entry " + std::to_string(i + 1) + " has a NULL key or value";
      return false;
    }
    if (!g.host_metadata.emplace(p.host_metadata_keys[i], p.host_metadata_values[i]).second) {
      *why = std::string("host metadata key \"") + p.host_metadata_keys[i] + "\" is given twice";
      return false;
    }
  }
  g.name = str(p.name);
  g.seamless = p.seamless != 0;
  g.alpha_method = str(p.alpha_method);
  g.matte_color = str(p.matte_color);
  g.trim = p.trim != 0;
  *out = std::move(g);
  return true;
}

}  // namespace texforge::capi

namespace {

constexpr double kMaxWaitS = 1e7;  // about 115 days; longer waits overflow the clock's nanoseconds

// Numbers the core would misread (a pool of no threads, a negative deadline) are refused here.
bool positive(double v) {
  return std::isfinite(v) && v > 0;
}

texforge_status toGeneratorOptions(const texforge_engine_options& o, GeneratorOptions* g) {
  if (o.decode_threads < 1 || o.max_jobs_in_flight < 1 || o.max_attempts < 1 || o.connect_timeout_ms < 1) {
    return invalid(
        "decode_threads, max_jobs_in_flight, max_attempts and connect_timeout_ms must be at least 1");
  }
  if (!positive(o.poll_initial_s) || !positive(o.poll_max_s) || !positive(o.job_deadline_s) ||
      !positive(o.lease_s)) {
    return invalid("poll_initial_s, poll_max_s, job_deadline_s and lease_s must be positive");
  }
  const std::string key = str(o.api_key), secret = str(o.api_secret);
  if (key.empty() != secret.empty()) return invalid("give both api_key and api_secret, or neither");
  g->project_dir = str(o.project_dir);
  if (g->project_dir.empty()) g->project_dir = ".";
  g->state_dir = str(o.state_dir);
  g->base_url = str(o.base_url);
  g->credentials.api_key = key;
  g->credentials.api_secret = secret;
  g->project_id = str(o.project_id);
  g->ca_file = str(o.ca_file);
  if (o.owner_name && *o.owner_name) g->owner_name = o.owner_name;
  if (o.import_folder && *o.import_folder) {
    FolderImporterOptions folder;
    folder.folder = o.import_folder;
    g->importer = makeFolderImporter(folder);
  }
  g->read_environment = o.read_environment != 0;
  g->offline = o.offline != 0;
  g->resume = o.resume != 0;
  g->auto_import = o.auto_import != 0;
  g->import_on_pump = o.import_on_pump != 0;
  g->max_jobs_in_flight = o.max_jobs_in_flight;
  g->decode_threads = o.decode_threads;
  g->max_attempts = o.max_attempts;
  g->connect_timeout_ms = o.connect_timeout_ms;
  g->poll_initial_s = o.poll_initial_s;
  g->poll_max_s = o.poll_max_s;
  g->job_deadline_s = o.job_deadline_s;
  g->lease_s = o.lease_s;
  if (o.log) {
    const texforge_log_fn fn = o.log;
    void* const user = o.log_user;
    g->log = [fn, user](LogLevel level, const std::string& message) noexcept {
      fn(user, static_cast<int32_t>(level), message.c_str());
    };
  }
  if (o.wake) {
    const texforge_wake_fn fn = o.wake;
    void* const user = o.wake_user;
    g->wake = [fn, user]() noexcept { fn(user); };
  }
  return TEXFORGE_OK;
}

}  // namespace

extern "C" {

const char* texforge_status_name(texforge_status status) {
  if (status == TEXFORGE_ERR_BUFFER_TOO_SMALL) return "buffer_too_small";
  if (status < TEXFORGE_OK || status > TEXFORGE_ERR_INTERNAL) return "unknown";
  return errorCodeName(static_cast<ErrorCode>(status));
}

texforge_status texforge_last_status(void) {
  return last_error.status;
}
const char* texforge_last_error(void) {
  return last_error.message.c_str();
}
int32_t texforge_last_http_status(void) {
  return last_error.http_status;
}

const char* texforge_version(void) {
  return TEXFORGE_VERSION_STRING;
}
uint32_t texforge_abi_version(void) {
  return TEXFORGE_C_ABI_VERSION;
}

const char* texforge_job_state_name(int32_t state) {
  if (state < TEXFORGE_JOB_SUBMITTING || state > TEXFORGE_JOB_UNKNOWN) return "invalid";
  return jobStateName(static_cast<JobState>(state));
}

const char* texforge_output_state_name(int32_t state) {
  if (state < TEXFORGE_OUTPUT_PENDING || state > TEXFORGE_OUTPUT_FAILED) return "invalid";
  return outputStateName(static_cast<OutputState>(state));
}

const char* texforge_log_level_name(int32_t level) {
  if (level < TEXFORGE_LOG_DEBUG || level > TEXFORGE_LOG_ERROR) return "invalid";
  return logLevelName(static_cast<LogLevel>(level));
}

void texforge_engine_options_init(texforge_engine_options* options) {
  if (!options) return;
  std::memset(static_cast<void*>(options), 0, sizeof *options);
  options->struct_size = sizeof *options;
  // GeneratorOptions allocates nothing by default; were it to throw, the zeros left are refused
  // by texforge_engine_create.
  try {
    const GeneratorOptions d;  // the core's defaults, so the two never drift apart
    options->read_environment = d.read_environment ? 1 : 0;
    options->offline = d.offline ? 1 : 0;
    options->resume = d.resume ? 1 : 0;
    options->auto_import = d.auto_import ? 1 : 0;
    options->import_on_pump = d.import_on_pump ? 1 : 0;
    options->max_jobs_in_flight = d.max_jobs_in_flight;
    options->decode_threads = d.decode_threads;
    options->max_attempts = d.max_attempts;
    options->connect_timeout_ms = static_cast<int32_t>(d.connect_timeout_ms);
    options->poll_initial_s = d.poll_initial_s;
    options->poll_max_s = d.poll_max_s;
    options->job_deadline_s = d.job_deadline_s;
    options->lease_s = d.lease_s;
  } catch (...) {
  }
}

texforge_status texforge_engine_create(const texforge_engine_options* options, texforge_engine** out) {
  if (out) *out = nullptr;
  return guarded([&]() -> texforge_status {
    if (!out) return invalid("texforge_engine_create: out is NULL");
    texforge_engine_options o;
    if (!options) {
      texforge_engine_options_init(&o);
    } else if (!readVersioned(options, texforge_engine_options_init, &o)) {
      return invalid("options' struct_size is 0 (start it with texforge_engine_options_init)");
    }
    GeneratorOptions g;
    if (texforge_status s = toGeneratorOptions(o, &g); s != TEXFORGE_OK) return s;
    auto engine = std::make_unique<texforge_engine>();
    auto generator = createGenerator(std::move(g));
    if (!generator) return setLastError(generator.error());
    engine->generator = std::move(*generator);
    engine->base_url = engine->generator->baseUrl();
    engine->project_dir = engine->generator->projectDir();
    *out = engine.release();
    return succeed();
  });
}

void texforge_engine_destroy(texforge_engine* engine) {
  if (!engine) return;
  try {
    engine->generator.reset();  // joins texforge's threads: no callback runs after this
  } catch (...) {
    // A destructor that throws is a bug in the core; the engine is freed all the same.
  }
  delete engine;
}

const char* texforge_engine_base_url(const texforge_engine* engine) {
  return engine ? engine->base_url.c_str() : "";
}

const char* texforge_engine_project_dir(const texforge_engine* engine) {
  return engine ? engine->project_dir.c_str() : "";
}

int32_t texforge_engine_idle(const texforge_engine* engine) {
  if (!engine) return 0;
  try {
    return engine->queued == 0 && engine->generator->idle() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

texforge_status texforge_engine_stats(const texforge_engine* engine, texforge_stats* out) {
  return guarded([&]() -> texforge_status {
    if (!engine || !out || out->struct_size == 0)
      return invalid("engine or out is NULL, or struct_size is 0");
    const GeneratorStats s = engine->generator->stats();
    texforge_stats v;
    v.struct_size = sizeof v;
    v.requests = s.requests;
    v.retries = s.retries;
    v.url_refreshes = s.url_refreshes;
    v.reconciled = s.reconciled;
    writeVersioned(v, out);
    return succeed();
  });
}

void texforge_params_init(texforge_params* params) {
  if (!params) return;
  std::memset(static_cast<void*>(params), 0, sizeof *params);
  params->struct_size = sizeof *params;
  params->num_outputs = kMinOutputs;  // GenerationParams' defaults: one output, auto size
  params->width = 0;
  params->height = 0;
}

texforge_status texforge_check_params(const texforge_params* params) {
  return guarded([&]() -> texforge_status {
    GenerationParams g;
    std::string why;
    if (!toGenerationParams(params, &g, &why)) return invalid(why.c_str());
    if (Status s = firstBlocking(checkParams(g)); !s) return setLastError(s.error());
    if (Status s = firstBlocking(checkLocalInputs(g)); !s) return setLastError(s.error());
    return succeed();
  });
}

texforge_status texforge_submit(texforge_engine* engine, const texforge_params* params, char* local_id_out,
                                size_t local_id_cap) {
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_submit: engine is NULL");
    if (!local_id_out || local_id_cap < TEXFORGE_LOCAL_ID_SIZE) {
      return invalid("texforge_submit: local_id_out needs TEXFORGE_LOCAL_ID_SIZE (64) bytes");
    }
    local_id_out[0] = '\0';
    GenerationParams g;
    std::string why;
    if (!toGenerationParams(params, &g, &why)) return invalid(why.c_str());
    Result<std::string> id = engine->generator->submit(g);
    if (!id) return setLastError(id.error());
    if (!copyOut(*id, local_id_out, local_id_cap)) {
      return setLastError(TEXFORGE_ERR_BUFFER_TOO_SMALL,
                          "the local id " + *id + " is longer than the buffer");
    }
    return succeed();
  });
}

texforge_status texforge_quote(texforge_engine* engine, const texforge_params* params,
                               uint64_t* request_id_out) {
  if (request_id_out) *request_id_out = 0;
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_quote: engine is NULL");
    GenerationParams g;
    std::string why;
    if (!toGenerationParams(params, &g, &why)) return invalid(why.c_str());
    const uint64_t id = engine->next_request++;
    // on_done runs inside texforge_pump, while the engine lives (pending ones die with it).
    engine->generator->quote(g, [engine, id](Result<Quote> q) {
      TexforgeQueuedEvent ev = resultEvent(TEXFORGE_EVENT_QUOTE, id, q ? nullptr : &q.error());
      if (q) {
        ev.creative_units = q->creative_units;
        ev.discount = q->discount;
      }
      engine->push(std::move(ev));
    });
    if (request_id_out) *request_id_out = id;
    return succeed();
  });
}

texforge_status texforge_pump(texforge_engine* engine, size_t* pending_out) {
  if (pending_out) *pending_out = 0;
  return guarded([&]() -> texforge_status {
    if (!engine) return invalid("texforge_pump: engine is NULL");
    // Quote and import results are queued by their callbacks while pump() runs them; the job
    // events pump() returns follow.
    for (const GeneratorEvent& e : engine->generator->pump()) {
      TexforgeQueuedEvent ev;
      ev.kind = static_cast<int32_t>(e.kind);
      ev.local_id = e.local_id;
      ev.output_index = e.output_index;
      engine->push(std::move(ev));
    }
    if (pending_out) *pending_out = engine->queued;
    return succeed();
  });
}

int32_t texforge_next_event(texforge_engine* engine, texforge_event* out) {
  if (!engine || !out || out->struct_size == 0) return 0;
  try {
    {
      std::lock_guard<std::mutex> lock(engine->queue_mutex);
      if (engine->queue.empty()) return 0;
      engine->current = std::move(engine->queue.front());
      engine->queue.pop_front();
      engine->queued = engine->queue.size();
    }
    const TexforgeQueuedEvent& c = engine->current;
    texforge_event ev;
    std::memset(static_cast<void*>(&ev), 0, sizeof ev);
    ev.struct_size = sizeof ev;
    ev.kind = c.kind;
    ev.output_index = c.output_index;
    ev.status = c.status;
    ev.request_id = c.request_id;
    ev.local_id = c.local_id.c_str();
    ev.message = c.message.c_str();
    ev.path = c.path.c_str();
    ev.sidecar_path = c.sidecar_path.c_str();
    ev.creative_units = c.creative_units;
    ev.discount = c.discount;
    ev.http_status = c.http_status;
    writeVersioned(ev, out);
    return 1;
  } catch (...) {
    return 0;
  }
}

int32_t texforge_wait(texforge_engine* engine, double timeout_s) {
  if (!engine) return 0;
  try {
    if (engine->queued > 0) return 1;
    if (!(timeout_s > 0)) timeout_s = 0;         // negative and NaN: just look
    timeout_s = std::min(timeout_s, kMaxWaitS);  // infinity and beyond: a long wait, not an overflow
    return engine->generator->waitForActivity(timeout_s) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

}  // extern "C"
