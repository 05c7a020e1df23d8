// Conductance vs time for devices programmed to mid-range and left alone, on a log time grid from
// 1 us to 1 year (10 points per decade; the short end resolves millisecond gain-cell retention).
//
// Figures depend on the device's retention kind:
//   drift   (PCM):        nu per device = -slope of ln G vs ln t for t >= 1e4 s (G ~ ((t + t0)/t0)^-nu,
//                         and t/(t + t0) > 0.998 there: the fit is nu to 0.2 %),
//                         reported as nu_mean and nu_std
//   leakage (MOSFET, gain cell): t_half per device = the time at which the level has lost half of
//                         its deviation from where it settles (the last point), interpolated linearly
//                         in t between grid points (exact for the constant droop of a node far above
//                         kT/q, devices/storage_leakage.hpp); inf when the state does not move
//   none    (domain wall): the largest relative change of G over the year (thermal hops, if any)
// A device with read noise (PCM) also reports read_noise_rel: the relative spread of 200 reads of
// each device at the last time point (a year), averaged over the devices.
#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/characterization/experiment.hpp"
#include "analysis/characterization/statistics.hpp"

namespace cimkit::analysis {
namespace {

constexpr double one_year_s = 365.25 * 86400.0;

double drift_exponent(const std::vector<double>& t_s, const double* g_S) {
    std::vector<double> x, y;
    for (std::size_t k = 0; k < t_s.size(); ++k) {
        if (t_s[k] >= 1e4 && g_S[k] > 0.0) {
            x.push_back(std::log(t_s[k]));
            y.push_back(std::log(g_S[k]));
        }
    }
    return -fit_line(x, y).slope;
}

double half_deviation_time(const std::vector<double>& t_s, const double* level) {
    const std::size_t n = t_s.size();
    const double start = level[0] - level[n - 1];
    if (std::abs(start) < 1e-9) return std::numeric_limits<double>::infinity();
    double previous = 1.0;
    for (std::size_t k = 1; k < n; ++k) {
        const double fraction = (level[k] - level[n - 1]) / start;
        if (fraction <= 0.5) return t_s[k - 1] + (t_s[k] - t_s[k - 1]) * (previous - 0.5) / (previous - fraction);
        previous = fraction;
    }
    return std::numeric_limits<double>::infinity();
}

void add_fits(ExperimentResult& r, const DeviceModel& model, const std::vector<double>& t_s,
              const std::vector<double>& g_S, const std::vector<double>& level, int devices) {
    const std::size_t points = t_s.size();
    std::vector<double> per_device;
    for (int d = 0; d < devices; ++d) {
        const std::size_t row = static_cast<std::size_t>(d) * points;
        switch (model.retention_kind()) {
            case RetentionKind::drift: per_device.push_back(drift_exponent(t_s, &g_S[row])); break;
            case RetentionKind::leakage: per_device.push_back(half_deviation_time(t_s, &level[row])); break;
            case RetentionKind::none:
                per_device.push_back(g_S[row] != 0.0 ? std::abs(g_S[row + points - 1] - g_S[row]) / std::abs(g_S[row]) : 0.0);
                break;
        }
    }
    switch (model.retention_kind()) {
        case RetentionKind::drift:
            r.figures.push_back({"nu_mean", mean(per_device), "1", "mean fitted drift exponent"});
            r.figures.push_back({"nu_std", standard_deviation(per_device), "1", "spread of the fitted drift exponent"});
            break;
        case RetentionKind::leakage:
            r.figures.push_back({"t_half_mean_s", mean(per_device), "s", "mean time to lose half of the stored level's deviation from where it settles"});
            r.figures.push_back({"t_half_std_s", standard_deviation(per_device), "s", "spread of that half-deviation time"});
            break;
        case RetentionKind::none:
            r.figures.push_back({"g_change_max", *std::max_element(per_device.begin(), per_device.end()), "1",
                                 "largest relative change of G over the year"});
            break;
    }
    r.curves.push_back({"fitted", per_device, {per_device.size()}, r.figures.front().units,
                        "per-device fit: " + r.figures.front().description});
}

}  // namespace

ExperimentResult run_retention(const DeviceModel& model, const ExperimentOptions& options) {
    const int devices = options.devices > 0 ? options.devices : 16;
    const std::vector<double> t_s = log_space(1e-6, one_year_s, 10);
    const std::size_t points = t_s.size();
    std::vector<double> g_S, level, read_spread;
    for (int d = 0; d < devices; ++d) {
        Rng rng = Rng(options.seed).stream(static_cast<std::uint64_t>(d));
        DeviceState s = model.make_device(rng);
        model.set_level(s, 0.5, rng);
        double t_now = 0.0;
        for (double t : t_s) {
            model.evolve(s, t - t_now, rng);
            t_now = t;
            g_S.push_back(model.conductance_S(s));
            level.push_back(model.level(s));
        }
        if (model.has_read_noise()) {  // drawn after the curve, which stays as without read noise
            std::vector<double> reads(200);
            for (double& g : reads) g = model.read_conductance_S(s, rng);
            read_spread.push_back(standard_deviation(reads) / model.conductance_S(s));
        }
    }
    ExperimentResult r{model.name(), "retention", {}, {}};
    r.curves = {
        {"time_s", t_s, {points}, "s", "time since programming"},
        {"conductance_S", g_S, {static_cast<std::size_t>(devices), points}, "S", "read conductance, one row per device"},
        {"level", level, {static_cast<std::size_t>(devices), points}, "1", "state as a fraction of the programmable range"},
    };
    add_fits(r, model, t_s, g_S, level, devices);
    if (!read_spread.empty()) {
        r.figures.push_back({"read_noise_rel", mean(read_spread), "1", "relative spread of 200 reads per device a year after programming"});
    }
    return r;
}

}  // namespace cimkit::analysis
