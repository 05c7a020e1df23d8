"""Test accuracy of mnist_gain_cell against the gain cell's retention time, from the run files
results/gain_cell_tau_<tau>.h5 that scripts/retention_sweep.sh writes. Prints a markdown table and
saves results/gain_cell_retention.png.

    /usr/bin/python3 scripts/plot_retention_sweep.py [results]
"""
import sys
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "results")
points = []
for path in folder.glob("gain_cell_tau_*.h5"):
    with h5py.File(path, "r") as f:
        if f["/training"].attrs["status"] != "complete":
            continue
        tau = float(path.stem.split("_")[-1])
        points.append((tau, 100 * f["/training/metrics/test_accuracy"][-1], int(f["/training/metrics/epoch"][-1])))
points.sort()
print("| retention time tau (s) | epochs | test accuracy (%) |")
print("|---|---|---|")
for tau, acc, epochs in points:
    print(f"| {tau:g} | {epochs} | {acc:.2f} |")
if points:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.semilogx([p[0] for p in points], [p[1] for p in points], "o-")
    ax.set_xlabel("retention time constant $\\tau$ (s)")
    ax.set_ylabel("MNIST test accuracy (%)")
    ax.set_title("gain cell, 784-100-10, 1 us per sample")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(folder / "gain_cell_retention.png", dpi=120)
    print(f"wrote {folder / 'gain_cell_retention.png'}")
