"""Reads `cimkit simulate` output with h5py and h5dump only (no cimkit code) and checks the values
against closed-form solutions and the schema of docs/hdf5-schema.md."""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

cimkit, examples = sys.argv[1], Path(sys.argv[2])
work = Path(tempfile.mkdtemp())


def simulate(netlist):
    out = work / (netlist + ".h5")
    subprocess.run([cimkit, "simulate", str(examples / (netlist + ".cir")), "-o", str(out)],
                   check=True, capture_output=True)
    return out


rc = simulate("rc_lowpass")
with h5py.File(rc, "r") as f:
    for attr in ("cimkit_version", "git_commit", "created_utc", "command_line", "ngspice_version", "netlist"):
        assert attr in f.attrs, f"root attribute {attr} missing"
    # The embedded library's start-up banner: its version and build date.
    assert re.fullmatch(r"ngspice-\d+ shared library, Creation Date: .+", f.attrs["ngspice_version"]), f.attrs["ngspice_version"]
    assert "c1 out 0 1u" in f.attrs["netlist"]
    tran = f["waveforms/tran1"]
    assert tran.attrs["scale"] == "time"
    t, v = tran["time"][:], tran["v(out)"][:]
    assert tran["time"].attrs["units"] == "s" and tran["v(out)"].attrs["units"] == "V"
    assert tran["i(v1)"].attrs["units"] == "A"
    # RC = 1 ms step response: v(out) = 1 - exp(-t/RC)
    err = np.max(np.abs(v - (1 - np.exp(-t / 1e-3))))
    assert err < 1e-4, f"transient error {err} V"
    ac = f["waveforms/ac1"]
    freq, h = ac["frequency"][:], ac["v(out)"][:]
    assert ac["frequency"].attrs["units"] == "Hz"
    assert np.iscomplexobj(h) and not np.iscomplexobj(freq)
    expected = 1 / np.sqrt(1 + (2 * np.pi * freq * 1e-3) ** 2)
    assert np.max(np.abs(np.abs(h) - expected)) < 1e-9

dv = simulate("divider")
with h5py.File(dv, "r") as f:
    assert abs(f["waveforms/op1/v(out)"][0] - 3.0) < 1e-9
    assert abs(f["waveforms/op1/i(v1)"][0] + 1e-3) < 1e-12

# h5dump, the HDF5 project's own tool, reads the file too.
dump = subprocess.run(["h5dump", "-d", "/waveforms/op1/v(out)", str(dv)], check=True,
                      capture_output=True, text=True).stdout
assert "(0): 3" in dump, dump
print("h5py and h5dump read the simulate output: ok")
