#!/usr/bin/env bash
# README command 1: set up the machine, build, and run cimkit's main job on its embedded default.
# The main job is on-chip training on its default preset: Iris on MOSFET synapses with ngspice in
# the loop (data/experiments/iris_mosfet_spice.toml), about two minutes on one core.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/scripts/setup.sh"
"$repo_root/scripts/build.sh"
mkdir -p "$repo_root/results"
# --force: the script is idempotent, a second run replaces the first run's result.
"$repo_root/build/apps/cimkit" train --force -o "$repo_root/results/iris_mosfet_spice.h5"
