#!/usr/bin/env python3
"""texforge batch against the vendor's documented Python pattern, on the same machine, in one command.

Each measured run starts a fresh texforge-emulator (so both sides start equal), runs one client as a
child process against it and measures the child's wall time, CPU (user+sys) and peak RSS, and the
emulator's CPU over the same span (utime+stime from /proc/PID/stat). It prints figures and ratios;
it never fails on speed. Exit status: 0 when every run imported every image, 1 when one did not,
2 bad arguments or no `requests`.

  python3 bench/batch_vs_python.py              # 32 jobs x 4 outputs of 1024x1024, 3 runs, median
  python3 bench/batch_vs_python.py --quick      # 4 jobs, 1 run: a smoke run
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
import python_baseline  # noqa: E402  (the same prompts on both sides)

KEY, SECRET = "emulator-key", "emulator-secret"
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_ticks(pid):
    """utime+stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return int(fields[11]) + int(fields[12])


class Emulator:
    def __init__(self, bin_dir, job_ms, work):
        self.log = os.path.join(work, "emulator.log")
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [os.path.join(bin_dir, "texforge-emulator"), "--port", "0", "--job-ms", str(job_ms),
                 "--key", KEY, "--secret", SECRET], stdout=out, stderr=subprocess.STDOUT)
        self.url = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the one line it prints once it listens (as tests/scripts/lib.sh)
            with open(self.log) as f:
                for line in f:
                    if line.startswith("texforge-emulator listening on "):
                        self.url = line.split(" on ", 1)[1].strip()
            if self.url:
                return
            if self.proc.poll() is not None:
                raise RuntimeError("emulator exited: " + open(self.log).read())
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("emulator did not start within 20 s")

    def cpu_ticks(self):
        return proc_cpu_ticks(self.proc.pid)

    def stats(self):
        try:
            with urllib.request.urlopen(self.url.rsplit("/v1", 1)[0] + "/_emulator/stats", timeout=5) as r:
                return json.load(r)
        except Exception:
            return {}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run_child(argv, env, log_path, timeout_s):
    """Run one client; returns (exit status, wall s, user+sys s, peak RSS MB) from its own rusage."""
    with open(log_path, "w") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout_s:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
    return proc.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def requests_line(per_route):
    """The emulator's request count per route, e.g. "14 (generate 4, job 4, asset 4, cdn 2)"."""
    if not per_route:
        return "n/a"
    return "%d (%s)" % (sum(per_route.values()), ", ".join("%s %d" % kv for kv in sorted(per_route.items())))


def count_images(folder):
    if not os.path.isdir(folder):
        return 0
    return sum(1 for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTS))


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def measure(side, a, bin_dir, run_no):
    """One measured run of one side against a fresh emulator."""
    work = tempfile.mkdtemp(prefix="texforge-bench-%s-" % side)
    emu = Emulator(bin_dir, a.job_ms, work)
    try:
        env = dict(os.environ, SCENARIO_API_URL=emu.url, SCENARIO_API_KEY=KEY, SCENARIO_API_SECRET=SECRET)
        w, h = a.size
        if side == "texforge":
            project = os.path.join(work, "project")
            os.makedirs(project)
            csv_path = os.path.join(work, "rows.csv")
            with open(csv_path, "w") as f:
                f.write("prompt,name,outputs,size\n")
                for i, p in enumerate(python_baseline.prompts(a.jobs)):
                    f.write('"%s",bench_%02d,%d,%dx%d\n' % (p, i, a.outputs, w, h))
            argv = [os.path.join(bin_dir, "texforge"), "batch", csv_path, "--project", project, "--yes"]
            if a.max_in_flight:
                argv += ["--max-in-flight", str(a.max_in_flight)]
            out_dir = os.path.join(project, "assets", "generated")
        else:
            out_dir = os.path.join(work, "out")
            argv = [sys.executable, os.path.join(HERE, "python_baseline.py"), "--url", emu.url,
                    "--jobs", str(a.jobs), "--outputs", str(a.outputs), "--size", "%dx%d" % (w, h),
                    "--threads", str(a.threads), "--poll-s", str(a.poll_s), "--out", out_dir]
        log = os.path.join(work, side + ".log")
        emu_before = emu.cpu_ticks()
        rc, wall, cpu, rss = run_child(argv, env, log, a.timeout)
        emu_cpu = (emu.cpu_ticks() - emu_before) / CLK_TCK
        stats = emu.stats()
        files = count_images(out_dir)
        expected = a.jobs * a.outputs
        ok = rc == 0 and files == expected
        result = {"side": side, "run": run_no, "exit": rc, "files": files, "expected_files": expected, "ok": ok,
                  "wall_s": wall, "client_cpu_s": cpu, "client_peak_rss_mb": rss, "emulator_cpu_s": emu_cpu,
                  "emulator_requests": stats.get("requests_per_route", {})}
        print("  run %d %-8s wall %7.2f s  client CPU %6.2f s  RSS %6.1f MB  emulator CPU %6.2f s  "
              "files %d/%d  exit %d  requests %s" % (run_no, side, wall, cpu, rss, emu_cpu, files, expected, rc,
                                                    requests_line(result["emulator_requests"])), flush=True)
        if not ok:
            print("    FAILED (exit %d, %d of %d files); last lines of its output:\n%s"
                  % (rc, files, expected, tail(log)), flush=True)
        return result
    finally:
        emu.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("    kept " + work)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ratio(x, y):
    return "%.2f" % (x / y) if y else "n/a"


