# Shared by run-demo.sh and run-tests.sh: install the Debian packages texforge needs (only the
# missing ones), then configure and build. Source it; it defines functions only.

TEXFORGE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEXFORGE_BUILD="${TEXFORGE_BUILD:-$TEXFORGE_ROOT/build}"

TEXFORGE_PACKAGES=(
  build-essential cmake pkg-config git
  libcurl4-openssl-dev nlohmann-json3-dev libstb-dev libwebp-dev libturbojpeg0-dev zlib1g-dev libsqlite3-dev libcpp-httplib-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libimgui-dev libglfw3-dev libgl-dev libgl1-mesa-dri
  libvulkan-dev mesa-vulkan-drivers glslc vulkan-validationlayers
  g++-mingw-w64-x86-64
  xvfb xauth x11-xserver-utils imagemagick python3 openssl curl
  clang libclang-rt-14-dev clang-format
)

texforge_install_packages() {
  local missing=()
  local p
  for p in "${TEXFORGE_PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"ok installed"* ]] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "texforge: installing ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

texforge_build() {
  local build_dir="${1:-$TEXFORGE_BUILD}"
  shift || true
  cmake -S "$TEXFORGE_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null &&
    cmake --build "$build_dir" -j"$(nproc)"
}
