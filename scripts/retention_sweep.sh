#!/usr/bin/env bash
# Accuracy against storage-node leakage for both charge-storing MNIST presets (mnist_mosfet,
# mnist_gain_cell): a 20k/5k-sample screen, one epoch each, seed 1, the node's leakage current I_0 (devices/storage_leakage.hpp)
# swept over decades with the write transistor's off current alone (junction 0, word line at 0 V),
# then the table and plot (scripts/plot_retention_sweep.py). Two runs side by side.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
mkdir -p "$repo_root/results"
run_one() {  # preset I_0
  local out="$repo_root/results/retention_$1_$2.h5"
  [ -f "$out" ] || "$cimkit" train --quiet --config "$repo_root/data/experiments/$1.toml" --set training.epochs=1 \
      --set dataset.train_limit=20000 --set dataset.test_limit=5000 \
      --set device.write_off_current_A="$2" --set device.junction_leak_A=0 --set device.word_line_off_V=0 -o "$out"
}
export -f run_one; export repo_root cimkit
for preset in mnist_mosfet mnist_gain_cell; do
  for i0 in 0 1e-15 1e-14 1e-13 1e-12 1e-11; do echo "$preset $i0"; done
done | xargs -P 2 -L 1 bash -c 'run_one $0 $1'
python=/usr/bin/python3; [ -x "$python" ] || python=python3
"$python" "$repo_root/scripts/plot_retention_sweep.py" "$repo_root/results"
