"""Figures of `cimkit crossbar` results (docs/hdf5-schema.md, /crossbar); the read transient under
/waveforms/tran1 is drawn by plot_waveforms.py (trace limit per axis).
- `<stem>_crossbar_currents`: SPICE against compact column currents (and the weight columns' outputs
  when the scheme combines columns) on a y = x line, and beside it each column's error relative to
  the ADC full scale with the 1/2 LSB line the read latency is defined by;
- `<stem>_crossbar_arrays`: heatmaps of the weights and of the programmed levels, with colour bars
  (drawn as images: a 784 x 10 array is one image, not 7 840 patches);
- `<stem>_crossbar_energy`: the read energy by part, with the latency."""
import numpy as np
from matplotlib.cm import ScalarMappable

from plot_common import axis_label, legend, note, Planned, si_scale, si_text, style


def _attr(group, key, default=np.nan):
    value = group.attrs.get(key, default)
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def draw_currents(fig, crossbar, title):
    ax, err_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
    fig.set_size_inches(11.0, 4.6)
    pairs = [("column_current", "physical columns", "o", "C0")]
    if "output" in crossbar["spice"].members and len(crossbar["spice"]["output"][:]) != len(crossbar["spice"]["column_current"][:]):
        pairs.append(("output", "weight columns (combined)", "s", "C1"))
    everything = np.concatenate([np.ravel(crossbar[side][key][:]) for key, *_ in pairs for side in ("spice", "compact")])
    factor, unit = si_scale(everything, "A")
    full_scale = _attr(crossbar, "adc_full_scale_A")
    if not np.isfinite(full_scale) or full_scale <= 0:
        full_scale = float(np.max(np.abs(everything))) or 1.0
    facts = {"points": 0}
    worst = 0.0
    for key, what, marker, colour in pairs:
        spice = np.asarray(crossbar["spice"][key][:], dtype=float)
        compact = np.asarray(crossbar["compact"][key][:], dtype=float)
        ax.plot(compact * factor, spice * factor, marker, color=colour, markersize=4, alpha=0.8, label=f"{what} ({len(spice)})")
        error = np.abs(spice - compact) / full_scale
        worst = max(worst, float(error.max(initial=0.0)))
        nonzero = error > 0
        index = np.arange(len(error))
        err_ax.plot(index[nonzero], error[nonzero], marker, color=colour, markersize=4, label=what)
        if np.any(~nonzero):
            err_ax.plot(index[~nonzero], np.full((~nonzero).sum(), 1e-17), "v", color=colour, markersize=4,
                        alpha=0.5, label=f"{what}: exactly equal (drawn at 1e-17)")
        facts["points"] += len(spice)
    low, high = float(np.min(everything * factor)), float(np.max(everything * factor))
    pad = 0.05 * (high - low or 1.0)
    ax.plot([low - pad, high + pad], [low - pad, high + pad], color="0.4", linewidth=0.8, linestyle="--", label="y = x")
    ax.set_xlabel(axis_label("compact model current", unit))
    ax.set_ylabel(axis_label("SPICE current", unit))
    ax.set_title("column currents", fontsize=9)
    ax.set_aspect("equal", adjustable="datalim")
    style(ax)
    legend(ax, len(pairs) + 1)
    bits = _attr(crossbar, "adc_bits")
    if np.isfinite(bits):
        half_lsb = 0.5 / 2 ** bits
        err_ax.axhline(half_lsb, color="C3", linestyle="--", linewidth=1, label=f"1/2 LSB at {bits:.0f} bits")
    err_ax.set_yscale("log")
    err_ax.set_xlabel("column")
    err_ax.set_ylabel(f"|I$_{{SPICE}}$ − I$_{{compact}}$| / ADC full scale ({si_text(full_scale, 'A', 3)})")
    err_ax.set_title(f"relative error (largest {worst:.3g}; file's max_relative_error "
                     f"{_attr(crossbar, 'max_relative_error'):.3g})", fontsize=9)
    style(err_ax)
    err_ax.legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=10)
    facts["largest_relative_error"] = worst
    return facts