def main():
    p = argparse.ArgumentParser(description="texforge batch vs Scenario's documented Python pattern (x threads).")
    p.add_argument("--jobs", type=int, default=32, help="jobs per run (default 32)")
    p.add_argument("--outputs", type=int, default=4, help="images per job (default 4)")
    p.add_argument("--size", type=python_baseline.parse_size, default=(1024, 1024), help="WxH (default 1024x1024)")
    p.add_argument("--runs", type=int, default=3, help="measured runs per side; the median is printed (default 3)")
    p.add_argument("--job-ms", type=int, default=5000, help="emulator job duration in ms (default 5000)")
    p.add_argument("--quick", action="store_true", help="a smoke run: 4 jobs, 1 run")
    p.add_argument("--bin", default=os.path.join(REPO, "build", "bin"), help="folder of texforge and texforge-emulator")
    p.add_argument("--threads", type=int, default=8, help="Python thread pool size (default 8)")
    p.add_argument("--poll-s", type=float, default=3.0, help="Python fixed poll sleep in s (default 3)")
    p.add_argument("--max-in-flight", type=int, default=0,
                   help="passed to texforge batch (default: not passed, texforge's own default)")
    p.add_argument("--timeout", type=float, default=900, help="seconds one client may run before it is killed")
    p.add_argument("--json", metavar="FILE", help="write the figures (every run and the medians) to FILE")
    p.add_argument("--keep", action="store_true", help="keep each run's temporary folder")
    a = p.parse_args()
    if a.quick:
        a.jobs, a.runs = 4, 1
    if python_baseline.requests is None:
        print("batch_vs_python: the `requests` module is missing: apt-get install python3-requests", file=sys.stderr)
        return 2
    if a.jobs < 1 or a.outputs < 1 or a.runs < 1:
        p.error("--jobs, --outputs and --runs need at least 1")
    for exe in ("texforge", "texforge-emulator"):
        if not os.access(os.path.join(a.bin, exe), os.X_OK):
            p.error("no %s in %s: build first, or give --bin DIR" % (exe, a.bin))

    w, h = a.size
    nproc = len(os.sched_getaffinity(0))
    model = cpu_model()
    python_label = "Python x%d" % a.threads
    print("batch_vs_python: %d jobs x %d outputs of %dx%d, %d run(s) per side, emulator job %d ms"
          % (a.jobs, a.outputs, w, h, a.runs, a.job_ms), flush=True)
    runs = {"texforge": [], "python": []}
    for r in range(1, a.runs + 1):
        order = ("texforge", "python") if r % 2 else ("python", "texforge")  # alternate who goes first
        for side in order:
            runs[side].append(measure(side, a, a.bin, r))

    keys = [("wall_s", "wall (s)", "%.2f"), ("client_cpu_s", "client CPU (s)", "%.2f"),
            ("client_peak_rss_mb", "client peak RSS (MB)", "%.1f"), ("emulator_cpu_s", "emulator CPU (s)", "%.2f")]
    med = {side: {k: statistics.median(x[k] for x in runs[side]) for k, _, _ in keys} for side in runs}
    all_ok = all(x["ok"] for side in runs for x in runs[side])

    print()
    print("| figure | texforge | %s | ratio texforge/python |" % python_label)
    print("|---|---|---|---|")
    for k, label, fmt in keys:
        print("| %s | %s | %s | %s |" % (label, fmt % med["texforge"][k], fmt % med["python"][k],
                                         ratio(med["texforge"][k], med["python"][k])))
    print()
    print("median of %d run(s) per side; %d jobs x %d outputs of %dx%d = %d images per run; every run imported "
          "all: %s" % (a.runs, a.jobs, a.outputs, w, h, a.jobs * a.outputs, "yes" if all_ok else "NO"))
    print("client = the measured child process (texforge batch / python_baseline.py): wall clock, user+sys "
          "CPU and peak RSS from its own rusage; emulator = the fresh texforge-emulator serving that run, "
          "utime+stime over the same span (/proc/PID/stat)")
    print("concurrency: texforge batch %s; Python %d threads, fixed %.1f s poll sleep"
          % ("--max-in-flight %d" % a.max_in_flight if a.max_in_flight else "with its default (32 in flight for a batch)",
             a.threads, a.poll_s))
    print("machine: %d CPU(s) usable (nproc), %s; %s %s; emulator job length %d ms"
          % (nproc, model, platform.system(), platform.release(), a.job_ms))
    print("not in scope: how late fixed %.0f s polling notices a finished job (another benchmark measures "
          "that)" % a.poll_s)
    cmd = "python3 bench/batch_vs_python.py" + ("" if len(sys.argv) < 2 else " " + shlex.join(sys.argv[1:]))
    print("reproduce: " + cmd)

    if a.json:
        doc = {"schema": "texforge-bench-batch-vs-python/1", "command": cmd,
               "workload": {"jobs": a.jobs, "outputs": a.outputs, "width": w, "height": h, "runs": a.runs,
                            "job_ms": a.job_ms, "python_threads": a.threads, "python_poll_s": a.poll_s,
                            "texforge_max_in_flight": a.max_in_flight or None},
               "machine": {"nproc": nproc, "cpu_model": model, "os": platform.platform(),
                           "python": platform.python_version()},
               "median": med,
               "ratio_texforge_over_python": {k: (med["texforge"][k] / med["python"][k] if med["python"][k] else None)
                                              for k, _, _ in keys},
               "runs": runs, "all_ok": all_ok}
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=2)
        print("figures written to " + a.json)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
