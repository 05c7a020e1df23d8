#!/usr/bin/env python3
"""The netlist text of `cimkit crossbar` for every option combination, compared with a golden file.

Each combination (device x SPICE face x wires x 1T1R x read-out, the three weight schemes on one of
them, and wire capacitance on a few) runs `cimkit crossbar --emit-netlist` on a small seeded array; the emitted text must equal
tests/circuits/golden/crossbar_netlists.txt character for character. The golden file was written by
the crossbar builder as it was before it was split into stages (commit 1ce0cb2), so the stage
builder is held to the very text the old builder wrote; the wire-capacitance cases were added with
--update when capacitance arrived (issue 15), leaving every earlier case's text as it was. Issue 22
regenerated it once, on purpose: shortest round-trip numbers (0.4, not 0.40000000000000002), the
header comment, the inlined TIA library, the .meas cards, and cosim faces refused (exit 2). Only the
header's time stamp, commit and the temporary folder in its command line are normalised. A combination the command refuses is
recorded with its exit code, so a newly accepted or newly refused combination also fails.

Usage: check_crossbar_netlists.py CIMKIT_BINARY [--update]
"""
import pathlib
import re
import subprocess
import sys
import tempfile

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden" / "crossbar_netlists.txt"
FACES = [("mosfet", ""), ("mosfet", "cosim"), ("domain_wall", ""), ("domain_wall", "cosim"),
         ("pcm", ""), ("pcm", "cosim"), ("gain_cell", ""), ("gain_cell", "transistor")]


def combinations():
    for device, face in FACES:
        for wire_ohm in ("0", "2.5"):
            for one_t_one_r in (False, True):
                for readout in ("ideal", "tia"):
                    yield device, face, wire_ohm, one_t_one_r, readout, "single", "0"
    for scheme in ("differential", "reference"):
        yield "pcm", "", "2.5", True, "tia", scheme, "0"
    # Wire capacitance (issue 15): capacitors on the segment nodes, and refused without resistance.
    yield "pcm", "", "2.5", False, "ideal", "single", "2e-16"
    yield "gain_cell", "", "2.5", True, "tia", "single", "2e-16"
    yield "pcm", "", "0", False, "ideal", "single", "2e-16"


def emitted_netlist(cimkit, work, device, face, wire_ohm, one_t_one_r, readout, scheme, wire_farad):
    cir, h5 = work / "crossbar.cir", work / "crossbar.h5"
    command = [cimkit, "crossbar", "--device", device, "--rows", "3", "--cols", "2", "--wire-ohm", wire_ohm,
               "--scheme", scheme, "--readout", readout, "--seed", "7", "--emit-netlist", str(cir), "-o", str(h5), "--force"]
    if face:
        command += ["--face", face]
    if one_t_one_r:
        command.append("--1t1r")
    if wire_farad != "0":
        command += ["--wire-farad", wire_farad]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        return f"exit {run.returncode}\n"
    text = cir.read_text().replace(str(work), "<tmp>").replace(cimkit, "<cimkit>")
    return re.sub(r"^\* Written by cimkit .*$", "* Written by cimkit <version> (git commit <commit>) at <time>", text, flags=re.M)


def main():
    cimkit, update = sys.argv[1], "--update" in sys.argv[2:]
    sections = []
    with tempfile.TemporaryDirectory() as directory:
        for combination in combinations():
            device, face, wire_ohm, one_t_one_r, readout, scheme, wire_farad = combination
            header = (f"=== device={device} face={face or 'default'} wire_ohm={wire_ohm} 1t1r={'yes' if one_t_one_r else 'no'} "
                      f"readout={readout} scheme={scheme}" + (f" wire_farad={wire_farad}" if wire_farad != "0" else "") + "\n")
            sections.append(header + emitted_netlist(cimkit, pathlib.Path(directory), *combination))
    text = "".join(sections)
    if update:
        GOLDEN.write_text(text)
        print(f"wrote {GOLDEN}")
        return 0
    golden = GOLDEN.read_text().split("=== ")
    now = text.split("=== ")
    failures = [g.splitlines()[0] for g, n in zip(golden, now) if g != n]
    if len(golden) != len(now):
        failures.append(f"{len(now) - 1} combinations, golden has {len(golden) - 1}")
    for failure in failures:
        print(f"netlist differs from the golden: {failure}")
    print(f"{len(now) - 1} combinations, {len(failures)} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
