"""Figures of `cimkit train` run files (docs/hdf5-schema.md, /training):
- `<stem>_training_curves`: per epoch, train and test accuracy, the loss, the write pulses and the
  energy of every `energy_*` column the file has (cumulative, as stored; log axes where a quantity
  spans decades; columns that stay zero are named in a note rather than drawn);
- `<stem>_training_evaluation` (when the run evaluated after training): test accuracy against the
  time since the end of training, with and without drift compensation;
- `<stem>_training_weights`: the distribution of each layer's weights (and conductances)."""
import numpy as np

from plot_common import Planned, axis_label, legend, log_if_decades, note, si_scale, si_text, style


def _column(metrics, name):
    return np.asarray(metrics[name][:], dtype=float) if name in metrics.members else None


def _epoch_axis(ax, epochs):
    ax.set_xlabel("epoch")
    if len(epochs) <= 20:
        ax.set_xticks(epochs)
    style(ax)


def draw_curves(fig, training, title):
    metrics = training["metrics"]
    epochs = np.asarray(metrics["epoch"][:], dtype=int)
    (acc_ax, loss_ax), (pulse_ax, energy_ax) = fig.subplots(2, 2)
    fig.set_size_inches(11.5, 7.6)
    marker = "o" if len(epochs) <= 30 else None
    facts = {"epochs": len(epochs), "energy_curves": 0}

    for name, what, colour in (("train_accuracy", "train", "C0"), ("test_accuracy", "test", "C1")):
        values = _column(metrics, name)
        if values is not None:
            acc_ax.plot(epochs, 100 * values, marker=marker, color=colour, label=f"{what} (last {100 * values[-1]:.2f} %)")
    acc_ax.set_ylabel(axis_label("accuracy", "%"))
    acc_ax.set_title("accuracy", fontsize=9)
    acc_ax.legend(fontsize=8, loc="lower right")
    _epoch_axis(acc_ax, epochs)

    loss = _column(metrics, "loss")
    if loss is not None:
        loss_ax.plot(epochs, loss, marker=marker, color="C2")
        log_if_decades(loss_ax, loss, "y", 1.0)
    loss_ax.set_ylabel("mean training loss")
    loss_ax.set_title("loss", fontsize=9)
    _epoch_axis(loss_ax, epochs)

    pulses = _column(metrics, "update_pulses")
    if pulses is not None and np.any(pulses > 0):
        pulse_ax.plot(epochs, pulses, marker=marker, color="C4")
        log_if_decades(pulse_ax, pulses, "y", 1.5)
    else:
        note(pulse_ax, "no write pulses (ideal engine or exact updates)")
    pulse_ax.set_ylabel("write pulses (cumulative)")
    pulse_ax.set_title("update pulses", fontsize=9)
    _epoch_axis(pulse_ax, epochs)

    parts = sorted(k for k in metrics.members if k.startswith("energy_") and k.endswith("_J") and k != "energy_total_J")
    drawn, zero = [], []
    for key in parts:
        values = _column(metrics, key)
        (drawn if np.any(values > 0) else zero).append((key, values))
    total = _column(metrics, "energy_total_J")
    everything = [v for _, v in drawn] + ([total] if total is not None and np.any(total > 0) else [])
    if everything:
        factor, unit = si_scale(np.concatenate(everything), "J")
        for k, (key, values) in enumerate(drawn):
            energy_ax.plot(epochs, values * factor, marker=marker, markersize=3, color=f"C{k}",
                           label=key[len("energy_"):-2].replace("_", " "))
        if total is not None and np.any(total > 0):
            # Dashed: a component that dominates the total stays visible under it.
            energy_ax.plot(epochs, total * factor, color="k", linewidth=1.6, linestyle="--",
                           label=f"total ({si_text(total[-1], 'J', 3)})")
        positive = np.concatenate([v[v > 0] for v in everything])
        if positive.size and positive.max() / positive.min() > 100:
            energy_ax.set_yscale("log")
        energy_ax.set_ylabel(axis_label("energy (cumulative)", unit))
        legend(energy_ax, len(drawn) + 1)
        facts["energy_curves"] = len(drawn)
    else:
        energy_ax.set_ylabel("energy (cumulative) [J]")
        note(energy_ax, "no energy recorded (ideal engine)")
    zero_names = ", ".join(k[len("energy_"):-2].replace("_", " ") for k, _ in zero)
    energy_ax.set_title("energy by component" + (f"\n(zero: {zero_names})" if zero and drawn else ""), fontsize=9)
    _epoch_axis(energy_ax, epochs)
    facts["energy_zero"] = len(zero)
    fig.suptitle(title, fontsize=10)
    return facts


