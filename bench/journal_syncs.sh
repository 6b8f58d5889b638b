#!/usr/bin/env bash
# How often the journal waits for the disk: `texforge batch` of N one-image jobs at K in flight
# (emulator jobs of 200 ms) to the end, under `strace -f -c` for fdatasync and fsync (imports
# fsync their files too). Prints strace's counts; asserts nothing. Needs strace.
#   bench/journal_syncs.sh [N=128] [K=4] [BIN=build/bin]
set -euo pipefail
N="${1:-128}"; K="${2:-4}"; BIN="${3:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}"
command -v strace >/dev/null || { echo "apt-get install strace" >&2; exit 2; }
. "$(dirname "$0")/emulator.sh"
bench_start_emulator "$BIN" 200
echo prompt,size >"$P/rows.csv"
for i in $(seq -w 1 "$N"); do echo "queued job $i,1024x640" >>"$P/rows.csv"; done
strace -f -c -e trace=fdatasync,fsync -o "$P/strace.txt" \
  "$BIN/texforge" batch "$P/rows.csv" --project "$P/proj" --yes --max-in-flight "$K" >"$P/out.txt" 2>&1
tail -n 1 "$P/out.txt"
grep -E "fdatasync|fsync|total" "$P/strace.txt"
