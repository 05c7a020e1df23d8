#!/usr/bin/env bash
# mnist_gain_cell for retention times 1 ms .. 1 s (one epoch each, seed 1), then the table and plot.
# The preset refreshes every 10 us, which holds its 64 levels down to tau ~ 5 ms (leakage over one
# interval below half a level); at tau = 1 ms the same policy needs a 2 us refresh, run as well.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
mkdir -p "$repo_root/results"
run() {  # tau [refresh interval]
  local out="$repo_root/results/gain_cell_tau_$1${2:+_refresh_$2}.h5"
  [ -f "$out" ] || "$cimkit" train --quiet --config "$repo_root/data/experiments/mnist_gain_cell.toml" \
      --set device.retention_tau_s="$1" ${2:+--set array.refresh_interval_s=$2} --set training.epochs=1 -o "$out"
}
for tau in 0.001 0.005 0.01 0.1 1; do run $tau; done
run 0.001 2e-6
python=/usr/bin/python3; [ -x "$python" ] || python=python3
"$python" "$repo_root/scripts/plot_retention_sweep.py" "$repo_root/results"
