#!/usr/bin/env python3
"""Netlists written by `cimkit crossbar --emit-netlist` run as they are (issue 22).

For every device face (mosfet, domain_wall, pcm, gain_cell and its transistor face), ideal and TIA
read-out, with and without wires (and one case with wire capacitance, one differential mapping, one
pulse-width read into integrators):
  - the netlist is copied alone into another folder (it must need no file beside it) and run there by
    plain `ngspice -b FILE` (exit 0) and by `cimkit simulate`; both give each column's settled current
    (.meas column_<j>_A) equal to /crossbar/spice/column_current of the HDF5 `cimkit crossbar` wrote,
    within 1e-6 relative;
  - the header names the command line, the seed, the commit and the weight mapping;
  - `--emit-netlist` without `-o` writes the same netlist and nothing else;
  - `--face cosim` (EXTERNAL sources) with `--emit-netlist` is refused (exit 2, naming both options),
    and so is a command with neither output.
Where the standalone `ngspice` is not installed, its part is skipped and the test exits 77 (SKIP).

Usage: check_emitted_netlists.py CIMKIT_BINARY
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

cimkit = os.path.abspath(sys.argv[1])  # the commands run in other folders
ngspice = shutil.which("ngspice")
work = pathlib.Path(tempfile.mkdtemp())
failures = []
RELATIVE = 1e-6
FACES = [("mosfet", ""), ("domain_wall", ""), ("pcm", ""), ("gain_cell", ""), ("gain_cell", "transistor")]


def check(condition, what):
    if not condition:
        failures.append(what)


def crossbar(args, cwd=work):
    return subprocess.run([cimkit, "crossbar", *args], capture_output=True, text=True, cwd=cwd)


def within(measured, stored, label):
    """Column by column, relative to the largest stored column (a column may be near zero)."""
    scale = max(np.max(np.abs(stored)), 1e-30)
    error = np.max(np.abs(np.asarray(measured) - stored)) / scale
    check(error <= RELATIVE, f"{label}: column currents differ from the HDF5 by {error:.3g} relative")
    return error


NUMBER = re.compile(r"(?<![\w.])[-+]?\d+\.?\d*(?:e[-+]?\d+)?(?![\w.])", re.I)


def significant(number):
    """The significant digits of a number's text: '0.40000000000000002' -> '40000000000000002'."""
    return number.lower().split("e")[0].lstrip("+-").replace(".", "").strip("0")


