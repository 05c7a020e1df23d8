#include "devices/table_device.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cimkit {
namespace {

// Linear between the states, constant beyond the first and the last.
double interpolate(const std::vector<double>& x, const std::vector<double>& y, double at) {
    if (at <= x.front()) return y.front();
    if (at >= x.back()) return y.back();
    const auto upper = std::upper_bound(x.begin(), x.end(), at);
    const auto k = static_cast<std::size_t>(upper - x.begin());
    const double t = (at - x[k - 1]) / (x[k] - x[k - 1]);
    return y[k - 1] + t * (y[k] - y[k - 1]);
}

// A d2d factor 1 + spread N(0,1), the Gaussian bounded at 3 sigma so that no factor turns negative.
double d2d_factor(double spread, Rng& rng) { return 1.0 + spread * std::clamp(rng.normal(), -3.0, 3.0); }

std::string siemens(double value_S) {
    std::ostringstream out;
    out.precision(6);
    out << value_S << " S";
    return out.str();
}

void cross_rules(const Parameters& p, const TableDeviceData& d) {
    const double lowest_high_S = d.g_max_S * (1.0 - 3.0 * p["g_max_spread_d2d"]);
    const double highest_low_S = d.g_min_S * (1.0 + 3.0 * p["g_min_spread_d2d"]);
    if (!(highest_low_S < lowest_high_S)) {
        p.fail("the windows of two devices 3 sigma out may not invert: g_min_S (1 + 3 g_min_spread_d2d) = " + siemens(highest_low_S) +
               " must be below g_max_S (1 - 3 g_max_spread_d2d) = " + siemens(lowest_high_S));
    }
}

}  // namespace

double StepLaw::mean_at(double g) const { return interpolate(g_S, mean_step_S, g); }
double StepLaw::sigma_at(double g) const { return interpolate(g_S, sigma_S, g); }

const TableDeviceData& reference_table_data() {
    static const TableDeviceData data = [] {
        TableDeviceData d;
        d.g_min_S = 1e-6;
        d.g_max_S = 20e-6;
        const double step_S = (d.g_max_S - d.g_min_S) / 50.0;
        d.potentiate = {{d.g_min_S, d.g_max_S}, {step_S, 0.0}, {0.3 * step_S, 0.3 * step_S}, {0.0, 0.0}};
        d.depress = {{d.g_min_S, d.g_max_S}, {0.0, -step_S}, {0.3 * step_S, 0.3 * step_S}, {0.0, 0.0}};
        d.g_min_spread_d2d = 0.05;
        d.g_max_spread_d2d = 0.05;
        d.step_spread_d2d = 0.1;
        return d;
    }();
    return data;
}

std::shared_ptr<const LoadedTable> load_table(TableDeviceData data) {
    const TableDeviceData& d = data;
    const Range spread = Range::closed(0.0, 0.3);
    ParameterTable table{
        "table",
        {
            {"read_voltage_V", Unit::volt, d.read_voltage_V, Range::positive(), "read voltage (the file's; the I-V sweep stays within it)"},
            {"potentiate_amplitude_V", Unit::volt, d.potentiate_amplitude_V, Range::positive(), "nominal potentiating pulse amplitude (the file's)"},
            {"potentiate_width_s", Unit::second, d.potentiate_width_s, Range::positive(), "nominal potentiating pulse width (the file's)"},
            {"depress_amplitude_V", Unit::volt, d.depress_amplitude_V, Range::positive(), "nominal depressing pulse amplitude (the file's)"},
            {"depress_width_s", Unit::second, d.depress_width_s, Range::positive(), "nominal depressing pulse width (the file's)"},
            {"step_noise_scale", Unit::dimensionless, 1.0, Range::closed(0.0, 10.0), "factor on the fitted cycle-to-cycle step sigma (0 = none)"},
            {"g_min_spread_d2d", Unit::dimensionless, d.g_min_spread_d2d, spread, "device-to-device relative sigma of g_min (the file's)"},
            {"g_max_spread_d2d", Unit::dimensionless, d.g_max_spread_d2d, spread, "device-to-device relative sigma of g_max (the file's)"},
            {"g_spread_correlation", Unit::dimensionless, d.g_spread_correlation, Range::closed(-1.0, 1.0),
             "correlation of the device-to-device draws of g_min and g_max (the file's; 1: the window scales as a whole)"},
            {"step_spread_d2d", Unit::dimensionless, d.step_spread_d2d, spread, "device-to-device relative sigma of the step scale (the file's)"},
            {"drift_nu", Unit::dimensionless, d.drift_nu, Range::closed(0.0, 1.0), "drift exponent nu, g = g_prog ((t + t0)/t0)^-nu (the file's; 0 = none)"},
            {"drift_t0_s", Unit::second, d.drift_t0_s, Range::positive(), "drift reference time t0 (the file's)"},
        }};
    return std::make_shared<const LoadedTable>(LoadedTable{std::move(data), std::move(table)});
}

TableDevice::TableDevice(std::shared_ptr<const LoadedTable> table, const std::vector<Setting>& settings)
    : table_(std::move(table)), parameters_(table_->parameters) {
    const TableDeviceData& d = table_->data;
    parameters_.apply(settings, [&d](const Parameters& p) { cross_rules(p, d); });
    const Parameters& p = parameters_;
    read_voltage_V_ = p["read_voltage_V"];
    potentiate_amplitude_V_ = p["potentiate_amplitude_V"];
    potentiate_width_s_ = p["potentiate_width_s"];
    depress_amplitude_V_ = p["depress_amplitude_V"];
    depress_width_s_ = p["depress_width_s"];
    step_noise_scale_ = p["step_noise_scale"];
    g_min_spread_d2d_ = p["g_min_spread_d2d"];
    g_max_spread_d2d_ = p["g_max_spread_d2d"];
    g_spread_correlation_ = p["g_spread_correlation"];
    step_spread_d2d_ = p["step_spread_d2d"];
    drift_nu_ = p["drift_nu"];
    drift_t0_s_ = p["drift_t0_s"];
}

