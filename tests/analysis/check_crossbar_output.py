"""`cimkit crossbar` for every device: the HDF5 file read with h5py, SPICE and compact paths agreeing,
the emitted netlist giving the same column currents in standalone `ngspice -b`, and bad input exiting
2 with no file left behind."""
import os
import subprocess
import sys
import tempfile
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


def read_ascii_raw(path):
    """Vectors of an ngspice ASCII raw file (SPICE_ASCIIRAWFILE=1): name -> numpy array."""
    lines = path.read_text().splitlines()
    n_vars = int(next(l for l in lines if l.startswith("No. Variables:")).split(":")[1])
    start = lines.index("Variables:") + 1
    names = [lines[start + k].split()[1] for k in range(n_vars)]
    values = []
    for line in lines[lines.index("Values:") + 1:]:
        fields = line.split()
        if fields:
            values.append(float(fields[-1]))
    data = np.array(values).reshape(-1, n_vars)
    return {name: data[:, k] for k, name in enumerate(names)}


for device in ("mosfet", "domain_wall", "pcm", "gain_cell"):
    out, cir = work / f"{device}.h5", work / f"{device}.cir"
    r = subprocess.run([cimkit, "crossbar", "--device", device, "--rows", "16", "--cols", "8", "--seed", "4",
                        "-o", str(out), "--emit-netlist", str(cir)], capture_output=True, text=True)
    check(r.returncode == 0, f"{device}: exit {r.returncode}: {r.stderr}")
    if r.returncode != 0:
        continue
    check("max relative error" in r.stdout, f"{device}: summary line missing")
    with h5py.File(out, "r") as f:
        spice = f["crossbar/spice/column_current"][:]
        compact = f["crossbar/compact/column_current"][:]
        check(f["crossbar/spice/column_current"].attrs["units"] == "A", f"{device}: units")
        check(f["crossbar"].attrs["max_relative_error"] < 0.01, f"{device}: spice vs compact")
        check(spice.shape == (8,) and compact.shape == (8,), f"{device}: shapes")
        settled = f["crossbar"].attrs["settled_time_s"]
        latency = f["crossbar"].attrs["read_latency_s"]
        check(0.0 < latency < settled, f"{device}: latency {latency} s outside (0, {settled}) s")
        parts = sum(f["crossbar"].attrs[f"energy_{p}_J"] for p in ("devices", "wire_resistance", "wire_capacitance", "readout"))
        total = f["crossbar"].attrs["energy_total_J"]
        check(abs(parts - total) <= 1e-9 * abs(total), f"{device}: energy parts {parts} J, total {total} J")
        check("tran1" in f["waveforms"], f"{device}: waveforms")
    # The same netlist in the standalone simulator gives the same column currents.
    raw = work / f"{device}.raw"
    env = dict(os.environ, SPICE_ASCIIRAWFILE="1")
    b = subprocess.run(["ngspice", "-b", "-r", str(raw), str(cir)], capture_output=True, text=True, env=env)
    check(b.returncode == 0 and raw.exists(), f"{device}: ngspice -b failed: {b.stderr[-300:]}")
    if raw.exists():
        vectors = read_ascii_raw(raw)
        t = vectors["time"]
        batch = np.array([np.interp(settled, t, vectors[f"i(vsense_{j})"]) for j in range(8)])
        err = np.max(np.abs(batch - spice) / np.maximum(np.abs(spice), 1e-30))
        check(err < 1e-6, f"{device}: ngspice -b differs from the embedded engine by {err}")

# Differential pairs: 2 physical columns per weight column, outputs I+ - I- agree between the paths.
diff = work / "diff.h5"
r = subprocess.run([cimkit, "crossbar", "--device", "domain_wall", "--scheme", "differential", "--rows", "8",
                    "--cols", "4", "-o", str(diff)], capture_output=True, text=True)
