"""cimkit from Python (docs/python.md).

In process, through the same libraries as the `cimkit` executable (python/native/):
  devices()                      names of the built-in device models
  device_table(name)             a model's parameters (name, unit, default, range, description)
                                 and physical effects, as `cimkit devices NAME` prints them
  Device(name, parameters, seed) one device: set_level, level, conductance_S, current_A(v array),
                                 apply_pulses(polarity, count) -> conductance after each pulse,
                                 .parameters (the values in effect)
  train(config, settings, on_epoch, output=None, force=False)
                                 `cimkit train --config CONFIG --set key=value ... [-o OUTPUT]` in this
                                 process: {"metrics": {name: array}, "weights": [...], "evaluations": [...]};
                                 with output, the run file `cimkit train --resume` continues
Through the executable (its sandboxed ngspice worker, as the command line runs it):
  simulate(netlist, vectors=None) -> {analysis: Group of vectors}
  characterize(device, experiment, parameters, devices, seed) -> {experiment: Group}
  crossbar(device, rows, cols, parameters, seed, **options) -> /crossbar (spice and compact reads)
And for any file cimkit wrote:
  read(path) -> Group: members by name (numpy arrays, Groups), .attrs and .units
  sweep_table(path) -> {column: array}, the rows of a `cimkit sweep` result (pandas.DataFrame-ready)
  source_path(relative)          a file of the source tree or installed copy (example netlists, presets)

Units are SI and in the names (_V, _A, _S, _s, _J), as in the HDF5 files. Bad input raises
ValueError with cimkit's message (in train, an unreadable input or a refused output OSError); a failed run
raises RuntimeError."""
import os
import shutil
import subprocess
import tempfile

import h5py

from ._native import Device, device_table, devices, train  # noqa: F401  (re-exported)

try:
    from ._paths import CIMKIT_BINARY as _BUILT_BINARY, SOURCE_DIR as _SOURCE_DIR
except ImportError:  # a copy without the generated file
    _BUILT_BINARY, _SOURCE_DIR = None, None
try:
    from ._paths import INSTALLED as _INSTALLED
except ImportError:  # the build tree's package
    _INSTALLED = False

if _INSTALLED:
    # An installed package reads the installed share/cimkit, as the installed executable does, never
    # the source tree it was built from (which may be gone); the variables reach the executable too.
    for _variable, _folder in (("CIMKIT_DATA_DIR", "data"), ("CIMKIT_NETLIST_DIR", "netlists"), ("CIMKIT_PLOT_DIR", "plot")):
        os.environ.setdefault(_variable, os.path.join(_SOURCE_DIR, _folder))


class Group(dict):
    """A group of an HDF5 file: datasets as numpy arrays and subgroups as Group, by name; the
    group's attributes in .attrs, each dataset's `units` attribute in .units."""

    def __init__(self):
        super().__init__()
        self.attrs = {}
        self.units = {}


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _group(h5):
    out = Group()
    out.attrs = {k: _text(v) for k, v in h5.attrs.items()}
    for name, member in h5.items():
        if isinstance(member, h5py.Group):
            out[name] = _group(member)
        else:
            out[name] = member[()]
            if "units" in member.attrs:
                out.units[name] = _text(member.attrs["units"])
    return out


def read(path):
    """The whole file as a Group tree (files of any cimkit command; see docs/hdf5-schema.md)."""
    with h5py.File(path, "r") as f:
        return _group(f)


