"""`cimkit plot` on each kind of cimkit file: every figure is written, is a valid PNG/SVG/PDF, and
shows what it claims, read back from `cimkit plot --describe` (the JSON of each figure's axes, curves,
legend entries and the facts its drawing computed). Usage: check_plots.py CIMKIT KIND SOURCE_DIR,
KIND one of waveforms, characterisation, crossbar, training, formats (one ctest each, each a few
seconds)."""
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

cimkit, kind, source = sys.argv[1], sys.argv[2], Path(sys.argv[3])
work = Path(tempfile.mkdtemp(prefix="cimkit-plot-test-"))
failures = []

SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF"}


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def run(*args):
    p = subprocess.run([cimkit, *map(str, args)], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
    return p


def plot(path, *extra):
    """{figure name: description} of `cimkit plot path --describe`; checks every file is a valid figure."""
    out = work / f"figs_{path.stem}"
    out.mkdir(exist_ok=True)
    p = run("plot", path, "-o", out, "--describe", "--force", *extra)
    check(p.returncode == 0, f"plot {path.name} {' '.join(extra)}: exit {p.returncode} {p.stderr.strip()}")
    if p.returncode != 0:
        return {}
    figures = {f["name"]: f for f in json.loads(p.stdout)["figures"]}
    for figure in figures.values():
        for file in figure["files"]:
            head = Path(file).read_bytes()[:8] if Path(file).exists() else b""
            signature = SIGNATURES[Path(file).suffix[1:]]
            check(head.startswith(signature) and Path(file).stat().st_size > 2000, f"{Path(file).name} is a valid figure")
    return figures


def simulate(name, text):
    cir, h5 = work / f"{name}.cir", work / f"{name}.h5"
    cir.write_text(text)
    p = run("simulate", cir, "-o", h5, "--force")
    check(p.returncode == 0, f"simulate {name}")
    return h5


RC = """rc low-pass, 1k and 100n: corner 1/(2 pi R C) = 1591.55 Hz
V1 in 0 DC 0 AC 1 PULSE(0 1 0 1u 1u 1m 2m)
R1 in out 1k
C1 out 0 100n
.ac dec 20 10 1meg
.tran 10u 4m
.tf v(out) V1
.noise v(out) V1 dec 10 10 1meg
.meas tran vmax MAX v(out)
.meas ac f3db WHEN vdb(out)=-3
.end
"""


def waveforms():
    figures = plot(simulate("rc", RC))
    expected = {"rc_ac1", "rc_tran1", "rc_tf1", "rc_noise1", "rc_noise1_integrated", "rc_measurements"}
    check(set(figures) == expected, f"rc: one figure per analysis and one for .meas: {sorted(figures)}")
    if not figures:
        return
    corner = figures["rc_ac1"]["facts"]["half_power"].get("v(out)", {})
    f_c = 1 / (2 * math.pi * 1e3 * 100e-9)
    # -3.01 dB of a first-order low-pass is at f_c exactly, where its phase is -45 degrees.
    check(abs(corner.get("phase_deg", 0) + 45) < 1, f"Bode: phase at the -3 dB point {corner.get('phase_deg')} deg, expected -45 +- 1")
    check(abs(corner.get("frequency_Hz", 0) / f_c - 1) < 0.01, f"Bode: -3 dB at {corner.get('frequency_Hz')} Hz, expected {f_c:.2f} +- 1 %")
    ac_axes = figures["rc_ac1"]["axes"]
    check([a["ylabel"] for a in ac_axes] == ["magnitude [dB re 1 A]", "magnitude [dB re 1 V]", "phase [°]"],
          f"Bode: magnitude per unit in dB and the phase in degrees: {[a['ylabel'] for a in ac_axes]}")
    check(all(a["xscale"] == "log" for a in ac_axes), "Bode: log frequency axes")
    tran_labels = [a["ylabel"] for a in figures["rc_tran1"]["axes"]]
    check(len(tran_labels) == 2 and re.fullmatch(r"current \[.?A\]", tran_labels[0]) and tran_labels[1] == "voltage [V]",
          f"transient: volts and amperes on separate axes: {tran_labels}")
    for name in ("rc_tf1", "rc_noise1_integrated"):
        axes = figures[name]["axes"]
        check(len(axes) == 1 and axes[0]["tables"] == 1 and axes[0]["curves"] == 0, f"{name}: scalars drawn as a table, no x axis")
    check(figures["rc_noise1"]["axes"][0]["yscale"] == "log", "noise spectrum on a log axis")
    check(figures["rc_measurements"]["facts"]["table_rows"] == 2, "both .meas results in the table")

    nested = simulate("nested", """diode family
V1 a 0 DC 0
V2 b 0 DC 0
R1 a d 100
D1 d b dmod
.model dmod D(IS=1e-14)
.dc V1 0 1.5 0.01 V2 -0.2 0.2 0.1
.end
""")
    outer = len(h5py.File(nested)["waveforms/dc1"].attrs["outer_sweep"])
    family = plot(nested).get("nested_dc1", {})
    curves = [a["curves"] for a in family.get("axes", [])]
    check(outer == 5 and curves and all(c == outer for c in curves), f"nested .dc: {curves} curves per axis, {outer} outer values")
    check(family and family["figure_legends"][0][0] == "v2 = -200 mV", f"nested .dc: the outer value in the legend: {family.get('figure_legends')}")

    ladder = "\n".join(["ladder of 15 nodes", "V1 n0 0 SIN(0 1 1k)"] + [f"R{k} n{k - 1} n{k} 1k" for k in range(1, 16)] +
                       ["R16 n15 0 1k", ".tran 10u 2m", ".end", ""])
    figures = plot(simulate("ladder", ladder))
    axes = figures.get("ladder_tran1", {}).get("axes", [])
    family_axis = [a for a in axes if a["title"].startswith("v(n*)")]
    check(len(family_axis) == 1 and family_axis[0]["curves"] == 12 and "first 12 of 16 shown" in family_axis[0]["title"],
          f"trace limit: 12 of 16 node voltages drawn and said so: {[(a['title'], a['curves']) for a in axes]}")
    picked = plot(work / "rc.h5", "--vectors", "v(out)")
    check(sorted(picked) == ["rc_ac1", "rc_measurements", "rc_tran1"], f"--vectors v(out): the analyses that have it: {sorted(picked)}")
    check(picked and [len(a["legend"]) for a in picked["rc_tran1"]["axes"]] == [1], "--vectors v(out): one trace")
    p = run("plot", work / "rc.h5", "-o", work, "--vectors", "v(nowhere)")
    check(p.returncode == 2 and "v(nowhere)" in p.stderr and p.stderr.count("\n") == 1, f"--vectors unknown: exit 2 naming it: {p.stderr.strip()}")


def characterisation():
    pcm, mosfet, pulses = work / "pcm.h5", work / "mosfet.h5", work / "pulses.h5"
    check(run("characterize", "pcm", "-e", "all", "-o", pcm).returncode == 0, "characterize pcm")
    check(run("characterize", "mosfet", "-e", "retention", "-o", mosfet).returncode == 0, "characterize mosfet retention")
    check(run("characterize", "pcm", "-e", "pulses", "--devices", "100", "-o", pulses).returncode == 0, "characterize pcm pulses 100")
    figures = plot(pcm)
    check(sorted(figures) == [f"pcm_pcm_{e}" for e in ("iv", "pulses", "retention", "variability")], f"pcm: four experiments: {sorted(figures)}")
    if not figures:
        return
    with h5py.File(pcm) as f:
        nu = float(f["characterisation/pcm/retention"].attrs["nu_mean"])
    legend = figures["pcm_pcm_retention"]["axes"][0]["legend"]
    check(any(f"ν = {nu:.4f}" in entry for entry in legend), f"retention: the fitted nu {nu:.4f} in the legend: {legend}")
    variability = figures["pcm_pcm_variability"]
    check(variability["facts"]["histograms"] == 6 and variability["facts"]["identical"] == 0,
          f"variability: six histograms with a spread: {variability['facts']}")
    check(figures["pcm_pcm_pulses"]["facts"] == {"devices_shown": 16, "devices": 16}, "pulses: all 16 devices drawn")
    sample = plot(pulses).get("pulses_pcm_pulses", {})
    check("32 of 100 devices shown" in sample.get("axes", [{}])[0].get("title", ""), "pulses: a stated sample of 100 devices")

    retention = plot(mosfet).get("mosfet_mosfet_retention", {}).get("facts", {})
    # A linear droop loses half its deviation at tau / 2 (docs/devices.md, storage-node leakage).
    check(retention and abs(retention["tau_s"] / (2 * retention["t_half_s"]) - 1) < 0.1,
          f"mosfet retention: fitted droop tau = 2 t_1/2 within 10 %: {retention}")

    with h5py.File(pcm, "r+") as f:  # a spread of zero: every device at one conductance
        row = f["characterisation/pcm/variability/read_conductance_S"]
        values = row[...]
        values[1, :] = 12.5e-6
        row[...] = values
    zero = plot(pcm)["pcm_pcm_variability"]
    notes = [n for a in zero["axes"] for n in a["notes"]]
    check(zero["facts"]["identical"] == 1 and any("all 1000 devices identical" in n and "12.5 µS" in n for n in notes),
          f"variability: a zero spread said in the figure: {notes}")


def crossbar():
    h5 = work / "xbar.h5"
    check(run("crossbar", "--device", "pcm", "--rows", "20", "--cols", "6", "--scheme", "differential", "-o", h5).returncode == 0,
          "crossbar 20x6 differential")
    figures = plot(h5)
    check(sorted(figures) == ["xbar_crossbar_arrays", "xbar_crossbar_currents", "xbar_crossbar_energy", "xbar_tran1"],
          f"crossbar: currents, arrays, energy and the read transient: {sorted(figures)}")
    if not figures:
        return
    check(figures["xbar_crossbar_currents"]["facts"]["points"] == 12 + 6, "scatter: 12 physical columns and 6 outputs")
    with h5py.File(h5) as f:
        largest = float(f["crossbar"].attrs["max_relative_error"])
    check(figures["xbar_crossbar_currents"]["facts"]["largest_relative_error"] < 1e-9 and largest < 1e-9,
          "SPICE and compact agree (relative error < 1e-9)")
    arrays = figures["xbar_crossbar_arrays"]
    check(sum(a["images"] for a in arrays["axes"]) == 2 and arrays["facts"]["weights_shape"] == [20, 6]
          and arrays["facts"]["levels_shape"] == [20, 12], f"two heatmaps: weights 20x6, levels 20x12: {arrays['facts']}")
    check(all(a["curves"] <= 12 for a in figures["xbar_tran1"]["axes"]), "transient: at most 12 traces per axis")
    check(max(len(a["legend"]) for a in figures["xbar_tran1"]["axes"]) <= 12, "transient: legends of at most 12 entries")


def training():
    h5 = work / "run.h5"
    p = run("train", "--config", source / "data/experiments/mnist_pcm.toml", "--quiet", "-o", h5,
            "--set", "dataset.train_limit=200", "--set", "dataset.test_limit=100", "--set", "training.epochs=2")
    check(p.returncode == 0, "train mnist_pcm, 2 short epochs")
    figures = plot(h5)
    check(sorted(figures) == ["run_training_curves", "run_training_evaluation", "run_training_weights"],
          f"training: curves, evaluation after training, weights: {sorted(figures)}")
    if not figures:
        return
    accuracy, loss, pulses, energy = figures["run_training_curves"]["axes"]
    check(accuracy["curves"] == 2 and accuracy["ylabel"] == "accuracy [%]", "training: train and test accuracy in %")
    check(loss["curves"] == 1 and pulses["curves"] == 1, "training: loss and pulse curves")
    with h5py.File(h5) as f:
        metrics = f["training/metrics"]
        nonzero = [k for k in metrics if k.startswith("energy_") and k != "energy_total_J" and np.any(metrics[k][:] > 0)]
    check(figures["run_training_curves"]["facts"]["energy_curves"] == len(nonzero) >= 2 and energy["curves"] == len(nonzero) + 1,
          f"training: one curve per nonzero energy column {nonzero} and the total")
    check(figures["run_training_evaluation"]["facts"]["curves"] == 2, "evaluation: with and without drift compensation")


def formats():
    h5 = simulate("rc", RC)
    figures = plot(h5, "--format", "svg,pdf,png")
    files = [Path(f).suffix for fig in figures.values() for f in fig["files"]]
    check(len(figures) == 6 and sorted(set(files)) == [".pdf", ".png", ".svg"] and len(files) == 18,
          f"--format svg,pdf,png: three files per figure: {len(files)}")
    again = work / "figs_rc"
    p = run("plot", h5, "-o", again, "--format", "svg")
    check(p.returncode == 2 and "exists; pass --force" in p.stderr, "existing SVGs are not replaced without --force")
    p = run("plot", h5, "-o", again, "--format", "gif")
    check(p.returncode == 2 and "gif" in p.stderr, f"--format gif refused: {p.stderr.strip()}")
    check(not [f for f in again.iterdir() if ".part-" in f.name], "no temporaries left")


{"waveforms": waveforms, "characterisation": characterisation, "crossbar": crossbar, "training": training,
 "formats": formats}[kind]()
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
