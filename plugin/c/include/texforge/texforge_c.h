/* texforge's C interface: the job engine (texforge/generator.h) for C, C#, GDScript/GDExtension,
 * Lua, Python (ctypes) and anything else that can call C. libtexforge_c is one shared library that
 * exports only the texforge_* functions below; no C++ type crosses it.
 *
 * This header is the manual.
 *
 * A whole session, error handling left out:
 *
 *   texforge_engine_options o;
 *   texforge_engine_options_init(&o);             // defaults; sets o.struct_size
 *   o.project_dir = "my-game";                    // journal and cache go to my-game/.texforge/
 *   texforge_engine* engine = NULL;
 *   if (texforge_engine_create(&o, &engine) != TEXFORGE_OK) puts(texforge_last_error());
 *
 *   texforge_params p;
 *   texforge_params_init(&p);
 *   p.prompt = "a mossy stone wall texture";
 *   char id[TEXFORGE_LOCAL_ID_SIZE];
 *   texforge_submit(engine, &p, id, sizeof id);   // returns at once
 *
 *   for (;;) {                                    // every frame, or texforge_wait() when headless
 *     texforge_pump(engine, NULL);
 *     texforge_event e;
 *     e.struct_size = sizeof e;
 *     while (texforge_next_event(engine, &e)) {
 *       if (e.kind == TEXFORGE_EVENT_OUTPUT_READY) {
 *         texforge_image* img = NULL;
 *         texforge_output_image(engine, e.local_id, e.output_index, &img);
 *         upload(texforge_image_width(img), texforge_image_height(img), texforge_image_rgba(img));
 *         texforge_image_free(img);
 *       }
 *     }
 *   }
 *   texforge_engine_destroy(engine);
 *
 * Conventions
 * - Strings, in and out, are NUL-terminated UTF-8 (paths too). A NULL string argument reads as "".
 * - Functions that can fail return a texforge_status: TEXFORGE_OK (0) or an error code. The
 *   message that goes with it is texforge_last_error(), kept per thread.
 * - Objects are opaque handles: texforge_engine, texforge_job, texforge_job_list, texforge_image.
 *   Each one a call creates is freed with its own function; freeing NULL does nothing.
 * - Strings returned as const char* belong to the library; each function says how long they live
 *   (typically: as long as the handle they come from). Strings a call produces for the caller
 *   are copied into caller buffers (a pointer and its capacity in bytes, NUL included).
 * - ABI: structs the caller fills (options, params) or receives (event, stats) start with
 *   uint32_t struct_size, which the caller sets to sizeof of the struct it was compiled with. New
 *   versions only append fields: the library reads or writes only the first struct_size bytes,
 *   and fields a caller's older struct lacks take their defaults. Always start an options or
 *   params struct with its _init function. Enumerations cross as int32_t whose values never change.
 * - Callbacks (log, wake) are plain C function pointers with a void* user that is passed back
 *   untouched. They are called from C++ code that never lets an exception out.
 *
 * Threads
 * - Every function may be called from any thread, except texforge_pump and texforge_next_event,
 *   which belong to one host thread (the "pump thread": usually the UI or main thread), and
 *   texforge_engine_destroy, which must not run while another call on the same engine does.
 * - Events (job changes, quote and asynchronous import results) are delivered only through
 *   texforge_pump + texforge_next_event, on the pump thread.
 * - The log and wake callbacks run on texforge's own threads (or the caller's): they must return
 *   quickly and must not destroy the engine.
 */
#ifndef TEXFORGE_TEXFORGE_C_H
#define TEXFORGE_TEXFORGE_C_H

#include <stddef.h>
#include <stdint.h>

#include "texforge/c_export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Raised when a released function changes in a way an old caller would notice (it never has). */
#define TEXFORGE_C_ABI_VERSION 1

/* Buffer sizes that always suffice: a local id (ASCII, at most 63 bytes) and a path. */
#define TEXFORGE_LOCAL_ID_SIZE 64
#define TEXFORGE_PATH_SIZE 4096

