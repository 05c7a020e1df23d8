"""Runs `cimkit characterize` for every device and experiment, reads the files with h5py only, checks
the schema and the physics figures, draws the plots, and checks bad input exits 2 with a clear
message and no file."""
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import h5py
import numpy as np

cimkit = sys.argv[1]
work = Path(tempfile.mkdtemp())
EXPERIMENTS = ("iv", "pulses", "retention", "variability")
failures = []


def run(*args):
    return subprocess.run([cimkit, *args], capture_output=True, text=True)


def check(condition, what):
    if not condition:
        failures.append(what)


for device in ("mosfet", "domain_wall", "pcm", "gain_cell"):
    out = work / f"{device}.h5"
    r = run("characterize", "--device", device, "-e", "all", "-o", str(out), "--devices", "4", "--seed", "3")
    check(r.returncode == 0, f"{device}: exit {r.returncode}: {r.stderr}")
    if r.returncode != 0:
        continue
    with h5py.File(out, "r") as f:
        check(f.attrs["seed"] == 3 and f.attrs["seed"].dtype == np.uint64, f"{device}: seed attribute")
        parameters = tomllib.loads(f.attrs["config_toml"])["device"][device]
        check(parameters and all(isinstance(v, float) for v in parameters.values()), f"{device}: config_toml {parameters}")
        for experiment in EXPERIMENTS:
            group = f[f"characterisation/{device}/{experiment}"]
            for name, dataset in group.items():
                check("units" in dataset.attrs, f"{device}/{experiment}/{name}: units attribute")
                check(np.all(np.isfinite(dataset[:])) or name == "fitted", f"{device}/{experiment}/{name}: finite")
        pulses = f[f"characterisation/{device}/pulses"]
        check(pulses["conductance_S"].shape[0] == 4, f"{device}: one row per device")
        check(pulses.attrs["states"] > 1, f"{device}: more than one state")
        variability = f[f"characterisation/{device}/variability"]
        check(variability["read_conductance_S"].shape == (3, 4), f"{device}: read_conductance_S is levels x devices")
        check(list(variability["read_level"][:]) == [0.25, 0.5, 0.75], f"{device}: read levels")
        for level in ("level25", "level50", "level75"):
            check(f"{level}_g_relative_sigma" in variability.attrs, f"{device}: {level}_g_relative_sigma figure")
        check(np.all(variability["read_conductance_relative_sigma"][:] > 0), f"{device}: every device spreads its read conductance")
        retention = f[f"characterisation/{device}/retention"]
        if device == "pcm":
            # IBM model at g_T = 0.5: mu_nu = clip(-0.0155 ln 0.5 + 0.0244, 0.049, 0.1) = 0.0351 -> 0.049
            check(0.03 < retention.attrs["nu_mean"] < 0.1, f"pcm: nu_mean {retention.attrs['nu_mean']}")
        if device == "gain_cell":
            # mid-range 0.45 V on 10 fF droops at I_0 = 0.901 pA: half of it in 10 fF 0.225 V / I_0 = 2.50 ms
            check(abs(retention.attrs["t_half_mean_s"] - 2.5e-3) < 0.25e-3, f"gain_cell: t_half {retention.attrs['t_half_mean_s']}")
    p = run("plot", str(out), "-o", str(work))
    check(p.returncode == 0, f"{device}: plot exit {p.returncode}: {p.stderr}")
    for experiment in EXPERIMENTS:
        png = work / f"{device}_{device}_{experiment}.png"
        check(png.exists() and png.stat().st_size > 10000, f"{device}: {png.name} missing or empty")

# Bad input: exit 2, a message that names what was wrong, and no output file.
bad = work / "bad.h5"
cases = [
    (("characterize", "pcm", "-e", "iv", "-o", str(bad), "--set", "device.g_max_S=-2.5e-05"),
     "g_max_S = -2.5e-05 S is outside (0, inf) S"),
    (("characterize", "pcm", "-e", "iv", "-o", str(bad), "--set", "device.g_maxx=1"), "unknown parameter 'g_maxx'"),
    (("characterize", "mosfet", "-e", "iv", "-o", str(bad), "--set", "device.vto_spread_d2d_V=0.01"),
     "vto_spread_d2d_V was replaced by a_vt_V_m"),
    (("characterize", "pcm", "-e", "iv", "-o", str(bad), "--set", "device.g_max_S"), "key=value"),
    (("characterize", "--device", "pcm", "-e", "iv", "-o", str(bad), "--set", "g_max_S=1e-5"), "write device.g_max_S"),
    (("characterize", "memristor", "-e", "iv", "-o", str(bad)), "unknown device 'memristor'"),
    (("characterize", "pcm", "-e", "endurance", "-o", str(bad)), "unknown experiment 'endurance'"),
    (("characterize", "pcm", "-e", "iv", "-o", str(bad), "--devices", "-5"), "--devices"),
    (("characterize", "pcm", "-e", "iv", "-o", str(work / "nodir" / "x.h5")), "does not exist"),
    (("plot", str(work / "missing.h5")), "missing.h5"),
]
for args, expected in cases:
    r = run(*args)
    check(r.returncode == 2, f"{' '.join(args[:4])}: exit {r.returncode}, expected 2")
    check(expected in r.stderr, f"{' '.join(args[:4])}: message lacks '{expected}': {r.stderr.strip()}")
    check(not bad.exists(), f"{' '.join(args[:4])}: left {bad.name} behind")

# --config: the file's [device] table (its model and parameters) and options; the command line wins,
# and a key characterize does not take is refused naming the file and the key.
config = work / "pcm.toml"
config.write_text('experiment = "iv"\nseed = 5\n[device]\nmodel = "pcm"\ng_max_S = 2e-05\nt_read_s = 1e-06\n')
from_file = work / "from_file.h5"
r = run("characterize", "--config", str(config), "--seed", "9", "--set", "device.t_read_s=2e-06", "-o", str(from_file))
check(r.returncode == 0, f"--config: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    with h5py.File(from_file, "r") as f:
        check(f.attrs["seed"] == 9, "--seed on the command line wins over the file's seed")
        parameters = tomllib.loads(f.attrs["config_toml"])["device"]["pcm"]
        check(parameters["g_max_S"] == 2e-05, f"--config: g_max_S from the file: {parameters['g_max_S']}")
        check(parameters["t_read_s"] == 2e-06, f"--config: --set wins over the file: {parameters['t_read_s']}")
        check(list(f["characterisation/pcm"].keys()) == ["iv"], "--config: the file's experiment")
    # The config_toml a file holds ([device.pcm] and its parameters) is itself a --config.
    again = work / "again.toml"
    with h5py.File(from_file, "r") as f:
        again.write_text(f.attrs["config_toml"])
    r = run("characterize", "--config", str(again), "-e", "iv", "-o", str(work / "again.h5"))
    check(r.returncode == 0, f"--config from config_toml: exit {r.returncode}: {r.stderr}")
config.write_text('experiment = "iv"\nrows = 4\n')
r = run("characterize", "--device", "pcm", "--config", str(config), "-o", str(bad))
check(r.returncode == 2 and f"{config}: rows: unknown key" in r.stderr, f"--config unknown key: {r.returncode} {r.stderr}")

for failure in failures:
    print("FAIL", failure)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
