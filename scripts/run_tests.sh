#!/usr/bin/env bash
# README command 2 (and CI): set up the machine, build, and run the whole test suite.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/scripts/setup.sh"
"$repo_root/scripts/build.sh"
ctest --test-dir "$repo_root/build" --output-on-failure -j2 "$@"