def sweep_table(path):
    """The table of a `cimkit sweep` result as {column: 1-D array}, one element per point, ready for
    pandas.DataFrame: point, seed, exit_status, each grid key by its name (its value as a number; the
    text as passed, as "<key> (text)", where it is not one) and each headline figure by its name, then
    wall_time_s from /sweep/timing (docs/hdf5-schema.md)."""
    with h5py.File(path, "r") as f:
        if "sweep/table" not in f:
            raise ValueError(f"{path}: not a cimkit sweep result (no /sweep/table)")
        t = f["sweep/table"]
        columns = {name: t[name][()] for name in ("point", "seed", "exit_status")}
        for key in t.get("keys", {}):
            numbers = t["keys"][key][()]
            if numbers.size and all(v != v for v in numbers):  # no value is a number: the text is the value
                columns[f"{key} (text)"] = t["keys_text"][key].asstr()[()]
            else:
                columns[key] = numbers
        for name in t.get("figures", {}):
            columns[name] = t["figures"][name][()]
        columns["wall_time_s"] = f["sweep/timing/wall_time_s"][()]
        return columns


def binary():
    """The cimkit executable simulate() runs: $CIMKIT_BINARY, the build tree's, or `cimkit` on PATH."""
    found = os.environ.get("CIMKIT_BINARY") or _BUILT_BINARY or shutil.which("cimkit")
    if not found or not os.path.exists(found):
        raise RuntimeError("cimkit: the cimkit executable was not found; set CIMKIT_BINARY")
    return found


def source_path(relative):
    """A file of the source tree cimkit was built from, or of the installed share/cimkit (its data/ and
    netlists/), e.g. source_path("netlists/examples/rc_lowpass.cir")."""
    if not _SOURCE_DIR:
        raise RuntimeError("cimkit: the source tree is not known to this copy of the package")
    return os.path.join(_SOURCE_DIR, relative)


def _run(arguments):
    """Runs `cimkit ARGUMENTS -o <temporary file>` and returns the file read as a Group. Exit 2 (bad
    input) raises ValueError, any other failure RuntimeError, with cimkit's last message line."""
    with tempfile.TemporaryDirectory(prefix="cimkit-") as folder:
        result = os.path.join(folder, "result.h5")
        done = subprocess.run([binary(), *arguments, "-o", result, "--quiet"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
            raise (ValueError if done.returncode == 2 else RuntimeError)(message)
        return read(result)


def _device_settings(parameters):
    return [a for key, value in (parameters or {}).items() for a in ("--set", f"device.{key}={value}")]


def simulate(netlist, vectors=None, timeout_s=600):
    """Run a netlist as `cimkit simulate` does (guarded, sandboxed) and return /waveforms: one Group
    per analysis card (op1, tran1, ac1, ...), its vectors as arrays, its card in .attrs."""
    arguments = ["simulate", os.fspath(netlist), "--timeout", str(timeout_s)]
    if vectors:
        arguments += ["--vectors", ",".join(vectors)]
    return _run(arguments)["waveforms"]


def characterize(device, experiment="all", parameters=None, devices=None, seed=1):
    """`cimkit characterize --device DEVICE --experiment EXPERIMENT` (iv, pulses, retention,
    variability or all) with device parameters {name: value}: /characterisation/<device>, one Group
    per experiment."""
    arguments = ["characterize", "--device", device, "--experiment", experiment, "--seed", str(seed), *_device_settings(parameters)]
    if devices is not None:
        arguments += ["--devices", str(devices)]
    return _run(arguments)["characterisation"][device]


def crossbar(device, rows=16, cols=8, parameters=None, seed=1, **options):
    """`cimkit crossbar --device DEVICE --rows R --cols C` read in ngspice and by the compact model:
    /crossbar (weights, levels, inputs, spice/ and compact/ column currents and outputs). Other
    options by their long name with _ for -, e.g. wire_ohm=2.0, scheme="differential"."""
    arguments = ["crossbar", "--device", device, "--rows", str(rows), "--cols", str(cols), "--seed", str(seed),
                 *_device_settings(parameters)]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        arguments += [flag] if value is True else [flag, str(value)]
    return _run(arguments)["crossbar"]


__all__ = ["Device", "Group", "binary", "characterize", "crossbar", "device_table", "devices", "read", "simulate", "source_path", "sweep_table", "train"]
