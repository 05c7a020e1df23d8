#!/usr/bin/env bash
# Runs experiment presets for seeds 1-3 and prints the table docs/results.md quotes.
#   scripts/reproduce_results.sh [preset ...]     default: every preset in data/experiments/
# Each preset is one `cimkit sweep` over the seeds (results/<preset>_seeds.h5, the seeds on the local
# cores; docs/sweeps.md): run it again after Ctrl-C or a crash and only the unfinished seeds run, an
# interrupted training continuing where it stopped. results/<preset>_seed<k>.h5 link to the points'
# run files, which scripts/summarize_results.py reads. MNIST presets take tens of minutes per seed.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
results="$repo_root/results"
mkdir -p "$results"
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  for f in "$repo_root"/data/experiments/*.toml; do presets+=("$(basename "$f" .toml)"); done
fi
for preset in "${presets[@]}"; do
  sweep="$results/${preset}_seeds.toml"
  printf '# Written by scripts/reproduce_results.sh: the preset %s for seeds 1-3.\ncommand = "train"\nargs = ["--config", "%s"]\n[monte_carlo]\nseeds = [1, 2, 3]\n' \
    "$preset" "$preset" >"$sweep"
  # A finished sweep is kept (delete results/<preset>_seeds.h5 to run it again).
  [ -f "$results/${preset}_seeds.h5" ] || "$cimkit" sweep "$sweep" -o "$results/${preset}_seeds.h5"
  "$python" - "$results/${preset}_seeds.h5" "$preset" <<'PY'
import os, sys, h5py
sweep, preset = sys.argv[1], sys.argv[2]
with h5py.File(sweep) as f:
    for point, seed in zip(f["sweep/table/point"][:], f["sweep/table/seed"][:]):
        link = os.path.join(os.path.dirname(sweep), f"{preset}_seed{seed}.h5")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.basename(sweep) + f".points/point_{point:04d}.h5", link)
PY
done
"$python" "$repo_root/scripts/summarize_results.py" "$results" "${presets[@]}"
