"""The one part of `cimkit plot` that reads the HDF5 file: the groups it draws, read whole into memory
and the file closed again, before anything is drawn.

Why a snapshot: libhdf5 1.10 spins for minutes or crashes on some corrupt files
(tests/fuzz/libhdf5_faults/), and h5py reads lazily, so with live h5py objects the fault would strike
in the middle of drawing. Reading everything first confines libhdf5 to this module, which is the
phase `cimkit plot` runs under a time limit (apps/plot_process.hpp); the drawing afterwards works on
numpy arrays only.

Links and datasets whose values live in other files (external links, soft links, external storage,
virtual datasets) are refused, as by cimkit's own reader: a figure shows what the file holds, and a
stranger's file must not make the reader open other files."""
import h5py


class Unreadable(Exception):
    """The file cannot be read as a cimkit file; the text says what was found and what was expected."""


class Node:
    """A group (members) or a dataset (value) with its attributes, indexed like the h5py object."""

    def __init__(self, name, attrs, members=None, value=None):
        self.name, self.attrs, self.members, self.value = name, attrs, members, value

    @property
    def is_group(self):
        return self.members is not None

    def __getitem__(self, key):
        if not self.is_group:
            return self.value[key]
        if key not in self.members:
            raise KeyError(f"{self.name} has no member '{key}'")
        return self.members[key]

    def __iter__(self):
        return iter(self._members())

    def items(self):
        return self._members().items()

    def _members(self):
        if not self.is_group:
            raise TypeError(f"{self.name} is a dataset, not a group")
        return self.members


def _load(group, key):
    where = f"{group.name.rstrip('/')}/{key}"
    link = group.get(key, getlink=True)
    if not isinstance(link, h5py.HardLink):
        raise Unreadable(f"{where} is a link ({type(link).__name__}); expected only groups and datasets stored in the file")
    obj = group[key]
    attrs = {name: obj.attrs[name] for name in obj.attrs}
    if isinstance(obj, h5py.Group):
        return Node(where, attrs, members={name: _load(obj, name) for name in obj})
    if not isinstance(obj, h5py.Dataset):
        raise Unreadable(f"{where} is a {type(obj).__name__}; expected a group or a dataset")
    if obj.external or obj.is_virtual:
        raise Unreadable(f"{where} keeps its values in other files; expected values stored in the file")
    return Node(where, attrs, value=obj[()])


def read(path, groups):
    """The root as a Node: its attributes (the provenance, read whole like everything else: a figure
    is not drawn from a file whose provenance cannot be read) and, as members, each of `groups`
    (top-level names) the file holds; Unreadable otherwise."""
    try:
        f = h5py.File(path, "r")
    except Exception as error:  # h5py raises OSError for most, others for some corrupt superblocks
        raise Unreadable(f"cannot be opened as HDF5 ({error}); expected an HDF5 file written by cimkit") from None
    try:
        with f:
            attrs = {name: f.attrs[name] for name in f.attrs}
            return Node("/", attrs, members={name: _load(f, name) for name in groups if f.get(name, getlink=True) is not None})
    except Unreadable:
        raise
    except Exception as error:  # whatever a corrupt file makes h5py raise, MemoryError included
        raise Unreadable(f"is corrupt: reading it failed ({type(error).__name__}: {error}); "
                         "expected an HDF5 file written by cimkit") from None
