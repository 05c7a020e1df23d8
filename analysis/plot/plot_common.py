"""What every kind of cimkit figure shares: the planned-figure record, SI prefixes for axis units,
labels from the datasets' `units` attributes, the per-axis trace limit, notes, and a table figure for
scalar results. The drawing modules (plot_training.py, plot_crossbar.py, plot_waveforms.py,
plot_characterisation.py) build on these; cimkit_plot.py dispatches and writes the files."""
import math
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

# More traces than this on one axis cannot be told apart (12 distinct colours at most, a legend that
# still fits beside the axes): beyond it the first ones are drawn and the axis title says so.
TRACE_LIMIT = 12

_PREFIXES = [(1e-18, "a"), (1e-15, "f"), (1e-12, "p"), (1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1.0, ""),
             (1e3, "k"), (1e6, "M"), (1e9, "G")]
# Units an SI prefix may be put in front of; "1", "%", "dB", "degree" and compound units stay as they are.
_PREFIXABLE = {"V", "A", "S", "s", "Hz", "J", "W", "F", "Ohm", "Ω"}


@dataclass
class Planned:
    """One figure: its file name without extension, its title, its size, and the function that draws
    it on a matplotlib Figure and returns facts for --describe (a dict, may be empty)."""
    name: str
    title: str
    draw: Callable
    size: tuple = (6.4, 4.4)
    facts: dict = field(default_factory=dict)


def unit_of(node):
    units = node.attrs.get("units", "")
    if isinstance(units, bytes):
        units = units.decode()
    return str(units)


def si_scale(values, unit):
    """(factor, prefixed unit) so that values * factor read in [1, 1000) of the prefixed unit, from the
    largest magnitude; the unit unchanged when it takes no prefix."""
    if unit not in _PREFIXABLE:
        return 1.0, unit
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size == 0:
        return 1.0, unit
    largest = float(finite.max())
    chosen = _PREFIXES[0]
    for scale, prefix in _PREFIXES:
        if largest >= scale * 0.9995:
            chosen = (scale, prefix)
    return 1.0 / chosen[0], chosen[1] + unit


QUANTITIES = {"V": "voltage", "A": "current", "s": "time", "Hz": "frequency", "S": "conductance", "J": "energy",
              "V/sqrt(Hz)": "noise density", "A/sqrt(Hz)": "noise density"}


def quantity(unit):
    """'voltage' for V: the axis title and label of a unit's axis."""
    return QUANTITIES.get(unit, unit or "value")


def axis_label(name, unit):
    return f"{name} [{unit}]" if unit and unit != "1" else name


def si_text(value, unit, digits=4):
    """'1.59 kHz', '-45.0 degree', '3.2e-16' (no unit)."""
    if value is None or not np.isfinite(value):
        return f"{value} {unit}".strip()
    factor, prefixed = si_scale([value], unit)
    return f"{value * factor:.{digits}g} {prefixed}".strip()


def natural_key(name):
    """'in_2' before 'in_10': digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def limited(names, limit=TRACE_LIMIT):
    """(the first `limit` names, the note to add to the axis title or '')."""
    if len(names) <= limit:
        return list(names), ""
    return list(names[:limit]), f"first {limit} of {len(names)} shown"


def log_if_decades(ax, values, axis="y", decades=2.0):
    """A log axis when the positive values span more than `decades` decades and none is <= 0."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size and np.all(v > 0) and math.log10(v.max() / v.min()) > decades:
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
        return True
    return False


def style(ax):
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", alpha=0.12)


def legend(ax, count, **kwargs):
    """Inside the axes for a few entries, beside them (right) for more, so it never covers the data."""
    if count == 0:
        return
    if count <= 4:
        ax.legend(fontsize=8, **kwargs)
    else:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)


def note(ax, text):
    """A sentence inside the axes (top left) for what the figure cannot show."""
    ax.text(0.02, 0.97, text, transform=ax.transAxes, va="top", ha="left", fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "edgecolor": "0.7"})


def table(fig, rows, columns, title=None, limit=30):
    """A figure that is a table: rows of strings; beyond `limit` rows the first ones and a note."""
    shown = rows[:limit]
    ax = fig.add_subplot(1, 1, 1)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    if not shown:
        note(ax, "no results")
        return ax
    t = ax.table(cellText=shown, colLabels=columns, bbox=(0.0, 0.0, 1.0, 1.0), cellLoc="left", colLoc="left")
    t.auto_set_font_size(False)
    t.set_fontsize(9)
    t.auto_set_column_width(list(range(len(columns))))
    for (row, _), cell in t.get_celld().items():
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("0.92")
    if len(rows) > limit:
        ax.text(0.5, -0.02, f"first {limit} of {len(rows)} rows shown", transform=ax.transAxes, ha="center", va="top", fontsize=8)
    fig.set_size_inches(max(6.4, 1.6 * len(columns) + 3), 0.3 * (len(shown) + 1) + 1.0)
    return ax


def value_text(value):
    v = np.ravel(np.asarray(value))
    if v.size == 0:
        return "(empty)"
    x = v[0]
    if np.iscomplexobj(x):
        return f"{x.real:.6g} {'+' if x.imag >= 0 else '-'} {abs(x.imag):.6g}j"
    return f"{float(x):.6g}"
