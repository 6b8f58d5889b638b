#!/usr/bin/env bash
# How often the journal waits for the disk: `texforge batch` of N one-image jobs at K in flight
# (emulator jobs of 200 ms) to the end, under `strace -f -c` for fdatasync and fsync (imports
# fsync their files too). Prints strace's counts; asserts nothing. Needs strace.
#   bench/journal_syncs.sh [N=128] [K=4] [BIN=build/bin]
set -euo pipefail
N="${1:-128}"; K="${2:-4}"; BIN="${3:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}"
command -v strace >/dev/null || { echo "apt-get install strace" >&2; exit 2; }
P="$(mktemp -d)"
trap 'kill ${EMU:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$P"' EXIT
"$BIN/texforge-emulator" --port 0 --job-ms 200 >"$P/emu.log" 2>&1 &
EMU=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's/^texforge-emulator listening on //p' "$P/emu.log")"
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "the emulator did not start" >&2; exit 2; }
export SCENARIO_API_URL="$URL" SCENARIO_API_KEY=emulator-key SCENARIO_API_SECRET=emulator-secret
echo prompt,size >"$P/rows.csv"
for i in $(seq -w 1 "$N"); do echo "queued job $i,1024x640" >>"$P/rows.csv"; done
strace -f -c -e trace=fdatasync,fsync -o "$P/strace.txt" \
  "$BIN/texforge" batch "$P/rows.csv" --project "$P/proj" --yes --max-in-flight "$K" >"$P/out.txt" 2>&1
tail -n 1 "$P/out.txt"
grep -E "fdatasync|fsync|total" "$P/strace.txt"
