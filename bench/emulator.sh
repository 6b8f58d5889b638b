# Sourced by the bench scripts: a scratch folder and a texforge-emulator for one run.
#   bench_start_emulator BIN JOB_MS  sets P (a temporary folder, removed on exit), EMU (the emulator's
#   pid, killed on exit) and URL, and exports the SCENARIO_API_* variables the CLI reads.
bench_start_emulator() {
  P="$(mktemp -d)"
  trap 'kill ${CLI:-} ${EMU:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$P"' EXIT
  "$1/texforge-emulator" --port 0 --job-ms "$2" >"$P/emu.log" 2>&1 &
  EMU=$!
  URL=""
  for _ in $(seq 1 100); do
    URL="$(sed -n 's/^texforge-emulator listening on //p' "$P/emu.log")"
    [ -n "$URL" ] && break
    sleep 0.1
  done
  [ -n "$URL" ] || { echo "the emulator did not start" >&2; exit 2; }
  export SCENARIO_API_URL="$URL" SCENARIO_API_KEY=emulator-key SCENARIO_API_SECRET=emulator-secret
}
