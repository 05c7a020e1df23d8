"""A short run of the default preset (Iris 4-8-3 on MOSFET synapses, every read an ngspice operating
point, every update an update-circuit transient), 10 epochs instead of 20, against the same run on
the compact engine.

Thresholds, from runs of the same 10-epoch schedule on the compact engine (whose metrics the spice
engine reproduced exactly in every run measured so far), seeds 1-5:
  running train accuracy 91.7, 86.7, 90.0, 90.0, 92.5 %  -> assert >= 85 % (one sample below the worst)
  test accuracy          83.3, 96.7, 80.0, 90.0, 90.0 %  (30 samples: too coarse to threshold; the
                                                          full 20-epoch preset is in docs/results.md)
and the issue's agreement rule: spice and compact test accuracy within one test sample (1/30)."""
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py

cimkit = sys.argv[1]
work = Path(tempfile.mkdtemp())
metrics = {}
for engine in ("spice", "compact"):
    out = work / f"{engine}.h5"
    r = subprocess.run([cimkit, "train", "--quiet", "-o", str(out), "--set", "training.epochs=10", "--set", f"run.engine={engine}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{engine} run failed ({r.returncode}): {r.stderr}")
    with h5py.File(out, "r") as f:
        m = f["/training/metrics"]
        metrics[engine] = {k: float(m[k][-1]) for k in ("train_accuracy", "test_accuracy", "loss", "energy_write_J",
                                                    "energy_update_circuit_J")}
    print(engine, metrics[engine])

failures = []
if metrics["spice"]["train_accuracy"] < 0.85:
    failures.append(f"spice train accuracy {metrics['spice']['train_accuracy']:.3f} < 0.85")
if abs(metrics["spice"]["test_accuracy"] - metrics["compact"]["test_accuracy"]) > 1 / 30 + 1e-9:
    failures.append("spice and compact test accuracy differ by more than one test sample")
if not metrics["spice"]["energy_update_circuit_J"] > 0:
    failures.append("the spice run must report the update circuit's energy")
if metrics["compact"]["energy_update_circuit_J"] != 0:
    failures.append("the compact engine runs no update circuit, so its energy must be 0")
if not (metrics["spice"]["energy_write_J"] > 0 and metrics["compact"]["energy_write_J"] > 0):
    failures.append("both engines must report the write pulses' energy")
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
