"""`--device spice:FILE:SUBCKT` from the command line (docs/own-devices.md#a-spice-subcircuit-as-a-device):
the VTEAM subcircuit read in a crossbar and trained on Iris (compact engine, and one epoch of the spice
engine, which draws the subcircuit itself, and warns that a file's declared spreads act in the compact
twin only); the run file records the subcircuit file and --resume
refuses a changed one; subcircuits without the declared interface each exit 2 naming the file and the
subcircuit, and leave no output behind. Usage: check_subcircuit_device.py CIMKIT NETLIST_DIR"""
import shutil
import sys
import tempfile
from pathlib import Path

import h5py
import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck, stored_device_definition  # noqa: E402

check = CliCheck(sys.argv[1])
run, expect, failures = check.run, check.expect, check.failures
vteam = Path(sys.argv[2]) / "devices" / "vteam_memristor.lib"


with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    (work / "dev").mkdir()
    shutil.copy(vteam, work / "dev" / "cell.lib")
    device = "spice:dev/cell.lib:vteam_memristor"
    expect(run("crossbar", "--device", device, "-o", "cb.h5", "--quiet", cwd=work), 0, "subcircuit face", "wrote cb.h5", what="crossbar")
    if ".subckt vteam_memristor" not in stored_device_definition(work / "cb.h5"):
        failures.append("the crossbar file does not record the subcircuit file")

    expect(run("train", "--set", "run.engine=compact", "--set", "array.device=" + device, "--epochs", "1", "-o", "run.h5", "--quiet",
               cwd=work), 0, "test accuracy", what="train, compact engine")
    if ".subckt vteam_memristor" not in stored_device_definition(work / "run.h5", "/training"):
        failures.append("the run file does not record the subcircuit file")
    original = (work / "dev" / "cell.lib").read_text()
    (work / "dev" / "cell.lib").write_text(original.replace("R_off=1000", "R_off=2000"))
    expect(run("train", "--resume", "run.h5", "--epochs", "2", "--quiet", cwd=work), 2, "has changed", "cell.lib",
           what="resume after the subcircuit file changed")
    (work / "dev" / "cell.lib").write_text(original)
    (work / "elsewhere").mkdir()
    expect(run("train", "--resume", "../run.h5", "--epochs", "2", "--quiet", cwd=work / "elsewhere"), 0, "after 2 epochs",
           what="resume from another folder with the subcircuit file restored")
    # The spice engine: every read an ngspice solve of crossbars of the subcircuit itself (30 samples).
    spice_run = expect(run("train", "--set", "run.engine=spice", "--set", "spice.read_strategy=batched", "--set", "array.device=" + device,
                           "--set", "dataset.train_limit=30", "--epochs", "1", "-o", "spice.h5", "--quiet", cwd=work), 0, "test accuracy",
                       what="train, spice engine")
    # The spice engine draws the nominal subcircuit: a file with declared spreads is warned about
    # (its spreads act in the compact twin only), one without is not.
    spreads_warning = "declares device-to-device spreads"
    if spreads_warning in spice_run.stderr:
        failures.append("the spice engine warned about spreads the file does not declare")
    (work / "dev" / "spread.lib").write_text(vteam.read_text().replace(".ends vteam_memristor", "*cimkit: spread R_on=0.1\n.ends vteam_memristor"))
    expect(run("train", "--set", "run.engine=spice", "--set", "spice.read_strategy=batched", "--set", "array.device=spice:dev/spread.lib:vteam_memristor",
               "--set", "dataset.train_limit=5", "--set", "dataset.test_limit=5", "--epochs", "1", "-o", "spread.h5", "--quiet", cwd=work),
           0, spreads_warning, "spread.lib", "compact engine only", what="train, spice engine, a file with declared spreads")
    # The same run with the write pulses through the twin's table instead of the subcircuit (the
    # default replays them in ngspice): the same decisions, the same pulse count, weights apart by
    # no more than the twin's error (a fraction of a percent of the window: 2 w_max here).
    expect(run("train", "--set", "run.engine=spice", "--set", "spice.read_strategy=batched", "--set", "array.device=" + device,
               "--set", "dataset.train_limit=30", "--set", "spice.subcircuit_writes=twin", "--epochs", "1", "-o", "twin_writes.h5",
               "--quiet", cwd=work), 0, "test accuracy", what="train, spice engine, writes through the twin")
    with h5py.File(work / "spice.h5") as through_spice, h5py.File(work / "twin_writes.h5") as through_twin:
        total_pulses = 0
        for layer in ("layer_0", "layer_1"):
            a, b = through_spice["training/weights/" + layer][()], through_twin["training/weights/" + layer][()]
            difference = float(numpy.abs(a - b).max())
            counters = "training/checkpoint/" + layer + "/counters"
            pulses = through_spice[counters][0]
            total_pulses += pulses
            if pulses != through_twin[counters][0]:
                failures.append(f"{layer}: {pulses} pulses through ngspice, {through_twin[counters][0]} through the twin")
            # A layer that got pulses must have moved by ngspice's numbers, not the twin's.
            if not (difference > 0.0 or pulses == 0) or not difference < 0.01 * 2.0:
                failures.append(f"{layer}: {pulses:.0f} pulses; weights written through ngspice and through the twin differ by "
                                f"{difference:.3g}; expected above 0 and below 1 % of 2 w_max")
        if total_pulses == 0:
            failures.append("no write pulse in 30 samples: nothing went through ngspice")
    expect(run("train", "--set", "run.engine=spice", "--set", "array.device=" + device, "--epochs", "1", "-o", "live.h5", "--quiet",
               cwd=work), 2, "spice.read_strategy = batched", what="the live read strategy, which needs a cosim face")

    expect(run("crossbar", "--device", device, "--set", "device.read_voltage_V=0.02", "-o", "set.h5", cwd=work), 2,
           "device.read_voltage_V", "cell.lib", what="a device.* setting")
    if (work / "set.h5").exists():
        failures.append("a device.* setting left set.h5 behind")
    (work / "bad").mkdir()
    (work / "bad" / "bad.lib").write_text(
        "* subcircuits that are not devices\n"
        ".subckt three p n g params: x0=1\nR1 p n {100 + 900*x0}\nR2 n g 1k\n.ends\n"
        ".subckt nostate p n params: r=1k\nR1 p n {r}\n.ends\n"
        ".subckt diverges p n params: x0=1\nR1 p n 1k\nBm m 0 I = 1 + v(m)*v(m)\nRm m 0 1e12\n.ends\n"
        ".subckt nonmonotone p n params: x0=1\nR1 p n {1000/(1 + 4*(x0 - 0.5)*(x0 - 0.5))}\n.ends\n"
        ".subckt still p n params: x0=1\nR1 p n {100 + 900*x0}\n.ends\n")
    (work / "bad" / "control.lib").write_text("* runs commands\n.subckt cell p n params: x0=1\nR1 p n 1k\n.ends\n.control\nshell echo hi\n.endc\n")
    # Declared spreads (*cimkit: spread NAME=SIGMA) that are not good declarations: the line is named.
    (work / "bad" / "spreads.lib").write_text(
        "* bad spread declarations\n"
        ".subckt typo p n params: x0=1 r=1k\n*cimkit: spread k_typo=0.1\nR1 p n {r*(1 + x0)}\n.ends\n"
        ".subckt negative p n params: x0=1 r=1k\n*cimkit: spread r=-0.1\nR1 p n {r*(1 + x0)}\n.ends\n"
        ".subckt twice p n params: x0=1 r=1k\n*cimkit: spread r=0.1\n*cimkit: spread r=0.2\nR1 p n {r*(1 + x0)}\n.ends\n"
        ".subckt expression p n params: x0=1 r={2*500}\n*cimkit: spread r=0.1\nR1 p n {r*(1 + x0)}\n.ends\n")
    (work / "bad" / "outside.lib").write_text("* a declaration of no subcircuit\n*cimkit: spread r=0.1\n"
                                              ".subckt cell p n params: x0=1 r=1k\nR1 p n {r*(1 + x0)}\n.ends\n")
    # A declared state (*cimkit: state NAME) that is not a parameter with a numeric default: the line is named.
    (work / "bad" / "states.lib").write_text("* a bad state declaration\n.subckt cell p n params: w=1\n*cimkit: state q\nR1 p n {100 + 900*w}\n.ends\n")
    (work / "bad" / "escape.lib").write_text("* escapes its folder\n.include ../../etc/passwd\n.subckt cell p n params: x0=1\nR1 p n 1k\n.ends\n")
    bad = {
        "bad.lib:three": ("bad.lib:2", "3 terminals"),
        "bad.lib:nostate": ("bad.lib", "nostate", "no state parameter x0"),
        "bad.lib:diverges": ("bad.lib", "diverges", "operating point"),
        "bad.lib:nonmonotone": ("bad.lib", "nonmonotone", "not strictly monotone"),
        "bad.lib:still": ("bad.lib", "still", "do not raise and lower"),
        "bad.lib:missing": ("bad.lib", "no subcircuit 'missing'"),
        "control.lib:cell": ("control.lib:5",),
        "escape.lib:cell": ("escape.lib:2",),
        "nofile.lib:cell": ("nofile.lib",),
        "spreads.lib:typo": ("spreads.lib:3", "no parameter 'k_typo'"),
        "spreads.lib:negative": ("spreads.lib:7", "expected a number in [0, 1]"),
        "spreads.lib:twice": ("spreads.lib:12", "a second spread of 'r'"),
        "spreads.lib:expression": ("spreads.lib:16", "no parameter 'r' with a numeric default"),
        "outside.lib:cell": ("outside.lib:2", "outside any .subckt"),
        "states.lib:cell": ("states.lib:3", "no parameter 'q' with a numeric default"),
    }
    for name, parts in bad.items():
        for command in (["crossbar", "--device", "spice:bad/" + name, "-o", "out.h5"],
                        ["train", "--set", "run.engine=compact", "--set", "array.device=spice:bad/" + name, "-o", "out.h5"]):
            expect(run(*command, cwd=work), 2, *parts, what=f"{command[0]} with {name}")
            if (work / "out.h5").exists():
                failures.append(f"{command[0]} with {name} left out.h5 behind")
                (work / "out.h5").unlink()

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print("subcircuit device: crossbar, train (compact, spice), resume and 15 bad subcircuits checked")
