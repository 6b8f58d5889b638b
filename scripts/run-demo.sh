#!/usr/bin/env bash
# Sets everything up and runs the main job: the viewer on the embedded emulator when a display is
# present, otherwise the headless demo (emulator + texforge generate into ./demo-project).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

texforge_install_packages
texforge_build "$TEXFORGE_BUILD" -DTEXFORGE_TEST_HOOKS=OFF
bin="$TEXFORGE_BUILD/bin"
project="${TEXFORGE_DEMO_PROJECT:-$TEXFORGE_ROOT/demo-project}"
mkdir -p "$project"

if [ -n "${DISPLAY:-}" ] && [ -x "$bin/texforge-viewer" ] && [ "${TEXFORGE_HEADLESS:-0}" != 1 ]; then
  exec "$bin/texforge-viewer" --demo --project "$project" "$@"
fi

echo "texforge: no display, running the headless demo against the bundled emulator"
log="$(mktemp)"
"$bin/texforge-emulator" --port 0 --job-ms 3000 >"$log" 2>&1 &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  url="$(sed -n 's/^texforge-emulator listening on //p' "$log")"
  [ -n "$url" ] && break
  kill -0 $emulator_pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "texforge: the emulator did not start"; cat "$log"; exit 1; }
export SCENARIO_API_URL="$url" SCENARIO_API_KEY=emulator-key SCENARIO_API_SECRET=emulator-secret
"$bin/texforge" generate "${TEXFORGE_DEMO_PROMPT:-a mossy stone wall texture}" --project "$project" --outputs 3 "$@"
echo
echo "texforge: the images and their .texforge.json sidecars are in $project/assets/generated/"
"$bin/texforge" jobs --project "$project"
