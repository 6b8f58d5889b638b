/* The C interface driven from C11 (-Wall -Wextra -Werror -pedantic) against a running
 * texforge-emulator: quote, submit two 1024x1024 outputs, wait for them through events, read the
 * decoded pixels, import both (one synchronously, one on the import thread), the error paths, and
 * the journal read back by an offline engine. Usage: test_c_api PROJECT_DIR, with SCENARIO_API_URL,
 * SCENARIO_API_KEY and SCENARIO_API_SECRET set (run_c_api.sh starts the emulator and sets them). */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "texforge/texforge_c.h"

static int failures = 0;

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "FAIL %s:%d: %s (last error: %s %s)\n", __FILE__, __LINE__, #cond, \
              texforge_status_name(texforge_last_status()), texforge_last_error());      \
      ++failures;                                                                        \
    }                                                                                    \
  } while (0)

/* A check the rest of the run depends on (cond is evaluated once). */
#define REQUIRE(cond)                        \
  do {                                       \
    const int required_ok_ = (cond) ? 1 : 0; \
    CHECK(required_ok_&& #cond);             \
    if (!required_ok_) return 1;             \
  } while (0)

static atomic_int log_lines;
static atomic_int log_leaks; /* lines with the API secret in them (must stay 0) */
static atomic_int wakes;
static const char* api_secret = "";

static void onLog(void* user, int32_t level, const char* message) {
  if (user != (void*)&log_lines) return;
  atomic_fetch_add(&log_lines, 1);
  if (*api_secret && strstr(message, api_secret)) atomic_fetch_add(&log_leaks, 1);
  if (getenv("TEXFORGE_C_API_VERBOSE")) fprintf(stderr, "[%s] %s\n", texforge_log_level_name(level), message);
}

static void onWake(void* user) {
  if (user == (void*)&wakes) atomic_fetch_add(&wakes, 1);
}

static int fileExists(const char* project, const char* relative) {
  char path[TEXFORGE_PATH_SIZE * 2];
  FILE* f;
  snprintf(path, sizeof path, "%s/%s", project, relative);
  f = fopen(path, "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
}

/* Pumps until an event of kind (with request_id when not 0) arrives or deadline_s passes; copies
 * it into *out. The strings in *out stay valid until the next texforge_next_event. */
static int waitForEvent(texforge_engine* engine, int32_t kind, uint64_t request_id, double deadline_s,
                        texforge_event* out) {
  time_t until = time(NULL) + (time_t)deadline_s;
  while (time(NULL) <= until) {
    texforge_wait(engine, 0.25);
    if (texforge_pump(engine, NULL) != TEXFORGE_OK) return 0;
    out->struct_size = sizeof *out;
    while (texforge_next_event(engine, out)) {
      if (out->kind == kind && (request_id == 0 || out->request_id == request_id)) return 1;
    }
  }
  return 0;
}

/* Pixels that are not all one colour (the emulator draws noise and the prompt). */
static int nonUniform(const uint8_t* rgba, size_t size) {
  size_t i;
  for (i = 4; i + 4 <= size; i += 4 * 97) {
    if (memcmp(rgba, rgba + i, 4) != 0) return 1;
  }
  return 0;
}

static void errorPaths(texforge_engine* engine, const char* project) {
  texforge_params p;
  char id[TEXFORGE_LOCAL_ID_SIZE];
  char small[8];
  texforge_job* job = NULL;
  texforge_image* image = NULL;
  texforge_engine* none = NULL;
  texforge_engine_options zero;
  char path[TEXFORGE_PATH_SIZE];

  /* Bad parameters: the invalid-argument code and a message that names the problem. */
  texforge_params_init(&p);
  p.prompt = "a mossy stone wall texture";
  p.num_outputs = 0;
  CHECK(texforge_check_params(&p) == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(texforge_submit(engine, &p, id, sizeof id) == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(texforge_last_status() == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(strlen(texforge_last_error()) > 0);
  CHECK(strcmp(texforge_status_name(TEXFORGE_ERR_INVALID_ARGUMENT), "invalid_argument") == 0);
  printf("bad params: %s: %s\n", texforge_status_name(texforge_last_status()), texforge_last_error());

  p.num_outputs = 1;
  p.width = 1000; /* not a multiple of 16 */
  p.height = 1024;
  CHECK(texforge_submit(engine, &p, id, sizeof id) == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(strlen(texforge_last_error()) > 0);
  printf("off-grid size: %s\n", texforge_last_error());
  p.width = 1024;
  p.prompt = "";
  CHECK(texforge_submit(engine, &p, id, sizeof id) == TEXFORGE_ERR_INVALID_ARGUMENT);
  p.prompt = "fine";
  CHECK(texforge_submit(engine, &p, small, sizeof small) == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(texforge_submit(NULL, &p, id, sizeof id) == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(texforge_submit(engine, NULL, id, sizeof id) == TEXFORGE_ERR_INVALID_ARGUMENT);
  p.reference_image_count = 1; /* with a NULL array */
  CHECK(texforge_check_params(&p) == TEXFORGE_ERR_INVALID_ARGUMENT);
  p.reference_image_count = 0;
  CHECK(texforge_check_params(&p) == TEXFORGE_OK);
  CHECK(strcmp(texforge_last_error(), "") == 0);

  /* The finishing fields: a transparent sprite keyed from a matte, a method texforge does not know. */
  p.background = "transparent";
  p.alpha_method = "stencil";
  CHECK(texforge_check_params(&p) == TEXFORGE_ERR_INVALID_ARGUMENT);
  p.alpha_method = "matte";
  p.matte_color = "#00FF00";
  p.trim = 1;
  p.name = "../escape";
  CHECK(texforge_check_params(&p) == TEXFORGE_ERR_INVALID_ARGUMENT); /* a name is a file name, no path */
  p.name = "potion";
  CHECK(texforge_check_params(&p) == TEXFORGE_OK);
  p.background = NULL;
  p.alpha_method = NULL;
  p.matte_color = NULL;
  p.trim = 0;
  p.name = NULL;

  /* An older caller's shorter struct: what lies past its struct_size is never read. */
  texforge_params_init(&p);
  p.prompt = "an older caller";
  p.reference_image_count = 3; /* with a NULL array, past the size given below */
  p.struct_size = (uint32_t)offsetof(texforge_params, reference_images);
  CHECK(texforge_check_params(&p) == TEXFORGE_OK);
  p.struct_size = 0;
  CHECK(texforge_check_params(&p) == TEXFORGE_ERR_INVALID_ARGUMENT);

  /* Unknown jobs and outputs. */
  CHECK(texforge_job_get(engine, "tf_nosuchjob", &job) == TEXFORGE_ERR_NOT_FOUND);
  CHECK(job == NULL);
  CHECK(texforge_output_image(engine, "tf_nosuchjob", 0, &image) == TEXFORGE_ERR_NOT_FOUND);
  CHECK(image == NULL);
  CHECK(texforge_import_output(engine, "tf_nosuchjob", 0, path, sizeof path, NULL, 0) ==
        TEXFORGE_ERR_NOT_FOUND);
  CHECK(texforge_resume_job(engine, "tf_nosuchjob") == TEXFORGE_ERR_NOT_FOUND);

  /* Creation errors. */
  CHECK(texforge_engine_create(NULL, NULL) == TEXFORGE_ERR_INVALID_ARGUMENT);
  memset(&zero, 0, sizeof zero);
  CHECK(texforge_engine_create(&zero, &none) == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(none == NULL);
  texforge_engine_options_init(&zero);
  zero.project_dir = project;
  zero.api_key = "only-a-key";
  CHECK(texforge_engine_create(&zero, &none) == TEXFORGE_ERR_INVALID_ARGUMENT);
  zero.decode_threads = 0;
  zero.api_key = NULL;
  CHECK(texforge_engine_create(&zero, &none) == TEXFORGE_ERR_INVALID_ARGUMENT);
  /* read_environment = 0: the credentials in the environment are not used. */
  texforge_engine_options_init(&zero);
  zero.project_dir = project;
  zero.read_environment = 0;
  CHECK(texforge_engine_create(&zero, &none) == TEXFORGE_ERR_CREDENTIALS);
  CHECK(none == NULL);
  CHECK(strstr(texforge_last_error(), "read_environment") != NULL);

  /* NULL handles read as empty. */
  CHECK(strcmp(texforge_job_local_id(NULL), "") == 0);
  CHECK(texforge_job_state(NULL) == -1);
  CHECK(texforge_image_width(NULL) == 0);
  CHECK(strcmp(texforge_job_state_name(99), "invalid") == 0);
  texforge_job_free(NULL);
  texforge_image_free(NULL);
  texforge_job_list_free(NULL);
  texforge_engine_destroy(NULL);
}

static int offlineReadBack(const char* project, const char* local_id) {
  texforge_engine_options o;
  texforge_engine* engine = NULL;
  texforge_job_list* list = NULL;
  texforge_params p;
  char id[TEXFORGE_LOCAL_ID_SIZE];
  size_t i;
  int found = 0;

  texforge_engine_options_init(&o);
  o.project_dir = project;
  o.offline = 1;
  o.read_environment = 0;
  REQUIRE(texforge_engine_create(&o, &engine) == TEXFORGE_OK);
  REQUIRE(texforge_jobs(engine, &list) == TEXFORGE_OK);
  for (i = 0; i < texforge_job_list_count(list); ++i) {
    const texforge_job* job = texforge_job_list_at(list, i);
    if (strcmp(texforge_job_local_id(job), local_id) != 0) continue;
    found = 1;
    CHECK(texforge_job_state(job) == TEXFORGE_JOB_IMPORTED);
    CHECK(texforge_job_output_count(job) == 2);
    CHECK(strlen(texforge_job_output_imported_path(job, 1)) > 0);
  }
  CHECK(found);
  CHECK(texforge_job_list_at(list, texforge_job_list_count(list)) == NULL);
  texforge_job_list_free(list);

  /* An offline engine refuses to submit. */
  texforge_params_init(&p);
  p.prompt = "offline";
  CHECK(texforge_submit(engine, &p, id, sizeof id) == TEXFORGE_ERR_INVALID_ARGUMENT);
  texforge_engine_destroy(engine);
  return 0;
}

int main(int argc, char** argv) {
  const char* project;
  const char* url = getenv("SCENARIO_API_URL");
  const char* key = getenv("SCENARIO_API_KEY");
  const char* secret = getenv("SCENARIO_API_SECRET");
  const char* metadata_keys[] = {"slot", "folder"};
  const char* metadata_values[] = {"albedo", "Textures/Walls"};
  texforge_engine_options o;
  texforge_engine* engine = NULL;
  texforge_params p;
  texforge_event ev;
  texforge_job* job = NULL;
  texforge_image* images[2] = {NULL, NULL};
  texforge_stats stats;
  uint64_t quote_id = 0, import_id = 0;
  char id[TEXFORGE_LOCAL_ID_SIZE];
  char path0[TEXFORGE_PATH_SIZE], sidecar0[TEXFORGE_PATH_SIZE], path1[TEXFORGE_PATH_SIZE];
  char again[TEXFORGE_PATH_SIZE], cut[4];
  int ready_events = 0, i;
  time_t until;

  if (argc != 2 || !url || !key || !secret) {
    fprintf(stderr, "usage: test_c_api PROJECT_DIR (with SCENARIO_API_URL, _KEY and _SECRET set)\n");
    return 2;
  }
  project = argv[1];
  api_secret = secret;
  printf("texforge %s, C ABI %u\n", texforge_version(), (unsigned)texforge_abi_version());
  CHECK(strlen(texforge_version()) > 0);
  CHECK(texforge_abi_version() == TEXFORGE_C_ABI_VERSION);

  /* Everything passed in the options; nothing read from the environment. */
  texforge_engine_options_init(&o);
  CHECK(o.struct_size == sizeof o && o.read_environment == 1 && o.resume == 1 && o.decode_threads == 2);
  o.project_dir = project;
  o.base_url = url;
  o.api_key = key;
  o.api_secret = secret;
  o.read_environment = 0;
  o.poll_initial_s = 0.05;
  o.poll_max_s = 0.2;
  o.log = onLog;
  o.log_user = (void*)&log_lines;
  o.wake = onWake;
  o.wake_user = (void*)&wakes;
  REQUIRE(texforge_engine_create(&o, &engine) == TEXFORGE_OK);
  REQUIRE(engine != NULL);
  CHECK(strcmp(texforge_engine_base_url(engine), url) == 0);
  CHECK(strcmp(texforge_engine_project_dir(engine), project) == 0);

  texforge_params_init(&p);
  p.prompt = "a mossy stone wall texture";
  p.num_outputs = 2;
  p.width = 1024;
  p.height = 1024;
  p.quality = "low";
  p.usage = "texture";
  p.host_metadata_keys = metadata_keys;
  p.host_metadata_values = metadata_values;
  p.host_metadata_count = 2;
  CHECK(texforge_check_params(&p) == TEXFORGE_OK);

  /* Quote: asynchronous, answered by an event. */
  REQUIRE(texforge_quote(engine, &p, &quote_id) == TEXFORGE_OK);
  CHECK(quote_id != 0);
  REQUIRE(waitForEvent(engine, TEXFORGE_EVENT_QUOTE, quote_id, 30, &ev));
  CHECK(ev.status == TEXFORGE_OK);
  CHECK(ev.creative_units > 0);
  printf("quote: %.2f creative units\n", ev.creative_units);

  /* A quote of bad params fails in its event. */
  p.num_outputs = 11;
  REQUIRE(texforge_quote(engine, &p, &quote_id) == TEXFORGE_OK);
  REQUIRE(waitForEvent(engine, TEXFORGE_EVENT_QUOTE, quote_id, 30, &ev));
  CHECK(ev.status == TEXFORGE_ERR_INVALID_ARGUMENT);
  CHECK(strlen(ev.message) > 0);
  p.num_outputs = 2;

  REQUIRE(texforge_submit(engine, &p, id, sizeof id) == TEXFORGE_OK);
  CHECK(strlen(id) > 0);
  printf("submitted %s\n", id);

  /* Wait through events until both outputs are in. */
  until = time(NULL) + 90;
  for (;;) {
    int done = 0;
    texforge_wait(engine, 0.25);
    REQUIRE(texforge_pump(engine, NULL) == TEXFORGE_OK);
    ev.struct_size = sizeof ev;
    while (texforge_next_event(engine, &ev)) {
      if (strcmp(ev.local_id, id) != 0) continue;
      if (ev.kind == TEXFORGE_EVENT_OUTPUT_READY) ++ready_events;
      CHECK(ev.kind != TEXFORGE_EVENT_OUTPUT_FAILED);
    }
    REQUIRE(texforge_job_get(engine, id, &job) == TEXFORGE_OK);
    /* The snapshot can be ready a moment before the last output's event is pumped. */
    done = (texforge_job_state(job) == TEXFORGE_JOB_READY && ready_events == 2) ||
           texforge_job_state(job) == TEXFORGE_JOB_FAILED;
    if (done) break;
    texforge_job_free(job);
    job = NULL;
    REQUIRE(time(NULL) < until);
  }
  CHECK(texforge_job_state(job) == TEXFORGE_JOB_READY);
  CHECK(texforge_job_error_code(job) == TEXFORGE_OK);
  CHECK(ready_events == 2);
  CHECK(texforge_job_output_count(job) == 2);
  CHECK(texforge_job_ready_count(job) == 2);
  CHECK(strlen(texforge_job_remote_id(job)) > 0);
  CHECK(strcmp(texforge_job_prompt(job), p.prompt) == 0);
  CHECK(strcmp(texforge_job_usage(job), "texture") == 0);
  CHECK(texforge_job_host_metadata_count(job) == 2);
  CHECK(strcmp(texforge_job_host_metadata_key(job, 1), "slot") == 0); /* map order */
  CHECK(strcmp(texforge_job_host_metadata_value(job, 1), "albedo") == 0);
  CHECK(strstr(texforge_job_params_json(job), "\"numOutputs\":2") != NULL);
  CHECK(texforge_job_created_at_ms(job) > 0 && texforge_job_finished_at_ms(job) > 0);
  for (i = 0; i < 2; ++i) {
    CHECK(texforge_job_output_state(job, i) == TEXFORGE_OUTPUT_READY);
    CHECK(texforge_job_output_width(job, i) == 1024 && texforge_job_output_height(job, i) == 1024);
    CHECK(strcmp(texforge_job_output_format(job, i), "png") == 0);
    CHECK(strlen(texforge_job_output_asset_id(job, i)) > 0);
  }
  CHECK(texforge_job_output_state(job, 2) == -1);
  CHECK(strcmp(texforge_job_output_asset_id(job, 2), "") == 0);
  texforge_job_free(job);
  job = NULL;

  /* The decoded pixels. */
  for (i = 0; i < 2; ++i) {
    REQUIRE(texforge_output_image(engine, id, i, &images[i]) == TEXFORGE_OK);
    CHECK(texforge_image_width(images[i]) == 1024);
    CHECK(texforge_image_height(images[i]) == 1024);
    REQUIRE(texforge_image_size(images[i]) == (size_t)1024 * 1024 * 4);
    REQUIRE(texforge_image_rgba(images[i]) != NULL);
    CHECK(nonUniform(texforge_image_rgba(images[i]), texforge_image_size(images[i])));
  }
  CHECK(memcmp(texforge_image_rgba(images[0]), texforge_image_rgba(images[1]),
               texforge_image_size(images[0])) != 0);
  texforge_image_free(images[0]);
  texforge_image_free(images[1]);

  /* Import: output 0 on this thread, output 1 on the import thread. */
  REQUIRE(texforge_import_output(engine, id, 0, path0, sizeof path0, sidecar0, sizeof sidecar0) ==
          TEXFORGE_OK);
  printf("imported %s (%s)\n", path0, sidecar0);
  CHECK(fileExists(project, path0));
  CHECK(fileExists(project, sidecar0));
  REQUIRE(texforge_import_output_async(engine, id, 1, &import_id) == TEXFORGE_OK);
  REQUIRE(waitForEvent(engine, TEXFORGE_EVENT_IMPORT, import_id, 30, &ev));
  CHECK(ev.status == TEXFORGE_OK);
  CHECK(strcmp(ev.local_id, id) == 0 && ev.output_index == 1);
  snprintf(path1, sizeof path1, "%s", ev.path);
  printf("imported %s (%s)\n", path1, ev.sidecar_path);
  CHECK(fileExists(project, path1));
  CHECK(fileExists(project, ev.sidecar_path));
  CHECK(strcmp(path0, path1) != 0);

  /* Importing again returns the same paths; a small buffer is cut and says so. */
  CHECK(texforge_import_output(engine, id, 1, again, sizeof again, NULL, 0) == TEXFORGE_OK);
  CHECK(strcmp(again, path1) == 0);
  CHECK(texforge_import_output(engine, id, 0, cut, sizeof cut, NULL, 0) == TEXFORGE_ERR_BUFFER_TOO_SMALL);
  CHECK(strlen(cut) == sizeof cut - 1 && strncmp(cut, path0, sizeof cut - 1) == 0);

  REQUIRE(texforge_job_get(engine, id, &job) == TEXFORGE_OK);
  CHECK(texforge_job_state(job) == TEXFORGE_JOB_IMPORTED);
  CHECK(strcmp(texforge_job_output_imported_path(job, 0), path0) == 0);
  CHECK(strcmp(texforge_job_output_imported_path(job, 1), path1) == 0);
  texforge_job_free(job);

  errorPaths(engine, project);

  stats.struct_size = sizeof stats;
  CHECK(texforge_engine_stats(engine, &stats) == TEXFORGE_OK);
  CHECK(stats.requests > 0);
  CHECK(atomic_load(&wakes) > 0);
  printf("stats: %llu requests; %d wakes; %d log lines\n", (unsigned long long)stats.requests,
         atomic_load(&wakes), atomic_load(&log_lines));
  CHECK(atomic_load(&log_lines) > 0);
  CHECK(atomic_load(&log_leaks) == 0);
  texforge_engine_destroy(engine);

  if (offlineReadBack(project, id) != 0) return 1;

  if (failures) {
    fprintf(stderr, "test_c_api: %d check(s) failed\n", failures);
    return 1;
  }
  printf("test_c_api: ok\n");
  return 0;
}
