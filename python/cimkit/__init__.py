"""cimkit from Python (docs/python.md).

In process, through the same libraries as the `cimkit` executable (python/native/):
  devices()                      names of the built-in device models
  Device(name, parameters, seed) one device: set_level, level, conductance_S, current_A(v array),
                                 apply_pulses(polarity, count) -> conductance after each pulse
  train(config, settings, on_epoch)
                                 `cimkit train --config CONFIG --set key=value ...` in this process:
                                 {"metrics": {name: array}, "weights": [...], "evaluations": [...]}
Through the executable (its sandboxed ngspice worker, as the command line runs it):
  simulate(netlist, vectors=None) -> {analysis: Group of vectors}
And for any file cimkit wrote:
  read(path) -> Group: members by name (numpy arrays, Groups), .attrs and .units
  source_path(relative)          a file of the source tree (example netlists, presets)

Units are SI and in the names (_V, _A, _S, _s, _J), as in the HDF5 files. Bad input raises
ValueError with cimkit's message; a failed run raises RuntimeError."""
import os
import shutil
import subprocess
import tempfile

import h5py

from ._native import Device, devices, train  # noqa: F401  (re-exported)

try:
    from ._paths import CIMKIT_BINARY as _BUILT_BINARY, SOURCE_DIR as _SOURCE_DIR
except ImportError:  # a copy without the generated file
    _BUILT_BINARY, _SOURCE_DIR = None, None


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


def binary():
    """The cimkit executable simulate() runs: $CIMKIT_BINARY, the build tree's, or `cimkit` on PATH."""
    found = os.environ.get("CIMKIT_BINARY") or _BUILT_BINARY or shutil.which("cimkit")
    if not found or not os.path.exists(found):
        raise RuntimeError("cimkit: the cimkit executable was not found; set CIMKIT_BINARY")
    return found


def source_path(relative):
    """A file of the source tree cimkit was built from, e.g. source_path("netlists/examples/rc_lowpass.cir")."""
    if not _SOURCE_DIR:
        raise RuntimeError("cimkit: the source tree is not known to this copy of the package")
    return os.path.join(_SOURCE_DIR, relative)


def simulate(netlist, vectors=None, timeout_s=600):
    """Run a netlist as `cimkit simulate` does (guarded, sandboxed) and return /waveforms: one Group
    per analysis card (op1, tran1, ac1, ...), its vectors as arrays, its card in .attrs."""
    with tempfile.TemporaryDirectory(prefix="cimkit-simulate-") as folder:
        result = os.path.join(folder, "result.h5")
        command = [binary(), "simulate", os.fspath(netlist), "-o", result, "--quiet", "--timeout", str(timeout_s)]
        if vectors:
            command += ["--vectors", ",".join(vectors)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
            raise (ValueError if done.returncode == 2 else RuntimeError)(message)
        return read(result)["waveforms"]


__all__ = ["Device", "Group", "binary", "devices", "read", "simulate", "source_path", "train"]
