"""Draws the figures of a cimkit HDF5 file, whichever command wrote it: training curves (train),
SPICE-vs-compact currents and array heatmaps (crossbar), waveforms, Bode plots, .dc families and
result tables (simulate), and the device experiments (characterize); docs/plots.md lists them. The
figures of each kind are drawn by plot_training.py, plot_crossbar.py, plot_waveforms.py and
plot_characterisation.py; this script reads the file, plans the figures, and writes them.

Usage: cimkit_plot.py FILE.h5 OUTPUT_DIR [--force] [--format png,svg,pdf] [--vectors v(out),i(v1)]
[--describe] [--ready-fd N] (normally run through `cimkit plot`). Axis labels take their units from
the datasets' `units` attributes. --describe prints, instead of the "wrote" lines, one JSON document
listing each figure's files, axes (labels, scales, curves, legend entries, images, bars, notes) and
the facts its drawing computed (the -3 dB point of a Bode plot, the curves of a .dc family...).

Two phases. First the file is read whole into memory (h5_snapshot.py), with SIGINT and SIGTERM at
their default action and stderr silenced: libhdf5 may spin or crash there on a corrupt file, and
then `cimkit plot`, which runs this script with a time limit on that phase, reports the file as
corrupt in one line. When the file is read and closed, one byte on --ready-fd ends the limited
phase; only then are temporaries created and figures drawn.

Exit status: 0; 2 for bad input (the file, its contents, the arguments, an output that cannot be
written), with one line "cimkit: error: '<file>': <what was expected>" on stderr; 1 for a failure
while drawing; 130 on SIGINT/SIGTERM. Never a Python traceback."""
import contextlib
import json
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

    import h5_snapshot
    from plot_characterisation import characterisation_figures
    from plot_crossbar import crossbar_figures
    from plot_training import training_figures
    from plot_waveforms import available_vectors, check_selection, fourier_figures, measurement_figure, waveform_figures
except ImportError as missing:
    print(f"cimkit: error: the plotting script cannot import {missing.name} (run scripts/setup.sh)", file=sys.stderr)
    sys.exit(1)

# The contract is one line on stderr: matplotlib's and numpy's warnings (a log axis without positive
# values, say) would add lines and say nothing the figure does not show.
warnings.simplefilter("ignore")


FORMATS = ("png", "svg", "pdf")
GROUPS = ("training", "crossbar", "characterisation", "waveforms", "measurements", "fourier")


def fail(path, what):
    print(f"cimkit: error: '{path}': {what}", file=sys.stderr)
    sys.exit(2)


def figures(root, path, vectors):
    """The planned figures (plot_common.Planned) of every group the file holds, before anything is
    drawn; a group no figure can be planned from is the file's fault (exit 2)."""
    stem, data = path.stem, root.members
    missing = check_selection(data.get("waveforms"), vectors)
    if missing:
        have = sorted(available_vectors(data["waveforms"])) if "waveforms" in data else []
        fail(path, f"--vectors names {', '.join(missing)}, which no analysis in the file has; expected some of "
                   f"{', '.join(have[:20]) or '(no waveforms)'}{' ...' if len(have) > 20 else ''}")
    planners = [("training", lambda group, s: training_figures(group, s, root.attrs.get("seed"))), ("crossbar", crossbar_figures),
                ("characterisation", characterisation_figures),
                ("waveforms", lambda group, s: waveform_figures(group, s, vectors)),
                ("measurements", measurement_figure), ("fourier", fourier_figures)]
    out = []
    for name, plan in planners:
        group = data.get(name)
        if group is None:
            continue
        if not group.is_group:
            fail(path, f"/{name} is a dataset; expected a group")
        try:
            out += plan(group, stem)
        except (KeyError, ValueError, TypeError, IndexError) as error:
            what = reason(error)
            fail(path, what if "expected" in what else f"{what}; expected the groups and datasets cimkit writes "
                                                       "(docs/hdf5-schema.md)")
    return out


