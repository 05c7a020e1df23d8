"""`cimkit train --resume` and seeds against hostile or contradictory input (issue 13): a config that
must survive the run file's config_toml (".5", a path holding a backslash-u sequence), seeds that are
not whole non-negative numbers, HDF5 external links, and checkpoints that contradict their config,
each edited into a good run file with h5py. Every refusal is exit 2 naming the file and the part."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import h5py
import numpy as np

cimkit, data_dir = sys.argv[1], Path(sys.argv[2])
work = Path(tempfile.mkdtemp())
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def run(*args):
    return subprocess.run([cimkit, *args], capture_output=True, text=True)


def train(*args):
    return run("train", "--quiet", *args)


# ---- "-.5" survives config_toml: kill -9 after the first epoch, --resume ends identical
SPICE = ["--set", "spice.update_circuit_max_devices=0", "--set", "training.sample_period_s=1e-3",
         "--set", "device.word_line_off_V=-.5", "--set", "training.epochs=4"]
reference = work / "reference.h5"
r = train("-o", str(reference), *SPICE)
check(r.returncode == 0, f"run with device.word_line_off_V=-.5 failed: {r.returncode} {r.stderr}")
killed = work / "killed.h5"
p = subprocess.Popen([cimkit, "train", "--quiet", "-o", str(killed), *SPICE], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + 60
while not killed.exists() and time.time() < deadline and p.poll() is None:
    time.sleep(0.02)
p.send_signal(signal.SIGKILL)
p.wait()
with h5py.File(killed, "r") as f:
    config = tomllib.loads(f.attrs["config_toml"])
    check(config["device"]["word_line_off_V"] == -0.5, f"config_toml holds word_line_off_V = -0.5: {config.get('device')}")
    check(f.attrs["seed"].dtype == np.uint64 and f.attrs["seed"] == 1, "the seed is stored as uint64")
    check(len(f["/training/metrics/epoch"]) < 4, "the kill came before the last epoch")
r = train("--resume", str(killed))
check(r.returncode == 0, f"resume of the .5 run failed: {r.returncode} {r.stderr}")
with h5py.File(reference, "r") as a, h5py.File(killed, "r") as b:
    for group in ("/training/weights", "/training/bias", "/training/conductance"):
        def compare(name, obj, group=group):
            if isinstance(obj, h5py.Dataset):
                check(np.array_equal(obj[:], b[group + "/" + name][:]), f"{group}/{name} differs after kill + resume")
        a[group].visititems(compare)
    for column in ("epoch", "train_accuracy", "test_accuracy", "loss", "update_pulses", "simulated_time_s"):
        check(np.array_equal(a["/training/metrics/" + column][:], b["/training/metrics/" + column][:]), f"metrics {column} differ")

# ---- a dataset path holding a backslash-u sequence is read back as typed
odd = work / "x\\u0041"
odd.mkdir()
shutil.copy(data_dir / "iris.csv", odd / "iris.csv")
path_run = work / "path.h5"
IDEAL = ["--set", "run.engine=ideal", "--set", "training.epochs=2"]
r = train("-o", str(path_run), *IDEAL, "--set", f"dataset.path={odd / 'iris.csv'}")
check(r.returncode == 0, f"run on a path with \\u0041 failed: {r.stderr}")
with h5py.File(path_run, "r") as f:
    check(tomllib.loads(f.attrs["config_toml"])["dataset"]["path"] == str(odd / "iris.csv"), "config_toml keeps the backslash")
(work / "xA").mkdir()  # where a lost escape would lead
(work / "xA" / "iris.csv").write_text("not iris\n")
r = train("--resume", str(path_run))
check(r.returncode == 0, f"resume on the \\u0041 path failed: {r.returncode} {r.stderr}")

# ---- seeds
for args, named in [(["characterize", "mosfet", "--experiment", "iv", "--seed", "-1", "-o", str(work / "c.h5")], "--seed"),
                    (["characterize", "mosfet", "--experiment", "iv", "--seed", "1.5", "-o", str(work / "c.h5")], "--seed"),
                    (["train", "--quiet", *IDEAL, "--set", "run.seed=-1", "-o", str(work / "s.h5")], "run.seed"),
                    (["train", "--quiet", *IDEAL, "--set", "run.seed=2.5", "-o", str(work / "s.h5")], "run.seed")]:
    r = run(*args)
    check(r.returncode == 2 and named in r.stderr, f"{' '.join(args[-6:])}: exit {r.returncode}, {r.stderr.strip()}")
check(not (work / "c.h5").exists() and not (work / "s.h5").exists(), "a refused seed left a file")

# ---- empty sets
r = train(*IDEAL, "--set", "dataset.test_fraction=0.001", "-o", str(work / "empty.h5"))
check(r.returncode == 2 and "test set is empty" in r.stderr and "iris" in r.stderr, f"empty test set: {r.returncode} {r.stderr.strip()}")

# ---- hostile and contradictory run files, each an edit of a good one
good = work / "good.h5"
r = train("-o", str(good), "--set", "run.engine=compact", "--set", "training.epochs=3")
check(r.returncode == 0, f"compact run failed: {r.stderr}")
secret = work / "secret.h5"
shutil.copy(good, secret)


def refused(name, edit, *expected):
    bad = work / f"{name}.h5"
    shutil.copy(good, bad)
    with h5py.File(bad, "a") as f:
        edit(f)
    r = train("--resume", str(bad))
    ok = r.returncode == 2 and str(bad) in r.stderr and all(e in r.stderr for e in expected)
    check(ok, f"{name}: exit {r.returncode}, {r.stderr.strip()} (expected {expected})")


def replace(f, path, values):
    attrs = dict(f[path].attrs)
    del f[path]
    f[path] = values
    for k, v in attrs.items():
        f[path].attrs[k] = v


def external(f):
    del f["/training/checkpoint"]
    f["/training/checkpoint"] = h5py.ExternalLink(str(secret), "/training/checkpoint")


refused("external_link", external, "'/training/checkpoint' is an external link")
refused("soft_link", lambda f: (f.move("/training/checkpoint", "/elsewhere"), f.__setitem__("/training/checkpoint", h5py.SoftLink("/elsewhere"))),
        "'/training/checkpoint' is a soft link")
refused("engine", lambda f: f["/training"].attrs.__setitem__("engine", "ideal"), "'engine'", "'compact'")
refused("device", lambda f: f["/training"].attrs.__setitem__("device", "pcm"), "'device'", "'mosfet'")
refused("seed", lambda f: f.attrs.__setitem__("seed", np.uint64(2)), "'seed'", "1 (run.seed)")
refused("epochs_planned", lambda f: f["/training/checkpoint"].attrs.__setitem__("epochs_planned", np.uint64(9)), "epochs_planned", "3 (training.epochs)")
refused("dtype", lambda f: replace(f, "/training/checkpoint/layer_0/plus", f["/training/checkpoint/layer_0/plus"][:].astype(np.float32)),
        "/training/checkpoint/layer_0/plus' is float32, expected float64")
refused("shape", lambda f: replace(f, "/training/checkpoint/layer_0/plus", f["/training/checkpoint/layer_0/plus"][:-8]),
        "/training/checkpoint/layer_0/plus'", "expects")
refused("rank", lambda f: replace(f, "/training/checkpoint/layer_1/bias", f["/training/checkpoint/layer_1/bias"][:].reshape(1, -1)),
        "/training/checkpoint/layer_1/bias' has 2 dimensions, expected 1")
refused("bias", lambda f: replace(f, "/training/checkpoint/layer_1/bias", np.zeros(4)), "layer_1/bias'", "4 values", "expects 3")
refused("extra_block", lambda f: f.__setitem__("/training/checkpoint/layer_0/weights", np.zeros(32)), "layer_0/weights'", "no such block")
refused("missing_block", lambda f: f.__delitem__("/training/checkpoint/layer_0/counters"), "no dataset 'counters'")
refused("metrics_epoch", lambda f: replace(f, "/training/metrics/epoch", np.array([1, 4, 3], dtype=np.int64)), "/training/metrics/epoch' row 1")


def stopped_in_epoch_3(f, position):
    """The file as if stopped inside epoch 3: two rows of metrics, a checkpoint at `position`."""
    for name in list(f["/training/metrics"]):
        replace(f, "/training/metrics/" + name, f["/training/metrics/" + name][:2])
    f["/training/checkpoint"].attrs["epoch"] = np.uint64(2)
    f["/training/checkpoint/in_epoch"] = np.array(position, dtype=np.float64)


refused("in_epoch_done", lambda f: stopped_in_epoch_3(f, [3, 500, 0, 0, 0, 0]), "in_epoch", "500 samples done", "120 training samples")
refused("in_epoch_correct", lambda f: stopped_in_epoch_3(f, [3, 10, 9, 2, 0, 0]), "in_epoch", "9 correct and 2 skipped of 10")
refused("in_epoch_dtype", lambda f: (stopped_in_epoch_3(f, [3, 10, 9, 0, 0, 0]), replace(f, "/training/checkpoint/in_epoch", np.array([3, 10, 9, 0, 0, 0], dtype=np.int32))),
        "in_epoch' is int32, expected float64")

# A file of the older layout (seed and counts as float64) still resumes.
older = work / "older.h5"
shutil.copy(good, older)
with h5py.File(older, "a") as f:
    f.attrs["seed"] = 1.0
    for name in ("layers", "epoch", "epochs_planned"):
        f["/training/checkpoint"].attrs[name] = float(f["/training/checkpoint"].attrs[name])
r = train("--resume", str(older))
check(r.returncode == 0, f"older float64 seed file: {r.returncode} {r.stderr}")

shutil.rmtree(work)
if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("hostile train input: all checks passed")
