#!/usr/bin/env bash
# Sets everything up (Debian packages, build) and runs the whole test suite with ctest.
# Usage: scripts/run-tests.sh            (TEXFORGE_BUILD=dir to build elsewhere)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

texforge_install_packages
texforge_build "$TEXFORGE_BUILD"
cd "$TEXFORGE_BUILD"
ctest --output-on-failure -j"$(nproc)"
