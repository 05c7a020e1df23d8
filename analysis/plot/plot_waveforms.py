"""Figures of `cimkit simulate` results (docs/hdf5-schema.md, /waveforms, /measurements, /fourier).

One figure per analysis group, `<stem>_<group>`:
- a sweep (tran, dc, noise spectra): one axis per unit, never volts and amperes on one axis; a family
  of indexed vectors (`v(in_0)`, `v(in_1)`, ...) gets an axis of its own; at most TRACE_LIMIT traces
  per axis, the first ones, with "first 12 of 784 shown" in the axis title;
- AC (complex vectors): Bode, magnitude in dB per unit and phase in degrees, the half-power (-3 dB)
  point of every trace that falls by 3 dB marked with its frequency and phase;
- a nested `.dc` (`sweep_shape`): one axis per vector, one curve per outer value, the outer value in
  the legend;
- scalar results (`.op`, `.tf`, integrated `.noise`: `scale` empty): a table, never an x axis.
`.meas` results make one table figure (`<stem>_measurements`), each `.four` vector a harmonic bar
chart (`<stem>_fourier_<group>_<vector>`)."""
import itertools
import re

import matplotlib.pyplot as plt
import numpy as np

from plot_common import (Planned, axis_label, legend, limited, log_if_decades, natural_key, quantity, si_scale,
                         si_text, style, table, unit_of, value_text)

HALF_POWER_DB = 10 * np.log10(2.0)  # 3.0103 dB: where an RC low-pass is at -45 degrees
NESTED_PANEL_LIMIT = 6


def _vector_names(group, selected):
    scale = group.attrs.get("scale", "")
    names = sorted((k for k in group if k != scale), key=natural_key)
    if selected is not None:
        names = [k for k in names if k in selected]
    return names


def _axes_of(group, names):
    """[(axis title, unit, [names])]: one per unit, and one per family of indexed vectors (two or more
    names equal but for their digits) within a unit."""
    by_unit = {}
    for name in names:
        by_unit.setdefault(unit_of(group[name]), []).append(name)
    out = []
    for unit, members in by_unit.items():
        families = {}
        for name in members:
            families.setdefault(re.sub(r"\d+", "#", name) if re.search(r"\d", name) else "", []).append(name)
        loose = [n for key, group_names in families.items() if key == "" or len(group_names) == 1 for n in group_names]
        if loose:
            out.append((quantity(unit), unit, sorted(loose, key=natural_key)))
        for key, group_names in families.items():
            if key and len(group_names) > 1:
                out.append((key.replace("#", "*"), unit, group_names))
    return out


def _draw_sweep(fig, group, names, title):
    scale = group.attrs["scale"]
    x = np.asarray(group[scale][:], dtype=float)
    # A log frequency axis reads in Hz: 10^3 Hz, not 10^-3 MHz.
    xf, xunit = (1.0, unit_of(group[scale])) if scale == "frequency" else si_scale(x, unit_of(group[scale]))
    panels = _axes_of(group, names)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    fig.set_size_inches(7.6, 1.2 + 2.4 * len(panels))
    facts = {"axes": []}
    for ax, (what, unit, members) in zip(axes, panels):
        shown, limit_note = limited(members)
        ys = [np.asarray(group[n][:], dtype=float) for n in shown]
        yf, yunit = si_scale(np.concatenate(ys), unit)
        # An indexed family is ordered: a colour gradient; loose vectors take the colour cycle, dashed
        # once its ten colours are used up.
        family = what != quantity(unit)
        colours = plt.cm.viridis(np.linspace(0.0, 0.92, len(shown))) if family else [f"C{k % 10}" for k in range(len(shown))]
        for k, (name, y) in enumerate(zip(shown, ys)):
            ax.plot(x * xf, y * yf, linewidth=1.0, label=name, color=colours[k], linestyle="--" if not family and k >= 10 else "-")
        ax.set_ylabel(axis_label(quantity(unit), yunit))
        ax.set_title(f"{what}" + (f" ({limit_note})" if limit_note else ""), fontsize=9)
        if "sqrt(Hz)" in unit or scale == "frequency":
            log_if_decades(ax, np.concatenate(ys), "y", 1.0)
        style(ax)
        legend(ax, len(shown))
        facts["axes"].append({"unit": unit, "traces": len(shown), "of": len(members)})
    if scale == "frequency":
        axes[-1].set_xscale("log")
    axes[-1].set_xlabel(axis_label(scale, xunit))
    fig.suptitle(title, fontsize=10)
    return facts


