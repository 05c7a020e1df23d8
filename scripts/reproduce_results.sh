#!/usr/bin/env bash
# Runs experiment presets for seeds 1-3 and prints the table docs/results.md quotes.
#   scripts/reproduce_results.sh [preset ...]     default: every preset in data/experiments/
# Run files go to results/<preset>_seed<k>.h5; a run whose file is already complete is not redone.
# MNIST presets take tens of minutes per seed on one core; two runs go side by side (2 cores).
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
mkdir -p "$repo_root/results"
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  for f in "$repo_root"/data/experiments/*.toml; do presets+=("$(basename "$f" .toml)"); done
fi
runs=()
for preset in "${presets[@]}"; do
  for seed in 1 2 3; do runs+=("$preset $seed"); done
done
run_one() {
  local preset=$1 seed=$2 out="$repo_root/results/${1}_seed${2}.h5"
  if [ -f "$out" ] && "$python" -c "import h5py,sys; sys.exit(h5py.File('$out')['/training'].attrs['status'] != 'complete')" 2>/dev/null; then
    return 0
  fi
  if [ -f "$out" ]; then
    "$cimkit" train --quiet --resume "$out"
  else
    "$cimkit" train --quiet --config "$repo_root/data/experiments/$preset.toml" --set run.seed="$seed" -o "$out"
  fi
}
export -f run_one; export repo_root cimkit python
printf '%s\n' "${runs[@]}" | xargs -P 2 -L 1 bash -c 'run_one $0 $1'
"$python" "$repo_root/scripts/summarize_results.py" "$repo_root/results" "${presets[@]}"
