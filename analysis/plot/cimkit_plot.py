"""Draws PNG figures of a cimkit HDF5 file: one per characterisation experiment and one per
waveform plot. Usage: cimkit_plot.py FILE.h5 OUTPUT_DIR [--force] [--ready-fd N] (normally run
through `cimkit plot`). Axis labels take their units from the datasets' `units` attributes.

Two phases. First the file is read whole into memory (h5_snapshot.py), with SIGINT and SIGTERM at
their default action and stderr silenced: libhdf5 may spin or crash there on a corrupt file, and
then `cimkit plot`, which runs this script with a time limit on that phase, reports the file as
corrupt in one line. When the file is read and closed, one byte on --ready-fd ends the limited
phase; only then are temporaries created and figures drawn.

Exit status: 0; 2 for bad input (the file, its contents, the arguments, an output that cannot be
written), with one line "cimkit: error: '<file>': <what was expected>" on stderr; 1 for a failure
while drawing; 130 on SIGINT/SIGTERM. Never a Python traceback."""
import contextlib
import os
import signal
import stat
import sys
import tempfile
import warnings
from pathlib import Path

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import h5_snapshot
except ImportError as missing:
    print(f"cimkit: error: the plotting script cannot import {missing.name} (run scripts/setup.sh)", file=sys.stderr)
    sys.exit(1)

# The contract is one line on stderr: matplotlib's and numpy's warnings (a log axis without positive
# values, say) would add lines and say nothing the figure does not show.
warnings.simplefilter("ignore")


def label(name, dataset):
    units = dataset.attrs.get("units", "")
    return f"{name} [{units}]" if units and units != "1" else name


def figure(title):
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=150)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    return fig, ax


def plot_iv(group, ax):
    v, i = group["voltage_V"][:], group["current_A"][:]
    for row, level in zip(i, group["level"][:]):
        ax.plot(v, row * 1e6, label=f"level {level:.2f}")
    ax.set_xlabel(label("voltage", group["voltage_V"]))
    ax.set_ylabel("current [uA]")
    ax.legend(fontsize=8)


def plot_pulses(group, ax):
    n, g = group["pulse_number"][:], group["conductance_S"][:] * 1e6
    for row in g[:8]:
        ax.plot(n, row, color="0.75", linewidth=0.6)
    ax.plot(n, group["mean_conductance_S"][:] * 1e6, color="C0", linewidth=2, label="mean")
    ax.axvline(group.attrs["pulses_per_branch"], color="C3", linestyle="--", label="potentiation | depression")
    ax.set_xlabel("pulse number")
    ax.set_ylabel("conductance [uS]")
    ax.legend(fontsize=8)


def plot_retention(group, ax):
    t, g = group["time_s"][:], group["conductance_S"][:] * 1e6
    for row in g:
        ax.plot(t, row, linewidth=0.8)
    ax.set_xscale("log")
    if "nu_mean" in group.attrs and np.all(g > 0):
        ax.set_yscale("log")
    ax.set_xlabel(label("time", group["time_s"]))
    ax.set_ylabel("conductance [uS]")


def plot_variability(group, ax):
    """The read-conductance spread: one histogram per programmed level, sigma/mean in the legend."""
    g = group["read_conductance_S"][:] * 1e6
    levels, relative = group["read_level"][:], group["read_conductance_relative_sigma"][:]
    if g.ndim != 2 or g.shape[0] != len(levels) or len(relative) != len(levels):
        raise ValueError("read_conductance_S is not levels x devices")
    for k, (row, level, rel) in enumerate(zip(g, levels, relative)):
        ax.hist(row, bins=40, alpha=0.6, color=f"C{k}", label=f"level {level:.2f}: sigma/mean = {rel:.3g}")
    ax.set_xlabel("read conductance [uS]")
    ax.set_ylabel("devices")
    ax.legend(fontsize=8)


PLOTTERS = {"iv": plot_iv, "pulses": plot_pulses, "retention": plot_retention, "variability": plot_variability}


def plot_waveform(group, ax):
    scale_name = group.attrs.get("scale", "")
    others = [k for k in group if k != scale_name]
    if not scale_name:
        ax.bar(others, [float(np.real(group[k][0])) for k in others])
        ax.set_ylabel("value")
        return
    # A nested .dc stores (outer x inner) datasets (docs/hdf5-schema.md); drawn flat, as one line.
    x = np.ravel(group[scale_name][:])
    for name in others:
        y = np.ravel(group[name][:])
        ax.plot(x, np.abs(y) if np.iscomplexobj(y) else y, label=label(name, group[name]))
    if scale_name == "frequency":
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(label(scale_name, group[scale_name]))
    ax.legend(fontsize=8)


def fail(path, what):
    print(f"cimkit: error: '{path}': {what}", file=sys.stderr)
    sys.exit(2)


