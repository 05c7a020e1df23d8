"""Issue 17's round trip (docs/own-devices.md#the-round-trip): a built-in device's pulse trains
(`cimkit device pulses`, noise-free reads: the pulses experiment reads G without read noise too)
fitted back with `cimkit device fit` give a table device whose pulses-experiment figures are within
5 % of the original's. Both are characterised over 400 devices (`characterize -e pulses --devices
400`): with the default 16 a spread figure has a sampling error of about 1/sqrt(2 * 15) = 18 %, more
than the criterion.

The pulse data: 400 devices, one cycle (PLANS), so that the fitted spreads' own sampling error
(about 1/sqrt(2 * 399) = 3.5 %) stays below the criterion. Every figure must be within 5 %, except
the ones listed in EXCEPTIONS: each names why 5 % is not meaningful or not reached, with the bound
its deviation is held to today, so a fit that gets worse still fails. `--table` prints the figure-by-figure markdown table for docs/own-devices.md.
Usage: check_round_trip.py CIMKIT [--table]"""
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py

CRITERION = 0.05
FIGURES = ["states", "nonlinearity_potentiation", "nonlinearity_depression", "asymmetry", "c2c_sigma", "d2d_sigma", "g_range_S"]
CHARACTERISE_DEVICES = "2000"
PULSE_DEVICES = "400"

# The pulse data each device is fitted from: PULSE_DEVICES devices, one cycle; `up` the original's
# pulses_per_branch (the experiment's branch, so the data cover the range it measures), `down` as
# many, except the PCM's abrupt RESET: one pulse resets it, and more only add zero steps at the bottom.
PLANS = {
    "pcm": lambda p: (p, 10),
    "mosfet": lambda p: (p, p),
    "domain_wall": lambda p: (p, p),
}

# (device, figure): (kind, bound, why 5 % is not met). kind "relative": |fitted / original - 1| <= bound,
# the deviation measured today with a margin, so a fit that gets worse still fails; "absolute":
# |fitted - original| <= bound, for figures of near-linear, near-symmetric devices whose values are
# a few 1e-3 (a relative difference of two numbers that close to 0 measures the sampling noise);
# "none": reported, not compared (the figure is not defined for the device).
EXCEPTIONS = {
    ("pcm", "nonlinearity_potentiation"): ("relative", 0.08, "5.3 %: the table's step noise, clipped at its window top, bends the "
                                                              "last pulses of the branch"),
    ("pcm", "nonlinearity_depression"): ("relative", 1.5, "abrupt RESET: the PCM's depressing branch is one step (0.05 is "
                                                          "its few partial resets); the table's mean step -(g - g_min) with its fitted "
                                                          "noise takes 2-3 pulses"),
    ("pcm", "c2c_sigma"): ("none", 0.0, "not defined for the PCM: it divides each step by the mean step at that pulse, ~0 near "
                                        "saturation, and grows with the device count without converging (19.8 with 16 devices, "
                                        "89 with 400, 5159 with 2000)"),
    ("pcm", "d2d_sigma"): ("relative", 0.40, "27 %: the PCM's d2d factor scales its g_sat, which the fit sees as the window; "
                                             "the spread of its steps within the first half of the branch is not separated from "
                                             "their noise (the SET noise is several times the mean step)"),
    ("mosfet", "asymmetry"): ("absolute", 0.005, "near-symmetric: 0.0008 and 0.0006 of the step sum"),
    ("mosfet", "d2d_sigma"): ("relative", 0.15, "10 %: the MOSFET's devices differ in how fast they cross their window, "
                                                "not by one scale: in the fitted data their mean steps spread by 9.7 % over the "
                                                "first half of the branch, 11.4 % over the second and 2.1 % (the window width) over "
                                                "all of it; the table has one step scale per device over its whole window "
                                                "(fitted spread 8.6 %), which gives 0.090 against 0.101"),
    ("domain_wall", "nonlinearity_potentiation"): ("absolute", 0.01, "near-linear: 0.006 and 0.013 of the window (the table's "
                                                                     "32 states and its fitted step noise)"),
    ("domain_wall", "nonlinearity_depression"): ("absolute", 0.01, "as nonlinearity_potentiation: 0.007 and 0.012"),
    ("domain_wall", "asymmetry"): ("absolute", 0.005, "near-symmetric: 0.0002 and 0.0022 of the step sum"),
    ("domain_wall", "c2c_sigma"): ("relative", 0.10, "6.1 %: the domain wall's cycle-to-cycle variation is rare double steps "
                                                     "(500 of the 52000 first-half steps of 2000 devices are exactly twice the "
                                                     "others); the table draws Gaussian noise fitted from the residuals over the "
                                                     "whole window (0.097; 0.098 and 0.100 from 3 and 5 cycles: not sampling)"),
}


