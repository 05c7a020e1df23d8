#!/usr/bin/env bash
# The storage-node leakage sweep of scripts/retention_sweep.toml (`cimkit sweep`: resumable, the
# points on the local cores), then the table and plot (scripts/plot_retention_sweep.py), which read
# each run as results/retention_<preset>_<I_0>.h5: links to the sweep's point files.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit="${CIMKIT:-$repo_root/build/apps/cimkit}"
mkdir -p "$repo_root/results"
sweep="$repo_root/results/retention_sweep.h5"
[ -f "$sweep" ] || "$cimkit" sweep "$repo_root/scripts/retention_sweep.toml" -o "$sweep"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
"$python" - "$sweep" <<'PY'
import os, sys, h5py
sweep = sys.argv[1]
with h5py.File(sweep) as f:
    t = f["sweep/table"]
    for i, preset, current in zip(t["point"][:], t["keys_text/--config"].asstr()[:], t["keys_text/device.write_off_current_A"].asstr()[:]):
        link = os.path.join(os.path.dirname(sweep), f"retention_{preset}_{current}.h5")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.basename(sweep) + f".points/point_{i:04d}.h5", link)
PY
"$python" "$repo_root/scripts/plot_retention_sweep.py" "$repo_root/results"
