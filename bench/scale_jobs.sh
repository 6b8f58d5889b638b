#!/usr/bin/env bash
# Many jobs in flight in one process: `texforge batch` of N jobs x K outputs of 1024x1024, all N in
# flight at once (emulator jobs of 5 s), to imported files. Prints the client's wall time, CPU and
# peak resident memory (GNU time's maximum RSS), the emulator's CPU, and the images imported;
# asserts nothing. The CLI keeps no pixels: each download is checked (chunk CRCs, markers, RIFF
# sizes) and written as it came.
#   bench/scale_jobs.sh [N=256] [K=4] [BIN=build/bin]
set -euo pipefail
N="${1:-256}"; K="${2:-4}"; BIN="${3:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}"
[ -x /usr/bin/time ] || { echo "apt-get install time" >&2; exit 2; }
. "$(dirname "$0")/emulator.sh"
bench_start_emulator "$BIN" 5000
echo prompt,size,outputs >"$P/rows.csv"
for i in $(seq -w 1 "$N"); do echo "crate texture $i,1024x1024,$K" >>"$P/rows.csv"; done
e0=$(awk '{print $14 + $15}' "/proc/$EMU/stat")
/usr/bin/time -f "%e %U %S %M" -o "$P/time.txt" \
  "$BIN/texforge" batch "$P/rows.csv" --project "$P/proj" --yes --max-in-flight "$N" >"$P/out.txt" 2>&1 ||
  { tail -5 "$P/out.txt" >&2; exit 1; }
e1=$(awk '{print $14 + $15}' "/proc/$EMU/stat")
imported=$(find "$P/proj" -path "$P/proj/.texforge" -prune -o -name '*.png' -print | wc -l)
read -r wall user sys rss_kb <"$P/time.txt"
python3 - "$N" "$K" "$wall" "$user" "$sys" "$rss_kb" "$e0" "$e1" "$(getconf CLK_TCK)" "$imported" <<'PY'
import sys
n, k = int(sys.argv[1]), int(sys.argv[2])
wall, user, sys_s, rss_kb, e0, e1, hz = map(float, sys.argv[3:10])
imported = int(sys.argv[10])
print("%d jobs x %d of 1024x1024, all in flight: wall %.1f s, client CPU %.2f s, client peak RSS %.1f MB, "
      "emulator CPU %.1f s, %d of %d images imported" % (n, k, wall, user + sys_s, rss_kb / 1024,
                                                         (e1 - e0) / hz, imported, n * k))
PY