def _heatmap(fig, ax, values, cmap, vmin, vmax, label, what):
    """Rows of the array along x, columns along y: a 784 x 10 array becomes a readable wide strip."""
    image = ax.imshow(values.T, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
                      origin="lower", extent=(-0.5, values.shape[0] - 0.5, -0.5, values.shape[1] - 0.5))
    bar = fig.colorbar(image, ax=ax, pad=0.01)
    bar.set_label(label, fontsize=8)
    ax.set_xlabel("row (input)")
    ax.set_ylabel(what)
    ax.set_title(f"{label}: {values.shape[0]} rows × {values.shape[1]} {what}s", fontsize=9)


def draw_arrays(fig, crossbar, title):
    weights = np.asarray(crossbar["weights"][:], dtype=float)
    levels = np.asarray(crossbar["levels"][:], dtype=float)
    inputs = np.asarray(crossbar["inputs"][:], dtype=float)
    ax_w, ax_l, ax_in = fig.subplots(3, 1, gridspec_kw={"height_ratios": [3, 3, 1.4]})
    fig.set_size_inches(10.0, 8.6)
    limit = float(np.max(np.abs(weights))) or 1.0
    _heatmap(fig, ax_w, weights, "RdBu_r", -limit, limit, "weight", "weight column")
    _heatmap(fig, ax_l, levels, "viridis", 0.0, 1.0, "programmed level (fraction of the G range)", "physical column")
    factor, unit = si_scale(inputs, "V")
    ax_in.step(np.arange(len(inputs)), inputs * factor, where="mid", color="C0", linewidth=0.8)
    ax_in.set_xlim(-0.5, len(inputs) - 0.5)
    ax_in.set_xlabel("row (input)")
    ax_in.set_ylabel(axis_label("read voltage", unit))
    style(ax_in)
    # An invisible colour bar keeps the inputs' x axis aligned with the heatmaps' above it.
    fig.colorbar(ScalarMappable(), ax=ax_in, pad=0.01).ax.set_visible(False)
    fig.suptitle(title, fontsize=10)
    return {"heatmaps": 2, "weights_shape": list(weights.shape), "levels_shape": list(levels.shape)}


ENERGY_PARTS = [("energy_devices_J", "devices"), ("energy_wire_resistance_J", "wire resistance"),
                ("energy_driver_resistance_J", "driver resistance"), ("energy_wire_capacitance_J", "wire capacitance"),
                ("energy_readout_J", "read-out")]


def draw_energy(fig, crossbar, title):
    ax = fig.add_subplot(1, 1, 1)
    parts = [(what, _attr(crossbar, key)) for key, what in ENERGY_PARTS if key in crossbar.attrs]
    values = np.array([v for _, v in parts])
    factor, unit = si_scale(values, "J")
    bars = ax.bar([what for what, _ in parts], values * factor, color=[f"C{k}" for k in range(len(parts))])
    for bar, value in zip(bars, values):
        ax.annotate(si_text(value, "J", 3), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(axis_label("energy per read", unit))
    ax.set_title(f"{title}\ntotal {si_text(_attr(crossbar, 'energy_total_J'), 'J', 4)}, read latency "
                 f"{si_text(_attr(crossbar, 'read_latency_s'), 's', 3)} ({_attr(crossbar, 'adc_bits'):.0f}-bit settling)",
                 fontsize=10)
    style(ax)
    if not parts:
        note(ax, "the file has no energy attributes")
    return {"bars": len(parts)}


def crossbar_figures(crossbar, stem):
    if not crossbar.is_group:
        raise ValueError("/crossbar is a dataset; expected the group cimkit crossbar writes")
    attrs = crossbar.attrs
    rows, cols = np.shape(crossbar["weights"][:]) if "weights" in crossbar.members else ("?", "?")
    title = (f"{stem}: {attrs.get('device', '?')} crossbar {rows}×{cols}, {attrs.get('scheme', '?')} scheme, "
             f"{attrs.get('readout', 'ideal')} read-out")
    return [Planned(f"{stem}_crossbar_currents", title, lambda fig: draw_currents(fig, crossbar, title)),
            Planned(f"{stem}_crossbar_arrays", title, lambda fig: draw_arrays(fig, crossbar, title)),
            Planned(f"{stem}_crossbar_energy", title, lambda fig: draw_energy(fig, crossbar, title))]
