# Helpers for the script tests: start texforge-emulator on an ephemeral port and stop it on exit.
# Source it; it needs TEXFORGE_BIN_DIR (set by ctest).

: "${TEXFORGE_BIN_DIR:?run through ctest, which sets TEXFORGE_BIN_DIR}"
BIN="$TEXFORGE_BIN_DIR"
WORK="$(mktemp -d)"
EMULATOR_PID=""
cleanup() {
  [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# start_emulator [extra args...]: sets EMULATOR_URL and exports the SCENARIO_* variables.
start_emulator() {
  "$BIN/texforge-emulator" --port 0 "$@" >"$WORK/emulator.log" 2>&1 &
  EMULATOR_PID=$!
  EMULATOR_URL=""
  # Wait for the one line the emulator prints once it listens (bounded: 20 s).
  for _ in $(seq 1 200); do
    EMULATOR_URL="$(sed -n 's/^texforge-emulator listening on //p' "$WORK/emulator.log")"
    [ -n "$EMULATOR_URL" ] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || fail "emulator exited: $(cat "$WORK/emulator.log")"
    sleep 0.1
  done
  [ -n "$EMULATOR_URL" ] || fail "emulator did not start"
  export SCENARIO_API_URL="$EMULATOR_URL" SCENARIO_API_KEY=emulator-key SCENARIO_API_SECRET=emulator-secret
  EMULATOR_ROOT="${EMULATOR_URL%/v1}"
}

# stat_value KEY: an integer field of /_emulator/stats. Set EMULATOR_CA to the certificate when the
# emulator serves HTTPS with a self-signed one.
stat_value() {
  curl -sf ${EMULATOR_CA:+--cacert "$EMULATOR_CA"} "$EMULATOR_ROOT/_emulator/stats" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
