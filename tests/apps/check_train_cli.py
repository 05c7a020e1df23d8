"""`cimkit train` as a user meets it: the run file read with h5py (metrics table, units, weights,
conductances, the resolved config as TOML), bad configs exiting 2 with the key named and no file
left behind, kill -9 at a random moment followed by --resume ending with the same weights as an
uninterrupted run of the same seed, and the same for SIGINT/SIGTERM, which checkpoint mid-epoch."""
import random
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import h5py
import numpy as np

cimkit = sys.argv[1]
work = Path(tempfile.mkdtemp())
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def train(*args, **kwargs):
    return subprocess.run([cimkit, "train", "--quiet", *args], capture_output=True, text=True, **kwargs)


# Iris on the spice engine with the read circuit only (update circuit off: ~0.4 s per epoch).
SHORT = ["--set", "spice.update_circuit_max_devices=0", "--set", "training.sample_period_s=1e-3"]

# ---- the run file
run = work / "run.h5"
r = train("-o", str(run), "--set", "training.epochs=3", *SHORT)
check(r.returncode == 0, f"short spice run failed: {r.returncode} {r.stderr}")
with h5py.File(run, "r") as f:
    m = f["/training/metrics"]
    columns = {"epoch": "1", "train_accuracy": "1", "test_accuracy": "1", "loss": "1", "update_pulses": "1",
               "energy_read_J": "J", "energy_write_J": "J", "energy_update_circuit_J": "J", "energy_adc_J": "J",
               "energy_neuron_J": "J", "energy_wire_J": "J", "energy_dac_J": "J", "energy_total_J": "J",
               "simulated_time_s": "s", "sample_latency_s": "s", "circuit_time_s": "s", "wall_time_s": "s",
               "skipped_samples": "1", "skipped_test_samples": "1"}
    for name, unit in columns.items():
        check(name in m and m[name].shape == (3,), f"metrics column {name} missing or not 3 rows")
        check(name in m and m[name].attrs.get("units") == unit, f"metrics column {name} units != {unit}")
    check(list(m["epoch"][:]) == [1, 2, 3], "epochs are 1, 2, 3")
    # 120 training samples of 1 ms each per epoch.
    check(np.allclose(m["simulated_time_s"][:], [0.12, 0.24, 0.36]), "simulated time is 120 x 1 ms per epoch")
    latency_s = m["sample_latency_s"][0]
    check(latency_s > 0 and np.all(m["sample_latency_s"][:] == latency_s), "one sample latency for the whole run")
    check(np.allclose(m["circuit_time_s"][:], [120 * latency_s, 240 * latency_s, 360 * latency_s], rtol=1e-12, atol=0),
          "learning time on the circuits is 120 samples x the latency per epoch")
    check(np.all(np.diff(m["update_pulses"][:]) > 0), "update pulses accumulate")
    check(np.all(m["energy_read_J"][:] > 0), "read energy is positive")
    # After the initial programming every write is a pump pulse: a potentiating one draws
    # v_g_max I_p t_p, a depressing one nothing.
    write_J, pulses = np.diff(m["energy_write_J"][:]), np.diff(m["update_pulses"][:])
    check(np.all(write_J > 0), "write energy accumulates")
    check(np.all(write_J <= pulses * 1.2 * 15e-9 * 10e-9 * (1 + 1e-9)), "write energy is at most v_g_max I_p t_p per pulse")
    check(np.all(m["energy_update_circuit_J"][:] == 0), "no update circuit ran, so its energy is 0")
    check(np.all(m["energy_neuron_J"][:] == 0), "a formula activation draws no neuron energy")
    check(np.all(m["energy_wire_J"][:] == 0), "no wire capacitance, no wire energy")
    check(np.all(m["energy_dac_J"][:] == 0), "analog drivers, no DAC energy")
    parts = m["energy_read_J"][:] + m["energy_write_J"][:] + m["energy_update_circuit_J"][:] + m["energy_adc_J"][:]
    check(np.allclose(m["energy_total_J"][:], parts, rtol=1e-9, atol=0), "the energy parts sum to the total")
    check(list(m["skipped_samples"][:]) == [0, 0, 0] and list(m["skipped_test_samples"][:]) == [0, 0, 0], "no sample skipped")
    check(m["skipped_samples"].dtype == np.int64, "skipped_samples is int64")
    check(f["/training"].attrs["status"] == "complete", "status complete")
    config = tomllib.loads(f.attrs["config_toml"])
    check(config["run"]["engine"] == "spice" and config["training"]["epochs"] == 3, "config_toml holds the resolved config")
    w0, gp, gm = f["/training/weights/layer_0"], f["/training/conductance/layer_0/plus"], f["/training/conductance/layer_0/minus"]
    check(w0.shape == (8, 4) and w0.attrs["units"] == "1", "layer 0 weights are 8 x 4, dimensionless")
    check(gp.shape == (8, 4) and gp.attrs["units"] == "S" and gm.attrs["units"] == "S", "conductances in S")
    check(f["/training/weights/layer_1"].shape == (3, 8), "layer 1 weights are 3 x 8")

