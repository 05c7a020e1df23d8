#!/usr/bin/env bash
# README command 1: set up the machine, build, and run cimkit's main job on its embedded default.
# Until on-chip training lands, the main job simulates the shipped RC example and exports it to HDF5.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/scripts/setup.sh"
"$repo_root/scripts/build.sh"
mkdir -p "$repo_root/results"
"$repo_root/build/apps/cimkit" simulate "$repo_root/netlists/examples/rc_lowpass.cir" -o "$repo_root/results/rc_lowpass.h5"
