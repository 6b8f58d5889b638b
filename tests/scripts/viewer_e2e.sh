#!/usr/bin/env bash
# End-to-end: texforge-viewer in demo mode under Xvfb generates 4 images, imports them and writes a
# screenshot; checks the files and that the screenshot shows the generated image (sampled pixels).
set -euo pipefail

bin="${TEXFORGE_BIN_DIR:-build/bin}/texforge-viewer"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -x "$bin" ]]; then
  echo "SKIP: $bin not built (TEXFORGE_BUILD_GUI=OFF?)"
  exit 0
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "SKIP: xvfb-run not found (apt-get install xvfb to run this test)"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIP: python3 not found (needed to check the screenshot)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
project="$work/project"
shot="$work/shot.png"
mkdir -p "$project" "$work/config"

# Hermetic: no user credentials or settings, software GL, a fixed window size.
XDG_CONFIG_HOME="$work/config" LIBGL_ALWAYS_SOFTWARE=1 \
  xvfb-run -a -s "-screen 0 1440x900x24" \
  "$bin" --project "$project" --demo --prompt "mossy stone wall" --preset Texture --outputs 4 \
         --job-ms 800 --generate --import-all --screenshot "$shot" --quit-when-idle --timeout 120 \
  | tee "$work/viewer.log"

images=$(find "$project/assets/generated" -maxdepth 1 -name '*.png' | wc -l)
sidecars=$(find "$project/assets/generated" -maxdepth 1 -name '*.png.texforge.json' | wc -l)
echo "imported images: $images, sidecars: $sidecars"
[[ "$images" -eq 4 ]] || { echo "FAIL: expected 4 imported images"; exit 1; }
[[ "$sidecars" -eq 4 ]] || { echo "FAIL: expected 4 sidecars"; exit 1; }
grep -q "mossy stone wall" "$(find "$project/assets/generated" -name '*.texforge.json' | head -1)" \
  || { echo "FAIL: sidecar lacks the prompt"; exit 1; }
# Demo mode keeps its own journal: the project's real one is never opened, let alone written.
[[ -s "$project/.texforge/demo/journal.sqlite" ]] || { echo "FAIL: demo mode kept no journal of its own"; exit 1; }
[[ ! -e "$project/.texforge/journal.sqlite" ]] || { echo "FAIL: demo mode wrote the project's real journal"; exit 1; }
[[ -s "$shot" ]] || { echo "FAIL: no screenshot"; exit 1; }
python3 "$here/viewer_png_check.py" "$shot"

# An endpoint texforge refuses (plain http to a remote host), saved in the project's settings with
# credentials present: the viewer still opens, in demo mode, and names the problem (it used to exit
# with status 1 and no window).
bad="$work/bad-endpoint"
mkdir -p "$bad/.texforge"
printf '{"endpoint": "http://example.com/v1"}\n' >"$bad/.texforge/editor.json"
rc=0
XDG_CONFIG_HOME="$work/config" LIBGL_ALWAYS_SOFTWARE=1 SCENARIO_API_KEY=k SCENARIO_API_SECRET=s \
  xvfb-run -a -s "-screen 0 1440x900x24" \
  "$bin" --project "$bad" --screenshot "$work/bad.png" --quit-when-idle --timeout 60 \
  >"$work/bad.log" 2>&1 || rc=$?
cat "$work/bad.log"
[[ "$rc" -eq 0 ]] || { echo "FAIL: the viewer exited $rc on a refused endpoint"; exit 1; }
grep -q "Settings: .*demo mode until this is fixed" "$work/bad.log" || { echo "FAIL: the problem was not named"; exit 1; }
[[ -s "$work/bad.png" ]] || { echo "FAIL: no window was drawn"; exit 1; }
echo "PASS"
