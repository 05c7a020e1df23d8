"""Draws PNG figures of a cimkit HDF5 file: one per characterisation experiment and one per
waveform plot. Usage: cimkit_plot.py FILE.h5 OUTPUT_DIR [--force] (normally run through `cimkit plot`).
Reads the file with h5py only; axis labels take their units from the datasets' `units` attributes."""
import os
import signal
import stat
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

try:
    import h5py
except ImportError:
    sys.exit("cimkit plot: python3-h5py is missing (run scripts/setup.sh)")


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
    for name, color in (("g_low_S", "C0"), ("g_high_S", "C1")):
        ax.hist(group[name][:] * 1e6, bins=40, alpha=0.6, color=color, label=name.replace("_S", ""))
    ax.set_xlabel("conductance [uS]")
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
    x = group[scale_name][:]
    for name in others:
        y = group[name][:]
        ax.plot(x, np.abs(y) if np.iscomplexobj(y) else y, label=label(name, group[name]))
    if scale_name == "frequency":
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(label(scale_name, group[scale_name]))
    ax.legend(fontsize=8)


def fail(path, what):
    print(f"cimkit: error: '{path}': {what}", file=sys.stderr)
    sys.exit(2)


def figures(f, stem):
    """(PNG name, title, draw function) of every figure the file holds, before anything is drawn."""
    out = []
    for device, experiments in f.get("characterisation", {}).items():
        for experiment, group in experiments.items():
            out.append((f"{stem}_{device}_{experiment}.png", f"{device}: {experiment}",
                        lambda ax, g=group, e=experiment: PLOTTERS[e](g, ax)))
    for name, group in f.get("waveforms", {}).items():
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


def main():
    args = [a for a in sys.argv[1:] if a != "--force"]
    force = len(args) != len(sys.argv) - 1
    if len(args) != 2:
        sys.exit("usage: cimkit_plot.py FILE.h5 OUTPUT_DIR [--force]")
    path, out_dir = Path(args[0]), Path(args[1])
    # SIGTERM ends the script through the same clean-up as an error or Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        print(f"cimkit plot: '{path}': not a readable HDF5 file ({error})", file=sys.stderr)
        sys.exit(2)
    with f:
        planned = figures(f, path.stem)
        if not planned:
            print(f"cimkit plot: '{path}' has no /characterisation or /waveforms group", file=sys.stderr)
            sys.exit(2)
        for name, _, _ in planned:
            check_target(out_dir / name, path, force)
        # Each figure goes to a temporary beside its target; all are renamed into place only after
        # every one was drawn, so a failure leaves earlier PNGs as they were.
        temporaries = []
        try:
            for name, title, draw in planned:
                fd, temporary = tempfile.mkstemp(prefix=f".{name}.part-", suffix=".png", dir=out_dir)
                os.close(fd)
                temporaries.append((temporary, out_dir / name))
                fig, ax = figure(title)
                try:
                    draw(ax)
                except (KeyError, ValueError, TypeError, IndexError) as error:
                    print(f"cimkit plot: '{path}': cannot draw {name}: {error}; no figure written", file=sys.stderr)
                    sys.exit(1)
                fig.tight_layout()
                fig.savefig(temporary, format="png")
                plt.close(fig)
                os.chmod(temporary, 0o666 & ~current_umask())
            for temporary, target in temporaries:
                os.replace(temporary, target)
        finally:
            for temporary, _ in temporaries:
                if os.path.lexists(temporary):
                    os.unlink(temporary)
    for _, target in temporaries:
        print(f"wrote {target}")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    main()
