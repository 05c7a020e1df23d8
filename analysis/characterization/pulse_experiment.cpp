// Conductance vs pulse number: identical potentiating pulses from the bottom of the range, then as
// many depressing pulses, for N devices.
//
// Figures, all from the mean curve over devices unless stated:
//   states          pulses needed to cover 98 % of the potentiation range (the number of
//                   distinguishable steps a nominal pulse resolves)
//   nonlinearity_*  per device, max |Gn(k) - k/K| over the first K pulses of the branch that cover
//                   98 % of its swing, Gn normalised to [0, 1] over them; averaged over devices
//                   (0 for a perfectly linear device)
//   asymmetry       | |dG_up| - |dG_down| | / (|dG_up| + |dG_down|) at mid-range (0: symmetric)
//   c2c_sigma       std of each step relative to the mean step at that pulse, after scaling out the
//                   device's own mean step (cycle-to-cycle)
//   d2d_sigma       relative std of the devices' mean step sizes (device-to-device)
#include <algorithm>
#include <cmath>

#include "analysis/characterization/shared_results.hpp"
#include "analysis/characterization/statistics.hpp"

namespace cimkit::analysis {
namespace {

constexpr int max_pulses = 5000;

}  // namespace

// Pulses a fresh device needs to reach 98 % of its range, or to stall (its last 10 pulses adding
// under 0.2 % of the change so far: a device whose saturation lies below level 0.98), plus 10 %.
int pulses_per_branch(const DeviceModel& model, std::uint64_t seed) {
    Rng rng = Rng(seed).stream(1u << 20);
    DeviceState s = model.make_device(rng);
    model.set_level(s, 0.0, rng);
    std::vector<double> g{model.conductance_S(s)};
    while (static_cast<int>(g.size()) <= max_pulses && model.level(s) < 0.98) {
        model.apply_pulse(s, model.nominal_pulse(+1), rng);
        g.push_back(model.conductance_S(s));
        const std::size_t k = g.size() - 1;
        if (k >= 20 && std::abs(g[k] - g[k - 10]) < 0.002 * std::abs(g[k] - g[0])) break;
    }
    return std::clamp(static_cast<int>(std::ceil(1.1 * static_cast<double>(g.size() - 1))), 10, max_pulses);
}

namespace {

// Over the part of the branch that covers 98 % of its swing (the margin pulses beyond it would only
// measure the flat saturation).
double branch_nonlinearity(const std::vector<double>& g) {
    const double span = g.back() - g.front();
    if (span == 0.0) return 0.0;
    std::size_t end = 1;
    while (end + 1 < g.size() && (g[end] - g.front()) / span < 0.98) ++end;
    const double covered = g[end] - g.front();
    double worst = 0.0;
    for (std::size_t k = 0; k <= end; ++k) {
        const double normalised = (g[k] - g.front()) / covered;
        worst = std::max(worst, std::abs(normalised - static_cast<double>(k) / static_cast<double>(end)));
    }
    return worst;
}

// Mean |step| within +-5 pulses of where the branch crosses its midpoint.
double mid_range_step(const std::vector<double>& g) {
    const double middle = 0.5 * (g.front() + g.back());
    std::size_t k = 0;
    while (k + 1 < g.size() && (g[k] - middle) * (g.front() - middle) > 0.0) ++k;
    const std::size_t lo = k > 5 ? k - 5 : 0, hi = std::min(g.size() - 1, k + 5);
    return hi > lo ? std::abs(g[hi] - g[lo]) / static_cast<double>(hi - lo) : 0.0;
}

PulseTrain run_train(const DeviceModel& model, int devices, int p, std::uint64_t seed) {
    PulseTrain t{devices, p, static_cast<std::size_t>(2 * p + 1), {}, {}};
    t.g.resize(static_cast<std::size_t>(devices) * t.points);
    for (int d = 0; d < devices; ++d) {
        Rng rng = Rng(seed).stream(static_cast<std::uint64_t>(d));
        DeviceState s = model.make_device(rng);
        model.set_level(s, 0.0, rng);
        double* row = &t.g[static_cast<std::size_t>(d) * t.points];
        row[0] = model.conductance_S(s);
        for (std::size_t k = 1; k < t.points; ++k) {
            model.apply_pulse(s, model.nominal_pulse(static_cast<int>(k) <= p ? +1 : -1), rng);
            row[k] = model.conductance_S(s);
        }
    }
    fill_mean(t);
    return t;
}

struct StepSpread {
    double c2c, d2d;
};

// Over the first half of potentiation, where no device is near saturation: each device's mean step
// (d2d), and each step relative to the mean curve's step scaled by the device's own mean (c2c).
StepSpread step_spread(const PulseTrain& t) {
    const int window = std::max(2, t.p / 2);
    std::vector<double> device_means, relative_steps;
    for (int d = 0; d < t.devices; ++d) {
        const double* row = t.row(d);
        device_means.push_back((row[window] - row[0]) / window);
    }
    const double step_all = mean(device_means);
    if (step_all == 0.0) return {0.0, 0.0};
    for (int d = 0; d < t.devices; ++d) {
        const double* row = t.row(d);
        const double scale = device_means[static_cast<std::size_t>(d)] / step_all;
        for (int k = 1; k <= window; ++k) {
            const auto kk = static_cast<std::size_t>(k);
            const double expected = (t.g_mean[kk] - t.g_mean[kk - 1]) * scale;
            if (expected != 0.0) relative_steps.push_back((row[k] - row[k - 1]) / expected - 1.0);
        }
    }
    return {standard_deviation(relative_steps), standard_deviation(device_means) / std::abs(step_all)};
}

// Mean over devices of each branch's nonlinearity: {potentiation, depression}.
std::pair<double, double> mean_nonlinearity(const PulseTrain& t) {
    std::vector<double> up, down;
    for (int d = 0; d < t.devices; ++d) {
        const double* row = t.row(d);
        up.push_back(branch_nonlinearity({row, row + t.p + 1}));
        down.push_back(branch_nonlinearity({row + t.p, row + t.points}));
    }
    return {mean(up), mean(down)};
}

}  // namespace

void fill_mean(PulseTrain& t) {
    t.g_mean.assign(t.points, 0.0);
    for (int d = 0; d < t.devices; ++d) {
        const double* row = t.row(d);
        for (std::size_t k = 0; k < t.points; ++k) t.g_mean[k] += row[k] / t.devices;
    }
}

ExperimentResult run_pulses(const DeviceModel& model, const ExperimentOptions& options) {
    const int p = pulses_per_branch(model, options.seed);
    return pulse_result(model.name(), run_train(model, options.devices > 0 ? options.devices : 16, p, options.seed));
}

ExperimentResult pulse_result(const std::string& device, const PulseTrain& t) {
    const int p = t.p;
    const std::vector<double> up(t.g_mean.begin(), t.g_mean.begin() + p + 1);
    const std::vector<double> down(t.g_mean.begin() + p, t.g_mean.end());
    int states = 0;
    while (states < p && (up[static_cast<std::size_t>(states)] - up.front()) < 0.98 * (up.back() - up.front())) ++states;
    const double step_up = mid_range_step(up), step_down = mid_range_step(down);
    const auto [nl_up, nl_down] = mean_nonlinearity(t);
    const StepSpread spread = step_spread(t);

    std::vector<double> pulse_number(t.points);
    for (std::size_t k = 0; k < t.points; ++k) pulse_number[k] = static_cast<double>(k);
    ExperimentResult r{device, "pulses", {}, {}};
    r.curves = {
        {"pulse_number", pulse_number, {t.points}, "1", "pulses applied (potentiation first, then depression)"},
        {"conductance_S", t.g, {static_cast<std::size_t>(t.devices), t.points}, "S", "read conductance, one row per device"},
        {"mean_conductance_S", t.g_mean, {t.points}, "S", "mean over devices"},
    };
    r.figures = {
        {"pulses_per_branch", static_cast<double>(p), "1", "potentiating (and depressing) pulses applied"},
        {"states", static_cast<double>(states), "1", "pulses to cover 98 % of the potentiation range"},
        {"nonlinearity_potentiation", nl_up, "1", "max deviation of a device's normalised branch from a line"},
        {"nonlinearity_depression", nl_down, "1", "max deviation of a device's normalised branch from a line"},
        {"asymmetry", step_up + step_down > 0 ? std::abs(step_up - step_down) / (step_up + step_down) : 0.0, "1",
         "difference of mid-range up and down steps over their sum"},
        {"c2c_sigma", spread.c2c, "1", "cycle-to-cycle step spread, relative to the mean step"},
        {"d2d_sigma", spread.d2d, "1", "device-to-device spread of the mean step, relative"},
        {"g_range_S", up.back() - up.front(), "S", "conductance swept by the potentiation branch (mean)"},
    };
    return r;
}

}  // namespace cimkit::analysis
