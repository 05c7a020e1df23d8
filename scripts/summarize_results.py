"""Prints the results table (markdown) from results/<preset>_seed<k>.h5 run files."""
import sys
from pathlib import Path

import h5py
import numpy as np

results, presets = Path(sys.argv[1]), sys.argv[2:]
print("| preset | engine, device | epochs | test accuracy, seeds 1/2/3 (%) | mean (%) | after drift (%) | wall time per run (s) |")
print("|---|---|---|---|---|---|---|")
for preset in presets:
    acc, after, wall, epochs, what = [], [], [], None, ""
    for seed in (1, 2, 3):
        path = results / f"{preset}_seed{seed}.h5"
        if not path.exists():
            continue
        with h5py.File(path, "r") as f:
            t = f["/training"]
            if t.attrs["status"] != "complete":
                continue
            acc.append(100 * f["/training/metrics/test_accuracy"][-1])
            wall.append(f["/training/metrics/wall_time_s"][-1])
            epochs = int(f["/training/metrics/epoch"][-1])
            what = f"{t.attrs['engine']}, {t.attrs['device'] or '-'}"
            if "test_accuracy_after" in t.attrs:
                after.append(100 * t.attrs["test_accuracy_after"])
    if not acc:
        print(f"| `{preset}` | | | not run | | | |")
        continue
    seeds = " / ".join(f"{a:.2f}" for a in acc)
    after_text = f"{np.mean(after):.2f}" if after else "-"
    print(f"| `{preset}` | {what} | {epochs} | {seeds} | {np.mean(acc):.2f} | {after_text} | {np.mean(wall):.0f} |")
