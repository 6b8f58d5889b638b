#!/usr/bin/env python3
"""The C interface driven from Python through ctypes (standard library only) against a running
texforge-emulator: the flow a Python or GDScript binding would follow.

Usage: test_ctypes.py LIBTEXFORGE_C PROJECT_DIR, with SCENARIO_API_URL, SCENARIO_API_KEY and
SCENARIO_API_SECRET set (run_c_api.sh starts the emulator and sets them)."""
import ctypes as C
import os
import sys
import threading
import time

OK, ERR_INVALID_ARGUMENT, ERR_NOT_FOUND, ERR_BUFFER_TOO_SMALL = 0, 1, 4, 100
JOB_READY, JOB_IMPORTED, JOB_FAILED = 4, 5, 6
OUTPUT_READY = 2
EVENT_OUTPUT_READY, EVENT_OUTPUT_FAILED, EVENT_QUOTE, EVENT_IMPORT = 1, 2, 4, 5
LOCAL_ID_SIZE, PATH_SIZE = 64, 4096

LOG_FN = C.CFUNCTYPE(None, C.c_void_p, C.c_int32, C.c_char_p)
WAKE_FN = C.CFUNCTYPE(None, C.c_void_p)


class EngineOptions(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32),
        ("read_environment", C.c_int32),
        ("offline", C.c_int32),
        ("resume", C.c_int32),
        ("auto_import", C.c_int32),
        ("import_on_pump", C.c_int32),
        ("max_jobs_in_flight", C.c_int32),
        ("decode_threads", C.c_int32),
        ("max_attempts", C.c_int32),
        ("connect_timeout_ms", C.c_int32),
        ("project_dir", C.c_char_p),
        ("state_dir", C.c_char_p),
        ("base_url", C.c_char_p),
        ("api_key", C.c_char_p),
        ("api_secret", C.c_char_p),
        ("project_id", C.c_char_p),
        ("ca_file", C.c_char_p),
        ("owner_name", C.c_char_p),
        ("import_folder", C.c_char_p),
        ("poll_initial_s", C.c_double),
        ("poll_max_s", C.c_double),
        ("job_deadline_s", C.c_double),
        ("lease_s", C.c_double),
        ("log", LOG_FN),
        ("log_user", C.c_void_p),
        ("wake", WAKE_FN),
        ("wake_user", C.c_void_p),
    ]


class Params(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32),
        ("num_outputs", C.c_int32),
        ("width", C.c_int32),
        ("height", C.c_int32),
        ("model_id", C.c_char_p),
        ("prompt", C.c_char_p),
        ("quality", C.c_char_p),
        ("background", C.c_char_p),
        ("reference_images", C.POINTER(C.c_char_p)),
        ("reference_image_count", C.c_size_t),
        ("mask", C.c_char_p),
        ("usage", C.c_char_p),
        ("host_metadata_keys", C.POINTER(C.c_char_p)),
        ("host_metadata_values", C.POINTER(C.c_char_p)),
        ("host_metadata_count", C.c_size_t),
        ("name", C.c_char_p),
        ("seamless", C.c_int32),
        ("alpha_method", C.c_char_p),
        ("matte_color", C.c_char_p),
        ("trim", C.c_int32),
    ]


class Event(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32),
        ("kind", C.c_int32),
        ("output_index", C.c_int32),
        ("status", C.c_int32),
        ("request_id", C.c_uint64),
        ("local_id", C.c_char_p),
        ("message", C.c_char_p),
        ("path", C.c_char_p),
        ("sidecar_path", C.c_char_p),
        ("creative_units", C.c_double),
        ("discount", C.c_double),
        ("http_status", C.c_int32),
    ]


class Stats(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32),
        ("requests", C.c_uint64),
        ("retries", C.c_uint64),
        ("url_refreshes", C.c_uint64),
        ("reconciled", C.c_uint64),
    ]