def _half_power_point(f, magnitude_db, phase_deg):
    """(frequency, phase) where the magnitude first falls HALF_POWER_DB below its value at the lowest
    frequency, interpolated in log f; None when it never does."""
    below = np.nonzero(magnitude_db <= magnitude_db[0] - HALF_POWER_DB)[0]
    if below.size == 0 or below[0] == 0:
        return None
    k = below[0]
    target = magnitude_db[0] - HALF_POWER_DB
    w = (magnitude_db[k - 1] - target) / (magnitude_db[k - 1] - magnitude_db[k])
    log_f = np.log10(f[k - 1]) + w * (np.log10(f[k]) - np.log10(f[k - 1]))
    return 10 ** log_f, phase_deg[k - 1] + w * (phase_deg[k] - phase_deg[k - 1])


def _draw_bode(fig, group, names, title):
    scale = group.attrs["scale"]
    f = np.asarray(group[scale][:], dtype=float)
    by_unit = {}
    for name in names:
        by_unit.setdefault(unit_of(group[name]), []).append(name)
    axes = fig.subplots(len(by_unit) + 1, 1, sharex=True, squeeze=False)[:, 0]
    fig.set_size_inches(7.6, 1.2 + 2.4 * len(axes))
    phase_ax, facts = axes[-1], {"half_power": {}}
    # One colour per trace across the magnitude axes: the phase axis holds them all.
    colour = itertools.cycle(f"C{k}" for k in range(10))
    for ax, (unit, members) in zip(axes, by_unit.items()):
        shown, limit_note = limited(members)
        for name in shown:
            c = next(colour)
            h = np.asarray(group[name][:])
            with np.errstate(divide="ignore"):
                db = 20 * np.log10(np.abs(h))
            phase = np.degrees(np.unwrap(np.angle(h)))
            label = name
            corner = _half_power_point(f, db, phase)
            if corner is not None:
                fc, pc = corner
                label += f": -3 dB at {si_text(fc, 'Hz', 3)}, {pc:.1f}°"
                ax.plot([fc], [db[0] - HALF_POWER_DB], "o", color=c, markersize=5)
                phase_ax.plot([fc], [pc], "o", color=c, markersize=5)
                facts["half_power"][name] = {"frequency_Hz": fc, "phase_deg": pc}
            ax.plot(f, db, color=c, linewidth=1.2, label=label)
            phase_ax.plot(f, phase, color=c, linewidth=1.2, label=name)
        ref = f" re 1 {unit}" if unit else ""
        ax.set_ylabel(f"magnitude [dB{ref}]")
        ax.set_title(f"{quantity(unit)}" + (f" ({limit_note})" if limit_note else ""), fontsize=9)
        legend(ax, len(shown))
        style(ax)
    phase_ax.set_ylabel("phase [°]")
    phase_ax.set_title("phase", fontsize=9)
    legend(phase_ax, len(phase_ax.get_lines()) - len(facts["half_power"]))
    style(phase_ax)
    phase_ax.set_xscale("log")
    phase_ax.set_xlabel(axis_label(scale, unit_of(group[scale])))
    fig.suptitle(title, fontsize=10)
    return facts


def _source_unit(source, fallback):
    return {"v": "V", "i": "A"}.get(str(source)[:1].lower(), fallback)


def _draw_family(fig, group, names, title):
    scale = group.attrs["scale"]
    shape = tuple(int(n) for n in group.attrs["sweep_shape"])
    x = np.asarray(group[scale][:], dtype=float).reshape(shape)
    xf, xunit = si_scale(x, unit_of(group[scale]))
    outer_source = str(group.attrs.get("outer_source", "outer source"))
    outer = group.attrs.get("outer_sweep")
    outer_unit = _source_unit(outer_source, unit_of(group[scale]))
    rows = list(range(shape[0]))
    shown_rows, rows_note = limited(rows)
    if outer is not None and len(outer) == shape[0]:
        labels = [f"{outer_source} = {si_text(float(outer[j]), outer_unit, 4)}" for j in shown_rows]
    else:
        labels = [f"{outer_source} step {j + 1}" for j in shown_rows]
    panels, panels_note = limited(names, NESTED_PANEL_LIMIT)
    columns = 2 if len(panels) > 1 else 1
    lines = (len(panels) + columns - 1) // columns
    axes = np.ravel(fig.subplots(lines, columns, squeeze=False, sharex=True))
    fig.set_size_inches(5.0 * columns + 1.8, 1.0 + 3.0 * lines)
    colours = plt.cm.viridis(np.linspace(0.0, 0.9, len(shown_rows)))
    facts = {"family": {}, "outer_values": shape[0]}
    for ax, name in zip(axes, panels):
        y = np.asarray(group[name][:], dtype=float).reshape(shape)
        yf, yunit = si_scale(y, unit_of(group[name]))
        for j, colour, text in zip(shown_rows, colours, labels):
            ax.plot(x[j] * xf, y[j] * yf, color=colour, linewidth=1.2, label=text)
        ax.set_title(name, fontsize=9)
        ax.set_ylabel(axis_label(name, yunit))
        style(ax)
        facts["family"][name] = len(shown_rows)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for ax in axes[max(0, len(panels) - columns):len(panels)]:
        ax.set_xlabel(axis_label(f"{group.attrs.get('inner_source', scale)} ({scale})", xunit))
        ax.xaxis.set_tick_params(labelbottom=True)
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="center right", fontsize=8,
               title=f"outer sweep{f' ({rows_note})' if rows_note else ''}", title_fontsize=8)
    fig.suptitle(title + (f"\n{panels_note} vectors" if panels_note else ""), fontsize=10)
    # Laid out here, leaving room for the figure legend; "tight" tells draw_all not to lay it out again.
    fig.tight_layout(rect=(0, 0, 1.0 - 1.7 / fig.get_size_inches()[0], 1))
    facts["tight"] = True
    return facts


