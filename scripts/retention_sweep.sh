#!/usr/bin/env bash
# mnist_gain_cell for retention times 1 ms .. 1 s (one epoch each, seed 1), then the table and plot.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
mkdir -p "$repo_root/results"
for tau in 0.001 0.01 0.1 1; do
  out="$repo_root/results/gain_cell_tau_$tau.h5"
  [ -f "$out" ] || "$cimkit" train --quiet --config "$repo_root/data/experiments/mnist_gain_cell.toml" \
      --set device.retention_tau_s=$tau --set training.epochs=1 -o "$out"
done
python=/usr/bin/python3; [ -x "$python" ] || python=python3
"$python" "$repo_root/scripts/plot_retention_sweep.py" "$repo_root/results"