# ---- the transistor neuron between the layers, solved in ngspice: every training sample powers the 8
# neurons (forward) and their 16 derivative copies (backward), every test sample the 8 neurons, each
# copy vdd itail = 36 uW for array.read_time_s = 10 ns
neurons = work / "neurons.h5"
r = train("-o", str(neurons), "--set", "training.epochs=2", "--set", "network.hidden_activation=sigmoid_mos", *SHORT)
check(r.returncode == 0, f"sigmoid_mos spice run failed: {r.returncode} {r.stderr}")
with h5py.File(neurons, "r") as f:
    m = f["/training/metrics"]
    per_epoch_J = (120 * 24 + 30 * 8) * 1.8 * 20e-6 * 10e-9
    check(np.allclose(m["energy_neuron_J"][:], [per_epoch_J, 2 * per_epoch_J], rtol=1e-6, atol=0),
          f"neuron energy {m['energy_neuron_J'][:]} is 3120 copies x 0.36 pJ per epoch")
    parts = sum(m[k][:] for k in ("energy_read_J", "energy_write_J", "energy_update_circuit_J", "energy_adc_J", "energy_neuron_J", "energy_wire_J",
                                  "energy_dac_J"))
    check(np.allclose(m["energy_total_J"][:], parts, rtol=1e-9, atol=0), "with neurons, the energy parts sum to the total")

# ---- bad configs: exit 2, the key or file named, nothing written
bad_toml = work / "bad.toml"
bad_toml.write_text('[training]\nepochs = "three"\n')
cases = [
    (["--set", "training.epoch=3"], "training.epoch"),
    (["--set", "training.epochs=0"], "training.epochs"),
    (["--set", "training.learning_rate=-1"], "training.learning_rate"),
    (["--set", "array.device=memristor"], "memristor"),
    (["--set", "device.no_such_parameter=1"], "no_such_parameter"),
    (["--set", "dataset.path=/nonexistent/iris.csv"], "/nonexistent/iris.csv"),
    (["--config", str(bad_toml)], "bad.toml:2"),
    (["--config", str(work / "missing.toml")], "missing.toml"),
    (["--resume", str(bad_toml)], "bad.toml"),
    (["--set", "evaluate.after_s=[3600,1]"], "evaluate.after_s = [3600,1] is not strictly increasing"),
    (["--set", "evaluate.after_s=-1"], "evaluate.after_s"),
    (["--set", "evaluate.after_s=a day"], "evaluate.after_s"),
    (["--set", "evaluate.drift_compensation=maybe"], "true, false, both"),
    (["--set", "array.wire_ohm=-1"], "array.wire_ohm"),
    (["--set", "array.wire_ohm=5", "--set", "run.engine=ideal"], "array.wire_ohm"),
    (["--set", "array.wire_ohm=5", "--set", "spice.max_tile_rows=2"], "spice.max_tile_rows"),
    (["--seed", "3", "--set", "run.seed=4"], "--seed 3 and --set run.seed=4 disagree"),
    (["--epochs", "3", "--set", "training.epochs=4"], "--epochs 3 and --set training.epochs=4 disagree"),
    (["--config", "no_such_preset"], "presets: iris_domain_wall_spice, iris_mosfet_full_spice, iris_mosfet_spice"),
]
for args, named in cases:
    out = work / "bad.h5"
    r = train("-o", str(out), *args)
    check(r.returncode == 2, f"{args}: exit {r.returncode}, expected 2 ({r.stderr.strip()})")
    check(named in r.stderr, f"{args}: message does not name {named!r}: {r.stderr.strip()}")
    check(not out.exists(), f"{args}: left {out} behind")