def check_target(target, source, force):
    """Refuses a figure path that is not a regular file (links are not followed), is the input, or
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


USAGE = ("usage: cimkit_plot.py FILE.h5 OUTPUT_DIR [--force] [--format png,svg,pdf] [--vectors NAME,...] "
         "[--describe] [--ready-fd N]")


def usage_error(what):
    print(f"cimkit: error: {what}; {USAGE}", file=sys.stderr)
    sys.exit(2)


def split_list(text):
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_arguments(argv):
    args, options = [], {"force": False, "ready_fd": None, "formats": ["png"], "vectors": None, "describe": False}
    it = iter(argv)
    for arg in it:
        if arg == "--force":
            options["force"] = True
        elif arg == "--describe":
            options["describe"] = True
        elif arg == "--ready-fd":
            text = next(it, "-1")
            options["ready_fd"] = int(text) if text.isdigit() else -1
        elif arg == "--format":
            formats = split_list(next(it, ""))
            wrong = [f for f in formats if f not in FORMATS]
            if not formats or wrong:
                usage_error(f"--format got '{','.join(wrong) or ''}'; expected png, svg or pdf, or a comma list of them")
            options["formats"] = list(dict.fromkeys(formats))
        elif arg == "--vectors":
            options["vectors"] = set(split_list(next(it, "")))
            if not options["vectors"]:
                usage_error("--vectors got no name; expected vector names as ngspice prints them, v(out),i(v1)")
        else:
            args.append(arg)
    if len(args) != 2 or (options["ready_fd"] is not None and options["ready_fd"] < 0):
        usage_error("wrong arguments")
    return Path(args[0]), Path(args[1]), options


def describe_axes(ax):
    legend = ax.get_legend()
    return {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
            "curves": sum(1 for line in ax.get_lines() if len(line.get_xdata()) > 1),
            "markers": sum(1 for line in ax.get_lines() if len(line.get_xdata()) == 1),
            "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
            "images": len(ax.images), "bars": len(ax.patches), "tables": len(ax.tables),
            "notes": [t.get_text() for t in ax.texts]}


def describe(fig, planned, files):
    return {"name": planned.name, "files": [str(f) for f in files], "title": planned.title,
            "suptitle": fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else "",
            "figure_legends": [[t.get_text() for t in legend.get_texts()] for legend in fig.legends],
            "axes": [describe_axes(ax) for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"],
            "facts": planned.facts}


def draw_all(path, out_dir, planned, formats):
    """Each figure goes to a temporary beside its target, in each format; all are renamed into place
    only after every one was drawn, so a failure leaves earlier figures as they were. Returns the
    --describe record of each figure."""
    temporaries, described = [], []
    try:
        for plan in planned:
            fig = plt.figure(figsize=plan.size, dpi=150)
            try:
                plan.facts = plan.draw(fig) or {}
            except (KeyError, ValueError, TypeError, IndexError, AttributeError) as error:
                # The draw functions index what cimkit writes: a miss is the file's fault.
                fail(path, f"cannot draw {plan.name} ({reason(error)}); expected the datasets and attributes cimkit "
                           "writes for it; no figure written")
            except Exception as error:
                print(f"cimkit: error: '{path}': drawing {plan.name} failed ({type(error).__name__}: {error}); "
                      "no figure written", file=sys.stderr)
                sys.exit(1)
            if not plan.facts.pop("tight", False):
                fig.tight_layout()
            targets = []
            for fmt in formats:
                target = out_dir / f"{plan.name}.{fmt}"
                try:
                    fd, temporary = tempfile.mkstemp(prefix=f".{plan.name}.{fmt}.part-", suffix=f".{fmt}", dir=out_dir)
                    os.close(fd)
                except OSError as error:
                    fail(target, f"cannot write it ({error.strerror or error}); expected a writable folder")
                temporaries.append((temporary, target))
                try:
                    # No creation date in SVG and PDF: the same file gives the same figure, byte for byte.
                    fig.savefig(temporary, format=fmt, metadata={"Date": None} if fmt != "png" else None)
                    os.chmod(temporary, 0o666 & ~current_umask())
                except OSError as error:
                    fail(target, f"cannot write it ({error.strerror or error}; disk full?); no figure written")
                targets.append(target)
            described.append(describe(fig, plan, targets))
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
    return described


def main():
    path, out_dir, options = parse_arguments(sys.argv[1:])
    ready_fd = options["ready_fd"]
    # While libhdf5 reads, a signal must end the process at once: a spinning C library never returns
    # to the interpreter, where Python's handlers would run, and there is nothing to clean up yet.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with stderr_silenced():
            root = h5_snapshot.read(path, GROUPS)
    except h5_snapshot.Unreadable as error:
        fail(path, str(error))
    if ready_fd is not None:
        os.write(ready_fd, b"r")
        os.close(ready_fd)
    # From here on temporaries exist: SIGINT and SIGTERM end the script through draw_all's clean-up.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    planned = figures(root, path, options["vectors"])
    if not planned:
        fail(path, "has no /training, /crossbar, /characterisation or /waveforms group to draw; expected a file "
                   "written by cimkit train, crossbar, characterize or simulate")
    for plan in planned:
        for fmt in options["formats"]:
            check_target(out_dir / f"{plan.name}.{fmt}", path, options["force"])
    described = draw_all(path, out_dir, planned, options["formats"])
    if options["describe"]:
        print(json.dumps({"file": str(path), "figures": described}, indent=1, default=float))
    else:
        for record in described:
            for target in record["files"]:
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
