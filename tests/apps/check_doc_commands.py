"""Every `cimkit ...` command in a fenced code block of README.md and docs/*.md runs as written from
a folder outside the source tree (issue 22): exit 0. Each block runs in a fresh temporary folder,
its commands in order (a block is one session: `train -o pcm.h5` then `train --resume pcm.h5`).

Rewritten, and nothing else:
- the program (`cimkit`, `build/apps/cimkit`) becomes the binary under test;
- a path into the source tree (`netlists/examples/rc_lowpass.cir`) becomes absolute, as the
  reader's checkout has it (only a path that does not exist in the temporary folder but does in the
  source tree), also as the FILE of `spice:FILE:SUBCKT` (alone or in `array.device=spice:...`);
- long runs are shortened by the table SHORTENINGS below; commands that take minutes by design are
  listed in SKIPPED with the reason.
A command under `mpirun` runs under mpirun (oversubscribed, allowed as root), unless mpirun is
missing or the line needs the reader's cluster (a hostfile).
Lines that write an input file for the next command (`printf ... > f.toml`, SETUP below) run
through bash in the same folder; other lines (output shown in a block, `ngspice -b`, `python3 -c`)
are not run. Usage: check_doc_commands.py CIMKIT REPO_ROOT"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

cimkit, repo = sys.argv[1], Path(sys.argv[2]).resolve()
TIMEOUT_S = 120

# (what it shortens, applies to the command's arguments after the program -> new arguments or None)
def shorten_train(args):
    if args[0] != "train":
        return None
    text = " ".join(args)
    if "--resume" in args:
        # A run resumed to N epochs: the shortened run it resumes has 1, so N becomes 2.
        return shlex.split(re.sub(r"--epochs \d+", "--epochs 2", text))
    text = re.sub(r"training\.epochs=\d+", "training.epochs=1", text)
    text = re.sub(r"--epochs \d+", "--epochs 1", text)
    out = shlex.split(text)
    if "training.epochs=1" not in text and "--epochs 1" not in text:
        out += ["--set", "training.epochs=1"]
    return out + ["--set", "dataset.train_limit=200", "--set", "dataset.test_limit=50"]


def shorten_wired_crossbar(args):
    # A wired 256x100 crossbar is ~15 s of ngspice; 64x16 checks the same command in ~1 s.
    if args[0] != "crossbar" or "--wire-ohm" not in args:
        return None
    out = list(args)
    for option, most in (("--rows", 64), ("--cols", 16)):
        if option in out:
            i = out.index(option) + 1
            out[i] = str(min(int(out[i]), most))
    return out


def shorten_attention(args):
    # A 1024-token head through 16 ngspice tiles takes ~20 s, the full attention-train minutes: the
    # same commands on 128 tokens, and on 2000 / 500 images for 1 epoch with 5 ngspice images.
    if args[0] == "attention" and "--tokens" in args:
        out = list(args)
        i = out.index("--tokens") + 1
        out[i] = str(min(int(out[i]), 128))
        return out
    if args[0] != "attention-train":
        return None
    out = list(args)
    for option, value in (("--epochs", "1"), ("--train-limit", "2000"), ("--test-limit", "500"), ("--spice-test", "5")):
        if option in out:
            i = out.index(option) + 1
            out[i] = str(min(int(out[i]), int(value)))
        elif option != "--spice-test":
            out += [option, value]
    return out


SHORTENINGS = [
    ("train: 1 epoch, 200 training / 50 test samples (a resumed run: to 2 epochs)", shorten_train),
    ("crossbar with wires: at most 64 rows x 16 columns", shorten_wired_crossbar),
    ("attention: at most 128 tokens; attention-train: 1 epoch on 2000 / 500 images, at most 5 through ngspice", shorten_attention),
]
# (regular expression on the arguments, why not run)
SKIPPED = [
    (r"^bench (?!--list)", "a benchmark case runs for minutes by design (bench/run_all)"),
]

# Launchers a documented command may run under, and the environment they need here.
LAUNCHERS = ("mpirun",)
LAUNCHER_ENVIRONMENT = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                            OMPI_MCA_rmaps_base_oversubscribe="1")
LAUNCHER_SKIPPED = [("--hostfile", "needs the reader's cluster (a hostfile)")]

# Shell lines that prepare an input of the commands after them.
SETUP = ("printf", "echo", "mkdir")

failures, ran, skipped = [], 0, 0


def commands(markdown):
    """(line number, launcher, argv) of each program line in the fenced blocks, grouped per block:
    argv starts at the program, launcher is what runs it (mpirun -n 2) or empty; a setup line is
    (line number, None, its text)."""
    blocks, block, fenced, pending, start = [], [], False, "", 0
    for number, line in enumerate(markdown.read_text().splitlines(), 1):
        if line.lstrip().startswith("```"):
            if fenced and block:
                blocks.append(block)
            fenced, block = not fenced, []
            continue
        if not fenced:
            continue
        if not pending:
            start = number
        pending += line.rstrip()[:-1] + " " if line.rstrip().endswith("\\") else line
        if line.rstrip().endswith("\\"):
            continue
        text, pending = pending, ""
        try:
            argv = shlex.split(text, comments=True)
        except ValueError:
            continue
        launched = len(argv) >= 3 and argv[0] in LAUNCHERS
        program = next((k for k, a in enumerate(argv) if Path(a).name == "cimkit"), None) if launched else 0
        if program is not None and len(argv) >= program + 2 and Path(argv[program]).name == "cimkit" and not argv[program + 1].endswith(":"):
            block.append((start, argv[:program], argv[program:]))
        elif argv and argv[0] in SETUP:
            block.append((start, None, text))
    return blocks


def rewritten(argv, folder):
    args = []
    for a in argv[1:]:
        in_tree = repo / a
        if "/" in a and not (folder / a).exists() and in_tree.exists():
            a = str(in_tree)
        elif "spice:" in a and a.count(":") >= 2:  # [array.device=]spice:FILE:SUBCKT, FILE in the tree
            key, _, name = a.partition("spice:")
            path, subcircuit = name.rsplit(":", 1)
            if not (folder / path).exists() and (repo / path).exists():
                a = f"{key}spice:{repo / path}:{subcircuit}"
        args.append(a)
    for _, shorten in SHORTENINGS:
        shorter = shorten(args)
        if shorter is not None:
            args = shorter
    return args


documents = [repo / "README.md", *sorted((repo / "docs").glob("*.md"))]
for document in documents:
    for block in commands(document):
        folder = Path(tempfile.mkdtemp(prefix="cimkit_docs_"))
        for line, launcher, argv in block:
            if launcher is None:  # a setup line, as the shell runs it
                r = subprocess.run(["bash", "-c", argv], cwd=folder, capture_output=True, text=True)
                if r.returncode != 0:
                    failures.append(f"{document.relative_to(repo)}:{line}: setup exit {r.returncode}: {r.stderr.strip()}")
                continue
            where = f"{document.relative_to(repo)}:{line}: {shlex.join([*launcher, *argv])}"
            reason = next((why for pattern, why in SKIPPED if re.search(pattern, " ".join(argv[1:]))), None)
            if launcher:
                reason = reason or next((why for option, why in LAUNCHER_SKIPPED if option in launcher), None)
                if not shutil.which(launcher[0]):
                    reason = reason or f"{launcher[0]} is not installed"
            if reason:
                skipped += 1
                print(f"skipped  {where}  ({reason})")
                continue
            args = rewritten(argv, folder)
            started = time.monotonic()
            try:
                r = subprocess.run([*launcher, cimkit, *args], cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S,
                                   env=LAUNCHER_ENVIRONMENT if launcher else None)
                status, err = r.returncode, r.stderr
            except subprocess.TimeoutExpired:
                status, err = "timeout", f"no exit within {TIMEOUT_S} s"
            ran += 1
            print(f"exit {status}  {time.monotonic() - started:5.1f} s  {where}" +
                  ("" if args == argv[1:] else f"\n    ran: {shlex.join([*launcher, 'cimkit', *args])}"))
            if status != 0:
                failures.append(f"{where}: exit {status}: {err.strip()[-600:]}")

for failure in failures:
    print("FAIL", failure)
print(f"{ran} commands run, {skipped} skipped, {len(failures)} failures")
sys.exit(1 if failures or ran == 0 else 0)