/* ---------------------------------------------------------------------------------------------
 * Status codes. 0..18 are texforge::ErrorCode's values; the names match errorCodeName().
 */
typedef int32_t texforge_status;
enum {
  TEXFORGE_OK = 0,
  TEXFORGE_ERR_INVALID_ARGUMENT = 1,    /* the caller's input is wrong (bad size, empty prompt...) */
  TEXFORGE_ERR_CREDENTIALS = 2,         /* missing or rejected API key/secret (HTTP 401) */
  TEXFORGE_ERR_FORBIDDEN = 3,           /* 403: the key may not use the project or model */
  TEXFORGE_ERR_NOT_FOUND = 4,           /* 404, no such job or output, or a missing local file */
  TEXFORGE_ERR_RATE_LIMITED = 5,        /* 429 */
  TEXFORGE_ERR_SERVER = 6,              /* 5xx or a gateway page */
  TEXFORGE_ERR_NETWORK = 7,             /* DNS, connect, reset, transfer timeout */
  TEXFORGE_ERR_PROTOCOL = 8,            /* a malformed answer */
  TEXFORGE_ERR_JOB_FAILED = 9,          /* the service failed the job (the message says why) */
  TEXFORGE_ERR_JOB_CANCELED = 10,       /* the service canceled the job */
  TEXFORGE_ERR_TIMEOUT = 11,            /* the per-job deadline passed */
  TEXFORGE_ERR_STOPPED = 12,            /* the user stopped waiting */
  TEXFORGE_ERR_UNKNOWN_SUBMISSION = 13, /* the paid request's answer was lost: it may have started */
  TEXFORGE_ERR_DECODE = 14,             /* corrupt, truncated, unsupported or oversized image */
  TEXFORGE_ERR_IO = 15,                 /* disk: read-only, full, permission */
  TEXFORGE_ERR_INSECURE = 16,           /* refused by transport policy (plain http to a remote host) */
  TEXFORGE_ERR_CANCELED = 17,           /* the engine shut down before the operation finished */
  TEXFORGE_ERR_INTERNAL = 18,           /* a bug, or out of memory */
  /* C interface only. */
  TEXFORGE_ERR_BUFFER_TOO_SMALL = 100 /* a caller buffer was too small; the text in it is cut */
};

/* "ok", "invalid_argument", ..., "buffer_too_small"; "unknown" for any other value. Static
 * storage. Any thread. */
TEXFORGE_C_API const char* texforge_status_name(texforge_status status);

/* The outcome of the calling thread's most recent call that returns a texforge_status (creation,
 * submit, import, ...): its code, its message (for people; never contains credentials; "" after
 * success) and the HTTP status involved (0 when none). The message lives until this thread's next
 * texforge call that returns a texforge_status. Any thread (each sees its own). */
TEXFORGE_C_API texforge_status texforge_last_status(void);
TEXFORGE_C_API const char* texforge_last_error(void);
TEXFORGE_C_API int32_t texforge_last_http_status(void);

/* texforge's version ("0.1.0", TEXFORGE_VERSION_STRING) and this interface's ABI version
 * (TEXFORGE_C_ABI_VERSION of the library, which may be newer than the header's). Any thread. */
TEXFORGE_C_API const char* texforge_version(void);
TEXFORGE_C_API uint32_t texforge_abi_version(void);

/* ---------------------------------------------------------------------------------------------
 * Enumerations (int32_t values).
 */
