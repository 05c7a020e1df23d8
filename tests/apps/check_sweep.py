#!/usr/bin/env python3
"""`cimkit sweep` (docs/sweeps.md): a 12-point characterize sweep (4 g_max values x 3 Monte-Carlo
seeds, each point ~0.1 s). Checks that the table holds the grid, that every row's figures equal the
same point run alone by the CLI bit for bit, that a partial or interrupted sweep resumes without
running finished points again, that bad sweep files exit 2 naming the file and the key, and (with
--mpi) that `mpirun -n 2` and `mpirun -n 3 --oversubscribe` give the table of `--jobs 1` bit for bit.

With --train: a train point interrupted mid-run resumes (train --resume) to the same table, and a
sweep killed with SIGKILL leaves no point running. With --mpi also: Ctrl-C to mpirun ends every rank
and every point, and leaves no result.

usage: check_sweep.py CIMKIT [--mpi | --train]
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

CIMKIT = os.path.abspath(sys.argv[1])
MPI = "--mpi" in sys.argv[2:]
TRAIN = "--train" in sys.argv[2:]
G_MAX = ["1e-05", "2e-05", "2.5e-05", "3e-05"]
SEEDS = [1, 2, 3]
SWEEP = """command = "characterize"
args = ["--device", "pcm", "--experiment", "pulses"]
[grid]
"device.g_max_S" = [1e-5, 2e-5, 2.5e-5, 3e-5]
[monte_carlo]
seeds = [1, 2, 3]
"""
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def table(path):
    """Every dataset of /sweep/table as a list (strings decoded), NaN-safe for comparison."""
    out = {}
    with h5py.File(path) as f:
        def take(name, obj):
            if isinstance(obj, h5py.Dataset):
                values = obj[:]
                out[name] = [v.decode() for v in values] if values.dtype.kind == "O" else values.tobytes()
        f["sweep/table"].visititems(take)
    return out


def wrote_lines(points):
    """Per point log: how many times the point ran to its end (characterize prints 'wrote' last)."""
    return {name: sum(1 for line in open(os.path.join(points, name)) if line.startswith("wrote "))
            for name in sorted(os.listdir(points)) if name.endswith(".log")}


def check_table_and_points(work):
    sweep = os.path.join(work, "s.toml")
    out = os.path.join(work, "s.h5")
    r = run([CIMKIT, "sweep", sweep, "-o", out, "--jobs", "2", "--quiet"])
    check(r.returncode == 0, f"12-point sweep exits 0 (got {r.returncode}: {r.stderr})")
    with h5py.File(out) as f:
        t = f["sweep/table"]
        check(list(t["point"][:]) == list(range(12)), "12 rows, point 0..11")
        check([v.decode() for v in t["keys_text/device.g_max_S"][:]] == [g for g in G_MAX for _ in SEEDS], "g_max_S text per row")
        check(list(t["keys/device.g_max_S"][:]) == [float(g) for g in G_MAX for _ in SEEDS], "g_max_S number per row")
        check(list(t["seed"][:]) == SEEDS * 4, "seed per row")
        check(list(t["exit_status"][:]) == [0] * 12, "exit status 0 per row")
        check(f["sweep"].attrs["sweep_toml"] == SWEEP and f["sweep"].attrs["command"] == "characterize", "/sweep attributes")
        figures = {name: t["figures/" + name][:] for name in t["figures"]}
        check("pulses.states" in figures and "pulses.c2c_sigma" in figures, f"headline figures present ({sorted(figures)})")
        # Each row against the same point run alone by the CLI, bit for bit; the copy in /points too.
        for i in range(12):
            alone = os.path.join(work, f"alone_{i}.h5")
            r = run([CIMKIT, "characterize", "--device", "pcm", "--experiment", "pulses", "--set", "device.g_max_S=" + G_MAX[i // 3],
                     "--seed", str(SEEDS[i % 3]), "-o", alone, "--quiet"])
            check(r.returncode == 0, f"point {i} alone runs")
            with h5py.File(alone) as a:
                group = a["characterisation/pcm/pulses"]
                for name, column in figures.items():
                    value = group.attrs[name.split(".", 1)[1]]
                    check(np.float64(value).tobytes() == np.float64(column[i]).tobytes(), f"point {i} {name}: table {column[i]!r} == alone {value!r}")
                copied = f[f"points/point_{i:04d}/characterisation/pcm/pulses/conductance_S"][:]
                check(np.array_equal(copied, group["conductance_S"][:]), f"point {i}: /points copy holds the point's conductances")
    return out


def check_resume(work):
    sweep = os.path.join(work, "s.toml")
    out = os.path.join(work, "s.h5")
    points = out + ".points"
    reference = table(out)
    # A partial sweep: no result, two points missing. Only those two run again.
    os.remove(out)
    for i in (3, 7):
        os.remove(os.path.join(points, f"point_{i:04d}.h5"))
    r = run([CIMKIT, "sweep", sweep, "-o", out, "--jobs", "2", "--quiet"])
    check(r.returncode == 0 and "2 run now, 10 finished earlier" in r.stdout, f"resume runs the 2 missing points only ({r.stdout}{r.stderr})")
    runs = wrote_lines(points)
    check(all(runs[f"point_{i:04d}.log"] == (2 if i in (3, 7) else 1) for i in range(12)), f"runs per point after resume: {runs}")
    check(table(out) == reference, "the resumed table equals the first one")
    # An interrupted sweep: SIGINT while points run; exit 130, no result; the resume finishes the rest
    # and no point ever ran to its end twice.
    shutil.rmtree(points)
    os.remove(out)
    p = subprocess.Popen([CIMKIT, "sweep", sweep, "-o", out, "--jobs", "1", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first_log = os.path.join(points, "point_0000.log")

    def first_point_ended():
        # Its log's last line, not its file: the file is renamed into place just before the point
        # prints "wrote", and a SIGINT between the two left a finished point with no "wrote" line.
        return os.path.exists(first_log) and wrote_lines(points).get("point_0000.log", 0) > 0

    while not first_point_ended() and p.poll() is None:
        time.sleep(0.02)  # interrupt once the first point is finished, the others not all
    p.send_signal(signal.SIGINT)
    _, err = p.communicate()
    if p.returncode == 0:
        print("note: the sweep ended before SIGINT; interrupt not exercised")
    else:
        check(p.returncode == 130 and not os.path.exists(out) and "interrupted" in err, f"SIGINT: exit 130, no result ({p.returncode}, {err})")
        finished = len([n for n in os.listdir(points) if n.endswith(".h5")])
        r = run([CIMKIT, "sweep", sweep, "-o", out, "--jobs", "2", "--quiet"])
        check(r.returncode == 0 and f"{12 - finished} run now, {finished} finished earlier" in r.stdout, f"resume after SIGINT ({r.stdout})")
        runs = wrote_lines(points)
        check(len(runs) == 12 and all(n == 1 for n in runs.values()), f"no point ran to its end twice: {runs}")
        check(table(out) == reference, "the table after interrupt and resume equals the uninterrupted one")


def check_bad_files(work):
    cases = {
        "command": 'command = "trian"\n',
        "grid.device.g_max_S": 'command = "characterize"\nargs = ["--device", "pcm", "-e", "iv"]\n[grid]\n"device.g_max_S" = []\n',
        "device.g_maxx_S": 'command = "characterize"\nargs = ["--device", "pcm", "-e", "iv"]\n[grid]\n"device.g_maxx_S" = [1e-5]\n',
        "training.learning_rat": 'command = "train"\nargs = ["--config", "mnist_ideal"]\n[grid]\n"training.learning_rat" = [0.1]\n',
        "monte_carlo.seeds": 'command = "characterize"\nargs = ["--device", "pcm", "-e", "iv"]\n[monte_carlo]\nseeds = [-1]\n',
        "args": 'command = "characterize"\nargs = ["--device", "pcm", "-o", "x.h5"]\n',
    }
    for key, text in cases.items():
        path = os.path.join(work, "bad.toml")
        open(path, "w").write(text)
        r = run([CIMKIT, "sweep", path, "-o", os.path.join(work, "bad.h5"), "--quiet"])
        check(r.returncode == 2 and path in r.stderr and key in r.stderr, f"bad sweep file ({key}): exit 2 naming file and key ({r.returncode}: {r.stderr.strip()})")
        check(not os.path.exists(os.path.join(work, "bad.h5.points", "point_0000.h5")), f"bad sweep file ({key}): nothing ran")


def check_mpi(work):
    sweep = os.path.join(work, "s.toml")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    one = os.path.join(work, "one.h5")
    r = run([CIMKIT, "sweep", sweep, "-o", one, "--jobs", "1", "--quiet"])
    check(r.returncode == 0, f"--jobs 1 sweep ({r.stderr})")
    for ranks in (["-n", "2"], ["-n", "3", "--oversubscribe"]):
        out = os.path.join(work, f"mpi{ranks[1]}.h5")
        r = run(["mpirun", *ranks, CIMKIT, "sweep", sweep, "-o", out, "--quiet"], env=env)
        check(r.returncode == 0 and "12 run now" in r.stdout, f"mpirun {' '.join(ranks)} exits 0 ({r.returncode}: {r.stdout}{r.stderr})")
        check(os.path.exists(out) and table(out) == table(one), f"mpirun {' '.join(ranks)}: the table of --jobs 1, bit for bit")


TRAIN_SWEEP = """command = "train"
args = ["--config", "mnist_ideal", "--set", "training.epochs=12", "--set", "dataset.train_limit=2000", "--set", "dataset.test_limit=500"]
"""


def check_train_resume(work):
    """A train point interrupted after its first epoch (its run file says 'running') is continued with
    train --resume, and the table equals the uninterrupted sweep's bit for bit."""
    sweep = os.path.join(work, "t.toml")
    open(sweep, "w").write(TRAIN_SWEEP)
    whole = os.path.join(work, "whole.h5")
    r = run([CIMKIT, "sweep", sweep, "-o", whole, "--jobs", "1", "--quiet"])
    check(r.returncode == 0, f"train sweep ({r.stderr})")
    out = os.path.join(work, "t.h5")
    point = out + ".points/point_0000.h5"
    p = subprocess.Popen([CIMKIT, "sweep", sweep, "-o", out, "--jobs", "1", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not os.path.exists(point) and p.poll() is None:
        time.sleep(0.02)  # the run file appears after the first epoch
    p.send_signal(signal.SIGINT)
    p.communicate()
    with h5py.File(point) as f:
        status = f["training"].attrs["status"]
    if p.returncode == 0 or status == "complete":
        print("note: the train point ended before SIGINT; its resume not exercised")
        return
    check(p.returncode == 130 and status == "running", f"interrupted train point: exit 130, file 'running' ({p.returncode}, {status})")
    r = run([CIMKIT, "sweep", sweep, "-o", out, "--jobs", "1", "--quiet"])
    log = open(out + ".points/point_0000.log").read()
    check(r.returncode == 0 and "1 run now" in r.stdout and "holds the run up to" in log, f"the point resumed ({r.stdout}{r.stderr})")
    check(table(out) == table(whole), "interrupted and resumed train point: the table of the uninterrupted sweep, bit for bit")


LONG_TRAIN_SWEEP = """command = "train"
args = ["--config", "mnist_ideal", "--set", "training.epochs=100000", "--set", "dataset.train_limit=2000", "--set", "dataset.test_limit=500"]
[monte_carlo]
seeds = [1, 2, 3, 4]
"""


def processes_mentioning(text):
    """Pids of live (not zombie) processes whose command line contains `text`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(pid))
    return found


def wait_until(condition, timeout_s):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def start_long_sweep(work, name, launcher):
    """Starts a sweep of 100 000-epoch train points (minutes each) and waits until a point runs; returns
    the process and the points folder (every point's command line names it)."""
    sweep = os.path.join(work, name + ".toml")
    open(sweep, "w").write(LONG_TRAIN_SWEEP)
    out = os.path.join(work, name + ".h5")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    p = subprocess.Popen([*launcher, CIMKIT, "sweep", sweep, "-o", out, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    points = out + ".points"
    started = wait_until(lambda: len(processes_mentioning(points + "/point_")) >= 1 or p.poll() is not None, 60)
    check(started and p.poll() is None, f"{name}: a point is running")
    return p, out, points


def check_killed_sweep(work):
    """SIGKILL to the sweep: its points (children it can no longer stop) end by themselves."""
    p, out, points = start_long_sweep(work, "killed", [])
    p.kill()
    p.wait()
    gone = wait_until(lambda: not processes_mentioning(points + "/point_"), 10)
    check(gone, f"SIGKILLed sweep: no point still running after 10 s ({processes_mentioning(points + '/point_')})")
    for pid in processes_mentioning(points + "/point_"):
        os.kill(pid, signal.SIGKILL)
    check(not os.path.exists(out), "SIGKILLed sweep: no result file")


def check_mpi_interrupt(work):
    """Ctrl-C to `mpirun -n 2 cimkit sweep`: mpirun ends, every rank and point with it, no result."""
    p, out, points = start_long_sweep(work, "mpi_interrupted", ["mpirun", "-n", "2"])
    wait_until(lambda: len(processes_mentioning(points + "/point_")) >= 2, 10)
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        check(False, "Ctrl-C to mpirun: it did not end within 30 s")
    check(p.returncode != 0, f"Ctrl-C to mpirun: non-zero exit ({p.returncode})")
    gone = wait_until(lambda: not processes_mentioning(points) and not processes_mentioning(out), 10)
    left = processes_mentioning(points) + processes_mentioning(out)
    check(gone, f"Ctrl-C to mpirun: no rank or point left running ({left})")
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    check(not os.path.exists(out), "Ctrl-C to mpirun: no result file")


def main():
    with tempfile.TemporaryDirectory() as work:
        open(os.path.join(work, "s.toml"), "w").write(SWEEP)
        if MPI:
            check_mpi(work)
            check_mpi_interrupt(work)
        elif TRAIN:
            check_train_resume(work)
            check_killed_sweep(work)
        else:
            check_table_and_points(work)
            check_resume(work)
            check_bad_files(work)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all sweep checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
