#include "devices/mosfet.hpp"

#include <algorithm>
#include <cmath>

#include "devices/threshold_mismatch.hpp"

namespace cimkit {
namespace {

// Drain current and its partial derivatives for V_DS >= 0 (ngspice level 1).
struct DrainCurrent {
    double i_A, d_dvgs_S, d_dvds_S;
};

DrainCurrent level1(double beta, double vt, double lambda, double vgs, double vds) {
    const double vov = vgs - vt;
    if (vov <= 0.0) return {0.0, 0.0, 0.0};
    const double clm = 1.0 + lambda * vds;
    if (vds < vov) {
        const double core = (vov - 0.5 * vds) * vds;
        return {beta * core * clm, beta * vds * clm, beta * ((vov - vds) * clm + core * lambda)};
    }
    return {0.5 * beta * vov * vov * clm, beta * vov * clm, 0.5 * beta * vov * vov * lambda};
}

void cross_rules(const Parameters& p) {
    if (!(p["v_g_min_V"] < p["v_g_max_V"])) {
        p.fail("v_g_min_V (" + std::to_string(p["v_g_min_V"]) + " V) must be below v_g_max_V (" +
               std::to_string(p["v_g_max_V"]) + " V)");
    }
    if (!(p["v_read_V"] < p["v_g_min_V"] - p["vto_V"])) {
        p.fail("v_read_V must be below v_g_min_V - vto_V so that every stored weight reads in triode");
    }
}

MosfetParameters typed(const Parameters& p) {
    MosfetParameters t;
    t.kp_A_per_V2 = p["kp_A_per_V2"];
    t.vto_V = p["vto_V"];
    t.lambda_per_V = p["lambda_per_V"];
    t.w_m = p["w_m"];
    t.l_m = p["l_m"];
    t.v_g_min_V = p["v_g_min_V"];
    t.v_g_max_V = p["v_g_max_V"];
    t.c_gate_F = p["c_gate_F"];
    t.pulse_current_A = p["pulse_current_A"];
    t.pulse_width_s = p["pulse_width_s"];
    t.v_read_V = p["v_read_V"];
    t.step_noise_c2c = p["step_noise_c2c"];
    t.step_spread_d2d = p["step_spread_d2d"];
    t.a_vt_V_m = p["a_vt_V_m"];
    t.leakage = StorageLeakage::from(p);
    return t;
}

ParameterTable make_table() {
    ParameterTable table{
        "mosfet",
        {
            {"kp_A_per_V2", Unit::ampere_per_volt2, 120e-6, Range::positive(), "transconductance parameter mu*Cox (ngspice KP)"},
            {"vto_V", Unit::volt, 0.4, Range::closed(-2.0, 2.0), "threshold voltage (ngspice VTO)"},
            {"lambda_per_V", Unit::per_volt, 0.0, Range::closed(0.0, 1.0), "channel-length modulation (ngspice LAMBDA)"},
            {"w_m", Unit::meter, 1e-6, Range::positive(), "channel width"},
            {"l_m", Unit::meter, 1e-6, Range::positive(), "channel length"},
            {"v_g_min_V", Unit::volt, 0.6, Range::closed(-5.0, 5.0), "lowest stored gate voltage (weight minimum)"},
            {"v_g_max_V", Unit::volt, 1.2, Range::closed(-5.0, 5.0), "highest stored gate voltage (weight maximum)"},
            {"c_gate_F", Unit::farad, 100e-15, Range::positive(), "gate storage capacitance"},
            {"pulse_current_A", Unit::ampere, 15e-9, Range::positive(), "write pulse current (charge pump)"},
            {"pulse_width_s", Unit::second, 10e-9, Range::positive(), "write pulse width"},
            {"v_read_V", Unit::volt, 0.05, Range::positive(), "read voltage across the channel"},
            {"step_noise_c2c", Unit::dimensionless, 0.3, Range::non_negative(), "cycle-to-cycle step noise, sigma relative to the step"},
            {"step_spread_d2d", Unit::dimensionless, 0.1, Range::closed(0.0, 0.5), "device-to-device spread of the step (C_G), relative sigma"},
            {"a_vt_V_m", Unit::volt_meter, 15e-9, Range::closed(0.0, 1e-7), "Pelgrom threshold-mismatch coefficient A_VT (15 mV um); sigma(V_T) = A_VT / sqrt(2 W L) per device"},
        }};
    for (ParameterSpec& row : StorageLeakage::parameter_rows()) table.specs.push_back(std::move(row));
    table.retired = StorageLeakage::retired_parameters();
    table.retired.push_back({"vto_spread_d2d_V", "was replaced by a_vt_V_m, the Pelgrom coefficient: the threshold spread is a_vt_V_m / sqrt(2 w_m l_m) (0 = none)"});
    return table;
}

}  // namespace

const ParameterTable& mosfet_parameter_table() {
    static const ParameterTable table = make_table();
    return table;
}

MosfetSynapse::MosfetSynapse(const std::vector<Setting>& settings) : parameters_(mosfet_parameter_table()) {
    parameters_.apply(settings, cross_rules);
    typed_parameters_ = typed(parameters_);
    const Parameters& p = parameters_;
    beta_A_per_V2_ = p["kp_A_per_V2"] * p["w_m"] / p["l_m"];
    vto_V_ = p["vto_V"];
    lambda_per_V_ = p["lambda_per_V"];
    v_g_min_V_ = p["v_g_min_V"];
    v_g_max_V_ = p["v_g_max_V"];
    c_gate_F_ = p["c_gate_F"];
    pulse_current_A_ = p["pulse_current_A"];
    pulse_width_s_ = p["pulse_width_s"];
    v_read_V_ = p["v_read_V"];
    step_noise_c2c_ = p["step_noise_c2c"];
    step_spread_d2d_ = p["step_spread_d2d"];
    vto_sigma_V_ = pelgrom_sigma_V(p["a_vt_V_m"], p["w_m"], p["l_m"]);
    leakage_ = StorageLeakage::from(p);
}

const std::string& MosfetSynapse::name() const { return mosfet_parameter_table().device; }

DeviceState MosfetSynapse::make_device(Rng& rng) const {
    DeviceState s;
    s.x[gate_V] = v_g_min_V_;
    // A step-size factor below zero would invert the device: bound the Gaussian at 3 sigma.
    s.x[step_scale] = 1.0 + step_spread_d2d_ * std::clamp(rng.normal(), -3.0, 3.0);
    s.x[vto_offset_V] = vto_sigma_V_ * rng.normal();
    s.x[leak_scale] = leakage_.draw_leak_scale(rng);
    return s;
}

void MosfetSynapse::set_level(DeviceState& state, double fraction, Rng&) const {
    state.x[gate_V] = v_g_min_V_ + std::clamp(fraction, 0.0, 1.0) * (v_g_max_V_ - v_g_min_V_);
}

double MosfetSynapse::level(const DeviceState& state) const {
    return (state.x[gate_V] - v_g_min_V_) / (v_g_max_V_ - v_g_min_V_);
}

double MosfetSynapse::current_A(double v_V, const DeviceState& state) const {
    const double vt = vto_V_ + state.x[vto_offset_V];
    const double vg = state.x[gate_V];
    if (v_V >= 0.0) return level1(beta_A_per_V2_, vt, lambda_per_V_, vg, v_V).i_A;
    return -level1(beta_A_per_V2_, vt, lambda_per_V_, vg - v_V, -v_V).i_A;  // source and drain swap
}

double MosfetSynapse::dcurrent_dv_S(double v_V, const DeviceState& state) const {
    const double vt = vto_V_ + state.x[vto_offset_V];
    const double vg = state.x[gate_V];
    if (v_V >= 0.0) return level1(beta_A_per_V2_, vt, lambda_per_V_, vg, v_V).d_dvds_S;
    const DrainCurrent swapped = level1(beta_A_per_V2_, vt, lambda_per_V_, vg - v_V, -v_V);
    return swapped.d_dvgs_S + swapped.d_dvds_S;
}

// Drain = row, source = column while v_row >= v_column; swapped (negative current) otherwise.
TerminalCurrent MosfetSynapse::current_between_A(double v_row_V, double v_column_V, const DeviceState& state) const {
    const double vt = vto_V_ + state.x[vto_offset_V];
    const double vg = state.x[gate_V];
    if (v_row_V >= v_column_V) {
        const DrainCurrent d = level1(beta_A_per_V2_, vt, lambda_per_V_, vg - v_column_V, v_row_V - v_column_V);
        return {d.i_A, d.d_dvds_S, -d.d_dvgs_S - d.d_dvds_S};
    }
    const DrainCurrent d = level1(beta_A_per_V2_, vt, lambda_per_V_, vg - v_row_V, v_column_V - v_row_V);
    return {-d.i_A, d.d_dvgs_S + d.d_dvds_S, -d.d_dvds_S};
}

// G = I(v_read)/v_read; only V_GS depends on the level, through V_G = v_g_min + level (v_g_max - v_g_min).
double MosfetSynapse::dconductance_dlevel_S(const DeviceState& state) const {
    const double vt = vto_V_ + state.x[vto_offset_V];
    const double di_dvgs = level1(beta_A_per_V2_, vt, lambda_per_V_, state.x[gate_V], v_read_V_).d_dvgs_S;
    return di_dvgs / v_read_V_ * (v_g_max_V_ - v_g_min_V_);
}

double MosfetSynapse::conductance_S(const DeviceState& state) const {
    return current_A(v_read_V_, state) / v_read_V_;  // chord conductance: read current = G * v_read
}

void MosfetSynapse::apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const {
    const double step_V = pulse.amplitude * pulse.width_s / c_gate_F_ * state.x[step_scale];
    const double noisy_V = step_V * (1.0 + step_noise_c2c_ * rng.normal());
    state.x[gate_V] = std::clamp(state.x[gate_V] + pulse.polarity * noisy_V, v_g_min_V_, v_g_max_V_);
}

// A device with a smaller C_G (a larger step_scale) droops faster by the same factor.
void MosfetSynapse::evolve(DeviceState& state, double dt_s, Rng&) const {
    state.x[gate_V] = leakage_.hold_V(state.x[gate_V], dt_s, c_gate_F_ / state.x[step_scale], state.x[leak_scale]);
}

double MosfetSynapse::write_energy_J(const DeviceState&, const DeviceState&, const Pulse& pulse) const {
    return pulse.polarity > 0 ? v_g_max_V_ * pulse.amplitude * pulse.width_s : 0.0;
}

double MosfetSynapse::program_energy_J(const DeviceState& before, const DeviceState& after) const {
    const double c_gate_F = c_gate_F_ / before.x[step_scale];
    return v_g_max_V_ * c_gate_F * std::max(0.0, after.x[gate_V] - before.x[gate_V]);
}

Pulse MosfetSynapse::nominal_pulse(int polarity) const { return Pulse{pulse_current_A_, pulse_width_s_, polarity}; }

}  // namespace cimkit
