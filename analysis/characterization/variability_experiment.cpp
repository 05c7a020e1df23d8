// Monte-Carlo over N devices (default 1000), each drawn once by make_device (its device-to-device
// parameters: threshold offsets, MTJ conductance scale, PCM saturation scale, ...):
//   - programmed to both ends of its range and given one nominal potentiating pulse from mid-range
//     (g_low_S, g_high_S, step_S);
//   - programmed in turn to each of read_levels (0.25, 0.5, 0.75 of the range) and read at its read
//     voltage: the read-conductance spread, G = I(v_read)/v_read without read noise (a per-read
//     fluctuation, not a property of the device), per level mean, sigma and sigma/|mean|.
// Each device has its own random stream (seed, device index), drawn in that order, so the first
// three curves do not depend on the levels. Spreads are sample standard deviations.
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>

#include "analysis/characterization/experiment.hpp"
#include "analysis/characterization/shared_results.hpp"
#include "analysis/characterization/statistics.hpp"

namespace cimkit::analysis {
namespace {

double relative_spread(const std::vector<double>& values) {
    const double m = mean(values);
    return m != 0.0 ? standard_deviation(values) / std::abs(m) : 0.0;
}

// "level25": a figure-name prefix for a level, 0.25 -> 25 (percent of the range).
std::string level_name(double level) {
    char name[32];
    std::snprintf(name, sizeof name, "level%02d", static_cast<int>(std::lround(level * 100.0)));
    return name;
}

}  // namespace

ExperimentResult run_variability(const DeviceModel& model, const ExperimentOptions& options) {
    const int devices = options.devices > 0 ? options.devices : 1000;
    constexpr std::size_t levels = std::size(variability_read_levels);
    VariabilityDevices v;
    v.g_read_S.resize(levels);
    for (int d = 0; d < devices; ++d) {
        Rng rng = Rng(options.seed).stream(static_cast<std::uint64_t>(d));
        DeviceState s = model.make_device(rng);
        model.set_level(s, 0.0, rng);
        v.g_low_S.push_back(model.conductance_S(s));
        model.set_level(s, 1.0, rng);
        v.g_high_S.push_back(model.conductance_S(s));
        model.set_level(s, 0.5, rng);
        const double before = model.conductance_S(s);
        model.apply_pulse(s, model.nominal_pulse(+1), rng);
        v.step_S.push_back(model.conductance_S(s) - before);
        for (std::size_t k = 0; k < levels; ++k) {
            model.set_level(s, variability_read_levels[k], rng);
            v.g_read_S[k].push_back(model.conductance_S(s));
        }
    }
    return variability_result(model.name(), v);
}

ExperimentResult variability_result(const std::string& device, const VariabilityDevices& v) {
    const std::vector<double>&g_low = v.g_low_S, &g_high = v.g_high_S, &step = v.step_S;
    const std::vector<std::vector<double>>& g_read = v.g_read_S;
    constexpr std::size_t levels = std::size(variability_read_levels);
    const std::size_t n = g_low.size();
    const int devices = static_cast<int>(n);
    ExperimentResult r{device, "variability", {}, {}};
    std::vector<double> level_values, raw, means, sigmas, relative;
    for (std::size_t k = 0; k < levels; ++k) {
        level_values.push_back(variability_read_levels[k]);
        raw.insert(raw.end(), g_read[k].begin(), g_read[k].end());
        means.push_back(mean(g_read[k]));
        sigmas.push_back(standard_deviation(g_read[k]));
        relative.push_back(relative_spread(g_read[k]));
    }
    r.curves = {
        {"g_low_S", g_low, {n}, "S", "conductance programmed to level 0, per device"},
        {"g_high_S", g_high, {n}, "S", "conductance programmed to level 1, per device"},
        {"step_S", step, {n}, "S", "conductance change of one nominal pulse from mid-range, per device"},
        {"read_level", level_values, {levels}, "1", "levels the devices are programmed to for the read-conductance spread"},
        {"read_conductance_S", raw, {levels, n}, "S", "read conductance I(v_read)/v_read, levels x devices (no read noise)"},
        {"read_conductance_mean_S", means, {levels}, "S", "mean read conductance per level"},
        {"read_conductance_sigma_S", sigmas, {levels}, "S", "device-to-device standard deviation of the read conductance per level"},
        {"read_conductance_relative_sigma", relative, {levels}, "1", "sigma / |mean| of the read conductance per level"},
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
    for (std::size_t k = 0; k < levels; ++k) {
        const std::string prefix = level_name(variability_read_levels[k]);
        char at[32];
        std::snprintf(at, sizeof at, " at level %.2f", variability_read_levels[k]);
        r.figures.push_back({prefix + "_g_mean_S", means[k], "S", std::string("mean read conductance") + at});
        r.figures.push_back({prefix + "_g_sigma_S", sigmas[k], "S", std::string("device-to-device sigma of the read conductance") + at});
        r.figures.push_back({prefix + "_g_relative_sigma", relative[k], "1", std::string("sigma / |mean| of the read conductance") + at});
    }
    return r;
}

}  // namespace cimkit::analysis
