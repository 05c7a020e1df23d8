"""Prints the results table (markdown) from results/<preset>_seed<k>.h5 run files."""
import sys
import tomllib
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

# Where the energy goes: the run's cumulative energy columns (seed 1) per training sample. The
# training-set size comes from the resolved config (Iris: 150 flowers less the test fraction; MNIST:
# 60 000 or dataset.train_limit).
ENERGY = [("energy_read_J", "reads"), ("energy_write_J", "device writes"), ("energy_update_circuit_J", "update circuit"),
          ("energy_adc_J", "ADCs"), ("energy_neuron_J", "neurons")]


def training_samples(config):
    dataset = config["dataset"]
    if dataset["name"] == "iris":
        per_epoch = round(150 * (1 - dataset["test_fraction"]))
    else:
        per_epoch = dataset.get("train_limit", 0) or 60000
    return per_epoch * config["training"]["epochs"]


lines = []
for preset in presets:
    path = results / f"{preset}_seed1.h5"
    if not path.exists():
        continue
    with h5py.File(path, "r") as f:
        m = f["/training/metrics"]
        if "energy_total_J" not in m or f["/training"].attrs["status"] != "complete":
            continue
        samples = training_samples(tomllib.loads(f.attrs["config_toml"]))
        cells = [f"{1e12 * m[name][-1] / samples:.4g}" if name in m else "-" for name, _ in ENERGY]
        lines.append(f"| `{preset}` | {samples} | " + " | ".join(cells) + f" | {1e12 * m['energy_total_J'][-1] / samples:.4g} |")
if lines:
    print("\nEnergy per training sample (pJ), seed 1; reads include the test-set evaluations after each epoch:\n")
    print("| preset | training samples | " + " | ".join(label for _, label in ENERGY) + " | total |")
    print("|---|---|" + "---|" * (len(ENERGY) + 1))
    print("\n".join(lines))