def figures(data, path):
    """(PNG name, title, draw function) of every figure the file holds, before anything is drawn."""
    stem, out = path.stem, []
    characterisation = data.get("characterisation")
    if characterisation is not None:
        if not characterisation.is_group:
            fail(path, "/characterisation is a dataset; expected a group of devices")
        for device, experiments in characterisation.items():
            if not experiments.is_group:
                fail(path, f"{experiments.name} is a dataset; expected a group of experiments")
            for experiment, group in experiments.items():
                if experiment not in PLOTTERS or not group.is_group:
                    fail(path, f"{group.name} is not an experiment plot knows; expected groups named "
                               f"{', '.join(PLOTTERS)}")
                out.append((f"{stem}_{device}_{experiment}.png", f"{device}: {experiment}",
                            lambda ax, g=group, e=experiment: PLOTTERS[e](g, ax)))
    waveforms = data.get("waveforms")
    if waveforms is not None:
        if not waveforms.is_group:
            fail(path, "/waveforms is a dataset; expected a group of analyses")
        for name, group in waveforms.items():
            if not group.is_group:
                fail(path, f"{group.name} is a dataset; expected a group of vectors")
            out.append((f"{stem}_{name}.png", f"{stem}: {name}", lambda ax, g=group: plot_waveform(g, ax)))
    return out


def check_target(target, source, force):
    """Refuses a PNG path that is not a regular file (links are not followed), is the input, or
    exists without --force: renaming onto it would destroy it."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        fail(target, "exists and is not a regular file (a link, folder, FIFO or device); expected a regular file or a new name")
    if os.path.samefile(target, source):
        fail(target, "is also the input file; write the figures to another folder")
    if not force:
        fail(target, "exists; pass --force to replace it")


@contextlib.contextmanager
def stderr_silenced():
    """Sends file descriptor 2 to /dev/null: what libhdf5, glibc or Python's fault handler print when
    the library fails on a corrupt file is not for the user, who gets one line from cimkit."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def reason(error):
    """The text of an exception; a KeyError's str() is the repr of its key, quotes and all."""
    return str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)


def parse_arguments(argv):
    args, force, ready_fd = [], False, None
    it = iter(argv)
    for arg in it:
        if arg == "--force":
            force = True
        elif arg == "--ready-fd":
            ready_fd = int(next(it, "-1"))
        else:
            args.append(arg)
    if len(args) != 2 or (ready_fd is not None and ready_fd < 0):
        print("cimkit: error: usage: cimkit_plot.py FILE.h5 OUTPUT_DIR [--force] [--ready-fd N]", file=sys.stderr)
        sys.exit(2)
    return Path(args[0]), Path(args[1]), force, ready_fd


def draw_all(path, out_dir, planned):
    """Each figure goes to a temporary beside its target; all are renamed into place only after every
    one was drawn, so a failure leaves earlier PNGs as they were."""
    temporaries = []
    try:
        for name, title, draw in planned:
            target = out_dir / name
            try:
                fd, temporary = tempfile.mkstemp(prefix=f".{name}.part-", suffix=".png", dir=out_dir)
                os.close(fd)
            except OSError as error:
                fail(target, f"cannot write it ({error.strerror or error}); expected a writable folder")
            temporaries.append((temporary, target))
            fig, ax = figure(title)
            try:
                draw(ax)
            except (KeyError, ValueError, TypeError, IndexError, AttributeError) as error:
                # The draw functions index what cimkit writes: a miss is the file's fault.
                fail(path, f"cannot draw {name} ({reason(error)}); expected the datasets and attributes cimkit "
                           "writes for it; no figure written")
            except Exception as error:
                print(f"cimkit: error: '{path}': drawing {name} failed ({type(error).__name__}: {error}); "
                      "no figure written", file=sys.stderr)
                sys.exit(1)
            fig.tight_layout()
            try:
                fig.savefig(temporary, format="png")
                os.chmod(temporary, 0o666 & ~current_umask())
            except OSError as error:
                fail(target, f"cannot write it ({error.strerror or error}; disk full?); no figure written")
            plt.close(fig)
        for temporary, target in temporaries:
            try:
                os.replace(temporary, target)
            except OSError as error:
                fail(target, f"cannot write it ({error.strerror or error})")
    finally:
        for temporary, _ in temporaries:
            if os.path.lexists(temporary):
                os.unlink(temporary)
    return [target for _, target in temporaries]


def main():
    path, out_dir, force, ready_fd = parse_arguments(sys.argv[1:])
    # While libhdf5 reads, a signal must end the process at once: a spinning C library never returns
    # to the interpreter, where Python's handlers would run, and there is nothing to clean up yet.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with stderr_silenced():
            data = h5_snapshot.read(path, ("characterisation", "waveforms"))
    except h5_snapshot.Unreadable as error:
        fail(path, str(error))
    if ready_fd is not None:
        os.write(ready_fd, b"r")
        os.close(ready_fd)
    # From here on temporaries exist: SIGINT and SIGTERM end the script through draw_all's clean-up.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    planned = figures(data, path)
    if not planned:
        fail(path, "has no /characterisation or /waveforms group; expected a file written by cimkit simulate or characterize")
    for name, _, _ in planned:
        check_target(out_dir / name, path, force)
    for target in draw_all(path, out_dir, planned):
        print(f"wrote {target}")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as bug:  # a fault of this script: still one line, not a traceback
        print(f"cimkit: error: the plotting script failed ({type(bug).__name__}: {bug})", file=sys.stderr)
        sys.exit(1)
