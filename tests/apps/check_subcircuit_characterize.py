"""`cimkit characterize spice:FILE:SUBCKT --experiment iv|pulses|retention|variability` runs the subcircuit itself through
ngspice (docs/own-devices.md#a-spice-subcircuit-as-a-device): the file has the built-in layout, marks
its source as ngspice, and the VTEAM example's read at the read voltage is the twin's I = G V within
1 % and VTEAM's eq. (2) I = V / (R_on + (R_off - R_on) x0); bad subcircuits exit 2 naming the file and
the subcircuit and leave no output. Usage: check_subcircuit_characterize.py CIMKIT NETLIST_DIR"""
import sys
import tempfile
from pathlib import Path

import h5py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck  # noqa: E402

check = CliCheck(sys.argv[1], timeout_s=300)
run, expect = check.run, check.expect
device = "spice:" + str(Path(sys.argv[2]).resolve() / "devices" / "vteam_memristor.lib") + ":vteam_memristor"
R_on, R_off = 50.0, 1000.0  # the .subckt defaults of vteam_memristor.lib


def experiment_group(f, experiment):
    """The experiment's group under the file's one characterised device."""
    device_group = next(iter(f["/characterisation"]))
    return f[f"/characterisation/{device_group}/{experiment}"]


with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    expect(run("characterize", device, "--experiment", "iv", "-o", "iv.h5", "--quiet", cwd=work), 0,
           "twin_g_difference_max", "wrote iv.h5", what="characterize iv through ngspice")
    if (work / "iv.h5").exists():
        with h5py.File(work / "iv.h5") as f:
            g = experiment_group(f, "iv")
            if g.attrs.get("source") != "ngspice":
                check.fail(f"iv: source attribute {g.attrs.get('source')!r}, expected 'ngspice'")
            v, i, x = g["voltage_V"][()], g["current_A"][()], g["state_x0"][()]
            if i.shape != (5, len(v)) or len(v) != 201:
                check.fail(f"iv: current_A shape {i.shape}, voltage_V {len(v)} points; expected (5, 201)")
            for k in range(len(x)):
                expected = v[-1] / (R_on + (R_off - R_on) * x[k])
                if abs(i[k, -1] / expected - 1) > 1e-6:
                    check.fail(f"iv: level {k}: I({v[-1]} V) = {i[k, -1]} A, VTEAM eq. (2) gives {expected} A")
            if not g.attrs["twin_g_difference_max"] < 0.01:
                check.fail(f"iv: twin_g_difference_max {g.attrs['twin_g_difference_max']} is not within issue 17's 1 %")

    expect(run("characterize", device, "--experiment", "retention", "--devices", "3", "-o", "ret.h5", "--quiet", cwd=work), 0,
           "g_change_max", "wrote ret.h5", what="characterize retention through ngspice")
    if (work / "ret.h5").exists():
        with h5py.File(work / "ret.h5") as f:
            g = experiment_group(f, "retention")
            if g.attrs.get("source") != "ngspice" or g["conductance_S"].shape[0] != 3:
                check.fail(f"retention: source {g.attrs.get('source')!r}, {g['conductance_S'].shape[0]} rows; expected ngspice, 3")
            # The hold at x0 and a read below the thresholds leave the state where it starts.
            if not g.attrs["g_change_max"] < 1e-6:
                check.fail(f"retention: g_change_max {g.attrs['g_change_max']}; the VTEAM state is held, expected < 1e-6")

    # pulses through ngspice: the built-in layout and figures, source ngspice; the subcircuit is
    # deterministic, so the devices' rows agree (their spread is ngspice's rounding).
    expect(run("characterize", device, "--experiment", "pulses", "--devices", "3", "-o", "pulses.h5", "--quiet", cwd=work), 0,
           "nonlinearity_potentiation", "wrote pulses.h5", what="characterize pulses through ngspice")
    if (work / "pulses.h5").exists():
        with h5py.File(work / "pulses.h5") as f:
            g = experiment_group(f, "pulses")
            p = int(g.attrs["pulses_per_branch"])
            c = g["conductance_S"][()]
            if g.attrs.get("source") != "ngspice" or c.shape != (3, 2 * p + 1):
                check.fail(f"pulses: source {g.attrs.get('source')!r}, conductance_S {c.shape}; expected ngspice, (3, {2 * p + 1})")
            elif abs(c[0, 0] - 1 / R_off) > 1e-9 or abs(c[1] - c[0]).max() > 1e-9:
                check.fail(f"pulses: first read {c[0, 0]} S (expected 1/R_off, x0 = 1), rows differ by {abs(c[1] - c[0]).max()} S")
    expect(run("characterize", device, "--experiment", "pulses", "--devices", "65", "-o", "out.h5", "--quiet", cwd=work), 2,
           "--devices 65", "at most 64", what="pulses with more devices than one transient holds")
    if (work / "out.h5").exists():
        check.fail("pulses with --devices 65 left out.h5 behind")
        (work / "out.h5").unlink()

    expect(run("characterize", device, "--experiment", "retention", "--devices", "65", "-o", "out.h5", "--quiet", cwd=work), 2,
           "--devices 65", "at most 64", what="retention with more devices than one transient holds")
    if (work / "out.h5").exists():
        check.fail("retention with --devices 65 left out.h5 behind")
        (work / "out.h5").unlink()

    # variability through ngspice with a spread on the command line: the built-in layout, source ngspice,
    # G at level 1 is 1/R_on of each device's drawn R_on; without a spread it says so.
    expect(run("characterize", device, "--experiment", "variability", "--devices", "20", "--spread", "R_on=0.1", "-o", "var.h5",
               "--quiet", cwd=work), 0, "spread_parameters", "g_high_spread", "wrote var.h5", what="characterize variability through ngspice")
    if (work / "var.h5").exists():
        with h5py.File(work / "var.h5") as f:
            g = experiment_group(f, "variability")
            factor, g_high = g["spread_factor_r_on"][()], g["g_high_S"][()]
            if g.attrs.get("source") != "ngspice" or g["read_conductance_S"].shape != (3, 20) or len(factor) != 20:
                check.fail(f"variability: source {g.attrs.get('source')!r}, read_conductance_S {g['read_conductance_S'].shape}; "
                           "expected ngspice, (3, 20)")
            elif abs(g_high * R_on * factor - 1).max() > 1e-9 or g.attrs["spread_sigma_r_on"] != 0.1:
                check.fail(f"variability: G at level 1 times the drawn R_on is {g_high * R_on * factor}, expected 1")
    expect(run("characterize", device, "--experiment", "variability", "--devices", "3", "-o", "none.h5", "--quiet", cwd=work), 0,
           "declares no spread", what="characterize variability without a spread")
    for args, parts in (((device, "--devices", "1001"), ("--devices 1001", "at most 1000")),
                        ((device, "--spread", "x0=0.1"), ("x0", "device parameter")),
                        ((device, "--spread", "k_typo=0.1"), ("k_typo",)),
                        (("pcm", "--spread", "k_on=0.1"), ("--spread", "spice:FILE:SUBCKT"))):
        expect(run("characterize", *args, "--experiment", "variability", "-o", "out.h5", "--quiet", cwd=work), 2, *parts,
               what=f"characterize variability {' '.join(args[1:])}")
        if (work / "out.h5").exists():
            check.fail(f"characterize variability {' '.join(args[1:])} left out.h5 behind")
            (work / "out.h5").unlink()

    (work / "bad").mkdir()
    (work / "bad" / "bad.lib").write_text(
        "* subcircuits that are not devices\n"
        ".subckt three p n g params: x0=1\nR1 p n {100 + 900*x0}\nR2 n g 1k\n.ends\n"
        ".subckt diverges p n params: x0=1\nR1 p n 1k\nBm m 0 I = 1 + v(m)*v(m)\nRm m 0 1e12\n.ends\n")
    # Converges at the read voltage and through the twin's pulses, but has no operating point within
    # 1 uV of 0 V, which the dc sweep of the iv experiment crosses.
    vteam_lib = (Path(sys.argv[2]) / "devices" / "vteam_memristor.lib").read_text()
    (work / "bad" / "deadzone.lib").write_text(vteam_lib.replace(".ends vteam_memristor",
        "Bd m 0 I = u(1e-6 - abs(v(p,n)))*(1 + v(m)*v(m))\nRd m 0 1e12\n.ends vteam_memristor"))
    bad = {
        "bad.lib:three": ["bad.lib:2", "3 terminals"],
        "bad.lib:diverges": ["bad.lib", "diverges", "operating point"],
        "bad.lib:missing": ["bad.lib", "no subcircuit 'missing'"],
        "nofile.lib:cell": ["nofile.lib"],
        "deadzone.lib:vteam_memristor": ["deadzone.lib", "vteam_memristor", "dc sweep"],
    }
    for name, parts in bad.items():
        expect(run("characterize", "spice:bad/" + name, "--experiment", "iv", "-o", "out.h5", "--quiet", cwd=work), 2, *parts,
               what=f"characterize iv with {name}")
        if (work / "out.h5").exists():
            check.fail(f"characterize with {name} left out.h5 behind")
            (work / "out.h5").unlink()

print("characterize through ngspice: iv, retention, pulses, variability, 4 bad options and 5 bad subcircuits checked")
sys.exit(check.finish())