check(not list(work.glob(".bad.h5*")), "temporary files left behind")

# ---- evaluations after training (Iris on PCM, compact engine): a list of one time writes what the
# scalar form writes; a series under both writes its table; a finished run resumed evaluates nothing
PCM = ["--set", "run.engine=compact", "--set", "array.device=pcm", "--set", "training.epochs=2",
       "--set", "training.sample_period_s=1e-3"]
scalar, listed, series = work / "scalar.h5", work / "listed.h5", work / "series.h5"
r = train("-o", str(scalar), *PCM, "--set", "evaluate.after_s=86400", "--set", "evaluate.drift_compensation=true")
check(r.returncode == 0, f"scalar evaluate.after_s failed: {r.stderr}")
r = train("-o", str(listed), *PCM, "--set", "evaluate.after_s=[86400]", "--set", "evaluate.drift_compensation=true")
check(r.returncode == 0, f"evaluate.after_s=[86400] failed: {r.stderr}")
with h5py.File(scalar, "r") as a, h5py.File(listed, "r") as b:
    for name in ("evaluate_after_s", "test_accuracy_after"):
        check(a["/training"].attrs[name] == b["/training"].attrs[name], f"{name} differs between 86400 and [86400]")
    check(a.attrs["config_toml"] == b.attrs["config_toml"], "the config of [86400] is written as that of 86400")
    check(a["/training"].attrs["evaluate_after_s"] == 86400.0, "evaluate_after_s is 86400")
    check(a["/training/evaluation/test_accuracy"][-1] == a["/training"].attrs["test_accuracy_after"],
          "test_accuracy_after is the last row")
times = [1, 3600, 86400, 2592000, 31536000]
r = train("-o", str(series), *PCM, "--set", f"evaluate.after_s=[{','.join(map(str, times))}]",
          "--set", "evaluate.drift_compensation=both")
check(r.returncode == 0, f"a series under both failed: {r.stderr}")
check("1 yr (31536000 s), with drift compensation" in r.stdout, f"the printout lists each evaluation: {r.stdout}")
with h5py.File(series, "r") as f:
    e = f["/training/evaluation"]
    check(list(e["after_s"][:]) == [t for t in times for _ in (0, 1)], "each time twice, in order")
    check(list(e["drift_compensation"][:]) == [0, 1] * 5 and e["drift_compensation"].dtype == np.int64,
          "without, then with compensation (int64)")
    check(e["after_s"].attrs["units"] == "s" and e["test_accuracy"].attrs["units"] == "1", "evaluation units")
    rows = e["test_accuracy"][:]
    check(np.all((rows >= 0) & (rows <= 1)), "accuracies in [0, 1]")
    check(f["/training"].attrs["evaluate_after_s"] == 31536000.0 and f["/training"].attrs["test_accuracy_after"] == rows[-1],
          "the attributes hold the last time, compensated")
r = train("--resume", str(series))
check(r.returncode == 0, f"resume of a finished series failed: {r.stderr}")
with h5py.File(series, "r") as f:
    check(np.array_equal(f["/training/evaluation/test_accuracy"][:], rows), "a finished run resumed keeps its rows, no more")

# ---- a finished run extended (--resume --epochs N) is the run of N epochs: the same metrics, weights
# and evaluations after training (redone at the new end); the root keeps the first command line
# and adds each resume's to command_line_history; shortening and other keys are refused.
SERIES = [*PCM[:-4], "--set", "training.sample_period_s=1e-3", "--set", f"evaluate.after_s=[{','.join(map(str, times))}]",
          "--set", "evaluate.drift_compensation=both"]
