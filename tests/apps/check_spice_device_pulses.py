"""`cimkit device pulses spice:FILE:SUBCKT` from the command line (docs/own-devices.md#a-spice-subcircuit-as-a-device):
the VTEAM example runs through ngspice and its CSV is fitted; a bad file, subcircuit, terminal count,
netlist (.control, an include escaping its folder), --spread or --set exits 2 naming it and leaves no
output. Usage: check_spice_device_pulses.py CIMKIT NETLIST_DIR"""
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck  # noqa: E402

check = CliCheck(sys.argv[1])
run, expect, failures = check.run, check.expect, check.failures
vteam = str(Path(sys.argv[2]).resolve() / "devices" / "vteam_memristor.lib")


with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    expect(run("device", "pulses", f"spice:{vteam}:vteam_memristor", "-o", "v.csv", "--devices", "4", "--cycles", "2",
               "--up", "60", "--down", "60", "--spread", "k_on=0.1", "--spread", "k_off=0.1", "--read-noise", "0.01", cwd=work),
           0, "wrote v.csv", "through ngspice", what="device pulses spice:")
    expect(run("device", "fit", "v.csv", "-o", "v.toml", cwd=work), 0, "states from", "wrote v.toml", what="device fit of the ngspice CSV")

    # A spread the file declares is drawn too; --spread replaces its sigma or adds one. R_off sets the
    # first read at x0 = 1 (G = 1/R_off): with its spread the devices start apart, by exactly their R_off.
    vteam_text = Path(vteam).read_text()
    (work / "declared.lib").write_text(vteam_text.replace(".ends vteam_memristor", "*cimkit: spread R_off=0.05\n.ends vteam_memristor"))
    expect(run("device", "pulses", "spice:declared.lib:vteam_memristor", "-o", "d.csv", "--devices", "3", "--cycles", "1", "--up", "2",
               "--down", "2", "--spread", "k_on=0.1", cwd=work), 0, "spreads: r_off=0.05, k_on=0.1", what="device pulses, declared spread")
    if (work / "d.csv").exists():
        rows = [line.split(",") for line in (work / "d.csv").read_text().splitlines() if not line.startswith(("#", "device_id"))]
        first = [float(r[4]) for r in rows if r[2] == "0"]
        if len(first) != 3 or max(first) - min(first) < 1e-6 or any(abs(g * 1000.0 - 1.0) > 0.5 for g in first):
            failures.append(f"declared R_off spread: first reads {first} S; expected 3 different values near 1/R_off = 1 mS")

    # A drive the file declares (*cimkit: drive) is the default of the flags it names; a flag given wins.
    # -0.5 V is an overdrive of 1.5 against the default's 1 past v_on = -0.2 V: VTEAM's ON rate goes as
    # its cube, so the first ON step from x0 = 1 is larger than the default drive's.
    (work / "drive.lib").write_text(vteam_text.replace(".ends vteam_memristor", "*cimkit: drive potentiate_V=-0.5\n.ends vteam_memristor"))
    steps = {}
    for name, lib, flags in (("default", vteam, []), ("declared", "drive.lib", []), ("flag", "drive.lib", ["--potentiate-V", "-0.4"])):
        out = run("device", "pulses", f"spice:{lib}:vteam_memristor", "-o", f"{name}.csv", "--devices", "1", "--cycles", "1", "--up", "2",
                  "--down", "2", *flags, cwd=work)
        expect(out, 0, "potentiating (-0.5 V)" if name == "declared" else "potentiating (-0.4 V)", what=f"device pulses, {name} drive")
        if (work / f"{name}.csv").exists():
            g = [float(line.split(",")[4]) for line in (work / f"{name}.csv").read_text().splitlines()[1:3]]
            steps[name] = g[1] - g[0]
    if len(steps) == 3 and not (steps["declared"] > 2.0 * steps["default"] and abs(steps["flag"] / steps["default"] - 1.0) < 1e-9):
        failures.append(f"first ON steps {steps}: expected the declared -0.5 V more than twice the default's, and the flag's -0.4 V the default's")

    (work / "three.lib").write_text("* three terminals\n.subckt three a b c\nR1 a b 1k\nR2 b c 1k\n.ends\n")
    (work / "control.lib").write_text("* runs commands\n.subckt dev p n\nR1 p n 1k\n.ends\n.control\nshell echo hi\n.endc\n")
    (work / "sub").mkdir()
    (work / "sub" / "escape.lib").write_text("* escapes its folder\n.include ../three.lib\n.subckt dev p n\nR1 p n 1k\n.ends\n")
    bad = {
        "missing file": ("spice:nothere.lib:dev", ["nothere.lib"]),
        "unknown subcircuit": (f"spice:{vteam}:no_such_cell", ["no_such_cell", "vteam_memristor"]),
        "no subcircuit part": ("spice:three.lib", ["spice:FILE:SUBCKT"]),
        "three terminals": ("spice:three.lib:three", ["three.lib:2", "3 terminals"]),
        ".control": ("spice:control.lib:dev", ["control.lib:5"]),
        "include escaping": ("spice:sub/escape.lib:dev", ["escape.lib:2"]),
    }
    for what, (device, parts) in bad.items():
        expect(run("device", "pulses", device, "-o", "out.csv", cwd=work), 2, *parts, what=what)
    expect(run("device", "pulses", f"spice:{vteam}:vteam_memristor", "-o", "out.csv", "--spread", "k_typo=0.1", cwd=work), 2, "k_typo",
           what="--spread of an unknown parameter")
    expect(run("device", "pulses", f"spice:{vteam}:vteam_memristor", "-o", "out.csv", "--spread", "k_on", cwd=work), 2, "NAME=SIGMA",
           what="--spread without a sigma")
    expect(run("device", "pulses", f"spice:{vteam}:vteam_memristor", "-o", "out.csv", "--set", "device.k_on=1", cwd=work), 2, "--spread",
           what="--set on a subcircuit")
    if (work / "out.csv").exists():
        failures.append("a refused run left out.csv behind")

for f in failures:
    print(f)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