enum { /* a job: submitting -> submitted -> running -> downloading -> ready -> imported */
       TEXFORGE_JOB_SUBMITTING = 0,
       TEXFORGE_JOB_SUBMITTED = 1,
       TEXFORGE_JOB_RUNNING = 2,
       TEXFORGE_JOB_DOWNLOADING = 3,
       TEXFORGE_JOB_READY = 4,
       TEXFORGE_JOB_IMPORTED = 5,
       TEXFORGE_JOB_FAILED = 6,
       TEXFORGE_JOB_STOPPED = 7, /* the user stopped waiting (texforge_stop_waiting) */
       TEXFORGE_JOB_UNKNOWN = 8  /* the paid request's answer was lost (texforge_resolve_unknown) */
};
enum { /* one output image of a job */
       TEXFORGE_OUTPUT_PENDING = 0,
       TEXFORGE_OUTPUT_DOWNLOADING = 1,
       TEXFORGE_OUTPUT_READY = 2,
       TEXFORGE_OUTPUT_IMPORTED = 3,
       TEXFORGE_OUTPUT_FAILED = 4
};
enum { TEXFORGE_LOG_DEBUG = 0, TEXFORGE_LOG_INFO = 1, TEXFORGE_LOG_WARNING = 2, TEXFORGE_LOG_ERROR = 3 };

/* "submitting", ..., "unknown"; "pending", ..., "failed"; "debug", ..., "error". Static storage;
 * "invalid" for a value out of range. Any thread. */
TEXFORGE_C_API const char* texforge_job_state_name(int32_t state);
TEXFORGE_C_API const char* texforge_output_state_name(int32_t state);
TEXFORGE_C_API const char* texforge_log_level_name(int32_t level);

/* ---------------------------------------------------------------------------------------------
 * The engine.
 */
typedef struct texforge_engine texforge_engine;

/* A log line, secrets already redacted; level is a TEXFORGE_LOG_* value. Called from any texforge
 * thread, never while texforge holds a lock; must not block. message lives during the call. */
typedef void (*texforge_log_fn)(void* user, int32_t level, const char* message);
/* Something waits for texforge_pump (post an empty event to the host's loop). Called from any
 * thread, possibly inside a texforge call; must not block and must not call texforge_pump. */
typedef void (*texforge_wake_fn)(void* user);

typedef struct texforge_engine_options {
  uint32_t struct_size; /* sizeof(texforge_engine_options); set by texforge_engine_options_init */
  /* Booleans are 0 or 1. */
  int32_t read_environment;   /* 1: empty base_url, credentials and ca_file come from
                               * $SCENARIO_API_URL, $SCENARIO_API_KEY/SECRET (or texforge's
                               * credential file) and $TEXFORGE_CA_FILE. 0: only from here. Default 1 */
  int32_t offline;            /* read the journal only: no credentials needed, submit and quote refused. 0 */
  int32_t resume;             /* resume journaled jobs on start. 1 */
  int32_t auto_import;        /* import each output as soon as it is decoded. 0 */
  int32_t import_on_pump;     /* imports run inside texforge_pump (1) or on texforge's import thread (0). 0 */
  int32_t max_jobs_in_flight; /* submissions beyond this wait locally. 4 */
  int32_t decode_threads;     /* 2 */
  int32_t max_attempts;       /* per idempotent request (GETs, downloads, uploads). 6 */
  int32_t connect_timeout_ms; /* 15000 */
  /* Strings: NULL or "" means the default. They are copied; they need to live only during
   * texforge_engine_create. */
  const char* project_dir; /* the game project's root. "." */
  const char* state_dir;   /* journal and cache. <project_dir>/.texforge */
  const char* base_url;    /* the API root. see read_environment, else https://api.cloud.scenario.com/v1 */
  const char* api_key;     /* Scenario API key and secret; both or neither. see read_environment */
  const char* api_secret;
  const char* project_id;    /* optional Scenario projectId sent with every call */
  const char* ca_file;       /* extra CA bundle (PEM). see read_environment, else the system store */
  const char* owner_name;    /* shown to other processes sharing the project. "texforge" */
  const char* import_folder; /* where imports go, relative to project_dir. "assets/generated" */
  double poll_initial_s;     /* first poll delay. 1.0 */
  double poll_max_s;         /* 4.0 */
  double job_deadline_s;     /* a job still running after this fails with TEXFORGE_ERR_TIMEOUT. 900 */
  double lease_s;            /* a job whose owner stopped renewing its lease this long is taken over. 30 */
  texforge_log_fn log;       /* NULL: nothing is logged */
  void* log_user;
  texforge_wake_fn wake; /* NULL: the host polls (or uses texforge_wait) */
  void* wake_user;
} texforge_engine_options;

