#!/usr/bin/python3
"""Issue 18's table: every learning rule x update mode x read-out, on PCM and MOSFET synapses, sigmoid and
ReLU hidden layers, seeds 1-3 (docs/learning-rules.md#the-whole-table).

    bench/learning_rules_table.py run CIMKIT OUT --dataset iris|mnist [--jobs N] [--train-limit N]
                                  [--test-limit N] [--epochs E]
    bench/learning_rules_table.py table OUT [OUT ...] > docs/learning-rules-table.md

`run` trains one run file per case into OUT (OUT/<dataset>_<device>_<activation>_<rule>_<mode>_<readout>_s<seed>.h5,
its log beside it) with the compact engine; a case whose file is already complete is skipped, so an
interrupted run resumes. `table` reads every run file in OUT and prints one markdown table per dataset,
device and activation: the seeds' test accuracies, their mean and standard deviation, and per training
sample the write pulses, the random numbers the update rule drew, the energy and the latency on the chip.
A configuration is listed once all three seeds have finished.

The settings of each axis (the presets' own, changed only where the axis says):
- Iris 4-8-3: the iris_mosfet_spice preset on the compact engine (20 epochs, lr 0.1); PCM pairs take the
  mnist_pcm preset's array settings (residual accumulation, floor rounding, refresh at 0.5, w_max 4,
  inputs up to 0.5 V, 1 ms per sample), without which PCM does not train Iris at all.
- MNIST 784-100-10: the mnist_pcm and mnist_mosfet presets (5 epochs unless --epochs), no evaluation after drift.
- update modes exact / pulse / stochastic / essop; residual accumulation only for pulse (the stochastic
  modes draw each update anew, exact writes the value).
- read-outs: ideal (analog), adc8 (an 8-bit converter on every line), sense_amp (1-bit sense amplifiers
  on the hidden layer, an 8-bit converter on the outputs, hardware awareness e / E in epoch e of E).
"""
import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEVICES = ("pcm", "mosfet")
ACTIVATIONS = ("sigmoid", "relu")
RULES = ("backprop", "dfa")
MODES = ("exact", "pulse", "stochastic", "essop")
READOUTS = ("ideal", "adc8", "sense_amp")
SEEDS = (1, 2, 3)

PCM_ON_IRIS = ["array.device=pcm", "array.pulse_rounding=floor", "array.refresh_threshold=0.5", "array.w_max=4",
               "input.high=0.5", "training.sample_period_s=1e-3"]


def preset_settings(dataset, device):
    """The preset file and the settings that turn it into this dataset and device."""
    if dataset == "iris":
        config = REPO / "data/experiments/iris_mosfet_spice.toml"
        return config, ["run.engine=compact"] + (PCM_ON_IRIS if device == "pcm" else [])
    return REPO / f"data/experiments/mnist_{device}.toml", ["evaluate.after_s=0"]


def epochs_of(config, settings):
    for s in settings:
        if s.startswith("training.epochs="):
            return int(s.split("=", 1)[1])
    with open(config, "rb") as f:
        return int(tomllib.load(f)["training"]["epochs"])


def readout_settings(readout, epochs):
    if readout == "ideal":
        return ["array.readout=ideal", "array.adc_bits=0"]
    if readout == "adc8":
        return ["array.readout=adc", "array.adc_bits=8"]
    ramp = ",".join(f"{e / epochs:g}" for e in range(1, epochs + 1))
    return ["array.readout=sense_amp", "array.adc_bits=8", f"training.hw_awareness_schedule=[{ramp}]"]


def case_name(dataset, device, activation, rule, mode, readout, seed):
    return f"{dataset}_{device}_{activation}_{rule}_{mode}_{readout}_s{seed}"


def is_complete(path):
    import h5py
    try:
        with h5py.File(path, "r") as f:
            return f["/training"].attrs["status"] == "complete"
    except (OSError, KeyError):
        return False


def run_cases(args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    limits = []
    if args.train_limit:
        limits.append(f"dataset.train_limit={args.train_limit}")
    if args.test_limit:
        limits.append(f"dataset.test_limit={args.test_limit}")
    if args.epochs:
        limits.append(f"training.epochs={args.epochs}")
    jobs = []
    for device, activation, rule, mode, readout, seed in itertools.product(DEVICES, ACTIVATIONS, RULES, MODES, READOUTS, SEEDS):
        name = case_name(args.dataset, device, activation, rule, mode, readout, seed)
        if is_complete(out / f"{name}.h5"):
            continue
        config, settings = preset_settings(args.dataset, device)
        settings = settings + limits
        settings += [f"run.seed={seed}", f"network.hidden_activation={activation}", f"training.rule={rule}",
                     f"array.update_mode={mode}", f"array.accumulate_residual={'true' if mode == 'pulse' else 'false'}"]
        settings += readout_settings(readout, epochs_of(config, settings))
        command = ["nice", "-n", "19", args.cimkit, "train", "--config", str(config), "--quiet", "--force",
                   "-o", str(out / f"{name}.h5")]
        for s in settings:
            command += ["--set", s]
        jobs.append((name, command))
    print(f"{len(jobs)} cases to run in {out}", file=sys.stderr)

    def run_one(job):
        name, command = job
        with open(out / f"{name}.log", "w") as log:
            code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT)
        return name, code

    failed = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for done, (name, code) in enumerate(pool.map(run_one, jobs), start=1):
            if code != 0:
                failed += 1
                print(f"FAILED {name} (exit {code}, see {out / (name + '.log')})", file=sys.stderr)
            print(f"{done}/{len(jobs)} {name}", file=sys.stderr)
    return 1 if failed else 0


