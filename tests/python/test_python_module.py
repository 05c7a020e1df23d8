"""The Python package `cimkit` (python/) against closed forms and against the cimkit executable:
run by ctest `python_module` with PYTHONPATH at the build tree's package and CIMKIT_BINARY set."""
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cimkit

REPO = Path(__file__).resolve().parents[2]


def test_devices_lists_the_four_families_and_the_reference_table():
    assert cimkit.devices() == ["mosfet", "domain_wall", "pcm", "gain_cell", "table"]


def test_device_tables_are_the_tables_cimkit_devices_prints():
    """device_table() and `cimkit devices --markdown` (docs/devices.md) are two readings of one table:
    same parameter names, units, defaults (as printed) and ranges, device by device; and a Device
    starts from those defaults, overrides taking their place."""
    markdown = subprocess.run([cimkit.binary(), "devices", "--markdown"], check=True, capture_output=True, text=True).stdout
    for name in cimkit.devices():
        section = markdown.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        rows = [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("| `")]
        table = cimkit.device_table(name)
        printed = [r for r in rows if len(r) == 5]
        assert [r[0].strip("`") for r in printed] == [p["name"] for p in table["parameters"]], name
        for row, p in zip(printed, table["parameters"]):
            assert row[1] == p["unit"] and row[3] == p["range"]["text"], (name, row, p)
            assert float(row[2]) == pytest.approx(p["default"], rel=1e-5), (name, row, p)
        assert table["effects"] and all(e["test"] for e in table["effects"]), name
        defaults = {p["name"]: p["default"] for p in table["parameters"]}
        assert cimkit.Device(name).parameters == defaults, name
    first = cimkit.device_table("pcm")["parameters"][0]["name"]
    changed = cimkit.Device("pcm", {first: 2 * cimkit.device_table("pcm")["parameters"][0]["default"]}).parameters
    assert changed[first] == 2 * cimkit.device_table("pcm")["parameters"][0]["default"]


def test_pcm_read_is_ohmic_and_the_mtj_odd():
    """PCM conducts I = G V exactly (no read nonlinearity); the domain wall's MTJ is odd in V."""
    pcm = cimkit.Device("pcm", {"read_noise": 0})
    pcm.set_level(0.5)
    v = np.linspace(-0.2, 0.2, 9)
    assert np.array_equal(pcm.current_A(v), pcm.conductance_S() * v)
    wall = cimkit.Device("domain_wall")
    wall.set_level(0.3)
    assert np.array_equal(wall.current_A(-v), -wall.current_A(v))
    assert pcm.current_A(np.zeros((2, 3))).shape == (2, 3)


def test_pulses_potentiate_and_the_seed_repeats():
    """Potentiating pulses raise the conductance on average; the same seed gives the same trace."""
    first = cimkit.Device("pcm", seed=4)
    first.set_level(0.1)
    trace = first.apply_pulses(+1, 20)
    again = cimkit.Device("pcm", seed=4)
    again.set_level(0.1)
    assert np.array_equal(trace, again.apply_pulses(+1, 20))
    assert trace[-1] > trace[0]


def test_bad_input_is_a_value_error_naming_the_key():
    with pytest.raises(ValueError, match="no_such_parameter"):
        cimkit.Device("pcm", {"no_such_parameter": 1})
    with pytest.raises(ValueError, match="memristor"):
        cimkit.Device("memristor")
    with pytest.raises(ValueError, match="training.epochs"):
        cimkit.train("iris_mosfet_spice", {"training.epochs": -1})


def test_train_gives_the_numbers_of_the_command_line(tmp_path):
    """train() and `cimkit train` with the same preset, settings and seed: every metric of every epoch
    is the same number (wall time aside), and on_epoch sees each epoch as it ends."""
    settings = {"run.engine": "compact", "training.epochs": 2, "run.seed": 3}
    seen = []
    result = cimkit.train("iris_mosfet_spice", settings, on_epoch=seen.append)
    run_file = tmp_path / "run.h5"
    sets = [a for key, value in settings.items() for a in ("--set", f"{key}={value}")]
    subprocess.run([cimkit.binary(), "train", "--config", "iris_mosfet_spice", *sets, "-o", str(run_file), "--quiet"],
                   check=True, capture_output=True)
    stored = cimkit.read(run_file)["training"]["metrics"]
    assert [m["epoch"] for m in seen] == [1, 2]
    for name, values in result["metrics"].items():
        if name == "wall_time_s":
            continue
        assert np.array_equal(values, stored[name]), name
        assert [m[name] for m in seen] == list(values), name
    assert result["engine"] == "compact" and result["device"] == "mosfet" and result["seed"] == 3
    weights = cimkit.read(run_file)["training"]["weights"]
    assert [w.shape for w in result["weights"]] == [(8, 4), (3, 8)]  # iris 4-8-3
    for layer, w in enumerate(result["weights"]):
        assert np.array_equal(w, weights[f"layer_{layer}"]), layer