/* Fills *options with the defaults above and struct_size = sizeof(texforge_engine_options).
 * Any thread. */
TEXFORGE_C_API void texforge_engine_options_init(texforge_engine_options* options);

/* Opens (or creates) the project's journal, starts texforge's threads and resumes journaled jobs.
 * options may be NULL (all defaults). On success *out is the engine; on failure *out is NULL.
 * Any thread. Errors: TEXFORGE_ERR_CREDENTIALS (none found and not offline), TEXFORGE_ERR_IO
 * (journal or cache cannot be opened), TEXFORGE_ERR_INSECURE (plain http to a non-loopback host),
 * TEXFORGE_ERR_INVALID_ARGUMENT (out is NULL, struct_size is 0, a malformed base URL, only one
 * of api_key and api_secret, a count below 1, a time that is not positive). */
TEXFORGE_C_API texforge_status texforge_engine_create(const texforge_engine_options* options,
                                                      texforge_engine** out);

/* Stops texforge's threads (a download in progress is resumed by the next engine on the
 * project), drops undelivered events and frees the engine. No callback runs after it returns.
 * Any thread, but no other call on this engine may run at the same time or later. NULL: nothing. */
TEXFORGE_C_API void texforge_engine_destroy(texforge_engine* engine);

/* The API root in use, and the project root as given. Live as long as the engine. Any thread. */
TEXFORGE_C_API const char* texforge_engine_base_url(const texforge_engine* engine);
TEXFORGE_C_API const char* texforge_engine_project_dir(const texforge_engine* engine);

/* 1 when no job is active or being looked for and nothing waits for texforge_pump or
 * texforge_next_event; else 0. Any thread. */
TEXFORGE_C_API int32_t texforge_engine_idle(const texforge_engine* engine);

typedef struct texforge_stats {
  uint32_t struct_size; /* the caller sets sizeof(texforge_stats) */
  uint64_t requests;    /* HTTP exchanges finished, any outcome */
  uint64_t retries;     /* idempotent requests sent again */
  uint64_t url_refreshes;
  uint64_t reconciled; /* lost submissions found among the account's jobs and adopted */
} texforge_stats;
/* Counters since the engine started. Any thread. Errors: TEXFORGE_ERR_INVALID_ARGUMENT. */
TEXFORGE_C_API texforge_status texforge_engine_stats(const texforge_engine* engine, texforge_stats* out);

/* ---------------------------------------------------------------------------------------------
 * Generation parameters (GPT Image 2: 1..10 outputs; width and height both 0 for "auto", else
 * multiples of 16 up to 3840 making 655,360 to 8,294,400 pixels; a prompt of at most 32000 code
 * points).
 */
typedef struct texforge_params {
  uint32_t struct_size; /* sizeof(texforge_params); set by texforge_params_init */
  int32_t num_outputs;  /* 1 */
  int32_t width;        /* 0 (auto, with height 0) */
  int32_t height;       /* 0 */
  const char* model_id; /* NULL: "model_openai-gpt-image-2" */
  const char* prompt;
  const char* quality;    /* "auto", "low", "medium", "high". NULL: "auto" */
  const char* background; /* "auto", "opaque", "transparent". NULL: "auto" */
  /* Reference images (at most 10): each an asset id already on Scenario ("asset_...", with no
   * '/' and no '.') or a local file (PNG, JPEG or WebP) that is uploaded first. */
  const char* const* reference_images;
  size_t reference_image_count;
  const char* mask; /* NULL: none. Else like a reference: a PNG with alpha, the first reference's size */
  /* The host's own, never sent to the service: journaled with the job and given to the importer
   * (the folder importer writes them into the sidecar). */
  const char* usage;                     /* "texture", "sprite", "icon", "ui" or NULL */
  const char* const* host_metadata_keys; /* host_metadata_count pairs, at most 64; no NULL entries */
  const char* const* host_metadata_values;
  size_t host_metadata_count;
  /* texforge's finishing (added in 0.11; a caller built against an older header gets the defaults). */
  const char* name;         /* the imported file's name without extension ("crate"); NULL: from the prompt */
  int32_t seamless;         /* 1: a tileable texture; each output's seam score is measured */
  const char* alpha_method; /* with background "transparent": "model" (checked) or "matte"; NULL: "model" */
  const char* matte_color;  /* "#RRGGBB" the model paints and texforge keys out; NULL: "#FF00FF" */
  int32_t trim;             /* 1: imports crop a transparent border */
} texforge_params;

