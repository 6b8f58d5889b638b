#!/usr/bin/env bash
# Keeps .clang-format applied: every C and C++ file git tracks must come out of clang-format
# unchanged. Skips (exit 77) where clang-format or git is missing, or outside a git checkout.
set -uo pipefail
root="${TEXFORGE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
command -v clang-format >/dev/null || { echo "SKIP: clang-format is not installed"; exit 77; }
command -v git >/dev/null && git -C "$root" rev-parse >/dev/null 2>&1 || { echo "SKIP: not a git checkout"; exit 77; }
cd "$root"
mapfile -t files < <(git ls-files '*.h' '*.cpp' '*.c')
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no source files found under $root"; exit 1; }
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -ne 0 ]; then
  echo "FAIL: ${#bad[@]} file(s) differ from .clang-format; fix with: clang-format -i ${bad[*]}"
  exit 1
fi
echo "format: ${#files[@]} files match .clang-format"
