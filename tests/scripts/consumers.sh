#!/usr/bin/env bash
# texforge as an engine gets it: (1) built as shared libraries and installed, then used through
# find_package(texforge COMPONENTS ...) by a consumer project, with only texforge's API exported;
# (2) embedded with add_subdirectory by a host that found CURL and ZLIB first. Each consumer
# generates on the in-process emulator and imports the result. Needs TEXFORGE_SOURCE_DIR.
set -euo pipefail
: "${TEXFORGE_SOURCE_DIR:?run through ctest, which sets TEXFORGE_SOURCE_DIR}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
JOBS="${TEXFORGE_CONSUMER_JOBS:-2}"
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

echo "consumers: build and install texforge as shared libraries"
cmake -S "$TEXFORGE_SOURCE_DIR" -B "$WORK/tf" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DTEXFORGE_BUILD_TESTS=OFF -DTEXFORGE_BUILD_SAMPLES=OFF -DTEXFORGE_BUILD_BENCH=OFF -DTEXFORGE_BUILD_EMULATOR=ON \
  -DCMAKE_INSTALL_PREFIX="$WORK/prefix" "${LAUNCHER[@]}" >"$WORK/tf.log" 2>&1 || { cat "$WORK/tf.log"; fail "configure"; }
cmake --build "$WORK/tf" -j"$JOBS" >>"$WORK/tf.log" 2>&1 || { tail -40 "$WORK/tf.log"; fail "build"; }
cmake --install "$WORK/tf" >>"$WORK/tf.log" 2>&1 || { tail -20 "$WORK/tf.log"; fail "install"; }
LIB="$WORK/prefix/lib"
[ -d "$LIB" ] || LIB="$(dirname "$(find "$WORK/prefix" -name 'libtexforge.so*' | head -1)")"
for f in texforge/texforgeConfig.cmake texforge/texforgeConfigVersion.cmake texforge/texforgeTargets.cmake; do
  [ -f "$LIB/cmake/$f" ] || fail "the package lacks lib/cmake/$f"
done
[ -f "$WORK/prefix/include/texforge/version.h" ] || fail "texforge/version.h is not installed"
[ -f "$WORK/prefix/include/texforge/export.h" ] || fail "texforge/export.h is not installed"

echo "consumers: the shared libraries are versioned and export texforge's API only"
for so in libtexforge.so libtexforge_gl.so libtexforge_editor.so; do
  real="$(readlink -f "$LIB/$so")"
  soname="$(objdump -p "$real" | sed -n 's/^ *SONAME *//p')"
  [ "$soname" = "$so.0" ] || fail "$so has SONAME '$soname', expected $so.0"
  leaked="$(nm -D --defined-only -C "$real" | grep -E ' (nlohmann|ImGui|httplib|stbi_|stbi__|WebP|tj|sqlite3)' || true)"
  [ -z "$leaked" ] || fail "$so exports third-party symbols: $(echo "$leaked" | head -5)"
  internal="$(nm -D --defined-only -C "$real" | grep -E ' texforge::(Journal|Transport|HttpClient|detail)' || true)"
  [ -z "$internal" ] || fail "$so exports internal classes: $(echo "$internal" | head -5)"
  echo "  $so: SONAME $soname, $(nm -D --defined-only "$real" | wc -l) exported symbols"
done

real="$(readlink -f "$LIB/libtexforge_c.so")"
others="$(nm -D --defined-only "$real" | awk '{print $3}' | grep -v '^texforge_' | grep -v '^TEXFORGE' || true)"
[ -z "$others" ] || fail "libtexforge_c.so exports more than its C functions: $(echo "$others" | head -5)"
echo "  libtexforge_c.so: $(nm -D --defined-only "$real" | wc -l) exported symbols, all texforge_*"

echo "consumers: find_package(texforge COMPONENTS core gl editor emulator c)"
cmake -S "$TEXFORGE_SOURCE_DIR/tests/consumers/package" -B "$WORK/pkg" -DCMAKE_PREFIX_PATH="$WORK/prefix" \
  "${LAUNCHER[@]}" >"$WORK/pkg.log" 2>&1 || { cat "$WORK/pkg.log"; fail "configure the package consumer"; }
cmake --build "$WORK/pkg" -j"$JOBS" >>"$WORK/pkg.log" 2>&1 || { tail -40 "$WORK/pkg.log"; fail "build the package consumer"; }
LD_LIBRARY_PATH="$LIB" "$WORK/pkg/consumer" "$WORK/project1" || fail "the package consumer failed"
# Read ldd's whole answer before matching: `ldd | grep -q` under pipefail fails at random, when
# grep exits at the first match and ldd is killed by SIGPIPE writing the next line.
linked="$(ldd "$WORK/pkg/consumer")"
[[ "$linked" == *libtexforge.so.0* ]] || fail "the consumer did not link the shared libtexforge: $linked"
LD_LIBRARY_PATH="$LIB" "$WORK/pkg/consumer_c" || fail "the C consumer failed"

echo "consumers: the same consumer against the build tree (export())"
cmake -S "$TEXFORGE_SOURCE_DIR/tests/consumers/package" -B "$WORK/pkg-tree" -Dtexforge_DIR="$WORK/tf" \
  "${LAUNCHER[@]}" >"$WORK/pkg-tree.log" 2>&1 || { cat "$WORK/pkg-tree.log"; fail "configure against the build tree"; }
cmake --build "$WORK/pkg-tree" -j"$JOBS" --target consumer >>"$WORK/pkg-tree.log" 2>&1 ||
  { tail -40 "$WORK/pkg-tree.log"; fail "build against the build tree"; }
"$WORK/pkg-tree/consumer" "$WORK/project3" || fail "the build-tree consumer failed"

echo "consumers: a component that was not built is refused clearly"
mkdir -p "$WORK/missing"
cat >"$WORK/missing/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(missing LANGUAGES CXX)
find_package(texforge CONFIG REQUIRED COMPONENTS vulkan)
CMAKE
if cmake -S "$WORK/missing" -B "$WORK/missing/b" -DCMAKE_PREFIX_PATH="$WORK/prefix" >"$WORK/missing.log" 2>&1; then
  fail "find_package accepted a component that does not exist"
fi
grep -q "component 'vulkan' was not built" "$WORK/missing.log" || { cat "$WORK/missing.log"; fail "no clear message"; }

echo "consumers: add_subdirectory from a host that found CURL and ZLIB first"
cmake -S "$TEXFORGE_SOURCE_DIR/tests/consumers/subproject" -B "$WORK/sub" -DTEXFORGE_SOURCE_DIR="$TEXFORGE_SOURCE_DIR" \
  "${LAUNCHER[@]}" >"$WORK/sub.log" 2>&1 || { cat "$WORK/sub.log"; fail "configure the subproject host"; }
cmake --build "$WORK/sub" -j"$JOBS" --target consumer >>"$WORK/sub.log" 2>&1 || { tail -40 "$WORK/sub.log"; fail "build the subproject host"; }
"$WORK/sub/consumer" "$WORK/project2" || fail "the subproject consumer failed"
echo "consumers: all passed"
