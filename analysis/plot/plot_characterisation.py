"""Figures of `cimkit characterize` results (docs/hdf5-schema.md, /characterisation), one per
experiment, `<stem>_<device>_<experiment>`:
- iv: the current of each programmed level against voltage;
- pulses: every device's conductance against pulse number when there are at most PULSE_DEVICE_LIMIT,
  else an evenly spaced sample ("32 of 100 devices shown"), the mean, and the pulse-response figures;
- retention: the devices' conductance on log time with the fitted law the file stores drawn over it
  (PCM drift: G = G_1 (t / 1 s)^-nu with nu_mean, amplitude fitted here to the mean where the file's
  fit ran, t >= 1e4 s; leakage: beside it the fraction of the level's deviation left on a linear time
  axis, with the linear droop 1 - t/tau fitted here with numpy and the t_1/2 the file stores; no
  retention law: the largest change);
- variability: one histogram per read level and per programmed extreme and step, bins from the
  data's own range; a spread of zero says "all N devices identical: X S" instead of a blank axis."""
import numpy as np
from matplotlib import ticker

from plot_common import Planned, axis_label, legend, note, si_scale, si_text, style

PULSE_DEVICE_LIMIT = 32
DRIFT_FIT_FROM_S = 1e4  # the fit range of analysis/characterization/retention_experiment.cpp


def draw_iv(fig, group, title):
    ax = fig.add_subplot(1, 1, 1)
    v = group["voltage_V"][:]
    current = np.asarray(group["current_A"][:], dtype=float)
    factor, unit = si_scale(current, "A")
    i = current * factor
    levels = group["level"][:]
    for row, level in zip(i, levels):
        ax.plot(v, row, linewidth=1.2, label=f"level {level:.2f}")
    ax.set_xlabel(axis_label("voltage", "V"))
    ax.set_ylabel(axis_label("current", unit))
    if "read_voltage_V" in group.attrs:
        ax.axvline(float(group.attrs["read_voltage_V"]), color="0.5", linestyle=":", label="read voltage")
    ax.set_title(title, fontsize=10)
    style(ax)
    legend(ax, len(levels) + 1)
    return {"curves": len(levels)}


def draw_pulses(fig, group, title):
    ax = fig.add_subplot(1, 1, 1)
    n = group["pulse_number"][:]
    g_all = np.asarray(group["conductance_S"][:], dtype=float)
    factor, unit = si_scale(g_all, "S")
    g, mean = g_all * factor, np.asarray(group["mean_conductance_S"][:], dtype=float) * factor
    devices = g.shape[0]
    shown = devices if devices <= PULSE_DEVICE_LIMIT else PULSE_DEVICE_LIMIT
    rows = np.linspace(0, devices - 1, shown).round().astype(int) if shown < devices else np.arange(devices)
    for k, row in enumerate(rows):
        ax.plot(n, g[row], color="0.6", linewidth=0.5, alpha=0.8, label="devices" if k == 0 else None)
    ax.plot(n, mean, color="C0", linewidth=2, label=f"mean of {devices}")
    if "pulses_per_branch" in group.attrs:
        ax.axvline(float(group.attrs["pulses_per_branch"]), color="C3", linestyle="--", label="potentiation | depression")
    ax.set_xlabel("pulse number")
    ax.set_ylabel(axis_label("conductance", unit))
    sample = f"all {devices} devices shown" if shown == devices else f"{shown} of {devices} devices shown"
    ax.set_title(f"{title}\n{sample}", fontsize=10)
    figures = [f"{key.replace('_', ' ')} {float(group.attrs[key]):.3g}" for key in
               ("states", "nonlinearity_potentiation", "nonlinearity_depression", "asymmetry", "c2c_sigma", "d2d_sigma")
               if key in group.attrs]
    if figures:
        # Beside the axes: inside, it would cover a device's branch somewhere.
        fig.set_size_inches(8.6, 4.6)
        ax.text(1.02, 0.5, "\n".join(figures), transform=ax.transAxes, ha="left", va="center", fontsize=8,
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "edgecolor": "0.7"})
    style(ax)
    ax.legend(fontsize=8, loc="upper left")
    return {"devices_shown": int(shown), "devices": int(devices)}


def _drift_law(t, g_mean, nu):
    """The drift law with the file's nu, amplitude from the mean curve over the fit range."""
    fit = (t >= DRIFT_FIT_FROM_S) & (g_mean > 0)
    if not np.any(fit):
        return None
    log_amplitude = np.mean(np.log(g_mean[fit]) + nu * np.log(t[fit]))
    return np.exp(log_amplitude - nu * np.log(t))