def _draw_scalars(fig, group, names, title):
    rows = [[name, value_text(group[name][()]), unit_of(group[name]) or "-"] for name in names]
    table(fig, rows, ["result", "value", "unit (ngspice's vector type)"], title)
    return {"table_rows": len(rows)}


def _kind(group, names):
    scale = group.attrs.get("scale", "")
    if not scale:
        return _draw_scalars
    group[scale]  # a missing scale is the file's fault: KeyError, reported as bad input
    if "sweep_shape" in group.attrs:
        return _draw_family
    if any(np.iscomplexobj(group[n][()]) for n in names):
        return _draw_bode
    return _draw_sweep


def waveform_figures(waveforms, stem, selected):
    """Planned figures of /waveforms; `selected` is the set of --vectors names or None."""
    out = []
    for name, group in sorted(waveforms.items(), key=lambda item: natural_key(item[0])):
        if not group.is_group:
            raise ValueError(f"{group.name} is a dataset; expected a group of vectors")
        names = _vector_names(group, selected)
        if not names:
            continue
        draw = _kind(group, names)
        card = str(group.attrs.get("card", "")) or str(group.attrs.get("analysis", ""))
        title = f"{stem}: {name}" + (f"  ({card})" if card else "")
        out.append(Planned(f"{stem}_{name}", title, lambda fig, g=group, n=names, t=title, d=draw: d(fig, g, n, t)))
    return out


def available_vectors(waveforms):
    return {k for _, g in waveforms.items() if g.is_group for k in g if k != g.attrs.get("scale", "")}


def measurement_figure(measurements, stem):
    rows = []
    for plot, group in sorted(measurements.items(), key=lambda item: natural_key(item[0])):
        if not group.is_group:
            raise ValueError(f"{group.name} is a dataset; expected a group of .meas results")
        for name, m in sorted(group.items(), key=lambda item: natural_key(item[0])):
            detail = str(m.attrs.get("error", "")) if int(m.attrs.get("failed", 0)) else ""
            for key in ("at", "trig", "targ"):
                if key in m.attrs and not detail:
                    detail += f"{key} {float(m.attrs[key]):.6g}  "
            rows.append([plot, name, value_text(m[()]), unit_of(m) or "-", detail.strip()[:60]])
    if not rows:
        return []
    title = f"{stem}: .meas results"
    return [Planned(f"{stem}_measurements", title,
                    lambda fig: (table(fig, rows, ["analysis", "name", "value", "unit", "at / trig / targ or error"], title),
                                 {"table_rows": len(rows)})[1])]


def _draw_fourier(fig, group, title):
    h = np.asarray(group["harmonic"][()], dtype=int)
    magnitude = np.abs(np.asarray(group["magnitude"][()], dtype=float))
    factor, unit = si_scale(magnitude, unit_of(group["magnitude"]))
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(h, magnitude * factor, color="C0")
    ax.set_yscale("log")
    ax.set_xticks(h)
    ax.set_xlabel(f"harmonic (fundamental {si_text(float(group.attrs.get('fundamental_Hz', np.nan)), 'Hz', 4)})")
    ax.set_ylabel(axis_label("magnitude", unit))
    ax.set_title(title + f"\nTHD {float(group.attrs.get('thd_percent', np.nan)):.4g} %", fontsize=10)
    style(ax)
    return {"bars": len(h)}


def fourier_figures(fourier, stem):
    out = []
    for plot, vectors in sorted(fourier.items(), key=lambda item: natural_key(item[0])):
        if not vectors.is_group:
            raise ValueError(f"{vectors.name} is a dataset; expected a group of .four vectors")
        for vector, group in vectors.items():
            if not group.is_group or int(group.attrs.get("failed", 0)) or "magnitude" not in group.members:
                continue
            title = f"{stem}: Fourier of {vector} in {plot}"
            out.append(Planned(f"{stem}_fourier_{plot}_{vector}", title,
                               lambda fig, g=group, t=title: _draw_fourier(fig, g, t)))
    return out


def check_selection(waveforms, selected):
    """The --vectors names no analysis holds: [] when all are found."""
    if selected is None or waveforms is None:
        return sorted(selected or [])
    have = available_vectors(waveforms)
    return sorted(set(selected) - have)

