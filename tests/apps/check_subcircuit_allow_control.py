"""`--allow-control` for spice:FILE:SUBCKT devices (docs/own-devices.md#--allow-control-a-subcircuit-file-you-trust):
a copy of the VTEAM example with a .control block appended is refused by every command that accepts the
device, naming the file, the line and the flag; with the flag `device pulses` runs it, says so once on
stderr, the block runs (ngspice runs the control language of an included file, and the worker is not
sandboxed: its `shell touch` starts a program), and the CSV is byte for byte the one of the file without the block.
Neither a config key nor a sweep file can give the flag; `sweep --allow-control` passes it to every point
(a sweep of crossbar and one of train over the file: exit 2 naming it without the flag, run with it, one stderr line). Usage: check_subcircuit_allow_control.py CIMKIT NETLIST_DIR"""
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck  # noqa: E402

check = CliCheck(sys.argv[1])
run, expect = check.run, check.expect
vteam_text = (Path(sys.argv[2]).resolve() / "devices" / "vteam_memristor.lib").read_text()

with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    marker = work / "control_block_ran"
    (work / "plain.lib").write_text(vteam_text)
    control_line = len(vteam_text.splitlines()) + 1
    # `shell touch`, not `shell echo ... >> FILE`: ngspice's control language takes `>>` as its own redirection.
    (work / "control.lib").write_text(vteam_text + f".control\nshell touch {marker}\n.endc\n")
    device = "spice:control.lib:vteam_memristor"
    where = f"control.lib:{control_line}"

    # Without the flag: refused before ngspice runs anything, naming the file, its line and the flag.
    pulses = ["--devices", "2", "--cycles", "1", "--up", "20", "--down", "20"]
    expect(run("device", "pulses", device, "-o", "refused.csv", *pulses, cwd=work), 2, where, "--allow-control",
           what="device pulses without --allow-control")
    expect(run("characterize", device, "--experiment", "iv", "-o", "refused.h5", cwd=work), 2, where, "--allow-control",
           what="characterize without --allow-control")
    expect(run("crossbar", "--device", device, "--rows", "4", "--cols", "2", "-o", "refused.h5", cwd=work), 2, where, "--allow-control",
           what="crossbar without --allow-control")
    expect(run("train", "--set", f"array.device={device}", "--epochs", "1", "-o", "refused.h5", cwd=work), 2, where, "--allow-control",
           what="train without --allow-control")
    for name in ("refused.csv", "refused.h5"):
        if (work / name).exists():
            check.fail(f"a refused run left {name} behind")
    if marker.exists():
        check.fail("the .control block ran although the file was refused")

    # With the flag: the block runs, starting a program (no sandbox), and the reads are unchanged.
    expect(run("device", "pulses", "spice:plain.lib:vteam_memristor", "-o", "plain.csv", *pulses, cwd=work), 0, "wrote plain.csv",
           what="device pulses of the plain file")
    accepted = expect(run("device", "pulses", device, "-o", "control.csv", "--allow-control", *pulses, cwd=work), 0, "wrote control.csv",
                      what="device pulses with --allow-control")
    notes = [line for line in accepted.stderr.splitlines() if "--allow-control:" in line]
    if len(notes) != 1 or "control.lib" not in notes[0] or "sandbox" not in notes[0]:
        check.fail(f"--allow-control: expected one stderr line naming control.lib and the sandbox, got {notes}")
    if not marker.exists():
        check.fail("with --allow-control the .control block's `shell touch` did not run (ngspice runs an included file's block; no sandbox)")
    if (work / "plain.csv").exists() and (work / "control.csv").exists():
        plain, control = (work / "plain.csv").read_bytes(), (work / "control.csv").read_bytes()
        if plain != control or len(plain.splitlines()) != 1 + 2 * 41:
            check.fail(f"the CSV with the .control block differs from the plain file's ({len(control)} against {len(plain)} bytes)")
    # The flag on a file that needs none: no note (it takes effect only where a subcircuit file is named).
    quiet = expect(run("device", "pulses", "pcm", "-o", "pcm.csv", "--allow-control", *pulses, cwd=work), 0, "wrote pcm.csv",
                   what="--allow-control on a built-in device")
    if "--allow-control:" in quiet.stderr:
        check.fail("--allow-control printed its note for a built-in device")

    # Only the user's command line gives it: no config key, no sweep file argument.
    expect(run("train", "--set", "run.allow_control=true", "--epochs", "1", "-o", "key.h5", cwd=work), 2, "allow_control",
           what="a config key allow_control")
    (work / "sweep.toml").write_text(f'command = "crossbar"\nargs = ["--device", "{device}", "--allow-control"]\n')
    expect(run("sweep", "sweep.toml", "-o", "sweep.h5", cwd=work), 2, "sweep.toml", "--allow-control", "command line",
           what="--allow-control in a sweep file's args")
    (work / "grid.toml").write_text('command = "crossbar"\n[grid]\n"--allow-control" = [""]\n')
    expect(run("sweep", "grid.toml", "-o", "grid.h5", cwd=work), 2, "grid.toml", "--allow-control", "command line",
           what="--allow-control as a sweep grid key")

    # `sweep --allow-control`: the sweep's own flag, which it passes to every point; a sweep file still cannot give it.
    marker.unlink(missing_ok=True)  # the block ran above, in device pulses
    sweeps = {
        "crossbar": f'command = "crossbar"\nargs = ["--device", "{device}", "--cols", "2"]\n[grid]\n"--rows" = [2, 3]\n',
        "train": f'command = "train"\nargs = ["--set", "array.device={device}", "--set", "run.engine=compact", "--epochs", "1"]\n[monte_carlo]\nseeds = [1, 2]\n',
    }
    for command, text in sweeps.items():
        (work / f"{command}_sweep.toml").write_text(text)
        expect(run("sweep", f"{command}_sweep.toml", "-o", f"refused_{command}.h5", cwd=work), 2, where, "--allow-control",
               what=f"a sweep of {command} over control.lib without --allow-control")
        if (work / f"refused_{command}.h5").exists() or marker.exists():
            check.fail(f"a refused {command} sweep left its output behind or ran the .control block")
        swept = expect(run("sweep", f"{command}_sweep.toml", "-o", f"{command}.h5", "--allow-control", "--jobs", "1", cwd=work), 0,
                       "2 points: 2 run now, 0 finished earlier, 0 failed", what=f"a sweep of {command} with --allow-control")
        notes = [line for line in swept.stderr.splitlines() if "--allow-control:" in line]
        if len(notes) != 1 or "control.lib" not in notes[0]:
            check.fail(f"sweep {command} --allow-control: expected one stderr line naming control.lib, got {notes}")
        if not marker.exists():
            check.fail(f"sweep {command} --allow-control: the points did not run the .control block")
        marker.unlink(missing_ok=True)
    # The flag on the sweep's command line does not make a sweep file holding it acceptable.
    expect(run("sweep", "sweep.toml", "-o", "sweep.h5", "--allow-control", cwd=work), 2, "sweep.toml", "--allow-control", "command line",
           what="--allow-control in a sweep file's args, with the flag on the sweep's command line too")

sys.exit(check.finish())