/* Fills *params with the defaults above and struct_size = sizeof(texforge_params). Any thread. */
TEXFORGE_C_API void texforge_params_init(texforge_params* params);

/* The checks texforge_submit makes before anything is paid, without submitting: the first
 * blocking problem as the status, with its message (naming the field) in texforge_last_error().
 * Reads local reference and mask files. Any thread. Errors: TEXFORGE_ERR_INVALID_ARGUMENT,
 * TEXFORGE_ERR_NOT_FOUND (a local file is missing). */
TEXFORGE_C_API texforge_status texforge_check_params(const texforge_params* params);

/* Checks params, journals the request and queues it; returns at once (nothing waits on the
 * network). The job's local id is copied into local_id_out, whose capacity local_id_cap must be
 * at least TEXFORGE_LOCAL_ID_SIZE (checked before anything happens). Any thread.
 * Errors: TEXFORGE_ERR_INVALID_ARGUMENT (bad parameters, a small buffer, an offline engine),
 * TEXFORGE_ERR_NOT_FOUND (a local reference or mask is missing), TEXFORGE_ERR_UNKNOWN_SUBMISSION
 * (an identical request is unresolved), TEXFORGE_ERR_IO (the journal cannot be written). */
TEXFORGE_C_API texforge_status texforge_submit(texforge_engine* engine, const texforge_params* params,
                                               char* local_id_out, size_t local_id_cap);

/* Asks the service what params would cost, charging nothing. Asynchronous: the answer arrives as a
 * TEXFORGE_EVENT_QUOTE event whose request_id is *request_id_out (request_id_out may be NULL).
 * Any thread. Errors here: TEXFORGE_ERR_INVALID_ARGUMENT (NULL engine or params, a NULL
 * host_metadata entry). Errors in the event: TEXFORGE_ERR_INVALID_ARGUMENT (bad parameters,
 * offline), and any the service gives (credentials, network...). */
TEXFORGE_C_API texforge_status texforge_quote(texforge_engine* engine, const texforge_params* params,
                                              uint64_t* request_id_out);

/* ---------------------------------------------------------------------------------------------
 * Events.
 */
enum {
  TEXFORGE_EVENT_JOB_CHANGED = 0,   /* local_id: state, progress or an output changed */
  TEXFORGE_EVENT_OUTPUT_READY = 1,  /* local_id, output_index: decoded; texforge_output_image works */
  TEXFORGE_EVENT_OUTPUT_FAILED = 2, /* local_id, output_index */
  TEXFORGE_EVENT_JOB_FINISHED = 3,  /* local_id: ready, imported, failed, stopped or unknown */
  TEXFORGE_EVENT_QUOTE = 4,         /* request_id, status, message, creative_units, discount */
  TEXFORGE_EVENT_IMPORT = 5         /* request_id, local_id, output_index, status, message, path,
                                     * sidecar_path (texforge_import_output_async) */
};