extended = work / "extended.h5"
r = train("-o", str(extended), *SERIES, "--epochs", "1")
check(r.returncode == 0, f"one epoch to extend failed: {r.stderr}")
r = train("--resume", str(extended), "--epochs", "2")
check(r.returncode == 0, f"--resume --epochs 2 failed: {r.stderr}")
r = train("--resume", str(extended), "--set", "training.epochs=2")
check(r.returncode == 0, f"--resume --set training.epochs=2 (its own length) failed: {r.stderr}")
with h5py.File(extended, "r") as a, h5py.File(series, "r") as b:
    for col in a["/training/metrics"]:
        if col != "wall_time_s":
            check(np.array_equal(a["/training/metrics"][col][:], b["/training/metrics"][col][:]), f"extended run: metrics {col} differ")
    for col in ("after_s", "drift_compensation", "test_accuracy"):
        check(np.array_equal(a["/training/evaluation"][col][:], b["/training/evaluation"][col][:]), f"extended run: evaluation {col} differs")
    check(np.array_equal(a["/training/weights/layer_0"][:], b["/training/weights/layer_0"][:]), "extended run: weights differ")
    check(a.attrs["config_toml"] == b.attrs["config_toml"], "extended run: the stored config says 2 epochs")
    check(a.attrs["command_line"].endswith("--epochs 1"), f"command_line is the first command: {a.attrs['command_line']}")
    history = a.attrs.get("command_line_history", "").split("\n")
    check(len(history) == 2 and history[0].endswith(f"--resume {extended} --epochs 2") and "training.epochs=2" in history[1],
          f"command_line_history, one line per resume: {history}")
for args, named in [(["--epochs", "1"], "has already reached epoch 2"), (["--set", "training.learning_rate=1"], "training.learning_rate"),
                    (["--seed", "2"], "--seed")]:
    r = train("--resume", str(extended), *args)
    check(r.returncode == 2 and named in r.stderr, f"--resume {args}: exit {r.returncode}, {r.stderr.strip()}")

# ---- a corrupt count in a checkpoint: refused with exit 2 before any cast of it
corrupt = work / "corrupt_counters.h5"
r = train("-o", str(corrupt), "--set", "run.engine=compact", "--set", "training.epochs=1")
check(r.returncode == 0, f"compact run failed: {r.stderr}")
with h5py.File(corrupt, "r+") as f:
    f["/training/checkpoint/layer_0/counters"][0] = -5.0
r = train("--resume", str(corrupt))
check(r.returncode == 2 and "counters" in r.stderr, f"corrupt counters: exit {r.returncode}, {r.stderr.strip()}")

# ---- a run file of an earlier cimkit, without the blocks added since (the random-number count of
# stochastic updates: its checkpoint block and metrics column), resumes to the run of a fresh file.
older, fresh = work / "older.h5", work / "fresh.h5"
r = train("-o", str(older), "--set", "run.engine=compact", "--set", "training.epochs=1")
check(r.returncode == 0, f"compact run failed: {r.stderr}")
with h5py.File(older, "r+") as f:
    del f["/training/checkpoint/layer_0/update_random_numbers"]
    del f["/training/metrics/update_random_numbers"]
r = train("--resume", str(older), "--epochs", "2")
check(r.returncode == 0, f"resume of an earlier cimkit's file: exit {r.returncode}, {r.stderr.strip()}")
r = train("-o", str(fresh), "--set", "run.engine=compact", "--set", "training.epochs=2")
with h5py.File(older, "r") as a, h5py.File(fresh, "r") as b:
    for col in ("test_accuracy", "loss", "update_pulses"):
        check(np.array_equal(a["/training/metrics"][col][:], b["/training/metrics"][col][:]), f"earlier file resumed: {col} differs")
    check(np.array_equal(a["/training/weights/layer_0"][:], b["/training/weights/layer_0"][:]), "earlier file resumed: weights differ")

