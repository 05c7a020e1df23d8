#!/usr/bin/env bash
# The worked example of docs/own-devices.md: the built-in PCM's pulse trains, with its step and read
# noise, exported as a pulse CSV (`cimkit device pulses`), fitted to a table device (`cimkit device
# fit`), and Iris trained on the fitted device and on the PCM itself (compact engine, 3 seeds, the
# PCM array settings of data/experiments/mnist_pcm.toml), then one epoch on the spice engine.
# Usage: scripts/own_device_example.sh [output folder, default results/own_device]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
out="${1:-$repo_root/results/own_device}"
mkdir -p "$out"
cd "$out"
"$cimkit" device pulses pcm -o pcm_pulses.csv --devices 40 --cycles 3 --up 150 --down 10 --force
"$cimkit" device fit pcm_pulses.csv -o pcm_fit.toml --force
pcm_array=(--set array.accumulate_residual=true --set array.pulse_rounding=floor --set array.refresh_threshold=0.5 --set array.w_max=4)
for device in pcm table:pcm_fit.toml; do
    for seed in 1 2 3; do
        printf '%s, seed %s: ' "$device" "$seed"
        "$cimkit" train --set run.engine=compact --set array.device="$device" "${pcm_array[@]}" --seed "$seed" -o "iris_${device//[:.\/]/_}_$seed.h5" --force --quiet | head -n 1
    done
done
printf 'table:pcm_fit.toml, spice engine, 1 epoch: '
"$cimkit" train --set run.engine=spice --set array.device=table:pcm_fit.toml "${pcm_array[@]}" --epochs 1 -o iris_table_spice.h5 --force --quiet | head -n 1
