#!/usr/bin/env bash
# The client's CPU while many jobs wait: `texforge batch` of N one-image jobs against
# texforge-emulator with 10-minute jobs; once every paid POST is in, the client's and the
# emulator's CPU over S seconds (from /proc). Prints figures; asserts nothing.
#   bench/idle_jobs.sh [N=100] [S=60] [BIN=build/bin]
set -euo pipefail
N="${1:-100}"; S="${2:-60}"; BIN="${3:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}"
. "$(dirname "$0")/emulator.sh"
bench_start_emulator "$BIN" 600000
echo prompt,size >"$P/rows.csv"
for i in $(seq -w 1 "$N"); do echo "waiting job $i,1024x1024" >>"$P/rows.csv"; done
"$BIN/texforge" batch "$P/rows.csv" --project "$P/proj" --yes --max-in-flight "$N" >"$P/out.txt" 2>&1 &
CLI=$!
posts() { curl -sf "${URL%/v1}/_emulator/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['generate_posts'])"; }
for _ in $(seq 1 1200); do [ "$(posts)" = "$N" ] && break; sleep 0.1; done
sleep 5  # the submissions' last answers and first polls
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
polls() { curl -sf "${URL%/v1}/_emulator/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['requests_per_route'].get('job', 0))"; }
c0=$(cpu "$CLI"); e0=$(cpu "$EMU"); p0=$(polls)
sleep "$S"
c1=$(cpu "$CLI"); e1=$(cpu "$EMU"); p1=$(polls)
python3 - "$c0" "$c1" "$e0" "$e1" "$(getconf CLK_TCK)" "$S" "$N" "$p0" "$p1" <<'PY'
import sys
c0, c1, e0, e1, hz, s, n, p0, p1 = map(float, sys.argv[1:])
client = (c1 - c0) / hz
polls = p1 - p0
print("%d jobs waiting %d s: client CPU %.2f s = %.2f%% of one core; %d polls (%.1f/s, %.2f ms of CPU each); "
      "emulator %.2f s" % (n, s, client, client / s * 100, polls, polls / s, client * 1000 / max(polls, 1),
                           (e1 - e0) / hz))
PY