def read_case(path):
    """Final test accuracy and per-training-sample pulses, random numbers, energy and latency of one run file."""
    import h5py
    with h5py.File(path, "r") as f:
        if f["/training"].attrs["status"] != "complete":
            return None
        m = f["/training/metrics"]
        config = tomllib.loads(f.attrs["config_toml"])
        samples = m["simulated_time_s"][-1] / config["training"]["sample_period_s"]
        return {
            "accuracy": 100 * m["test_accuracy"][-1],
            "pulses": m["update_pulses"][-1] / samples,
            "random": m["update_random_numbers"][-1] / samples,
            "energy": m["energy_total_J"][-1] / samples,
            "latency": m["sample_latency_s"][-1],
            "epochs": int(m["epoch"][-1]),
            "train": config["dataset"].get("train_limit", 0),
        }


def si(value, unit):
    for scale, prefix in ((1e-12, "p"), (1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1, "")):
        if abs(value) < scale * 1000:
            return f"{value / scale:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def print_table(args):
    folders = [Path(folder) for folder in args.out]
    print("# Learning rules x update modes x read-outs\n")
    print("Written by `bench/learning_rules_table.py table` from the run files of `bench/learning_rules_table.py run`")
    print("(do not edit by hand; what the numbers say is in [results.md](results.md#learning-rules-update-modes-and-read-outs)).")
    print("Compact engine; every column per training sample, the last four from seed 1's run file: write pulses")
    print("(`exact` writes by program-and-verify and counts none), uniform random numbers drawn by the update rule,")
    print("`energy_total_J` and `sample_latency_s`.")
    for dataset in ("iris", "mnist"):
        for device, activation in itertools.product(DEVICES, ACTIVATIONS):
            rows = []
            for rule, mode, readout in itertools.product(RULES, MODES, READOUTS):
                paths = [folder / f"{case_name(dataset, device, activation, rule, mode, readout, seed)}.h5" for folder in folders for seed in SEEDS]
                cases = [c for p in paths if p.exists() and (c := read_case(p))]
                if len(cases) == len(SEEDS):
                    rows.append((rule, mode, readout, cases))
            if not rows:
                continue
            first = rows[0][3][0]
            limit = f", the first {first['train']} training images" if first["train"] else ""
            print(f"\n## {dataset}, {device}, {activation} hidden layer\n")
            print(f"{first['epochs']} epochs{limit}; {len(rows)} of {len(RULES) * len(MODES) * len(READOUTS)} configurations.\n")
            print("| rule | update | read-out | test accuracy, seeds 1/2/3 (%) | mean ± sd (%) | pulses | random numbers | energy | latency |")
            print("|---|---|---|---|---|---|---|---|---|")
            for rule, mode, readout, cases in rows:
                acc = [c["accuracy"] for c in cases]
                s1 = cases[0]
                print(f"| {rule} | {mode} | {readout} | {' / '.join(f'{a:.1f}' for a in acc)} | "
                      f"{statistics.mean(acc):.1f} ± {statistics.stdev(acc):.1f} "
                      f"| {s1['pulses']:.3g} | {s1['random']:.3g} | {si(s1['energy'], 'J')} | {si(s1['latency'], 's')} |")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train every case into OUT")
    run.add_argument("cimkit")
    run.add_argument("out")
    run.add_argument("--dataset", choices=("iris", "mnist"), required=True)
    run.add_argument("--jobs", type=int, default=1)
    run.add_argument("--train-limit", type=int, default=0, help="dataset.train_limit (0: all)")
    run.add_argument("--test-limit", type=int, default=0, help="dataset.test_limit (0: all)")
    run.add_argument("--epochs", type=int, default=0, help="training.epochs (0: the preset's)")
    table = sub.add_parser("table", help="print the tables of the run files in OUT")
    table.add_argument("out", nargs="+")
    args = parser.parse_args()
    if args.command == "run" and not os.access(args.cimkit, os.X_OK):
        parser.error(f"{args.cimkit}: not an executable")
    return run_cases(args) if args.command == "run" else print_table(args)


if __name__ == "__main__":
    sys.exit(main())