const std::string& TableDevice::name() const { return table_->parameters.device; }

void TableDevice::update_drift(DeviceState& state) const {
    state.x[drift_factor] = drift_nu_ > 0.0 ? std::pow((state.x[time_s] + drift_t0_s_) / drift_t0_s_, -drift_nu_) : 1.0;
}

void TableDevice::program(DeviceState& state, double g_S) const {
    state.x[g_prog_S] = g_S;
    state.x[time_s] = 0.0;
    update_drift(state);
}

double TableDevice::window_ratio(const DeviceState& state) const {
    return (state.x[g_high_S] - state.x[g_low_S]) / (data().g_max_S - data().g_min_S);
}

double TableDevice::nominal_g_S(const DeviceState& state, double g_S) const {
    return data().g_min_S + (g_S - state.x[g_low_S]) / window_ratio(state);
}

DeviceState TableDevice::make_device(Rng& rng) const {
    DeviceState s;
    // Two draws whatever the correlation (a correlation of 0 is the independent draws, bit for bit).
    const double z_low = rng.normal(), z_other = rng.normal();
    const double rho = g_spread_correlation_;
    const double z_high = rho * z_low + std::sqrt(1.0 - rho * rho) * z_other;
    s.x[g_low_S] = data().g_min_S * (1.0 + g_min_spread_d2d_ * std::clamp(z_low, -3.0, 3.0));
    s.x[g_high_S] = data().g_max_S * (1.0 + g_max_spread_d2d_ * std::clamp(z_high, -3.0, 3.0));
    s.x[step_scale] = d2d_factor(step_spread_d2d_, rng);
    program(s, s.x[g_low_S]);
    return s;
}

void TableDevice::set_level(DeviceState& state, double fraction, Rng&) const {
    const double f = std::clamp(fraction, 0.0, 1.0);
    program(state, state.x[g_low_S] + f * (state.x[g_high_S] - state.x[g_low_S]));
}

double TableDevice::level(const DeviceState& state) const {
    return (state.x[g_prog_S] - state.x[g_low_S]) / (state.x[g_high_S] - state.x[g_low_S]);
}

// g(t) = (a + level (b - a)) factor(t), so dg/dlevel = (b - a) factor(t).
double TableDevice::dconductance_dlevel_S(const DeviceState& state) const {
    return (state.x[g_high_S] - state.x[g_low_S]) * state.x[drift_factor];
}

double TableDevice::mean_step_S(const DeviceState& state, double g_S, int polarity) const {
    const StepLaw& law = polarity < 0 ? data().depress : data().potentiate;
    return window_ratio(state) * state.x[step_scale] * law.mean_at(nominal_g_S(state, g_S));
}

void TableDevice::apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const {
    const Pulse nominal = nominal_pulse(pulse.polarity);
    const double n = pulse.amplitude * pulse.width_s / (nominal.amplitude * nominal.width_s);
    const StepLaw& law = pulse.polarity < 0 ? data().depress : data().potentiate;
    const double g_now = conductance_S(state);
    const double sigma_S = window_ratio(state) * step_noise_scale_ * std::sqrt(n) * law.sigma_at(nominal_g_S(state, g_now));
    const double step_S = n * mean_step_S(state, g_now, pulse.polarity) + sigma_S * rng.normal();
    program(state, std::clamp(g_now + step_S, state.x[g_low_S], state.x[g_high_S]));
}

void TableDevice::evolve(DeviceState& state, double dt_s, Rng&) const {
    if (!(dt_s > 0.0)) return;
    state.x[time_s] += dt_s;
    update_drift(state);
}

double TableDevice::write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const {
    const double mean_g_S = 0.5 * (conductance_S(before) + conductance_S(after));
    return pulse.amplitude * pulse.amplitude * pulse.width_s * mean_g_S;
}

double TableDevice::program_energy_J(const DeviceState& before, const DeviceState& after) const {
    const double target_S = after.x[g_prog_S];
    double g_S = conductance_S(before);
    const int polarity = target_S > g_S ? +1 : -1;
    const Pulse pulse = nominal_pulse(polarity);
    const double stuck_S = 1e-6 * (before.x[g_high_S] - before.x[g_low_S]);  // a step this small no longer moves it
    double energy_J = 0.0;
    for (int k = 0; k < max_program_pulses; ++k) {
        const double step_S = mean_step_S(before, g_S, polarity);
        const double remaining_S = target_S - g_S;
        if (polarity * step_S < stuck_S || polarity * remaining_S < 0.5 * polarity * step_S) break;
        const double next_S = std::clamp(g_S + step_S, before.x[g_low_S], before.x[g_high_S]);
        energy_J += pulse.amplitude * pulse.amplitude * pulse.width_s * 0.5 * (g_S + next_S);
        g_S = next_S;
    }
    return energy_J;
}

Pulse TableDevice::nominal_pulse(int polarity) const {
    if (polarity < 0) return Pulse{depress_amplitude_V_, depress_width_s_, polarity};
    return Pulse{potentiate_amplitude_V_, potentiate_width_s_, polarity};
}

}  // namespace cimkit