def _droop_time(t, fraction):
    """tau of the linear droop fraction = 1 - t / tau (the storage node's leakage far above kT/q,
    docs/devices.md), least squares through (0, 1) over the points between 5 % and 95 % lost."""
    fit = (fraction > 0.05) & (fraction < 0.95)
    if not np.any(fit):
        return None
    return float(np.sum(t[fit] ** 2) / np.sum(t[fit] * (1.0 - fraction[fit])))


def _draw_droop(ax, t, level, t_half, t_half_std):
    """The fraction of each device's deviation left against linear time, with the fitted droop."""
    deviation = level[:, :1] - level[:, -1:]
    moving = np.abs(deviation[:, 0]) > 1e-9
    fraction = (level[moving] - level[moving, -1:]) / deviation[moving]
    for k, row in enumerate(fraction):
        ax.plot(t, row, color="0.6", linewidth=0.6, label=f"{len(fraction)} devices" if k == 0 else None)
    mean = fraction.mean(axis=0) if len(fraction) else np.zeros_like(t)
    tau = _droop_time(t, mean)
    factor, unit = si_scale([t_half if np.isfinite(t_half) else t[-1]], "s")
    if tau is not None:
        ax.plot(t, np.clip(1.0 - t / tau, 0.0, None), color="C3", linestyle="--", linewidth=1.6,
                label=f"fit 1 − t/τ (linear droop): τ = {si_text(tau, 's', 3)}")
        ax.set_xlim(0.0, min(t[-1], 1.5 * tau))
    if np.isfinite(t_half):
        ax.axvline(t_half, color="C2", linestyle=":", linewidth=1.4,
                   label=f"file: t$_{{1/2}}$ = {t_half * factor:.3g} ± {t_half_std * factor:.2g} {unit}")
    ticks = ax.get_xticks()
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{v * factor:g}" for v in ticks])
    ax.set_xlim(0.0, min(t[-1], 1.5 * tau) if tau is not None else t[-1])
    ax.set_xlabel(axis_label("time since programming", unit))
    ax.set_ylabel("fraction of the level's deviation left")
    ax.set_title("droop of the stored level", fontsize=9)
    style(ax)
    ax.legend(fontsize=8, loc="upper right")
    return tau