def draw_evaluation(fig, training, title):
    evaluation = training["evaluation"]
    after = np.asarray(evaluation["after_s"][:], dtype=float)
    accuracy = 100 * np.asarray(evaluation["test_accuracy"][:], dtype=float)
    compensated = np.asarray(evaluation["drift_compensation"][:], dtype=int) if "drift_compensation" in evaluation.members \
        else np.zeros(len(after), dtype=int)
    ax = fig.add_subplot(1, 1, 1)
    curves = 0
    for flag, what, colour in ((0, "without drift compensation", "C0"), (1, "with drift compensation", "C1")):
        rows = compensated == flag
        if np.any(rows):
            ax.plot(after[rows], accuracy[rows], "o-", color=colour, label=what)
            curves += 1
    metrics = training["metrics"]
    if "test_accuracy" in metrics.members:
        ax.axhline(100 * float(metrics["test_accuracy"][-1]), color="0.5", linestyle=":", label="at the end of training")
    if np.all(after > 0):
        ax.set_xscale("log")
    ax.set_xlabel(axis_label("time since the end of training", "s"))
    ax.set_ylabel(axis_label("test accuracy", "%"))
    ax.set_title(title, fontsize=10)
    style(ax)
    ax.legend(fontsize=8, loc="lower left")
    return {"curves": curves}


def draw_weights(fig, training, title):
    layers = sorted(training["weights"].members, key=lambda name: int(name.rsplit("_", 1)[-1]))
    conductance = training.members.get("conductance")
    lines = 2 if conductance is not None else 1
    axes = fig.subplots(lines, len(layers), squeeze=False)
    fig.set_size_inches(max(6.4, 4.0 * len(layers)), 3.2 * lines + 0.8)
    for ax, layer in zip(axes[0], layers):
        w = np.ravel(training["weights"][layer][:])
        ax.hist(w, bins=np.histogram_bin_edges(w, bins=min(80, max(10, int(np.sqrt(w.size))))), color="C0")
        ax.set_xlabel("weight")
        ax.set_ylabel("synapses")
        ax.set_title(f"{layer}: {w.size} weights, σ = {np.std(w):.3g}", fontsize=9)
        style(ax)
    if conductance is not None:
        for ax, layer in zip(axes[1], layers):
            pair = conductance[layer]
            both = np.concatenate([np.ravel(pair["plus"][:]), np.ravel(pair["minus"][:])])
            factor, unit = si_scale(both, "S")
            bins = np.histogram_bin_edges(both * factor, bins=60)
            for side, colour in (("plus", "C2"), ("minus", "C3")):
                ax.hist(np.ravel(pair[side][:]) * factor, bins=bins, alpha=0.6, color=colour, label=f"G$_{{{side}}}$")
            ax.set_xlabel(axis_label("conductance", unit))
            ax.set_ylabel("devices")
            ax.set_title(f"{layer}: conductances", fontsize=9)
            style(ax)
            ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    return {"layers": len(layers)}


def training_figures(training, stem, seed=None):
    if not training.is_group:
        raise ValueError("/training is a dataset; expected the group cimkit train writes")
    metrics = training.members.get("metrics")
    if metrics is None or not metrics.is_group or "epoch" not in metrics.members:
        raise ValueError("/training has no metrics table (/training/metrics/epoch, ...); expected a run file "
                         "written by cimkit train after its first epoch")
    if len(metrics["epoch"][()]) == 0:
        raise ValueError("/training/metrics has no finished epoch yet (a run stopped in its first epoch); "
                         "expected a run file with at least one epoch: resume it with cimkit train --resume")
    engine, device = training.attrs.get("engine", "?"), training.attrs.get("device", "")
    status = training.attrs.get("status", "")
    title = (f"{stem}: {engine} engine" + (f", {device}" if device else "") + (f", seed {seed}" if seed is not None else "")
             + (f" ({status})" if status else ""))
    out = [Planned(f"{stem}_training_curves", title, lambda fig: draw_curves(fig, training, title))]
    evaluation = training.members.get("evaluation")
    if evaluation is not None and evaluation.is_group and "after_s" in evaluation.members:
        out.append(Planned(f"{stem}_training_evaluation", title + ": accuracy after training",
                           lambda fig: draw_evaluation(fig, training, title + ": accuracy after training")))
    weights = training.members.get("weights")
    if weights is not None and weights.is_group and weights.members:
        out.append(Planned(f"{stem}_training_weights", title + ": weights",
                           lambda fig: draw_weights(fig, training, title + ": weights")))
    return out
