#!/usr/bin/env python3
"""Regression goldens: short seed-1 runs of every training preset, compared bit for bit.

Each preset of data/experiments/ runs briefly (MNIST: the first 2 000 training and 500 test samples,
one epoch; Iris with ngspice in the loop: three epochs) and what it measured is compared with
tests/regression/goldens.json exactly: per-epoch loss, accuracies, update pulses, skipped samples
and read/update energies (as the exact decimal repr of each float64), and a SHA-256 of the final
weights, conductances and biases. Any difference fails, naming the preset and the quantity.

A change that alters a number on purpose regenerates the file in the same commit, saying why:
    tests/regression/check_goldens.py CIMKIT_BINARY --update
Usage: check_goldens.py CIMKIT_BINARY [--update] [--only PRESET]
"""
import hashlib
import json
import math
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[2]
GOLDENS = pathlib.Path(__file__).resolve().parent / "goldens.json"
SHORT_MNIST = ["dataset.train_limit=2000", "dataset.test_limit=500", "training.epochs=1"]
PRESETS = {
    "iris_mosfet_spice": ["training.epochs=3"],
    "iris_mosfet_full_spice": ["training.epochs=3"],
    "iris_domain_wall_spice": ["training.epochs=3"],
    "iris_mosfet_spice_dfa": ["training.epochs=3"],
    "iris_mosfet_spice_essop": ["training.epochs=3"],
    "iris_mosfet_spice_essop_circuit": ["training.epochs=3"],
    "iris_mosfet_spice_sense_amp": ["training.epochs=3", "training.hw_awareness_schedule=[0.3333, 0.6667, 1]"],
    "mnist_ideal": SHORT_MNIST,
    "mnist_domain_wall": SHORT_MNIST,
    "mnist_mosfet": SHORT_MNIST,
    "mnist_pcm": SHORT_MNIST,
    "mnist_pcm_wires": SHORT_MNIST,
    "mnist_gain_cell": SHORT_MNIST,
}
# Per-epoch columns that the same seed must reproduce (wall time is the machine's, not the run's).
METRICS = ["epoch", "loss", "train_accuracy", "test_accuracy", "update_pulses", "skipped_samples",
           "skipped_test_samples", "update_random_numbers", "energy_read_J", "energy_write_J", "energy_update_circuit_J", "energy_adc_J",
           "energy_neuron_J", "energy_wire_J", "energy_total_J",
           "simulated_time_s", "sample_latency_s", "circuit_time_s"]


def exact(value):
    """A float64 as the shortest decimal that reads back to the same bits (NaN as 'nan')."""
    value = float(value)
    return "nan" if math.isnan(value) else repr(value)


def measure(cimkit, preset, overrides, folder):
    out = folder / f"{preset}.h5"
    command = [cimkit, "train", "--config", str(REPO / "data" / "experiments" / f"{preset}.toml"),
               "--set", "run.seed=1", "-o", str(out), "--force", "--quiet"]
    for setting in overrides:
        command += ["--set", setting]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{preset}: cimkit train exited {done.returncode}: {done.stderr.strip()}")
    with h5py.File(out, "r") as f:
        metrics = {name: [exact(v) for v in f["training/metrics"][name][()]] for name in METRICS
                   if name in f["training/metrics"]}
        state = hashlib.sha256()
        for group in ("weights", "conductance", "bias"):  # the ideal engine has no conductances
            if group not in f["training"]:
                continue
            def add(name, obj):
                if isinstance(obj, h5py.Dataset):
                    state.update(name.encode())
                    state.update(np.ascontiguousarray(obj[()], dtype="<f8").tobytes())
            f[f"training/{group}"].visititems(add)
    return {"overrides": overrides, "metrics": metrics, "final_state_sha256": state.hexdigest()}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cimkit, update = argv[1], "--update" in argv
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    presets = {k: v for k, v in PRESETS.items() if only in (None, k)}
    with tempfile.TemporaryDirectory() as scratch:
        measured = {p: measure(cimkit, p, o, pathlib.Path(scratch)) for p, o in presets.items()}
    if update:
        goldens = json.loads(GOLDENS.read_text()) if GOLDENS.exists() else {}
        goldens.update(measured)
        GOLDENS.write_text(json.dumps(goldens, indent=1, sort_keys=True) + "\n")
        print(f"wrote {GOLDENS} ({len(measured)} presets)")
        return 0
    goldens = json.loads(GOLDENS.read_text())
    failures = 0
    for preset, got in measured.items():
        want = goldens.get(preset)
        problems = []
        if want is None:
            problems.append("no golden recorded")
        else:
            for name in sorted(set(want["metrics"]) | set(got["metrics"])):
                if want["metrics"].get(name) != got["metrics"].get(name):
                    problems.append(f"{name}: golden {want['metrics'].get(name)}, now {got['metrics'].get(name)}")
            if want["final_state_sha256"] != got["final_state_sha256"]:
                problems.append("final conductances or biases differ (SHA-256)")
        print(("FAIL " if problems else "ok   ") + preset + "".join("\n  " + p for p in problems))
        failures += bool(problems)
    print(f"{len(measured) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
