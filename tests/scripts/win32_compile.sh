#!/usr/bin/env bash
# The core stays portable to Windows: no core file but platform_posix.cpp includes a POSIX header,
# platform_win32.cpp compiles with mingw-w64 (x86_64-w64-mingw32-g++ -std=c++17 -Wall -Wextra
# -Werror -c), and so does every other core .cpp that needs no third-party library but the header-only
# ones (those that need SQLite, curl, libwebp, libjpeg-turbo or zlib are listed as not compiled here).
# Compiles only, links nothing, needs no build. Skips (exit 77) without the compiler; install it
# with: apt-get install -y g++-mingw-w64-x86-64. TEXFORGE_MINGW_CXX picks another compiler.
set -uo pipefail
root="${TEXFORGE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
src="$root/plugin/src"
[ -f "$src/platform_win32.cpp" ] || { echo "FAIL: $src/platform_win32.cpp not found"; exit 1; }

# POSIX headers appear in platform_posix.cpp alone (every OS call goes through platform.h), never
# in another core file or a public header.
posix_headers='#[[:space:]]*include[[:space:]]*<(unistd\.h|fcntl\.h|sys/[a-z_/]+\.h|signal\.h|dirent\.h|pwd\.h|grp\.h|poll\.h|netdb\.h|arpa/[a-z_]+\.h|netinet/[a-z_]+\.h|sched\.h|dlfcn\.h|spawn\.h|termios\.h|syslog\.h|strings\.h)>'
offenders=$(cd "$root" && grep -nHE "$posix_headers" -- plugin/src/*.cpp plugin/src/*.h plugin/src/*.c \
  plugin/include/texforge/*.h 2>/dev/null | grep -v '^plugin/src/platform_posix\.cpp:')
if [ -n "$offenders" ]; then
  echo "FAIL: POSIX headers outside platform_posix.cpp; move the calls behind platform.h:"
  echo "$offenders"
  exit 1
fi

cxx="${TEXFORGE_MINGW_CXX:-x86_64-w64-mingw32-g++}"
command -v "$cxx" >/dev/null || {
  echo "SKIP: $cxx is not installed (apt-get install -y g++-mingw-w64-x86-64)"
  exit 77
}

work=$(mktemp -d "${TMPDIR:-/tmp}/texforge-win32.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# The public headers include texforge/export.h, which CMake generates into the build folder.
mkdir -p "$work/include/texforge"
cat >"$work/include/texforge/export.h" <<'EOF'
// Stand-in for the generated export header: a static build, where the macros expand to nothing.
#pragma once
#define TEXFORGE_CORE_API
#define TEXFORGE_CORE_NO_EXPORT
#define TEXFORGE_CORE_DEPRECATED
EOF
# Header-only libraries the core uses (nlohmann/json, stb) need no Windows build: the host's copies
# are lent to the compile, so the files that use them are checked too.
mkdir -p "$work/headers"
[ -d /usr/include/nlohmann ] && ln -s /usr/include/nlohmann "$work/headers/nlohmann"
for h in stb_image.h stb_image_write.h; do
  for d in /usr/include/stb /usr/include; do
    if [ -f "$d/$h" ]; then ln -s "$d/$h" "$work/headers/$h"; break; fi
  done
done
flags=(-std=c++17 -Wall -Wextra -Werror -I"$root/plugin/include" -I"$src" -I"$work/include" -isystem "$work/headers")

# GCC before 13 built with the win32 thread model (Debian's default alternative) has no std::mutex
# or std::thread; the engine needs them, so its files take the same GCC's -posix build when so.
has_threads() {
  printf '#include <mutex>\n#include <thread>\nstd::mutex m;\nvoid f() { std::thread([] {}).join(); }\n' >"$work/threads.cpp"
  "$1" -std=c++17 -c "$work/threads.cpp" -o "$work/threads.o" 2>/dev/null
}
threaded_cxx=""
if has_threads "$cxx"; then
  threaded_cxx="$cxx"
elif command -v "$cxx-posix" >/dev/null && has_threads "$cxx-posix"; then
  threaded_cxx="$cxx-posix"
  echo "note: $cxx has no std::mutex (win32 thread model); the other core files use $threaded_cxx"
fi

failed=()
compiled=0
last_log=""
# compile COMPILER FILE [EXTRA FLAGS...]: 0 compiled, 2 needs a third-party header (said so),
# 1 failed (the log is in $last_log; report prints it).
compile() {
  local compiler="$1" file="$2"
  shift 2
  last_log="$work/$(basename "$file").log"
  echo "$compiler ${flags[*]} $* -c plugin/src/$file" >"$last_log"
  if "$compiler" "${flags[@]}" "$@" -c "$src/$file" -o "$work/out.o" >>"$last_log" 2>&1; then
    compiled=$((compiled + 1))
    return 0
  fi
  local missing
  missing=$(sed -nE 's/.*fatal error: ([^:]+): No such file or directory.*/\1/p' "$last_log" | head -n1)
  if [[ "$missing" =~ ^(nlohmann/|sqlite3|curl/|stb_|webp/|turbojpeg|zlib|zconf|httplib|imgui|GL/|GLFW/) ]]; then
    echo "not compiled here: $file (needs $missing)"
    return 2
  fi
  return 1
}
report() {
  echo "FAIL: $1 does not compile for Windows:"
  sed 's/^/  /' "$last_log" | head -n 40
  failed+=("$1")
}

# platform_win32.cpp under the configurations a Windows build may use.
compile "$cxx" platform_win32.cpp || report platform_win32.cpp
compile "$cxx" platform_win32.cpp -O2 -DUNICODE -D_UNICODE -D_WIN32_WINNT=0x0A00 || report platform_win32.cpp
if [ -n "$threaded_cxx" ] && [ "$threaded_cxx" != "$cxx" ]; then
  compile "$threaded_cxx" platform_win32.cpp || report platform_win32.cpp
fi
# The failpoints exist only with the test hooks.
compile "$cxx" failpoint.cpp -DTEXFORGE_TEST_HOOKS=1 || report failpoint.cpp

# These must always compile: they are what the platform layer exists for.
required=(file_util.cpp failpoint.cpp error.cpp base64.cpp)
for path in "$src"/*.cpp; do
  file=$(basename "$path")
  case "$file" in platform_posix.cpp | platform_win32.cpp) continue ;; esac
  compiler="$cxx"
  # The required files take the compiler as named; the engine's may need the threaded build.
  if [[ " ${required[*]} " != *" $file "* ]] && [ -n "$threaded_cxx" ]; then compiler="$threaded_cxx"; fi
  compile "$compiler" "$file"
  rc=$?
  if [ $rc = 1 ]; then
    report "$file"
  elif [ $rc = 2 ] && [[ " ${required[*]} " == *" $file "* ]]; then
    echo "FAIL: $file must compile without third-party headers; keep them out of it"
    failed+=("$file")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  [ -n "$threaded_cxx" ] || echo "note: no mingw-w64 compiler here has std::mutex (install g++-mingw-w64-x86-64-posix)"
  echo "FAIL: ${#failed[@]} file(s) do not compile for Windows: ${failed[*]}"
  exit 1
fi
echo "win32: $compiled compilations passed with $cxx${threaded_cxx:+ (threads: $threaded_cxx)}"