check(r.returncode == 0, f"differential: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    with h5py.File(diff, "r") as f:
        check(f["crossbar/spice/column_current"].shape == (8,), "differential: 8 physical columns")
        out_s, out_c = f["crossbar/spice/output"][:], f["crossbar/compact/output"][:]
        check(out_s.shape == (4,), "differential: 4 outputs")
        check(np.max(np.abs(out_s - out_c)) < 1e-9 * np.max(np.abs(out_c)), "differential: outputs differ")
        check(f["crossbar/levels"].shape == (8, 8) and f["crossbar/weights"].shape == (8, 4), "differential: shapes")

# The drivers' output resistance (--driver-ohm): the compact side solves the same network (rdrv_i in
# front of each row, and the TIA's input resistance rf/(1 + a0) after each column), so PCM's ohmic
# cells agree with ngspice within 0.1 % per column while 2 kOhm moves the currents by over 1 %
# (16 rows of up to 25 uS: R_d sum G up to 0.4). The same seed draws the same states and inputs.
for readout in ("ideal", "tia"):
    currents = {}
    for driver_ohm in ("0", "2000"):
        out = work / f"driver_{readout}_{driver_ohm}.h5"
        r = subprocess.run([cimkit, "crossbar", "--device", "pcm", "--rows", "16", "--cols", "8", "--readout", readout,
                            "--driver-ohm", driver_ohm, "-o", str(out)], capture_output=True, text=True)
        check(r.returncode == 0, f"--driver-ohm {driver_ohm} --readout {readout}: exit {r.returncode}: {r.stderr}")
        if r.returncode != 0:
            continue
        with h5py.File(out, "r") as f:
            spice = f["crossbar/spice/column_current"][:]
            compact = f["crossbar/compact/column_current"][:]
            attrs = f["crossbar"].attrs
            check(attrs["driver_ohm"] == float(driver_ohm), f"--driver-ohm {driver_ohm}: driver_ohm attribute {attrs['driver_ohm']}")
            error = np.max(np.abs(spice - compact) / np.abs(spice))
            check(error < 1e-3, f"--driver-ohm {driver_ohm} --readout {readout}: spice vs compact {error}")
            print(f"driver {driver_ohm} Ohm, {readout}: max column |spice - compact| / |spice| = {error:.3g}, "
                  f"driver R {attrs['energy_driver_resistance_J']:.4g} J of {attrs['energy_total_J']:.4g} J")
            parts = sum(attrs[f"energy_{p}_J"] for p in ("devices", "wire_resistance", "driver_resistance", "wire_capacitance", "readout"))
            check(abs(parts - attrs["energy_total_J"]) <= 1e-9 * attrs["energy_total_J"], f"--driver-ohm {driver_ohm}: energy parts")
            check((attrs["energy_driver_resistance_J"] > 0.0) == (driver_ohm != "0"),
                  f"--driver-ohm {driver_ohm}: driver resistance energy {attrs['energy_driver_resistance_J']}")
            currents[driver_ohm] = spice
    if len(currents) == 2:
        moved = np.min(np.abs(currents["2000"] - currents["0"]) / np.abs(currents["0"]))
        print(f"{readout}: 2 kOhm drivers move every column by at least {moved:.3g}")
        check(moved > 0.01, f"--readout {readout}: 2 kOhm drivers move the currents by only {moved}")

# Pulse-width inputs into charge integrators: the file says so, the outputs are each column's charge over
# the read as a mean current (ngspice and the compact twin within 1e-3 of the column scale), and the
# integrator's output voltages are stored beside them.
out = work / "integrator.h5"
r = subprocess.run([cimkit, "crossbar", "--device", "mosfet", "--rows", "16", "--cols", "8", "--readout", "integrator",
                    "--input-encoding", "pulse_width", "--integrator-farad", "2e-12", "-o", str(out)], capture_output=True, text=True)
check(r.returncode == 0, f"--readout integrator: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    with h5py.File(out, "r") as f:
        attrs = f["crossbar"].attrs
        check(attrs["readout"] == "integrator" and attrs["input_encoding"] == "pulse_width", "integrator: attributes")
        check(attrs["integrator_farad"] == 2e-12, f"integrator: integrator_farad {attrs['integrator_farad']}")
        check(attrs["max_relative_error"] < 1e-3, f"integrator: spice vs compact {attrs['max_relative_error']}")
        # Q = -V_out cf (1 + a0)/a0 with a0 = 1e4, over the 10 ns window.
        current = f["crossbar/spice/column_current"][:]
        v_out = f["crossbar/spice/column_output"][:]
        expected = -v_out * 2e-12 * (1 + 1e4) / 1e4 / 10e-9
        check(np.allclose(current, expected, rtol=1e-12, atol=0), f"integrator: current {current} against V_out {v_out}")

bad = work / "bad.h5"
cases = [
    (["--device", "pcm", "--readout", "integrator"], "--input-encoding amplitude with --readout integrator"),
    (["--device", "pcm", "--input-encoding", "pulse_width"], "--input-encoding pulse_width with --readout ideal"),
    (["--device", "pcm", "--readout", "integrator", "--input-encoding", "pulse_width", "--wire-ohm", "1"], "--wire-ohm"),
    (["--device", "pcm", "--readout", "integrator", "--input-encoding", "pulse_width", "--integrator-farad", "0"], "--integrator-farad"),
    (["--device", "pcm", "--driver-ohm", "-1"], "--driver-ohm"),
    (["--device", "pcm", "--scheme", "triple"], "weight scheme 'triple'"),
    (["--device", "pcm", "--rows", "0"], "rows = 0"),
    (["--device", "pcm", "--rows", "1000000", "--cols", "1000000"], "rows = 1000000 is outside"),
    (["--device", "pcm", "--rows", "100000", "--cols", "1000"], "10^7"),
    (["--device", "pcm", "--wire-ohm", "-1"], "wire resistance"),
    (["--device", "pcm", "--wire-farad", "1e-15"], "needs a wire resistance (--wire-ohm > 0)"),
    (["--device", "pcm", "--wire-ohm", "1", "--wire-farad", "-1e-15"], "wire capacitance must be >= 0 F"),
    (["--device", "pcm", "--adc-bits", "0"], "adc bits = 0 is outside [1, 24]"),
    (["--device", "memristor"], "unknown device 'memristor'"),
    (["--device", "pcm", "--set", "device.g_max_S=0"], "g_max_S = 0 S is outside"),
    (["--device", "pcm", "--set", "g_max_S=1e-5"], "write device.g_max_S"),
]
for args, expected in cases:
    r = subprocess.run([cimkit, "crossbar", *args, "-o", str(bad)], capture_output=True, text=True)
    check(r.returncode == 2, f"{args}: exit {r.returncode}, expected 2")
    check(expected in r.stderr, f"{args}: message lacks '{expected}': {r.stderr.strip()}")
    check(not bad.exists(), f"{args}: left bad.h5 behind")

# Seeds: only whole numbers in [0, 2^64-1], stored as uint64 so that the largest survives exactly
# (as float64 it would read back as 2^64). CLI11 alone turned -1 into 2^64-1 without a word.
for seed in ("-1", "1.5", "18446744073709551616", "0x10"):
    r = subprocess.run([cimkit, "crossbar", "--device", "pcm", "--rows", "2", "--cols", "2", "--seed", seed,
                        "-o", str(bad)], capture_output=True, text=True)
    check(r.returncode == 2 and "--seed" in r.stderr, f"--seed {seed}: exit {r.returncode}: {r.stderr.strip()}")
    check(not bad.exists(), f"--seed {seed}: left bad.h5 behind")
top = work / "top_seed.h5"
r = subprocess.run([cimkit, "crossbar", "--device", "pcm", "--rows", "2", "--cols", "2", "--seed", "18446744073709551615",
                    "--set", "device.t_read_s=1.2345678901234567e-7", "-o", str(top)], capture_output=True, text=True)
check(r.returncode == 0, f"--seed 2^64-1: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    with h5py.File(top, "r") as f:
        seed = f.attrs["seed"]
        check(seed.dtype == np.uint64 and int(seed) == 2**64 - 1, f"seed stored as {seed.dtype} {seed}")
        # config_toml is TOML that any reader takes, holding the resolved parameters exactly.
        parameters = tomllib.loads(f.attrs["config_toml"])["device"]["pcm"]
        check(parameters["t_read_s"] == 1.2345678901234567e-7 and parameters["g_max_S"] == 25e-6, f"config_toml: {parameters}")

for failure in failures:
    print("FAIL", failure)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
