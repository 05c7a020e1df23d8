"""Test accuracy of mnist_mosfet and mnist_gain_cell against the storage node's leakage current,
from the run files results/retention_<preset>_<I_0>.h5 that scripts/retention_sweep.sh writes.
Prints a markdown table (with each node's half-swing time C (V_window / 2) / I_0) and saves
results/retention.png.

    /usr/bin/python3 scripts/plot_retention_sweep.py [results]
"""
import sys
import tomllib
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "results")
# The node's capacitance and voltage window, from each run's own config and the device defaults.
WINDOW = {"mnist_mosfet": ("c_gate_F", 100e-15, 0.6), "mnist_gain_cell": ("c_store_F", 10e-15, 0.9)}
points = {}  # preset -> [(I_0, accuracy, half-swing time)]
for path in folder.glob("retention_mnist_*.h5"):
    preset, _, current = path.stem.removeprefix("retention_").rpartition("_")
    if preset not in WINDOW:
        continue
    with h5py.File(path, "r") as f:
        if f["/training"].attrs["status"] != "complete":
            continue
        device = tomllib.loads(f.attrs["config_toml"]).get("device", {})
        key, c_default, window_V = WINDOW[preset]
        i0_A = float(current)
        t_half_s = device.get(key, c_default) * window_V / 2 / i0_A if i0_A > 0 else float("inf")
        points.setdefault(preset, []).append((i0_A, 100 * f["/training/metrics/test_accuracy"][-1], t_half_s))
print("| preset | leakage I_0 (A) | half-swing time (s) | test accuracy, 20k-sample epoch (%) |")
print("|---|---|---|---|")
for preset in sorted(points):
    for i0_A, accuracy, t_half_s in sorted(points[preset]):
        print(f"| `{preset}` | {i0_A:g} | {t_half_s:.3g} | {accuracy:.2f} |")
if points:
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for preset, rows in sorted(points.items()):
        rows.sort()
        leaking = [r for r in rows if r[0] > 0]
        line = ax.semilogx([r[0] for r in leaking], [r[1] for r in leaking], "o-", label=preset)
        for r in rows:
            if r[0] == 0:
                ax.axhline(r[1], ls="--", color=line[0].get_color(), lw=0.8, label=f"{preset}, no leakage")
    ax.set_xlabel("storage-node leakage current $I_0$ (A)")
    ax.set_ylabel("MNIST test accuracy (%)")
    ax.set_title("784-100-10, 1 us per sample, 20k samples, 1 epoch, seed 1")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(folder / "retention.png", dpi=120)
    print(f"wrote {folder / 'retention.png'}")
