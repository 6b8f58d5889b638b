#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, core instrumented) and runs each for a short time
# on a copy of its seed corpus. Usage: scripts/run-fuzz.sh [seconds per target, default 60]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

seconds="${1:-${TEXFORGE_FUZZ_SECONDS:-60}}"
build_dir="${TEXFORGE_BUILD_FUZZ:-${TEXFORGE_BUILD}-fuzz}"
# A fixed seed makes a run replay the same mutations, so a failure here reproduces elsewhere.
seed="${TEXFORGE_FUZZ_SEED:-1}"
targets=(fuzz_api_parse fuzz_image_decode)

CC=clang CXX=clang++ cmake -S "$TEXFORGE_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTEXFORGE_FUZZ=ON -DTEXFORGE_BUILD_TESTS=OFF -DTEXFORGE_BUILD_SAMPLES=OFF -DTEXFORGE_BUILD_BENCH=OFF \
  -DTEXFORGE_BUILD_GUI=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
artifacts="$build_dir/artifacts"
mkdir -p "$artifacts"
status=0
for target in "${targets[@]}"; do
  # The run adds what it learns to the corpus folder, so it works on a copy: the tree stays clean.
  corpus="$work/$target"
  mkdir -p "$corpus"
  cp "$TEXFORGE_ROOT/tests/fuzz/corpus/$target/"* "$corpus/"
  seeds=$(ls "$corpus" | wc -l)
  log="$build_dir/$target.log"
  rc=0
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    "$build_dir/fuzz/$target" "$corpus" -seed="$seed" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" -rss_limit_mb=2048 >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: $target ran ${runs:-?} inputs (limit ${seconds} s, seed $seed), corpus $seeds -> $(ls "$corpus" | wc -l) files"
  if [ "$rc" != 0 ]; then
    status=1
    echo "fuzz: $target FAILED (exit $rc); the report:"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written|^    #[0-9]+ ' "$log" | head -40
    echo "fuzz: reproduce with: $build_dir/fuzz/$target <the test unit above>; full log in $log"
  fi
done
exit "$status"
