#!/usr/bin/env bash
# Configures and builds cimkit into build/ (Release with debug info). Extra arguments go to CMake's
# configure step, e.g. scripts/build.sh -DCIMKIT_SANITIZE=ON.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmake -S "$repo_root" -B "$repo_root/build" "$@"
cmake --build "$repo_root/build" -j "$(nproc)"
