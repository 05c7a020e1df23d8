// Monte-Carlo over N devices: each device is programmed to both ends of its range and given one
// nominal potentiating pulse from mid-range. Spreads are relative standard deviations.
#include <cmath>

#include "analysis/characterization/experiment.hpp"
#include "analysis/characterization/statistics.hpp"

namespace cimkit::analysis {
namespace {

double relative_spread(const std::vector<double>& values) {
    const double m = mean(values);
    return m != 0.0 ? standard_deviation(values) / std::abs(m) : 0.0;
}

}  // namespace

ExperimentResult run_variability(const DeviceModel& model, const ExperimentOptions& options) {
    const int devices = options.devices > 0 ? options.devices : 500;
    std::vector<double> g_low, g_high, step;
    for (int d = 0; d < devices; ++d) {
        Rng rng = Rng(options.seed).stream(static_cast<std::uint64_t>(d));
        DeviceState s = model.make_device(rng);
        model.set_level(s, 0.0, rng);
        g_low.push_back(model.conductance_S(s));
        model.set_level(s, 1.0, rng);
        g_high.push_back(model.conductance_S(s));
        model.set_level(s, 0.5, rng);
        const double before = model.conductance_S(s);
        model.apply_pulse(s, model.nominal_pulse(+1), rng);
        step.push_back(model.conductance_S(s) - before);
    }
    const auto n = static_cast<std::size_t>(devices);
    ExperimentResult r{model.name(), "variability", {}, {}};
    r.curves = {
        {"g_low_S", g_low, {n}, "S", "conductance programmed to level 0, per device"},
        {"g_high_S", g_high, {n}, "S", "conductance programmed to level 1, per device"},
        {"step_S", step, {n}, "S", "conductance change of one nominal pulse from mid-range, per device"},
    };
    r.figures = {
        {"devices", static_cast<double>(devices), "1", "devices simulated"},
        {"g_low_mean_S", mean(g_low), "S", "mean conductance at level 0"},
        {"g_low_spread", relative_spread(g_low), "1", "relative std at level 0"},
        {"g_high_mean_S", mean(g_high), "S", "mean conductance at level 1"},
        {"g_high_spread", relative_spread(g_high), "1", "relative std at level 1"},
        {"step_mean_S", mean(step), "S", "mean single-pulse step from mid-range"},
        {"step_spread", relative_spread(step), "1", "relative std of the single-pulse step (d2d and c2c)"},
    };
    return r;
}

}  // namespace cimkit::analysis