def load(path):
    lib = C.CDLL(path)
    vp, cp, i32, u64, sz, dbl = C.c_void_p, C.c_char_p, C.c_int32, C.c_uint64, C.c_size_t, C.c_double
    sigs = {
        "texforge_version": (cp, []),
        "texforge_abi_version": (C.c_uint32, []),
        "texforge_status_name": (cp, [i32]),
        "texforge_last_status": (i32, []),
        "texforge_last_error": (cp, []),
        "texforge_engine_options_init": (None, [C.POINTER(EngineOptions)]),
        "texforge_engine_create": (i32, [C.POINTER(EngineOptions), C.POINTER(vp)]),
        "texforge_engine_destroy": (None, [vp]),
        "texforge_engine_base_url": (cp, [vp]),
        "texforge_engine_stats": (i32, [vp, C.POINTER(Stats)]),
        "texforge_params_init": (None, [C.POINTER(Params)]),
        "texforge_check_params": (i32, [C.POINTER(Params)]),
        "texforge_submit": (i32, [vp, C.POINTER(Params), C.c_char_p, sz]),
        "texforge_quote": (i32, [vp, C.POINTER(Params), C.POINTER(u64)]),
        "texforge_pump": (i32, [vp, C.POINTER(sz)]),
        "texforge_next_event": (i32, [vp, C.POINTER(Event)]),
        "texforge_wait": (i32, [vp, dbl]),
        "texforge_job_get": (i32, [vp, cp, C.POINTER(vp)]),
        "texforge_job_free": (None, [vp]),
        "texforge_jobs": (i32, [vp, C.POINTER(vp)]),
        "texforge_job_list_count": (sz, [vp]),
        "texforge_job_list_at": (vp, [vp, sz]),
        "texforge_job_list_free": (None, [vp]),
        "texforge_job_local_id": (cp, [vp]),
        "texforge_job_state": (i32, [vp]),
        "texforge_job_prompt": (cp, [vp]),
        "texforge_job_usage": (cp, [vp]),
        "texforge_job_host_metadata_count": (sz, [vp]),
        "texforge_job_host_metadata_key": (cp, [vp, sz]),
        "texforge_job_host_metadata_value": (cp, [vp, sz]),
        "texforge_job_output_count": (i32, [vp]),
        "texforge_job_output_state": (i32, [vp, i32]),
        "texforge_job_output_width": (i32, [vp, i32]),
        "texforge_job_output_height": (i32, [vp, i32]),
        "texforge_job_output_imported_path": (cp, [vp, i32]),
        "texforge_output_image": (i32, [vp, cp, i32, C.POINTER(vp)]),
        "texforge_image_width": (i32, [vp]),
        "texforge_image_height": (i32, [vp]),
        "texforge_image_rgba": (C.POINTER(C.c_uint8), [vp]),
        "texforge_image_size": (sz, [vp]),
        "texforge_image_free": (None, [vp]),
        "texforge_import_output": (i32, [vp, cp, i32, C.c_char_p, sz, C.c_char_p, sz]),
        "texforge_import_output_async": (i32, [vp, cp, i32, C.POINTER(u64)]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    return lib


failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def require(cond, what, lib=None):
    if not cond:
        detail = ""
        if lib is not None:
            detail = f" (last error: {lib.texforge_last_error().decode()})"
        print(f"FAIL: {what}{detail}", file=sys.stderr)
        sys.exit(1)


def c_strings(values):
    arr = (C.c_char_p * len(values))(*[v.encode() for v in values])
    return C.cast(arr, C.POINTER(C.c_char_p)), arr  # the array must outlive the call


def pump_events(lib, engine):
    """Pumps once and yields copies of the queued events (their strings die with the next one)."""
    require(lib.texforge_pump(engine, None) == OK, "texforge_pump", lib)
    ev = Event()
    while True:
        ev.struct_size = C.sizeof(Event)
        if not lib.texforge_next_event(engine, C.byref(ev)):
            return
        yield {
            "kind": ev.kind,
            "output_index": ev.output_index,
            "status": ev.status,
            "request_id": ev.request_id,
            "local_id": ev.local_id.decode(),
            "message": ev.message.decode(),
            "path": ev.path.decode(),
            "sidecar_path": ev.sidecar_path.decode(),
            "creative_units": ev.creative_units,
        }


def wait_for(lib, engine, kind, request_id, deadline_s=30):
    until = time.monotonic() + deadline_s
    while time.monotonic() < until:
        lib.texforge_wait(engine, 0.25)
        for e in pump_events(lib, engine):
            if e["kind"] == kind and e["request_id"] == request_id:
                return e
    require(False, f"no event of kind {kind} for request {request_id} within {deadline_s} s")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lib = load(sys.argv[1])
    project = sys.argv[2]
    url, key, secret = (os.environ[n] for n in ("SCENARIO_API_URL", "SCENARIO_API_KEY", "SCENARIO_API_SECRET"))
    print(f"texforge {lib.texforge_version().decode()}, C ABI {lib.texforge_abi_version()}")

    log_lines, wakes = [], [0]
    lock = threading.Lock()

    def on_log(user, level, message):  # texforge's threads: only append
        with lock:
            log_lines.append((level, message.decode("utf-8", "replace")))

    def on_wake(user):
        with lock:
            wakes[0] += 1

    log_cb, wake_cb = LOG_FN(on_log), WAKE_FN(on_wake)  # kept alive until the engine is destroyed

    o = EngineOptions()
    lib.texforge_engine_options_init(C.byref(o))
    check(o.struct_size == C.sizeof(EngineOptions), "EngineOptions mirrors texforge_engine_options in size")
    check(o.read_environment == 1 and o.resume == 1 and o.max_jobs_in_flight == 4, "option defaults")
    o.project_dir, o.base_url, o.api_key, o.api_secret = project.encode(), url.encode(), key.encode(), secret.encode()
    o.read_environment = 0
    o.poll_initial_s, o.poll_max_s = 0.05, 0.2
    o.log, o.wake = log_cb, wake_cb
    engine = C.c_void_p()
    require(lib.texforge_engine_create(C.byref(o), C.byref(engine)) == OK, "texforge_engine_create", lib)
    check(lib.texforge_engine_base_url(engine).decode() == url, "base URL")

    p = Params()
    lib.texforge_params_init(C.byref(p))
    check(p.struct_size == C.sizeof(Params) and p.num_outputs == 1, "Params mirrors texforge_params")
    prompt = "un mur de pierre moussu, texture \u00e9t\u00e9"  # UTF-8 on the way in and out
    p.prompt = prompt.encode("utf-8")
    p.num_outputs, p.width, p.height = 2, 1024, 1024
    p.usage = b"sprite"
    keys, keys_arr = c_strings(["slot"])
    values, values_arr = c_strings(["hero/idle"])
    p.host_metadata_keys, p.host_metadata_values, p.host_metadata_count = keys, values, 1
    check(lib.texforge_check_params(C.byref(p)) == OK, "params pass the checks")

    quote_id = C.c_uint64()
    require(lib.texforge_quote(engine, C.byref(p), C.byref(quote_id)) == OK, "texforge_quote", lib)
    q = wait_for(lib, engine, EVENT_QUOTE, quote_id.value)
    check(q["status"] == OK and q["creative_units"] > 0, f"quote answered: {q}")
    print(f"quote: {q['creative_units']:.2f} creative units")

    local_id = C.create_string_buffer(LOCAL_ID_SIZE)
    require(lib.texforge_submit(engine, C.byref(p), local_id, LOCAL_ID_SIZE) == OK, "texforge_submit", lib)
    job_id = local_id.value.decode()
    print(f"submitted {job_id}")

    ready_outputs, until = set(), time.monotonic() + 90
    while True:
        lib.texforge_wait(engine, 0.25)
        for e in pump_events(lib, engine):
            if e["local_id"] != job_id:
                continue
            if e["kind"] == EVENT_OUTPUT_READY:
                ready_outputs.add(e["output_index"])
            check(e["kind"] != EVENT_OUTPUT_FAILED, f"no output fails: {e}")
        job = C.c_void_p()
        require(lib.texforge_job_get(engine, job_id.encode(), C.byref(job)) == OK, "texforge_job_get", lib)
        state = lib.texforge_job_state(job)
        if (state == JOB_READY and len(ready_outputs) == 2) or state == JOB_FAILED:
            break
        lib.texforge_job_free(job)
        require(time.monotonic() < until, f"job {job_id} ready within 90 s (state {state})")
    check(state == JOB_READY, "job ready")
    check(ready_outputs == {0, 1}, f"an output-ready event per output: {ready_outputs}")
    check(lib.texforge_job_output_count(job) == 2, "two outputs")
    check(lib.texforge_job_prompt(job).decode("utf-8") == prompt, "the prompt comes back as UTF-8")
    check(lib.texforge_job_usage(job) == b"sprite", "usage journaled")
    check(lib.texforge_job_host_metadata_count(job) == 1, "one host metadata entry")
    check(lib.texforge_job_host_metadata_key(job, 0) == b"slot", "host metadata key")
    check(lib.texforge_job_host_metadata_value(job, 0) == b"hero/idle", "host metadata value")
    for i in range(2):
        check(lib.texforge_job_output_state(job, i) == OUTPUT_READY, f"output {i} ready")
        check((lib.texforge_job_output_width(job, i), lib.texforge_job_output_height(job, i)) == (1024, 1024),
              f"output {i} is 1024x1024")
    lib.texforge_job_free(job)

    pixels = []
    for i in range(2):
        image = C.c_void_p()
        require(lib.texforge_output_image(engine, job_id.encode(), i, C.byref(image)) == OK,
                f"texforge_output_image {i}", lib)
        w, h, n = lib.texforge_image_width(image), lib.texforge_image_height(image), lib.texforge_image_size(image)
        check((w, h, n) == (1024, 1024, 1024 * 1024 * 4), f"image {i}: {w}x{h}, {n} bytes")
        data = C.string_at(lib.texforge_image_rgba(image), n)  # a copy: the handle can go
        lib.texforge_image_free(image)
        check(len(set(data[k:k + 4] for k in range(0, len(data), 4 * 4099))) > 1, f"image {i} is not one colour")
        pixels.append(data)
    check(pixels[0] != pixels[1], "the two outputs differ")

    path = C.create_string_buffer(PATH_SIZE)
    sidecar = C.create_string_buffer(PATH_SIZE)
    require(lib.texforge_import_output(engine, job_id.encode(), 0, path, PATH_SIZE, sidecar, PATH_SIZE) == OK,
            "texforge_import_output", lib)
    imported = [path.value.decode()]
    check(os.path.isfile(os.path.join(project, imported[0])), f"{imported[0]} exists")
    check(os.path.isfile(os.path.join(project, sidecar.value.decode())), "its sidecar exists")
    import_id = C.c_uint64()
    require(lib.texforge_import_output_async(engine, job_id.encode(), 1, C.byref(import_id)) == OK,
            "texforge_import_output_async", lib)
    e = wait_for(lib, engine, EVENT_IMPORT, import_id.value)
    check(e["status"] == OK and e["output_index"] == 1, f"import event: {e}")
    imported.append(e["path"])
    check(os.path.isfile(os.path.join(project, imported[1])), f"{imported[1]} exists")
    check(os.path.isfile(os.path.join(project, e["sidecar_path"])), "its sidecar exists")
    print("imported " + ", ".join(imported))
    small = C.create_string_buffer(4)
    check(lib.texforge_import_output(engine, job_id.encode(), 0, small, 4, None, 0) == ERR_BUFFER_TOO_SMALL,
          "a small buffer is reported")
    check(small.value.decode() == imported[0][:3], "and holds the path cut")

    # The error path: bad parameters give the invalid-argument code and a message.
    bad = Params()
    lib.texforge_params_init(C.byref(bad))
    bad.prompt, bad.width, bad.height = b"wall", 1000, 1024
    check(lib.texforge_submit(engine, C.byref(bad), local_id, LOCAL_ID_SIZE) == ERR_INVALID_ARGUMENT,
          "an off-grid size is refused")
    check(lib.texforge_last_status() == ERR_INVALID_ARGUMENT, "last status says so")
    message = lib.texforge_last_error().decode()
    check(message != "", "with a message")
    check(lib.texforge_status_name(ERR_INVALID_ARGUMENT) == b"invalid_argument", "status name")
    print(f"bad params: {message}")
    missing = C.c_void_p()
    check(lib.texforge_job_get(engine, b"tf_nosuchjob", C.byref(missing)) == ERR_NOT_FOUND, "unknown job")
    check(not missing.value, "leaves out NULL")

    # Jobs list and stats.
    jobs = C.c_void_p()
    require(lib.texforge_jobs(engine, C.byref(jobs)) == OK, "texforge_jobs", lib)
    ids = [lib.texforge_job_local_id(lib.texforge_job_list_at(jobs, i)).decode()
           for i in range(lib.texforge_job_list_count(jobs))]
    lib.texforge_job_list_free(jobs)
    check(job_id in ids, f"the job is listed: {ids}")
    stats = Stats()
    stats.struct_size = C.sizeof(Stats)
    check(lib.texforge_engine_stats(engine, C.byref(stats)) == OK and stats.requests > 0, "stats")

    lib.texforge_engine_destroy(engine)
    with lock:
        print(f"{stats.requests} requests, {wakes[0]} wakes, {len(log_lines)} log lines")
        check(wakes[0] > 0, "the wake callback ran")
        check(log_lines, "the log callback received the engine's lines")
        check(not [m for _, m in log_lines if secret in m], "no log line holds the API secret")
        check(all(0 <= level <= 3 for level, _ in log_lines), "log levels are TEXFORGE_LOG_* values")

    if failures:
        print(f"test_ctypes: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("test_ctypes: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
