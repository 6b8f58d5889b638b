#!/usr/bin/env bash
# End-to-end: texforge-custom-engine, the headless Vulkan engine sample, on the in-process emulator:
# it generates 2 images through the panel, auto-imports them into its own registry and scene, then
# rewrites one imported file so its file watcher hot-reloads the texture, and writes a screenshot.
# Checks the files, the registry listing, the hot reload and the screenshot's pixels. Runs on Mesa's
# lavapipe (software Vulkan) when it is installed, and with the Khronos validation layer when that is
# (then any validation error fails the run). Exits 77 (skipped) when there is no Vulkan device.
set -euo pipefail

bin="${TEXFORGE_BIN_DIR:-build/bin}/texforge-custom-engine"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -x "$bin" ]]; then
  echo "SKIP: $bin not built (it needs TEXFORGE_BUILD_GUI, libvulkan-dev and glslc)"
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIP: python3 not found (needed to check the screenshot)"
  exit 77
fi

# The same software driver everywhere, unless the caller chose a driver: no GPU needed, same pixels.
if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]]; then
  for icd in /usr/share/vulkan/icd.d/lvp_icd.*.json; do
    if [[ -e "$icd" ]]; then
      export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"
      break
    fi
  done
fi
validate=()
if [[ -e /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json ]]; then
  validate=(--validate)
fi

# Under AddressSanitizer (a TEXFORGE_SANITIZE build), leave leak checking out: the Vulkan loader and
# lavapipe leak a few hundred bytes per instance from a library they unload, which no suppression
# can name (a bare vkCreateInstance/vkDestroyInstance program shows it). Memory errors still abort.
if [[ -n "${ASAN_OPTIONS:-}" ]]; then
  export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
project="$work/project"
shot="$work/shot.png"
log="$work/engine.log"
mkdir -p "$work/config"

# Hermetic: no user credentials or settings (XDG_CONFIG_HOME), the emulator (--demo), a fixed size.
# Every wait inside the engine is a condition checked once per frame; --frames-max and --timeout only
# bound a run that went wrong.
rc=0
XDG_CONFIG_HOME="$work/config" \
  "$bin" --project "$project" --demo --prompt "mossy stone wall" --outputs 2 --job-ms 800 --size 1280x800 \
         --simulate-edit --screenshot "$shot" --frames-max 3000 --timeout 120 "${validate[@]}" \
  >"$log" 2>"$work/engine.err" || rc=$?
cat "$log"
cat "$work/engine.err" >&2
if [[ "$rc" -eq 69 ]]; then
  echo "SKIP: no Vulkan device (install mesa-vulkan-drivers for lavapipe)"
  exit 77
fi
[[ "$rc" -eq 0 ]] || { echo "FAIL: texforge-custom-engine exited with $rc"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }

grep -q "^generator: .*(demo: the built-in emulator)" "$log" || fail "the engine did not run on the emulator"
mapfile -t images < <(find "$project/assets/generated" -maxdepth 1 -name '*.png' | sort)
sidecars=$(find "$project/assets/generated" -maxdepth 1 -name '*.png.texforge.json' | wc -l)
echo "imported images: ${#images[@]}, sidecars: $sidecars"
[[ "${#images[@]}" -eq 2 ]] || fail "expected 2 imported images"
[[ "$sidecars" -eq 2 ]] || fail "expected 2 sidecars"
grep -q "mossy stone wall" "${images[0]}.texforge.json" || fail "the sidecar lacks the prompt"
[[ -s "$project/.texforge/demo/journal.sqlite" ]] || fail "demo mode kept no journal of its own"

# The engine's registry: both files, with the usage and the host metadata given at submit.
grep -q "^registry: 2 assets$" "$log" || fail "the registry listing does not show 2 assets"
for image in "${images[@]}"; do
  name="$(basename "$image")"
  grep -Eq "^  asset ${name%.png}  path=assets/generated/$name usage=texture version=1 origin=tf_[0-9a-f]+#[01]  metadata: engine.material=demo/texture, engine.scene=gallery$" "$log" ||
    fail "the registry does not list $name with its usage and metadata"
