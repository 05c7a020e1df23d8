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

# Evaluations after training (/training/evaluation: one row per time and compensation), mean over seeds.
for preset in presets:
    rows = {}  # (after_s, compensated) -> [accuracy per seed]
    for seed in (1, 2, 3):
        path = results / f"{preset}_seed{seed}.h5"
        if not path.exists():
            continue
        with h5py.File(path, "r") as f:
            if "/training/evaluation" not in f or f["/training"].attrs["status"] != "complete":
                continue
            e = f["/training/evaluation"]
            for t, c, a in zip(e["after_s"][:], e["drift_compensation"][:], e["test_accuracy"][:]):
                rows.setdefault((float(t), int(c)), []).append(100 * a)
    if not rows:
        continue
    print(f"\n`{preset}`, test accuracy after training (%), seeds 1/2/3 and mean:\n")
    print("| after | without drift compensation | with drift compensation |")
    print("|---|---|---|")
    for t in sorted({t for t, _ in rows}):
        cells = []
        for c in (0, 1):
            a = rows.get((t, c))
            cells.append(" / ".join(f"{x:.2f}" for x in a) + f" (mean {np.mean(a):.2f})" if a else "-")
        print(f"| {t:g} s | {cells[0]} | {cells[1]} |")