typedef struct texforge_event {
  uint32_t struct_size;   /* the caller sets sizeof(texforge_event) before texforge_next_event */
  int32_t kind;           /* TEXFORGE_EVENT_* */
  int32_t output_index;   /* -1 when the event is not about one output */
  texforge_status status; /* quote and import: the outcome; TEXFORGE_OK otherwise */
  uint64_t request_id;    /* quote and import: the id the call gave; 0 otherwise */
  /* Never NULL ("" when not set). They live until the next texforge_next_event on this
   * engine, or its destruction. */
  const char* local_id;
  const char* message; /* the error's message when status is not TEXFORGE_OK */
  const char* path;    /* import: the written image, relative to the project root */
  const char* sidecar_path;
  double creative_units; /* quote */
  double discount;       /* quote */
  int32_t http_status;   /* quote and import errors: the HTTP status involved, 0 when none */
} texforge_event;

/* Runs what texforge's threads handed to the pump thread (quote and import results) and queues
 * every event since the last call for texforge_next_event. Never blocks on the network. Call it
 * once per frame (or after texforge_wait) on the pump thread, the only one that may.
 * *pending_out (may be NULL): how many events now wait for texforge_next_event.
 * Errors: TEXFORGE_ERR_INVALID_ARGUMENT (NULL engine). */
TEXFORGE_C_API texforge_status texforge_pump(texforge_engine* engine, size_t* pending_out);

/* Moves the oldest queued event into *out and returns 1; returns 0 when none is queued (or engine
 * or out is NULL, or out->struct_size is 0). Pump thread only. The event's strings live until
 * the next texforge_next_event on this engine. */
TEXFORGE_C_API int32_t texforge_next_event(texforge_engine* engine, texforge_event* out);

/* Blocks until something waits for texforge_pump or texforge_next_event, or timeout_s passes:
 * 1 when something waits, else 0. For hosts without their own loop. Any thread. */
TEXFORGE_C_API int32_t texforge_wait(texforge_engine* engine, double timeout_s);

/* ---------------------------------------------------------------------------------------------
 * Jobs: copies (snapshots) of what the engine knows, safe to keep; refresh by getting them again.
 */
typedef struct texforge_job texforge_job;
typedef struct texforge_job_list texforge_job_list;

/* A snapshot of one job into *out (NULL on failure); free it with texforge_job_free. Any thread.
 * Errors: TEXFORGE_ERR_NOT_FOUND (no such job), TEXFORGE_ERR_INVALID_ARGUMENT. */
TEXFORGE_C_API texforge_status texforge_job_get(const texforge_engine* engine, const char* local_id,
                                                texforge_job** out);
TEXFORGE_C_API void texforge_job_free(texforge_job* job);

/* Every job the journal knows (this session and earlier ones), newest first. Any thread.
 * The jobs texforge_job_list_at returns belong to the list: they live until texforge_job_list_free
 * and must not be passed to texforge_job_free. at() returns NULL past the end. */
TEXFORGE_C_API texforge_status texforge_jobs(const texforge_engine* engine, texforge_job_list** out);
TEXFORGE_C_API size_t texforge_job_list_count(const texforge_job_list* list);
TEXFORGE_C_API const texforge_job* texforge_job_list_at(const texforge_job_list* list, size_t index);
TEXFORGE_C_API void texforge_job_list_free(texforge_job_list* list);

/* Accessors: pure reads of the snapshot, any thread. Strings live as long as the job handle; they
 * are "" (never NULL) when not set, or when job is NULL or the index is out of range (numbers are
 * then 0, or -1 where noted). */
TEXFORGE_C_API const char* texforge_job_local_id(const texforge_job* job);
TEXFORGE_C_API const char* texforge_job_remote_id(const texforge_job* job); /* Scenario's job id */
TEXFORGE_C_API int32_t texforge_job_state(const texforge_job* job);         /* TEXFORGE_JOB_*; -1 */
TEXFORGE_C_API const char* texforge_job_server_status(const texforge_job* job);
TEXFORGE_C_API double texforge_job_progress(const texforge_job* job);       /* 0..1 */
TEXFORGE_C_API double texforge_job_cost(const texforge_job* job);           /* creative units; -1 unknown */
TEXFORGE_C_API int64_t texforge_job_created_at_ms(const texforge_job* job); /* unix ms */
TEXFORGE_C_API int64_t texforge_job_updated_at_ms(const texforge_job* job);
TEXFORGE_C_API int64_t texforge_job_finished_at_ms(const texforge_job* job); /* 0 while active */
/* Why the job failed (TEXFORGE_OK while it has not). */
TEXFORGE_C_API texforge_status texforge_job_error_code(const texforge_job* job);
TEXFORGE_C_API const char* texforge_job_error_message(const texforge_job* job);
/* unknown jobs: whether only the user can decide (texforge_resolve_unknown), and from when
 * (unix ms, 0: no wait) a resend is allowed. */
