"""Test accuracy of mnist_gain_cell against the gain cell's retention time, from the run files
results/gain_cell_tau_<tau>[_refresh_<interval>].h5 that scripts/retention_sweep.sh writes (no
suffix: the preset's refresh interval). Prints a markdown table and saves
results/gain_cell_retention.png.

    /usr/bin/python3 scripts/plot_retention_sweep.py [results]
"""
import sys
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "results")
points = []  # (tau, refresh interval, accuracy, epochs)
for path in folder.glob("gain_cell_tau_*.h5"):
    with h5py.File(path, "r") as f:
        if f["/training"].attrs["status"] != "complete":
            continue
        parts = path.stem.split("_")  # gain cell tau <tau> [refresh <interval>]
        tau = float(parts[3])
        refresh = parts[5] if len(parts) > 5 else "preset"
        points.append((tau, refresh, 100 * f["/training/metrics/test_accuracy"][-1], int(f["/training/metrics/epoch"][-1])))
points.sort()
print("| retention time tau (s) | refresh interval | epochs | test accuracy (%) |")
print("|---|---|---|---|")
for tau, refresh, acc, epochs in points:
    print(f"| {tau:g} | {refresh if refresh != 'preset' else 'preset (10 us)'} | {epochs} | {acc:.2f} |")
if points:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    preset = [p for p in points if p[1] == "preset"]
    other = [p for p in points if p[1] != "preset"]
    ax.semilogx([p[0] for p in preset], [p[2] for p in preset], "o-", label="refresh every 10 us (preset)")
    for tau, refresh, acc, _ in other:
        ax.semilogx([tau], [acc], "s", label=f"refresh every {float(refresh) * 1e6:g} us")
    ax.set_ylim(min(p[2] for p in points) - 5, 100)  # differences within run-to-run noise look flat
    ax.set_xlabel("retention time constant $\\tau$ (s)")
    ax.set_ylabel("MNIST test accuracy (%)")
    ax.set_title("gain cell, 784-100-10, 1 us per sample, 1 epoch")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "gain_cell_retention.png", dpi=120)
    print(f"wrote {folder / 'gain_cell_retention.png'}")
