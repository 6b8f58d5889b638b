#!/usr/bin/env bash
# Sets everything up (Debian packages, build) and runs the whole test suite: the suite again under
# ASan+UBSan, the fuzz targets for a short time, then the main ctest last so its summary closes the run.
# Usage: scripts/run-tests.sh   (TEXFORGE_BUILD=dir to build elsewhere; TEXFORGE_SKIP_SANITIZE=1 and
#        TEXFORGE_SKIP_FUZZ=1 skip those stages; TEXFORGE_FUZZ_SECONDS sets the time per fuzz target)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEXFORGE_BUILD_SANITIZE="${TEXFORGE_BUILD_SANITIZE:-${TEXFORGE_BUILD}-sanitize}"
# Tests that build texforge again in their own folders (packaging, other compilers): they check the
# build, not the code under the sanitizers, so they run once, in the main suite.
TEXFORGE_UNSANITIZED_ONLY='^script\.(consumers|imgui_current|win32_compile|custom_engine)$'
failed=()
timings=()

# stage NAME COMMAND...: runs one stage to the end whatever happens in the others, and times it.
stage() {
  local name="$1"
  shift
  local start=$SECONDS rc=0
  echo "texforge: stage $name"
  "$@" || rc=$?
  local line="texforge: stage $name took $((SECONDS - start)) s"
  if [ "$rc" != 0 ]; then
    failed+=("$name")
    line+=" and FAILED (exit $rc)"
  fi
  timings+=("$line")
  echo "$line"
}

# Called under `||`, where set -e is off: every step is chained explicitly.
sanitized_suite() {
  texforge_build "$TEXFORGE_BUILD_SANITIZE" -DTEXFORGE_TEST_HOOKS=ON -DTEXFORGE_SANITIZE=ON -DTEXFORGE_BUILD_GUI=OFF -DTEXFORGE_BUILD_BENCH=OFF &&
    (cd "$TEXFORGE_BUILD_SANITIZE" &&
      ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --output-on-failure -j"$(nproc)" -E "$TEXFORGE_UNSANITIZED_ONLY")
}

main_suite() {
  cd "$TEXFORGE_BUILD"
  ctest --output-on-failure -j"$(nproc)"
}

texforge_install_packages
stage build texforge_build "$TEXFORGE_BUILD" -DTEXFORGE_TEST_HOOKS=ON
if [ "${TEXFORGE_SKIP_SANITIZE:-0}" != 1 ]; then
  stage sanitize sanitized_suite
fi
if [ "${TEXFORGE_SKIP_FUZZ:-0}" != 1 ]; then
  stage fuzz "$TEXFORGE_ROOT/scripts/run-fuzz.sh"
fi
printf '%s\n' "${timings[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "texforge: FAILED stages: ${failed[*]} (their reports are above)"
fi
if [[ " ${failed[*]} " == *" build "* ]]; then
  exit 1
fi
# The main suite runs last: ctest's own summary lines are the end of the output.
main_rc=0
main_suite || main_rc=$?
if [ ${#failed[@]} -ne 0 ]; then
  echo "texforge: FAILED stages: ${failed[*]}"
  exit 1
fi
exit "$main_rc"