done
grep -q "^importer: 2 imports, 0 refused" "$log" || fail "the engine's importer did not import both outputs"

# The hot reload: the edited file was loaded again and replaced the texture the scene showed, and
# the old texture was freed after its frames, not at once.
grep -Eq "^script: edited assets/generated/.*\.png on disk" "$log" || fail "the engine did not edit an asset"
grep -Eq "^hot-reload: .* \(file changed\): texture #[0-9]+ -> #[0-9]+$" "$log" || fail "no hot reload"
grep -Eq "^uploader: .*\([1-9][0-9]* freed after their frames" "$log" || fail "no deferred free after the reload"
summary="$(grep "^summary: " "$log")" || fail "no summary"
for fact in "assets registered 2" "assets shown 2" "hot reloads 1" "validation errors 0"; do
  [[ "$summary" == *"$fact"* ]] || fail "the summary does not say \"$fact\": $summary"
done
[[ "$summary" =~ textures\ live\ [1-9] ]] || fail "no textures live: $summary"
[[ "$summary" =~ panel\ image\ draws\ [1-9] ]] || fail "the panel drew none of the uploader's textures: $summary"

# The screenshot: the requested size; the scene shows images (many colours, few background pixels);
# the edited asset (the first cell, left half of the scene) shows its magenta frame, the other not.
[[ -s "$shot" ]] || fail "no screenshot"
region="$(sed -n 's/^scene region: 0,0 \([0-9]*x[0-9]*\) of .*/\1/p' "$log")"
[[ -n "$region" ]] || fail "the engine did not say where its scene is"
python3 - "$shot" "$region" "$here" <<'EOF'
import sys

sys.path.insert(0, sys.argv[3])
from viewer_png_check import read_png

width, height, channels, rows = read_png(sys.argv[1])
scene_w, scene_h = (int(v) for v in sys.argv[2].split("x"))
background = (18, 20, 26)  # the engine's clear colour (0.07, 0.08, 0.10)


def sample(x0, x1, y0, y1):
    for y in range(y0, y1, 3):
        row = rows[y]
        for x in range(x0, x1, 3):
            yield row[x * channels], row[x * channels + 1], row[x * channels + 2]


def stats(x0, x1, y0, y1):
    colours, content, magenta, n = set(), 0, 0, 0
    for r, g, b in sample(x0, x1, y0, y1):
        n += 1
        colours.add((r >> 4, g >> 4, b >> 4))
        content += 1 if max(abs(r - background[0]), abs(g - background[1]), abs(b - background[2])) > 12 else 0
        magenta += 1 if r > 230 and g < 30 and b > 230 else 0
    return len(colours), content / max(n, 1), magenta / max(n, 1)


problems = []
if (width, height) != (1280, 800):
    problems.append("screenshot is %dx%d, not 1280x800" % (width, height))
else:
    colours, content, _ = stats(0, scene_w, 0, scene_h)
    _, _, left_magenta = stats(0, scene_w // 2, 0, scene_h)
    _, _, right_magenta = stats(scene_w // 2, scene_w, 0, scene_h)
    panel_colours, _, _ = stats(scene_w, width, 0, height)
    print("scene %dx%d: %d colours, %.0f%% not background; magenta %.1f%% left, %.1f%% right; panel %d colours"
          % (scene_w, scene_h, colours, content * 100, left_magenta * 100, right_magenta * 100, panel_colours))
    if colours < 40 or content < 0.25:
        problems.append("the scene does not show the imported images")
    if left_magenta < 0.05:
        problems.append("the edited asset does not show its new version (no magenta frame in the first cell)")
    if right_magenta > 0.01:
        problems.append("the second asset shows the edit too")
    if panel_colours < 20:
        problems.append("the panel was not drawn")
for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
EOF
echo "PASS"
