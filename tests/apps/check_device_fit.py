"""`cimkit device pulses`, `cimkit device fit` and `--device table:FILE` from the command line
(docs/own-devices.md): a fitted PCM is characterised; each bad pulse CSV and bad device file exits 2
naming the file and the line or key, and leaves no output behind; an output is replaced only with
--force. Usage: check_device_fit.py CIMKIT"""
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck, stored_device_definition  # noqa: E402

check = CliCheck(sys.argv[1])
run, expect, failures = check.run, check.expect, check.failures


with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    expect(run("device", "pulses", "pcm", "-o", "pcm.csv", "--devices", "20", "--cycles", "2", "--up", "120", "--down", "10", cwd=work),
           0, "wrote pcm.csv", what="device pulses")
    expect(run("device", "fit", "pcm.csv", "-o", "pcm_fit.toml", cwd=work), 0, "states from", "residual RMS", "wrote pcm_fit.toml",
           what="device fit")
    before = (work / "pcm_fit.toml").read_bytes()
    expect(run("device", "fit", "pcm.csv", "-o", "pcm_fit.toml", cwd=work), 2, "pcm_fit.toml", what="fit onto an existing file without --force")
    if (work / "pcm_fit.toml").read_bytes() != before:
        failures.append("an existing output was changed without --force")
    expect(run("device", "fit", "pcm.csv", "-o", "pcm_fit.toml", "--force", cwd=work), 0, "wrote", what="fit with --force")
    expect(run("characterize", "table:pcm_fit.toml", "-e", "pulses", "-o", "c.h5", cwd=work), 0, "wrote c.h5", what="characterize table:FILE")
    # The same device from a folder elsewhere, named relative to the config file that names it.
    (work / "cfg").mkdir()
    (work / "cfg" / "dev.toml").write_bytes(before)
    (work / "cfg" / "run.toml").write_text('[run]\nengine = "compact"\n[array]\ndevice = "table:dev.toml"\n[dataset]\nname = "iris"\n'
                                           '[training]\nepochs = 1\n')
    expect(run("train", "--config", "cfg/run.toml", "-o", "run.h5", "--quiet", cwd=work), 0, "test accuracy", what="train with a config naming table:dev.toml")
    # The run file keeps the table it was trained with; a resume with the file changed is refused.
    stored = stored_device_definition(work / "run.h5", "/training")
    if "[potentiate]" not in stored:
        failures.append(f"the run file does not record the device table: {stored[:200]!r}")
    lines = before.decode().splitlines()
    changed = "\n".join(l.replace("read_voltage_V = ", "read_voltage_V = 0.1 #", 1) if l.startswith("read_voltage_V") else l for l in lines) + "\n"
    (work / "cfg" / "dev.toml").write_text(changed)
    expect(run("train", "--resume", "run.h5", "--epochs", "2", "--quiet", cwd=work), 2, "has changed", "dev.toml",
           what="resume after the table file changed")
    (work / "cfg" / "dev.toml").write_bytes(before)
    # Resumed from another folder: the config's relative table:dev.toml was stored absolute.
    (work / "elsewhere").mkdir()
    expect(run("train", "--resume", "../run.h5", "--epochs", "2", "--quiet", cwd=work / "elsewhere"), 0, "after 2 epochs",
           what="resume from another folder with the table file restored")
    # A sweep file's relative table: is found beside the sweep file, not in the current folder.
    (work / "cfg" / "sweep.toml").write_text('command = "train"\nargs = ["--set", "run.engine=compact", "--set", "dataset.name=iris", '
                                             '"--epochs", "1"]\n[grid]\n"array.device" = ["table:dev.toml"]\n')
    expect(run("sweep", "cfg/sweep.toml", "-o", "sweep.h5", "--jobs", "1", "--quiet", cwd=work), 0, what="sweep naming table:dev.toml beside the sweep file")
    (work / "cfg" / "characterize.toml").write_text('[device]\nmodel = "table:dev.toml"\nstep_noise_scale = 0.5\n')
    expect(run("characterize", "--config", "cfg/characterize.toml", "-e", "iv", "-o", "iv.h5", cwd=work), 0, "wrote iv.h5",
           what="characterize --config naming table:dev.toml")
    # The spice engine: the table device drawn by its ohmic face in ngspice crossbars, one epoch.
    expect(run("train", "--set", "run.engine=spice", "--set", "array.device=table:pcm_fit.toml", "--epochs", "1", "-o", "spice.h5", "--quiet",
               cwd=work), 0, "test accuracy", what="train on the spice engine")

    header = "device_id,cycle,pulse,direction,conductance_S\n"
    bad_csvs = {
        "units.csv": (header + "a,0,0,0,1e-6\na,0,1,+1,25\n", "units.csv:3"),
        "fields.csv": (header + "a,0,0,0,1e-6\na,0,1,+1\n", "fields.csv:3"),
        "header.csv": ("device,cycle,pulse,direction,conductance_S\n", "header.csv:1"),
        "direction.csv": (header + "a,0,1,sideways,1e-6\n", "direction.csv:2"),
        "semicolons.csv": ("device_id;cycle;pulse;direction;conductance_S\n", "semicolons.csv:1"),
        "microsiemens.csv": ("device_id,cycle,pulse,direction,G_uS\na,0,0,0,1.5\n", "microsiemens.csv:1"),
        "millisiemens.csv": (header + "a,0,0,0,0.05\na,0,1,+1,0.06\n", "millisiemens.csv:2"),
        "twice.csv": ("device_id,cycle,pulse,direction,conductance_S,device_id\n", "twice.csv:1"),
        "quote.csv": (header + "a,0,0,0,1e-6\n\"a,0,1,+1,2e-6\n", "quote.csv:3"),
        "few.csv": (header + "a,0,0,0,1e-6\na,0,1,1,2e-6\na,0,2,-1,1e-6\n", "few.csv"),
    }
    messages = {"semicolons.csv": "expected commas", "microsiemens.csv": "S expected", "millisiemens.csv": "S expected",
                "units.csv": "S expected"}
    for name, (content, part) in bad_csvs.items():
        (work / name).write_text(content)
        expect(run("device", "fit", name, "-o", "out.toml", cwd=work), 2, part, *([messages[name]] if name in messages else []),
               what=f"bad CSV {name}")
        if (work / "out.toml").exists():
            failures.append(f"bad CSV {name} left out.toml behind")
    # A stranger's file with the same reads (another tool's export): a UTF-8 byte-order mark, CRLF,
    # the columns in another order and quoted, an extra column, '#' comments, blank lines and the
    # directions as words. It must fit to the same table as the plain CSV, number for number.
    rows = (work / "pcm.csv").read_text().splitlines()
    names = rows[0].split(",")
    words = {"1": "up", "-1": "RESET", "0": "read"}
    stranger = ['"temperature_K","Conductance_S","Direction","device_id","cycle","pulse"', "# exported by a probe station", ""]
    # The rows in another order (a tester looping over devices within each pulse, the devices
    # counted down): the fit does not depend on the file's row order.
    body = sorted(rows[1:], key=lambda l: (int(l.split(",")[1]), int(l.split(",")[2]), -int(l.split(",")[0][1:])))
    for k, line in enumerate(body):
        v = dict(zip(names, line.split(",")))
        stranger.append(f'"{300 + k % 3},5",{v["conductance_S"]},"{words[v["direction"]]}",{v["device_id"]},{v["cycle"]},{v["pulse"]}')
        if k % 1000 == 999:
            stranger += ["", "# next block"]
    (work / "stranger.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(stranger).encode() + b"\r\n")
    expect(run("device", "fit", "stranger.csv", "-o", "stranger.toml", cwd=work), 0, "ignored columns", "temperature_K", "wrote stranger.toml",
           what="fit of another tool's CSV")
    table_of = lambda path: [l for l in (work / path).read_text().splitlines() if not l.startswith("[fit]") and "device fit of" not in l]
    if (work / "stranger.toml").exists() and table_of("stranger.toml") != table_of("pcm_fit.toml"):
        failures.append("the stranger's CSV of the same reads fitted to another table than the plain CSV")

    bad_tables = {
        "missing.toml": (None, "missing.toml"),
        "syntax.toml": ("format = \n", "syntax.toml:1"),
        "key.toml": (before.decode().replace("g_max_S", "g_maximum_S", 1), "g_max"),
    }
    for name, (content, part) in bad_tables.items():
        if content is not None:
            (work / name).write_text(content)
        expect(run("characterize", "table:" + name, "-e", "pulses", "-o", "bad.h5", cwd=work), 2, part, what=f"bad device file {name}")
        if (work / "bad.h5").exists():
            failures.append(f"bad device file {name} left bad.h5 behind")

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
