#!/usr/bin/env bash
# Drives the C interface's tests (see CMakeLists.txt); ctest sets TEXFORGE_BIN_DIR and TEXFORGE_C_LIB.
#   run_c_api.sh exports          libtexforge_c exports texforge_* functions and nothing else
#   run_c_api.sh c TEST_BINARY    the C11 flow against a fresh emulator
#   run_c_api.sh python SCRIPT    the ctypes flow against a fresh emulator (skips, 77, without python3)
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
: "${TEXFORGE_C_LIB:?run through ctest, which sets TEXFORGE_C_LIB}"
[ -f "$TEXFORGE_C_LIB" ] || fail "no library at $TEXFORGE_C_LIB"

case "${1:-}" in
  exports)
    command -v nm >/dev/null || { echo "SKIP: nm is not installed"; exit 77; }
    nm -D --defined-only "$TEXFORGE_C_LIB" >"$WORK/exports.txt" || fail "nm -D failed on $TEXFORGE_C_LIB"
    # Each line: address, type, name (a versioned name may carry @...).
    awk '{print $NF}' "$WORK/exports.txt" | sort -u >"$WORK/names.txt"
    [ -s "$WORK/names.txt" ] || fail "libtexforge_c exports nothing"
    grep -v '^texforge_' "$WORK/names.txt" >"$WORK/foreign.txt" || true
    if [ -s "$WORK/foreign.txt" ]; then
      fail "libtexforge_c exports $(wc -l <"$WORK/foreign.txt") symbol(s) outside texforge_*: $(head -20 "$WORK/foreign.txt" | tr '\n' ' ')"
    fi
    # Every function the header declares is exported.
    header="$TEXFORGE_SOURCE_DIR/plugin/c/include/texforge/texforge_c.h"
    grep -o 'texforge_[a-z0-9_]*(' "$header" | tr -d '(' | grep -v '_fn$' | sort -u >"$WORK/declared.txt"
    missing="$(comm -23 "$WORK/declared.txt" "$WORK/names.txt" | tr '\n' ' ')"
    [ -z "$missing" ] || fail "declared in texforge_c.h but not exported: $missing"
    echo "exports: $(wc -l <"$WORK/names.txt") texforge_* functions, nothing else"
    ;;
  c)
    [ -x "${2:-}" ] || fail "usage: run_c_api.sh c TEST_BINARY"
    start_emulator --job-ms 300
    mkdir -p "$WORK/project"
    "$2" "$WORK/project"
    ;;
  python)
    command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
    [ -f "${2:-}" ] || fail "usage: run_c_api.sh python SCRIPT"
    start_emulator --job-ms 300
    mkdir -p "$WORK/project"
    python3 "$2" "$TEXFORGE_C_LIB" "$WORK/project"
    ;;
  *)
    fail "usage: run_c_api.sh exports | c TEST_BINARY | python SCRIPT"
    ;;
esac