def cards(text):
    """The netlist without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("*"))


def cases():
    for device, face in FACES:
        for readout in ("ideal", "tia"):
            for wire_ohm in ("0", "2.5"):
                yield device, face, readout, wire_ohm, []
    yield "pcm", "", "ideal", "2.5", ["--wire-farad", "2e-16"]
    yield "domain_wall", "", "tia", "2.5", ["--scheme", "differential", "--1t1r"]
    yield "mosfet", "", "integrator", "0", ["--input-encoding", "pulse_width"]


worst = {"ngspice -b": 0.0, "cimkit simulate": 0.0}
for n, (device, face, readout, wire_ohm, extra) in enumerate(cases()):
    label = f"{device} face={face or 'default'} readout={readout} wire_ohm={wire_ohm} {' '.join(extra)}"
    args = ["--device", device, "--rows", "4", "--cols", "3", "--seed", "11", "--readout", readout, "--wire-ohm", wire_ohm,
            *extra] + (["--face", face] if face else [])
    run = crossbar(args + ["--emit-netlist", f"case{n}.cir", "-o", f"case{n}.h5"])
    check(run.returncode == 0, f"{label}: crossbar exit {run.returncode}: {run.stderr.strip()}")
    if run.returncode != 0:
        continue
    with h5py.File(work / f"case{n}.h5", "r") as f:
        stored = f["crossbar/spice/column_current"][:]
    text = (work / f"case{n}.cir").read_text()
    header = text.split(".options", 1)[0]
    check(f"* command: {cimkit} crossbar " in header and "--seed 11" in header, f"{label}: header lacks the command line")
    check("* seed: 11 " in header and "git commit " in header, f"{label}: header lacks the seed or the commit")
    check("* weight mapping: " in header and "* weights row 3:" in header and "* levels row 3:" in header,
          f"{label}: header lacks the weight mapping")
    check(".include" not in text, f"{label}: the netlist still includes a file")
    longer = [number for number in NUMBER.findall(cards(text)) if significant(number) != significant(repr(float(number)))]
    check(not longer, f"{label}: numbers not in shortest round-trip form: {longer[:3]}")

    # Alone in another folder: nothing beside it to include.
    alone = work / f"alone{n}"
    alone.mkdir()
    shutil.copy(work / f"case{n}.cir", alone / "crossbar.cir")
    columns = len(stored)
    sim = subprocess.run([cimkit, "simulate", "crossbar.cir", "-o", "simulated.h5"], capture_output=True, text=True, cwd=alone)
    check(sim.returncode == 0, f"{label}: cimkit simulate exit {sim.returncode}: {sim.stderr.strip()}")
    if sim.returncode == 0:
        with h5py.File(alone / "simulated.h5", "r") as f:
            measured = [f[f"measurements/tran1/column_{j}_a"][0] for j in range(columns)]
        worst["cimkit simulate"] = max(worst["cimkit simulate"], within(measured, stored, f"{label}: cimkit simulate"))
    if ngspice:
        batch = subprocess.run([ngspice, "-b", "crossbar.cir"], capture_output=True, text=True, cwd=alone,
                               env={**os.environ, "NGSPICE_MEAS_PRECISION": "16"})
        check(batch.returncode == 0, f"{label}: ngspice -b exit {batch.returncode}: {batch.stderr.strip()[-300:]}")
        printed = dict(re.findall(r"^column_(\d+)_a\s*=\s*(\S+)", batch.stdout, re.M))
        check(len(printed) == columns, f"{label}: ngspice -b printed {len(printed)} of {columns} column currents")
        if len(printed) == columns:
            measured = [float(printed[str(j)]) for j in range(columns)]
            worst["ngspice -b"] = max(worst["ngspice -b"], within(measured, stored, f"{label}: ngspice -b"))

    # Without -o: the same netlist (but for the header's time and command line) and no simulation.
    only = crossbar(args + ["--emit-netlist", f"only{n}.cir"])
    check(only.returncode == 0 and "nothing simulated" in only.stdout, f"{label}: netlist only: exit {only.returncode}: {only.stderr}")
    if only.returncode == 0:
        def body(t):
            return re.sub(r"^\* (Written by|command:) .*$", "", t, flags=re.M)
        check(body((work / f"only{n}.cir").read_text()) == body(text), f"{label}: the netlist without -o differs")

# cosim faces need cimkit's process for their EXTERNAL sources: refused, nothing written.
for device in ("pcm", "mosfet", "domain_wall"):
    r = crossbar(["--device", device, "--face", "cosim", "--rows", "2", "--cols", "2", "--emit-netlist", "cosim.cir", "-o", "cosim.h5"])
    check(r.returncode == 2 and "--emit-netlist" in r.stderr and "--face cosim" in r.stderr and "EXTERNAL" in r.stderr,
          f"cosim {device}: exit {r.returncode}: {r.stderr.strip()}")
    check(not (work / "cosim.cir").exists() and not (work / "cosim.h5").exists(), f"cosim {device}: left a file behind")
r = crossbar(["--device", "pcm", "--rows", "2", "--cols", "2"])
check(r.returncode == 2 and "-o" in r.stderr and "--emit-netlist" in r.stderr, f"no output: exit {r.returncode}: {r.stderr.strip()}")

for failure in failures:
    print("FAIL", failure)
print(f"largest relative difference from the HDF5: " + ", ".join(f"{k} {v:.3g}" for k, v in worst.items()))
print(f"{len(failures)} failures")
shutil.rmtree(work, ignore_errors=True)
if failures:
    sys.exit(1)
if not ngspice:
    print("standalone ngspice not installed: the ngspice -b part was skipped")
    sys.exit(77)
sys.exit(0)