def test_train_writes_the_run_file_the_cli_resumes(tmp_path):
    """train(output=...) writes the run file of `cimkit train -o`: the CLI resumes it from 2 to 3
    epochs and ends with the metrics and weights of an uninterrupted 3-epoch CLI run, bit for bit.
    An existing output is replaced only with force=True."""
    settings = {"run.engine": "compact", "training.epochs": 2, "run.seed": 5}
    written = tmp_path / "py.h5"
    cimkit.train("iris_mosfet_spice", settings, output=written)
    assert cimkit.read(written)["training"].attrs["status"] == "complete"
    with pytest.raises(OSError, match="py.h5"):
        cimkit.train("iris_mosfet_spice", settings, output=written)
    cimkit.train("iris_mosfet_spice", settings, output=written, force=True)
    subprocess.run([cimkit.binary(), "train", "--resume", str(written), "--epochs", "3", "--quiet"], check=True, capture_output=True)
    whole = tmp_path / "whole.h5"
    sets = [a for key, value in {**settings, "training.epochs": 3}.items() for a in ("--set", f"{key}={value}")]
    subprocess.run([cimkit.binary(), "train", "--config", "iris_mosfet_spice", *sets, "-o", str(whole), "--quiet"], check=True,
                   capture_output=True)
    resumed, uninterrupted = cimkit.read(written)["training"], cimkit.read(whole)["training"]
    assert list(resumed["metrics"]["epoch"]) == [1, 2, 3]
    for name, values in uninterrupted["metrics"].items():
        if name != "wall_time_s":
            assert np.array_equal(resumed["metrics"][name], values), name
    for layer, w in uninterrupted["weights"].items():
        assert np.array_equal(resumed["weights"][layer], w), layer


def test_sweep_table_is_the_points_run_alone(tmp_path):
    """sweep_table() of a 4-point characterize sweep (2 g_max x 2 seeds): one row per point with the
    grid value and seed, and each row's figures equal to that point run alone by the executable."""
    sweep = tmp_path / "s.toml"
    sweep.write_text('command = "characterize"\nargs = ["--device", "pcm", "--experiment", "pulses"]\n'
                     '[grid]\n"device.g_max_S" = [1e-5, 3e-5]\n[monte_carlo]\nseeds = [1, 2]\n')
    out = tmp_path / "s.h5"
    subprocess.run([cimkit.binary(), "sweep", str(sweep), "-o", str(out), "--jobs", "1", "--quiet"], check=True, capture_output=True)
    table = cimkit.sweep_table(out)
    assert list(table["point"]) == [0, 1, 2, 3] and list(table["exit_status"]) == [0, 0, 0, 0]
    assert list(table["device.g_max_S"]) == [1e-5, 1e-5, 3e-5, 3e-5] and list(table["seed"]) == [1, 2, 1, 2]
    assert len({len(v) for v in table.values()}) == 1
    alone = cimkit.characterize("pcm", "pulses", {"g_max_S": 3e-5}, seed=2)["pulses"]
    assert table["pulses.states"][3] == alone.attrs["states"]
    with pytest.raises(ValueError, match="not a cimkit sweep result"):
        cimkit.sweep_table(tmp_path / "s.h5.points" / "point_0000.h5")


def test_simulate_follows_the_rc_closed_form():
    """netlists/examples/rc_lowpass.cir: |v(out)| = 1/sqrt(1 + (f/fc)^2) with fc = 1/(2 pi RC),
    RC = 1 ms, and the step response 1 - exp(-t/RC)."""
    waves = cimkit.simulate(REPO / "netlists/examples/rc_lowpass.cir")
    ac = waves["ac1"]
    f = np.real(ac["frequency"])
    fc = 1.0 / (2.0 * math.pi * 1e-3)
    assert np.allclose(np.abs(ac["v(out)"]), 1.0 / np.sqrt(1.0 + (f / fc) ** 2), rtol=1e-6)
    tran = waves["tran1"]
    t, v = tran["time"], tran["v(out)"]
    late = t > 1e-4
    assert np.allclose(v[late], 1.0 - np.exp(-t[late] / 1e-3), atol=2e-3)
    assert ac.attrs["card"].lower().startswith(".ac")


def test_characterize_pcm_iv_is_ohmic():
    """`characterize` through the executable: PCM's I-V at every level is its read conductance times V."""
    iv = cimkit.characterize("pcm", "iv", {"read_noise": 0})["iv"]
    v, i, g = iv["voltage_V"], iv["current_A"], iv["conductance_S"]
    assert iv.units["current_A"] == "A"
    for row, g_S in zip(i, np.atleast_1d(g)):
        assert np.allclose(row, g_S * v, rtol=1e-12, atol=0.0)
    with pytest.raises(ValueError, match="no_such"):
        cimkit.characterize("pcm", "iv", {"no_such": 1})


def test_crossbar_reads_agree_between_ngspice_and_compact():
    """`crossbar` through the executable: ngspice's column currents equal the compact model's (PCM,
    ideal wires) to 1e-12 relative, and 2-Ohm wires make them smaller than the ideal-wire read."""
    ideal = cimkit.crossbar("pcm", rows=12, cols=4)
    spice, compact = ideal["spice"]["column_current"], ideal["compact"]["column_current"]
    assert spice.shape == (4,) and ideal["spice"].units["column_current"] == "A"
    assert np.allclose(spice, compact, rtol=1e-12, atol=0.0)
    wired = cimkit.crossbar("pcm", rows=12, cols=4, wire_ohm=2.0)
    assert np.all(np.abs(wired["spice"]["column_current"]) < np.abs(spice))


def test_simulate_refuses_a_hostile_netlist(tmp_path):
    netlist = tmp_path / "hostile.cir"
    netlist.write_text("hostile\n.control\nshell touch marker\n.endc\nr1 a 0 1k\n.end\n")
    with pytest.raises(ValueError, match="allow-control"):
        cimkit.simulate(netlist)
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize("document", ["README.md", "docs/python.md"])
def test_the_documented_examples_run(document, tmp_path):
    """Every ```python block of the document runs as written, in a fresh folder."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / document).read_text(), re.S)
    assert blocks, f"{document} has no python example"
    for block in blocks:
        done = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True,
                              env=dict(os.environ), check=False)
        assert done.returncode == 0, f"{document}:\n{block}\n{done.stderr}"
