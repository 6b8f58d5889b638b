#!/usr/bin/env bash
# The editor against a current Dear ImGui release handed in by the host (TEXFORGE_IMGUI_TARGET):
# it builds, links one ImGui, and draws a generation's result headless. The release's sources are
# looked for in ../shared/imgui-* beside the repository (or $TEXFORGE_IMGUI_DIR); without them the
# test is skipped (77). Debian's 1.86 is what the main build uses.
set -euo pipefail
: "${TEXFORGE_SOURCE_DIR:?run through ctest, which sets TEXFORGE_SOURCE_DIR}"
IMGUI_DIR="${TEXFORGE_IMGUI_DIR:-$(ls -d "$TEXFORGE_SOURCE_DIR"/../shared/imgui-*/ 2>/dev/null | sort -V | tail -1)}"
IMGUI_DIR="${IMGUI_DIR%/}"
if [ -z "$IMGUI_DIR" ] || [ ! -f "$IMGUI_DIR/imgui.cpp" ]; then
  echo "imgui_current: no Dear ImGui release beside the repository; skipped"
  exit 77
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
echo "imgui_current: building the editor against $(sed -n 's/^#define IMGUI_VERSION  *//p' "$IMGUI_DIR/imgui.h")"
cmake -S "$TEXFORGE_SOURCE_DIR/tests/consumers/host_imgui" -B "$WORK/b" -DTEXFORGE_SOURCE_DIR="$TEXFORGE_SOURCE_DIR" \
  -DIMGUI_DIR="$IMGUI_DIR" "${LAUNCHER[@]}" >"$WORK/log" 2>&1 || { cat "$WORK/log"; fail "configure"; }
cmake --build "$WORK/b" -j"${TEXFORGE_CONSUMER_JOBS:-2}" --target panel_frames >>"$WORK/log" 2>&1 ||
  { grep -E "error|Error" -A3 "$WORK/log" | head -60; fail "build the editor against $IMGUI_DIR"; }
grep -q "libimgui" "$WORK/b/CMakeFiles/panel_frames.dir/link.txt" && fail "Debian's libimgui was linked as well"
"$WORK/b/panel_frames" "$WORK/project" || fail "the panel did not show the result"
echo "imgui_current: passed"