TEXFORGE_C_API int32_t texforge_job_needs_decision(const texforge_job* job);
TEXFORGE_C_API int64_t texforge_job_resend_allowed_at_ms(const texforge_job* job);
/* "" while this engine may act on the job; else who holds it, in words (shown read-only). */
TEXFORGE_C_API const char* texforge_job_held_by(const texforge_job* job);
TEXFORGE_C_API int32_t texforge_job_can_resume(const texforge_job* job); /* texforge_resume_job applies */
/* The request: prompt, usage, host metadata, and every parameter as texforge's JSON form
 * ({"modelId", "prompt", "numOutputs", "width", "height", "quality", "background", ...}). */
TEXFORGE_C_API const char* texforge_job_prompt(const texforge_job* job);
TEXFORGE_C_API const char* texforge_job_params_json(const texforge_job* job);
TEXFORGE_C_API const char* texforge_job_usage(const texforge_job* job);
TEXFORGE_C_API size_t texforge_job_host_metadata_count(const texforge_job* job);
TEXFORGE_C_API const char* texforge_job_host_metadata_key(const texforge_job* job, size_t index);
TEXFORGE_C_API const char* texforge_job_host_metadata_value(const texforge_job* job, size_t index);
/* Outputs: index 0..count-1. */
TEXFORGE_C_API int32_t texforge_job_output_count(const texforge_job* job);
TEXFORGE_C_API int32_t texforge_job_ready_count(const texforge_job* job); /* ready or imported */
TEXFORGE_C_API int32_t texforge_job_output_state(const texforge_job* job, int32_t index); /* -1 */
TEXFORGE_C_API const char* texforge_job_output_asset_id(const texforge_job* job, int32_t index);
TEXFORGE_C_API const char* texforge_job_output_format(const texforge_job* job, int32_t index); /* "png"... */
TEXFORGE_C_API int32_t texforge_job_output_width(const texforge_job* job, int32_t index);
TEXFORGE_C_API int32_t texforge_job_output_height(const texforge_job* job, int32_t index);
TEXFORGE_C_API const char* texforge_job_output_cache_path(const texforge_job* job, int32_t index);
TEXFORGE_C_API const char* texforge_job_output_imported_path(const texforge_job* job, int32_t index);
TEXFORGE_C_API texforge_status texforge_job_output_error_code(const texforge_job* job, int32_t index);
TEXFORGE_C_API const char* texforge_job_output_error_message(const texforge_job* job, int32_t index);
/* What finishing found: the seam score (-1 not measured; under 1.5 tiles cleanly) and how the alpha
 * was made ("model", "matte", "border", "opaque" = not transparent; "" when not asked). */
TEXFORGE_C_API double texforge_job_output_seam_score(const texforge_job* job, int32_t index);
TEXFORGE_C_API const char* texforge_job_output_alpha(const texforge_job* job, int32_t index);

/* Controls. Any thread.
 * stop_waiting: stop polling and downloading (the credits are spent); unknown ids and finished
 *   jobs are ignored. Errors: TEXFORGE_ERR_INVALID_ARGUMENT (NULL engine).
 * resume_job: wait again for a stopped job, or a failed one the service may still hold.
 *   Errors: TEXFORGE_ERR_NOT_FOUND, TEXFORGE_ERR_INVALID_ARGUMENT (finished for good, active,
 *   or held elsewhere).
 * resolve_unknown: decide an unknown job: resend = 1 looks once more and sends it again only when
 *   it is still not found (a second charge if the first did start); 0 discards it.
 *   Errors: TEXFORGE_ERR_NOT_FOUND, TEXFORGE_ERR_INVALID_ARGUMENT (not unknown, held elsewhere,
 *   a resend before texforge_job_resend_allowed_at_ms).
 * recheck_unknown: look for an unknown job among the account's jobs again, now. Errors: as above. */