# ---- kill -9 at a random moment, then --resume: the same final weights
EPOCHS = ["--set", "training.epochs=6", "--set", "run.seed=3"]
reference = work / "reference.h5"
r = train("-o", str(reference), *SHORT, *EPOCHS)
check(r.returncode == 0, f"reference run failed: {r.stderr}")
killed = work / "killed.h5"
rng = random.Random()
for attempt in range(5):
    p = subprocess.Popen([cimkit, "train", "--quiet", "-o", str(killed), *SHORT, *EPOCHS],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not killed.exists() and p.poll() is None and time.time() < deadline:
        time.sleep(0.02)  # wait for the first checkpoint, then kill at a random moment after it
    time.sleep(rng.uniform(0.0, 1.5))
    p.send_signal(signal.SIGKILL)
    p.wait()
    if killed.exists():
        break
with h5py.File(killed, "r") as f:
    done = int(f["/training/metrics/epoch"][-1])
print(f"killed after epoch {done} of 6")
r = train("--resume", str(killed))
check(r.returncode == 0, f"resume failed: {r.returncode} {r.stderr}")
with h5py.File(killed, "r") as a, h5py.File(reference, "r") as b:
    check(list(a["/training/metrics/epoch"][:]) == [1, 2, 3, 4, 5, 6], "resumed run has all 6 epochs")
    for l in (0, 1):
        for path in (f"/training/weights/layer_{l}", f"/training/conductance/layer_{l}/plus", f"/training/bias/layer_{l}"):
            check(np.array_equal(a[path][:], b[path][:]), f"{path} differs after kill + resume")
    for col in ("test_accuracy", "train_accuracy", "loss", "update_pulses", "simulated_time_s"):
        check(np.array_equal(a[f"/training/metrics/{col}"][:], b[f"/training/metrics/{col}"][:]), f"metrics {col} differ")

# SIGINT (and SIGTERM) end the run between two samples: exit 130, and the file is rewritten with a
# checkpoint inside the stopped epoch (/training/checkpoint/in_epoch: device states, their random
# streams, the position in the epoch's order). --resume from it ends with the same final weights and
# metrics as the uninterrupted run.
for sig in (signal.SIGINT, signal.SIGTERM):
    interrupted = work / f"interrupted_{sig.name}.h5"
    p = subprocess.Popen([cimkit, "train", "--quiet", "-o", str(interrupted), *SHORT, *EPOCHS], stderr=subprocess.PIPE, text=True)
    while not interrupted.exists() and p.poll() is None:
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, 1.0))  # a random moment after the first epoch's file
    p.send_signal(sig)
    _, err = p.communicate()
    check(p.returncode in (0, 130), f"{sig.name}: exit {p.returncode}")
    if p.returncode != 130:
        print(f"{sig.name}: the run finished before the signal")
        continue
    check("--resume" in err, f"{sig.name}: the message tells how to resume: {err.strip()}")
    with h5py.File(interrupted, "r") as f:
        check(f["/training"].attrs["status"] == "running", "an interrupted file says running")
        at = f["/training/checkpoint/in_epoch"][:] if "in_epoch" in f["/training/checkpoint"] else None
        done = int(f["/training/metrics/epoch"][-1]) if f["/training/metrics/epoch"].shape[0] else 0
    check(at is not None and int(at[0]) == done + 1, f"{sig.name}: checkpoint inside epoch {done + 1}")
    if at is not None:
        print(f"{sig.name}: stopped in epoch {int(at[0])} after {int(at[1])} of 120 samples")
    r = train("--resume", str(interrupted))
    check(r.returncode == 0, f"resume after {sig.name} failed: {r.returncode} {r.stderr}")
    with h5py.File(interrupted, "r") as a, h5py.File(reference, "r") as b:
        check("in_epoch" not in a["/training/checkpoint"], "a finished run has no in-epoch checkpoint")
        for l in (0, 1):
            for path in (f"/training/weights/layer_{l}", f"/training/conductance/layer_{l}/plus", f"/training/bias/layer_{l}"):
                check(np.array_equal(a[path][:], b[path][:]), f"{path} differs after {sig.name} + resume")
        for col in ("epoch", "test_accuracy", "train_accuracy", "loss", "update_pulses", "simulated_time_s"):
            check(np.array_equal(a[f"/training/metrics/{col}"][:], b[f"/training/metrics/{col}"][:]),
                  f"metrics {col} differ after {sig.name} + resume")

for failure in failures:
    print("FAIL:", failure)
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
