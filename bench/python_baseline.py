#!/usr/bin/env python3
"""The Python baseline of bench/batch_vs_python.py: the pattern of Scenario's API documentation.

For each job: POST /generate/custom/model_openai-gpt-image-2 with HTTP Basic auth, read job.jobId,
poll GET /jobs/{id} with a fixed sleep until the status is success or failure, then for each
job.metadata.assetIds GET /assets/{id}, take asset.url, GET it (no auth header) and save the bytes.
Jobs run on a ThreadPoolExecutor (8 workers by default).

Runs on its own:
  SCENARIO_API_URL=http://127.0.0.1:PORT/v1 SCENARIO_API_KEY=emulator-key \\
  SCENARIO_API_SECRET=emulator-secret python3 bench/python_baseline.py --jobs 4 --out /tmp/out
or is imported: `run(base, key, secret, prompts(4), 4, 1024, 1024, "/tmp/out")`.
Exit status: 0 when every image was saved, 1 when a job failed, 2 bad arguments or no `requests`.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

try:
    import requests
except ImportError:  # reported by main() / run(), so the module still imports
    requests = None

MODEL = "model_openai-gpt-image-2"
MISSING_REQUESTS = "python_baseline: the `requests` module is missing: apt-get install python3-requests"


def prompts(n):
    """N distinct prompts, the same on both sides of the benchmark."""
    return ["bench texture %02d, weathered stone tiles, top-down, even light" % i for i in range(n)]


def run_job(base, auth, prompt, outputs, width, height, out_dir, poll_s):
    """One job, start to finish, as the docs show it. Returns the paths of the saved files."""
    r = requests.post(base + "/generate/custom/" + MODEL, auth=auth,
                      json={"prompt": prompt, "numOutputs": outputs, "width": width, "height": height})
    r.raise_for_status()
    job_id = r.json()["job"]["jobId"]
    while True:
        time.sleep(poll_s)
        r = requests.get(base + "/jobs/" + job_id, auth=auth)
        r.raise_for_status()
        job = r.json()["job"]
        if job["status"] in ("success", "failure"):
            break
    if job["status"] != "success":
        raise RuntimeError("job %s failed: %s" % (job_id, job.get("metadata", {}).get("error")))
    saved = []
    for asset_id in job["metadata"]["assetIds"]:
        r = requests.get(base + "/assets/" + asset_id, auth=auth)
        r.raise_for_status()
        url = r.json()["asset"]["url"]
        img = requests.get(url)  # a signed URL: no auth header
        img.raise_for_status()
        ext = os.path.splitext(urlparse(url).path)[1] or ".png"
        path = os.path.join(out_dir, asset_id + ext)
        with open(path, "wb") as f:
            f.write(img.content)
        saved.append(path)
    return saved


def run(base, key, secret, prompt_list, outputs, width, height, out_dir, threads=8, poll_s=3.0):
    """Every prompt as one job, `threads` at a time. Returns (saved paths, errors)."""
    if requests is None:
        raise SystemExit(MISSING_REQUESTS)
    os.makedirs(out_dir, exist_ok=True)
    base = base.rstrip("/")
    auth = (key, secret)
    saved, errors = [], []

    def one(prompt):
        try:
            return run_job(base, auth, prompt, outputs, width, height, out_dir, poll_s), None
        except Exception as e:  # a failed job is counted, the others go on
            return [], "%s: %s" % (prompt, e)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for paths, err in pool.map(one, prompt_list):
            saved.extend(paths)
            if err:
                errors.append(err)
    return saved, errors


def parse_size(text):
    try:
        w, h = text.lower().split("x")
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError("--size needs WxH, e.g. 1024x1024")


def main(argv=None):
    p = argparse.ArgumentParser(description="Scenario's documented Python pattern, with a thread pool.")
    p.add_argument("--url", default=os.environ.get("SCENARIO_API_URL", "https://api.cloud.scenario.com/v1"))
    p.add_argument("--key", default=os.environ.get("SCENARIO_API_KEY"))
    p.add_argument("--secret", default=os.environ.get("SCENARIO_API_SECRET"))
    p.add_argument("--jobs", type=int, default=32)
    p.add_argument("--outputs", type=int, default=4)
    p.add_argument("--size", type=parse_size, default=(1024, 1024))
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--poll-s", type=float, default=3.0, help="fixed sleep between polls (default 3)")
    p.add_argument("--out", required=True, help="folder the images are saved in")
    a = p.parse_args(argv)
    if requests is None:
        print(MISSING_REQUESTS, file=sys.stderr)
        return 2
    if not a.key or not a.secret:
        print("python_baseline: needs --key/--secret or SCENARIO_API_KEY/SCENARIO_API_SECRET", file=sys.stderr)
        return 2
    saved, errors = run(a.url, a.key, a.secret, prompts(a.jobs), a.outputs, a.size[0], a.size[1], a.out,
                        a.threads, a.poll_s)
    for e in errors:
        print("python_baseline: " + e, file=sys.stderr)
    print("python_baseline: %d jobs, %d failed, %d files saved in %s" % (a.jobs, len(errors), len(saved), a.out))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