TEXFORGE_C_API texforge_status texforge_stop_waiting(texforge_engine* engine, const char* local_id);
TEXFORGE_C_API texforge_status texforge_resume_job(texforge_engine* engine, const char* local_id);
TEXFORGE_C_API texforge_status texforge_resolve_unknown(texforge_engine* engine, const char* local_id,
                                                        int32_t resend);
TEXFORGE_C_API texforge_status texforge_recheck_unknown(texforge_engine* engine, const char* local_id);

/* ---------------------------------------------------------------------------------------------
 * Images and imports.
 */
typedef struct texforge_image texforge_image;

/* The decoded pixels of a downloaded output (RGBA8, straight alpha, rows top to bottom,
 * width * 4 bytes per row, no padding) into *out (NULL on failure); free with texforge_image_free.
 * Shares the engine's decoded copy when it has one, else decodes the cached file on the calling
 * thread. Any thread. Errors: TEXFORGE_ERR_NOT_FOUND (no such output, or not downloaded),
 * TEXFORGE_ERR_IO, TEXFORGE_ERR_DECODE, TEXFORGE_ERR_INVALID_ARGUMENT. */
TEXFORGE_C_API texforge_status texforge_output_image(const texforge_engine* engine, const char* local_id,
                                                     int32_t output_index, texforge_image** out);
/* Pure reads; the pixels live as long as the image handle. Any thread. 0/NULL for NULL. */
TEXFORGE_C_API int32_t texforge_image_width(const texforge_image* image);
TEXFORGE_C_API int32_t texforge_image_height(const texforge_image* image);
TEXFORGE_C_API int32_t texforge_image_has_alpha(const texforge_image* image); /* the source had alpha */
TEXFORGE_C_API const uint8_t* texforge_image_rgba(const texforge_image* image);
TEXFORGE_C_API size_t texforge_image_size(const texforge_image* image); /* bytes: width * height * 4 */
TEXFORGE_C_API void texforge_image_free(texforge_image* image);

/* Imports one ready output into the project with the folder importer (image file plus its
 * "<file>.texforge.json" sidecar, written atomically) and journals it, on the calling thread
 * (milliseconds: the write is fsynced). Importing an imported output only returns its paths again.
 * The paths, relative to the project root, are copied into path_out and sidecar_out (either may be
 * NULL with a capacity of 0; TEXFORGE_PATH_SIZE always suffices). Any thread.
 * Errors: TEXFORGE_ERR_NOT_FOUND (no such job or output), TEXFORGE_ERR_INVALID_ARGUMENT (not
 * ready), TEXFORGE_ERR_IO (a full or read-only disk), TEXFORGE_ERR_BUFFER_TOO_SMALL (the import
 * was done and the paths are cut: call again with larger buffers). */
TEXFORGE_C_API texforge_status texforge_import_output(texforge_engine* engine, const char* local_id,
                                                      int32_t output_index, char* path_out, size_t path_cap,
                                                      char* sidecar_out, size_t sidecar_cap);

/* The same on texforge's import thread, so the caller never waits on the disk: the result arrives
 * as a TEXFORGE_EVENT_IMPORT event whose request_id is *request_id_out (may be NULL). Any thread.
 * Errors here: TEXFORGE_ERR_INVALID_ARGUMENT. In the event: as texforge_import_output. */
TEXFORGE_C_API texforge_status texforge_import_output_async(texforge_engine* engine, const char* local_id,
                                                            int32_t output_index, uint64_t* request_id_out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TEXFORGE_TEXFORGE_C_H */
