#include "devices/pcm.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>


namespace cimkit {
namespace {

// The IBM fits were made on devices with g_max = 25 uS; their noise scales with g_max_S.
constexpr double fit_g_max_S = 25e-6;
// Keeps ln g_T and g_T^-0.65 finite for a fully RESET cell; the fits are clipped there anyway.
constexpr double g_T_floor = 1e-12;

std::string siemens(double value_S) {
    std::ostringstream out;
    out.precision(6);
    out << value_S << " S";
    return out.str();
}

void cross_rules(const Parameters& p) {
    const double lowest_g_sat_S = (1.0 - 3.0 * p["g_max_spread_d2d"]) * p["g_max_S"];
    if (!(p["g_min_S"] < lowest_g_sat_S)) {
        p.fail("g_min_S (" + siemens(p["g_min_S"]) + ") must be below (1 - 3 g_max_spread_d2d) g_max_S = " +
               siemens(lowest_g_sat_S) + ", the lowest saturation conductance a device can draw");
    }
    const double levels = p["levels"];
    if (levels != std::floor(levels) || levels == 1.0) {
        std::ostringstream value;
        value << levels;
        p.fail("levels (" + value.str() + ") must be 0 (analog) or a whole number >= 2");
    }
}

double drift_nu_mean(double g_T) { return std::clamp(-0.0155 * std::log(g_T) + 0.0244, 0.049, 0.1); }

double drift_nu_std(double g_T) { return std::clamp(-0.0125 * std::log(g_T) - 0.0059, 0.008, 0.045); }

// Q_s of the 1/f read noise.
double read_noise_q(double g_T) { return std::min(0.0088 / std::pow(g_T, 0.65), 0.2); }

PcmParameters typed(const Parameters& p) {
    PcmParameters t;
    t.g_max_S = p["g_max_S"];
    t.g_min_S = p["g_min_S"];
    t.g_max_spread_d2d = p["g_max_spread_d2d"];
    t.set_pulses_per_efold = p["set_pulses_per_efold"];
    t.step_noise_c2c = p["step_noise_c2c"];
    t.step_noise_floor = p["step_noise_floor"];
    t.step_noise_slope = p["step_noise_slope"];
    t.set_amplitude_V = p["set_amplitude_V"];
    t.set_width_s = p["set_width_s"];
    t.reset_amplitude_V = p["reset_amplitude_V"];
    t.reset_width_s = p["reset_width_s"];
    t.set_current_A = p["set_current_A"];
    t.reset_current_A = p["reset_current_A"];
    t.prog_noise_scale = p["prog_noise_scale"];
    t.drift_scale = p["drift_scale"];
    t.drift_t0_s = p["drift_t0_s"];
    t.read_noise = p["read_noise"];
    t.t_read_s = p["t_read_s"];
    t.v_read_V = p["v_read_V"];
    t.levels = p["levels"];
    t.refresh_threshold = p["refresh_threshold"];
    return t;
}

}  // namespace

const ParameterTable& pcm_parameter_table() {
    static const ParameterTable table{
        "pcm",
        {
            {"g_max_S", Unit::siemens, 25e-6, Range::positive(), "nominal saturation (fully crystalline) conductance; g_T = g / g_max_S"},
            {"g_min_S", Unit::siemens, 0.1e-6, Range::non_negative(), "conductance after RESET (amorphous), before noise"},
            {"g_max_spread_d2d", Unit::dimensionless, 0.1, Range::closed(0.0, 0.3), "device-to-device spread of g_max (and SET step size), relative sigma"},
            {"set_pulses_per_efold", Unit::dimensionless, 30.0, Range::closed(1.0, 1e4), "A in G(P) = B (1 - exp(-P/A)) + G_min: nominal SET pulses per e-fold towards g_max"},
            {"step_noise_c2c", Unit::dimensionless, 0.6, Range::closed(0.0, 5.0), "SET step spread: part of sigma_dg proportional to the mean step"},
            {"step_noise_floor", Unit::dimensionless, 0.0125, Range::closed(0.0, 1.0), "SET step spread: constant part of sigma_dg, relative to g_max_S"},
            {"step_noise_slope", Unit::dimensionless, 0.065, Range::closed(0.0, 1.0), "SET step spread: part of sigma_dg proportional to the conductance g"},
            {"set_amplitude_V", Unit::volt, 1.0, Range::positive(), "nominal SET pulse amplitude (only amplitude*width relative to nominal matters)"},
            {"set_width_s", Unit::second, 50e-9, Range::positive(), "nominal SET pulse width"},
            {"reset_amplitude_V", Unit::volt, 2.5, Range::positive(), "nominal RESET pulse amplitude (any RESET pulse fully amorphises)"},
            {"reset_width_s", Unit::second, 20e-9, Range::positive(), "nominal RESET pulse width"},
            {"set_current_A", Unit::ampere, 100e-6, Range::positive(), "cell current during a nominal SET pulse (write energy; assumed, docs/physics-sources.md)"},
            {"reset_current_A", Unit::ampere, 300e-6, Range::positive(), "cell current during a nominal RESET pulse (write energy; assumed, docs/physics-sources.md)"},
            {"prog_noise_scale", Unit::dimensionless, 1.0, Range::closed(0.0, 10.0), "factor on the IBM programming noise sigma_prog (1 = IBM model, 0 = none)"},
            {"drift_scale", Unit::dimensionless, 1.0, Range::closed(0.0, 10.0), "factor on the drift exponent nu (1 = IBM model, 0 = no drift)"},
            {"drift_t0_s", Unit::second, 20.0, Range::positive(), "drift reference time t0: g = g_prog ((t + t0)/t0)^-nu, t since programming"},
            {"read_noise", Unit::dimensionless, 1.0, Range::closed(0.0, 10.0), "factor on the 1/f read noise sigma_read (1 = IBM model, 0 = none)"},
            {"t_read_s", Unit::second, 250e-9, Range::positive(), "read duration t_read of the 1/f read noise"},
            {"v_read_V", Unit::volt, 0.2, Range{0.0, PcmDevice::iv_limit_V, true, false}, "read voltage"},
            {"levels", Unit::dimensionless, 0.0, Range::closed(0.0, 1024.0), "set_level targets: 0 = analog, n >= 2 = n equally spaced levels (2 = binary)"},
            {"refresh_threshold", Unit::dimensionless, 0.9, Range{0.0, 1.0, true, false}, "differential pair: refresh when a device exceeds this fraction of its g_sat"},
        },
        {{"read_noise_scale", "was renamed read_noise (same meaning: factor on the 1/f read noise, 0 = none)"}}};
    return table;
}

PcmDevice::PcmDevice(const std::vector<Setting>& settings) : parameters_(pcm_parameter_table()) {
    parameters_.apply(settings, cross_rules);
    typed_parameters_ = typed(parameters_);
    const Parameters& p = parameters_;
    g_max_S_ = p["g_max_S"];
    g_min_S_ = p["g_min_S"];
    g_max_spread_d2d_ = p["g_max_spread_d2d"];
    set_pulses_per_efold_ = p["set_pulses_per_efold"];
    step_noise_c2c_ = p["step_noise_c2c"];
    step_noise_floor_ = p["step_noise_floor"];
    step_noise_slope_ = p["step_noise_slope"];
    set_amplitude_V_ = p["set_amplitude_V"];
    set_width_s_ = p["set_width_s"];
    reset_amplitude_V_ = p["reset_amplitude_V"];
    reset_width_s_ = p["reset_width_s"];
    prog_noise_scale_ = p["prog_noise_scale"];
    drift_scale_ = p["drift_scale"];
    drift_t0_s_ = p["drift_t0_s"];
    read_noise_ = p["read_noise"];
    t_read_s_ = p["t_read_s"];
    v_read_V_ = p["v_read_V"];
    levels_ = static_cast<int>(p["levels"]);
    refresh_threshold_ = p["refresh_threshold"];
}

const std::string& PcmDevice::name() const { return pcm_parameter_table().device; }

double PcmDevice::programming_noise_S(double g_T) const {
    const double sigma_uS = std::max(-1.1731 * g_T * g_T + 1.9650 * g_T + 0.2635, 0.0);
    return prog_noise_scale_ * sigma_uS * 1e-6 * (g_max_S_ / fit_g_max_S);
}

// Every programming event ends here: new g_prog, drift clock back to zero, nu redrawn for g_T.
void PcmDevice::start_drift(DeviceState& state, double g_prog, double g_T, Rng& rng) const {
    const double g_T_safe = std::max(g_T, g_T_floor);
    state.x[g_prog_S] = g_prog;
    state.x[time_s] = 0.0;
    state.x[nu] = drift_scale_ * std::abs(rng.normal(drift_nu_mean(g_T_safe), drift_nu_std(g_T_safe)));
    update_drift(state);
}

void PcmDevice::update_drift(DeviceState& state) const {
    const double since_first_read_s = state.x[time_s] + drift_t0_s_;
    state.x[drift_factor] = std::pow(since_first_read_s / drift_t0_s_, -state.x[nu]);
    const double g_T = std::max(state.x[g_prog_S] / g_max_S_, g_T_floor);
    const double band = std::max(std::log((since_first_read_s + t_read_s_) / (2.0 * t_read_s_)), 0.0);
    state.x[read_noise_rel] = read_noise_ * read_noise_q(g_T) * std::sqrt(band);
}

DeviceState PcmDevice::make_device(Rng& rng) const {
    DeviceState s;
    // A factor below zero would invert the device: bound the Gaussian at 3 sigma (the cross rule
    // keeps g_min below the lowest g_sat this allows).
    s.x[g_sat_scale] = 1.0 + g_max_spread_d2d_ * std::clamp(rng.normal(), -3.0, 3.0);
    start_drift(s, g_min_S_, g_min_S_ / g_max_S_, rng);
    return s;
}

void PcmDevice::set_level(DeviceState& state, double fraction, Rng& rng) const {
    double g_T = std::clamp(fraction, 0.0, 1.0);
    if (levels_ >= 2) g_T = std::round(g_T * (levels_ - 1)) / (levels_ - 1);
    const double noisy_S = g_T * g_max_S_ + programming_noise_S(g_T) * rng.normal();
    start_drift(state, std::clamp(noisy_S, 0.0, g_sat_S(state)), g_T, rng);
}

double PcmDevice::level(const DeviceState& state) const { return state.x[g_prog_S] / g_max_S_; }

double PcmDevice::conductance_S(const DeviceState& state) const { return state.x[g_prog_S] * state.x[drift_factor]; }

double PcmDevice::read_conductance_S(const DeviceState& state, Rng& rng) const {
    const double g_S = conductance_S(state);
    return g_S + g_S * state.x[read_noise_rel] * rng.normal();
}

// g(t) = level g_max ((t + t0)/t0)^-nu, so dg/dlevel = g_max ((t + t0)/t0)^-nu.
double PcmDevice::dconductance_dlevel_S(const DeviceState& state) const { return g_max_S_ * state.x[drift_factor]; }

double PcmDevice::current_A(double v_V, const DeviceState& state) const { return conductance_S(state) * v_V; }

double PcmDevice::dcurrent_dv_S(double, const DeviceState& state) const { return conductance_S(state); }

void PcmDevice::apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const {
    const double g_sat = g_sat_S(state);
    if (pulse.polarity < 0) {
        const double noisy_S = g_min_S_ + programming_noise_S(g_min_S_ / g_max_S_) * rng.normal();
        start_drift(state, std::clamp(noisy_S, 0.0, g_sat), g_min_S_ / g_max_S_, rng);
        return;
    }
    const double n_eff = pulse.amplitude * pulse.width_s / (set_amplitude_V_ * set_width_s_);
    const double g_now = conductance_S(state);
    const double mean_step_S = (g_sat - g_now) * -std::expm1(-n_eff / set_pulses_per_efold_);
    const double step_S = mean_step_S + set_step_spread_S(mean_step_S, g_now) * rng.normal();
    const double g_new = std::clamp(g_now + step_S, g_min_S_, g_sat);
    start_drift(state, g_new, g_new / g_max_S_, rng);
}

double PcmDevice::set_step_spread_S(double mean_step_S, double g_S) const {
    return step_noise_c2c_ * std::abs(mean_step_S) + step_noise_floor_ * g_max_S_ + step_noise_slope_ * g_S;
}

void PcmDevice::evolve(DeviceState& state, double dt_s, Rng&) const {
    if (!(dt_s > 0.0)) return;
    state.x[time_s] += dt_s;
    update_drift(state);
}

double PcmDevice::write_energy_J(const DeviceState&, const DeviceState&, const Pulse& pulse) const {
    const Pulse nominal = nominal_pulse(pulse.polarity);
    const double nominal_current_A = pulse.polarity < 0 ? typed_parameters_.reset_current_A : typed_parameters_.set_current_A;
    const double programming_ohm = nominal.amplitude / nominal_current_A;
    return pulse.amplitude * pulse.amplitude * pulse.width_s / programming_ohm;
}

double PcmDevice::program_energy_J(const DeviceState& before, const DeviceState& after) const {
    const double g_sat = g_sat_S(before);
    double g_from = conductance_S(before);
    double energy_J = 0.0;
    if (after.x[g_prog_S] < g_from) {
        energy_J += write_energy_J(before, after, nominal_pulse(-1));
        g_from = g_min_S_;
    }
    const double g_to = std::min(after.x[g_prog_S], 0.99 * g_sat);
    if (g_to > g_from) energy_J += set_pulses_per_efold_ * std::log((g_sat - g_from) / (g_sat - g_to)) * write_energy_J(before, after, nominal_pulse(+1));
    return energy_J;
}

Pulse PcmDevice::nominal_pulse(int polarity) const {
    if (polarity < 0) return Pulse{reset_amplitude_V_, reset_width_s_, polarity};
    return Pulse{set_amplitude_V_, set_width_s_, polarity};
}

PcmDifferentialPair::PcmDifferentialPair(const PcmDevice& model, Rng& rng)
    : model_(&model), plus_(model.make_device(rng)), minus_(model.make_device(rng)) {}

double PcmDifferentialPair::weight() const {
    return (model_->conductance_S(plus_) - model_->conductance_S(minus_)) / model_->g_max_S();
}

double PcmDifferentialPair::read_weight(Rng& rng) const {
    const double g_plus = model_->read_conductance_S(plus_, rng);
    return (g_plus - model_->read_conductance_S(minus_, rng)) / model_->g_max_S();
}

void PcmDifferentialPair::apply_update(int polarity, int pulses, Rng& rng) {
    DeviceState& target = polarity > 0 ? plus_ : minus_;
    const Pulse set = model_->nominal_pulse(+1);
    for (int i = 0; i < pulses; ++i) model_->apply_pulse(target, set, rng);
}

void PcmDifferentialPair::evolve(double dt_s, Rng& rng) {
    model_->evolve(plus_, dt_s, rng);
    model_->evolve(minus_, dt_s, rng);
}

bool PcmDifferentialPair::needs_refresh() const {
    const double threshold = model_->refresh_threshold();
    return model_->conductance_S(plus_) > threshold * model_->g_sat_S(plus_) ||
           model_->conductance_S(minus_) > threshold * model_->g_sat_S(minus_);
}

void PcmDifferentialPair::refresh(Rng& rng) {
    const double w = read_weight(rng);
    const Pulse reset = model_->nominal_pulse(-1);
    model_->apply_pulse(plus_, reset, rng);
    model_->apply_pulse(minus_, reset, rng);
    DeviceState& target = w > 0.0 ? plus_ : minus_;
    const DeviceState& other = w > 0.0 ? minus_ : plus_;
    model_->set_level(target, std::abs(w) + model_->conductance_S(other) / model_->g_max_S(), rng);
    ++refreshes_;
}

}  // namespace cimkit