def run(cimkit, *args, cwd):
    result = subprocess.run([cimkit, *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"cimkit {' '.join(args)}: exit {result.returncode}\n{result.stdout}{result.stderr}")
    return result.stdout


def figures(path):
    with h5py.File(path) as f:
        group = f["characterisation"]
        return {k: float(v) for k, v in group[next(iter(group))]["pulses"].attrs.items() if not k.endswith("_units")}


def main():
    cimkit, table = str(Path(sys.argv[1]).resolve()), "--table" in sys.argv[2:]
    failures, rows = [], []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for device, plan in PLANS.items():
            run(cimkit, "characterize", device, "-e", "pulses", "--devices", CHARACTERISE_DEVICES, "-o", f"{device}.h5", cwd=work)
            original = figures(work / f"{device}.h5")
            up, down = plan(int(original["pulses_per_branch"]))
            run(cimkit, "device", "pulses", device, "-o", f"{device}.csv", "--noise-free-reads", "--devices", PULSE_DEVICES, "--cycles", "1",
                "--up", str(up), "--down", str(down), cwd=work)
            run(cimkit, "device", "fit", f"{device}.csv", "-o", f"{device}_fit.toml", cwd=work)
            run(cimkit, "characterize", f"table:{device}_fit.toml", "-e", "pulses", "--devices", CHARACTERISE_DEVICES, "-o",
                f"{device}_fit.h5", cwd=work)
            fitted = figures(work / f"{device}_fit.h5")
            for name in FIGURES:
                a, b = original[name], fitted[name]
                deviation = abs(b / a - 1.0) if a != 0.0 else (0.0 if b == 0.0 else float("inf"))
                kind, bound, why = EXCEPTIONS.get((device, name), ("relative", CRITERION, ""))
                if deviation <= CRITERION:
                    verdict = "within 5 %"
                elif kind == "none":
                    verdict = "not compared"
                elif kind == "absolute":
                    verdict = f"not met; differs by {abs(b - a):.2g} (held below {bound:g})"
                else:
                    verdict = f"not met (held below {bound:.0%})" if why else "FAILS"
                rows.append((device, name, a, b, deviation, verdict, why))
                off = abs(b - a) if kind == "absolute" else deviation
                if kind != "none" and off > bound and deviation > CRITERION:
                    failures.append(f"{device} {name}: original {a:.5g}, fitted {b:.5g}, {deviation:.1%} off (bound {bound:g} {kind})")
                if why and deviation <= CRITERION:
                    print(f"note: {device} {name} is back within 5 % ({deviation:.1%}); its exception can go")
    if table:
        print("| device | figure | original | fitted | difference | verdict |\n|---|---|---|---|---|---|")
        for device, name, a, b, deviation, verdict, _ in rows:
            print(f"| {device} | {name} | {a:.4g} | {b:.4g} | {100 * deviation:.1f} % | {verdict} |")
    else:
        for device, name, a, b, deviation, verdict, _ in rows:
            print(f"{device:12s} {name:26s} {a:12.5g} {b:12.5g} {100 * deviation:7.1f} %  {verdict}")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