def draw_retention(fig, group, title):
    leakage = "t_half_mean_s" in group.attrs
    if leakage:
        ax, droop_ax = fig.subplots(1, 2)
        fig.set_size_inches(12.0, 4.6)
    else:
        ax = fig.add_subplot(1, 1, 1)
    t = np.asarray(group["time_s"][:], dtype=float)
    g_all = np.asarray(group["conductance_S"][:], dtype=float)
    factor, unit = si_scale(g_all, "S")
    for k, row in enumerate(g_all):
        ax.plot(t, row * factor, color="0.6", linewidth=0.6, label=f"{len(g_all)} devices" if k == 0 else None)
    g_mean = g_all.mean(axis=0)
    ax.plot(t, g_mean * factor, color="C0", linewidth=1.6, label="mean")
    facts = {"devices": len(g_all)}
    attrs = group.attrs
    if "nu_mean" in attrs:
        nu, nu_std = float(attrs["nu_mean"]), float(attrs.get("nu_std", np.nan))
        law = _drift_law(t, g_mean, nu)
        if law is not None:
            # Drawn from two decades before the fit range: the power law holds for t >> t0 only.
            shown = t >= DRIFT_FIT_FROM_S / 100
            ax.plot(t[shown], law[shown] * factor, color="C3", linestyle="--", linewidth=1.6,
                    label=f"fit G ∝ t$^{{-ν}}$ (t ≥ 10$^4$ s): ν = {nu:.4f} ± {nu_std:.4f}")
            facts["nu"] = nu
        if np.all(g_all > 0):
            ax.set_yscale("log")
            # Under a decade and a half: label 1..9 and 1.2, 1.5 (a range ending at 17 uS then shows
            # 12 and 15 above 10, not nothing).
            narrow = g_all.max() / g_all.min() < 30
            narrow_subs = (1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
            ax.yaxis.set_major_locator(ticker.LogLocator(subs=narrow_subs if narrow else (1.0, 2.0, 5.0)))
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    elif leakage:
        t_half, t_half_std = float(attrs["t_half_mean_s"]), float(attrs.get("t_half_std_s", np.nan))
        if np.isfinite(t_half):
            ax.axvline(t_half, color="C2", linestyle=":", linewidth=1.4, label="t$_{1/2}$ (file)")
        tau = _draw_droop(droop_ax, t, np.asarray(group["level"][:], dtype=float), t_half, t_half_std)
        facts.update({"t_half_s": t_half, "tau_s": tau})
    elif "g_change_max" in attrs:
        note(ax, f"no retention law: largest change of G over the year {100 * float(attrs['g_change_max']):.3g} %")
    ax.set_xscale("log")
    ax.set_xlabel(axis_label("time since programming", "s"))
    ax.set_ylabel(axis_label("conductance", unit))
    if leakage:
        ax.set_title("conductance", fontsize=9)
    fig.suptitle(title, fontsize=10)
    style(ax)
    ax.legend(fontsize=8, loc="lower left")
    return facts


def _histogram(ax, values, unit, what):
    """A histogram with bins from the data's own range, mean and sigma marked; a sentence instead
    when every value is the same."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    mean, sigma = float(np.mean(v)), float(np.std(v))
    ax.set_title(what, fontsize=9)
    if v.size == 0 or np.ptp(v) <= 1e-12 * max(abs(mean), 1e-300):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, f"all {v.size} devices identical:\n{si_text(mean, unit, 5)}", transform=ax.transAxes,
                ha="center", va="center", fontsize=9)
        return 0
    factor, prefixed = si_scale(v, unit)
    bins = np.histogram_bin_edges(v * factor, bins="auto")
    if len(bins) > 61:
        bins = np.linspace(bins[0], bins[-1], 61)
    counts, _, _ = ax.hist(v * factor, bins=bins, color="C0", alpha=0.75)
    ax.set_ylim(0, 1.35 * counts.max())  # headroom for the statistics box
    ax.axvline(mean * factor, color="C3", linewidth=1.2)
    ax.axvspan((mean - sigma) * factor, (mean + sigma) * factor, color="C3", alpha=0.1)
    relative = f", σ/|μ| = {sigma / abs(mean):.3g}" if mean else ""
    ax.text(0.98, 0.97, f"μ = {si_text(mean, unit, 4)}\nσ = {si_text(sigma, unit, 3)}{relative}",
            transform=ax.transAxes, ha="right", va="top", fontsize=7,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "edgecolor": "0.7"})
    ax.set_xlabel(axis_label("conductance" if unit == "S" else "value", prefixed))
    ax.set_ylabel("devices")
    style(ax)
    return len(bins) - 1


def draw_variability(fig, group, title):
    g = np.asarray(group["read_conductance_S"][:], dtype=float)
    levels = group["read_level"][:]
    if g.ndim != 2 or g.shape[0] != len(levels):
        raise ValueError("read_conductance_S is not levels x devices")
    extremes = [(k, w) for k, w in (("g_low_S", "programmed to level 0"), ("g_high_S", "programmed to level 1"),
                                   ("step_S", "one pulse step from mid-range")) if k in group.members]
    columns = max(len(levels), len(extremes), 1)
    lines = 2 if extremes else 1
    axes = fig.subplots(lines, columns, squeeze=False)
    fig.set_size_inches(3.4 * columns, 3.0 * lines + 0.8)
    bins = []
    for ax, row, level in zip(axes[0], g, levels):
        bins.append(_histogram(ax, row, "S", f"read at level {level:.2f}"))
    for ax, (key, what) in zip(axes[1] if extremes else [], extremes):
        bins.append(_histogram(ax, group[key][:], "S", what))
    for ax in np.ravel(axes):
        if not ax.has_data() and not ax.texts:
            ax.set_visible(False)
    fig.suptitle(f"{title}: {g.shape[1]} devices", fontsize=10)
    return {"histograms": len(bins), "identical": sum(1 for b in bins if b == 0)}


PLOTTERS = {"iv": draw_iv, "pulses": draw_pulses, "retention": draw_retention, "variability": draw_variability}


def characterisation_figures(characterisation, stem):
    out = []
    if not characterisation.is_group:
        raise ValueError("/characterisation is a dataset; expected a group of devices")
    for device, experiments in characterisation.items():
        if not experiments.is_group:
            raise ValueError(f"{experiments.name} is a dataset; expected a group of experiments")
        for experiment, group in experiments.items():
            if experiment not in PLOTTERS or not group.is_group:
                raise ValueError(f"{group.name} is not an experiment plot knows; expected groups named {', '.join(PLOTTERS)}")
            title = f"{device}: {experiment}"
            out.append(Planned(f"{stem}_{device}_{experiment}", title,
                               lambda fig, g=group, e=experiment, t=title: PLOTTERS[e](fig, g, t)))
    return out
