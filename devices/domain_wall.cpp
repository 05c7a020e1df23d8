#include "devices/domain_wall.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "devices/ode/cvode_integrator.hpp"

namespace cimkit {
namespace {

using namespace domain_wall_constants;

// Damping-like spin-Hall field per unit current density, H_SH / J = hbar theta_SH / (2 e mu0 Ms t_F).
double spin_hall_field_per_j_of(const Parameters& p) {
    return hbar_J_s * p["theta_sh"] / (2.0 * elementary_charge_C * mu0_T_m_per_A * p["ms_A_per_m"] * p["t_free_m"]);
}

double dmi_field_of(const Parameters& p) {
    return p["dmi_J_per_m2"] / (mu0_T_m_per_A * p["ms_A_per_m"] * p["wall_width_m"]);
}

// "2e-08", not std::to_string's "0.000000": the rules compare nanometres.
std::string number(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

void cross_rules(const Parameters& p) {
    if (!(p["pinning_period_m"] < p["length_m"])) {
        p.fail("pinning_period_m (" + number(p["pinning_period_m"]) + " m) must be below length_m (" +
               number(p["length_m"]) + " m): the track needs at least two pinning sites");
    }
    const double h_neel_A_per_m = 0.5 * pi * dmi_field_of(p);
    if (!(p["h_k_A_per_m"] < h_neel_A_per_m)) {
        p.fail("h_k_A_per_m (" + number(p["h_k_A_per_m"]) + " A/m) must be below (pi/2) H_D = " +
               number(h_neel_A_per_m) + " A/m, so that the Neel wall (phi = 0) is the ground state");
    }
    if (p["full_dynamics"] != 0.0 && p["full_dynamics"] != 1.0) {
        p.fail("full_dynamics must be 0 (reduced model) or 1 (CVODE), not " + number(p["full_dynamics"]));
    }
}

// Right-hand side of the 1D model (header, equations (1) and (2)) in y = ((q - q_start)/Delta, phi):
// displacement in wall widths, so CVODE's relative tolerance applies to the motion, not to where on
// the track the wall happens to be.
struct WallDynamics {
    double alpha, wall_width_m, h_k_A_per_m, h_dmi_A_per_m, h_pin_A_per_m, pinning_period_m;
    double q_start_m = 0.0;
    double h_sh_A_per_m = 0.0;  // the drive; changed between the pulse and the relaxation

    void operator()(const double* y, double* dydt) const {
        const double q_m = q_start_m + y[0] * wall_width_m;
        const double phi = y[1];
        const double h_pin = h_pin_A_per_m * std::sin(2.0 * pi * q_m / pinning_period_m);
        const double a = gamma0_m_per_A_s * (-h_pin + 0.5 * pi * h_sh_A_per_m * std::cos(phi));
        const double b = gamma0_m_per_A_s * (-0.5 * h_k_A_per_m * std::sin(2.0 * phi) +
                                             0.5 * pi * h_dmi_A_per_m * std::sin(phi));
        const double det = 1.0 + alpha * alpha;
        dydt[0] = (b + alpha * a) / det;  // q'/Delta
        dydt[1] = (a - alpha * b) / det;  // phi'
    }
};

double sign_of(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); }

// Integrates the wall for duration_s from `state` (max_step_s = 0: no step cap). Updates the angle and
// returns the displacement (m), so that the caller can scale it by the cycle-to-cycle noise.
double integrate_wall(WallDynamics& wall, DeviceState& state, double duration_s, double max_step_s) {
    ode::SolverOptions options;
    options.relative_tolerance = 1e-6;
    options.absolute_tolerance = 1e-6;  // y is in wall widths and radians
    options.max_step_s = max_step_s;
    options.max_steps = 100000 + (max_step_s > 0.0 ? static_cast<long>(2.0 * duration_s / max_step_s) : 0);
    ode::CvodeIntegrator solver(2, [&wall](double, const double* y, double* dydt) { wall(y, dydt); }, options);
    wall.q_start_m = state.x[DomainWallSynapse::position_m];
    std::vector<double> y{0.0, state.x[DomainWallSynapse::angle_rad]};
    solver.integrate(0.0, duration_s, y);
    state.x[DomainWallSynapse::angle_rad] = y[1];
    return y[0] * wall.wall_width_m;
}

DomainWallParameters typed(const Parameters& p) {
    DomainWallParameters t;
    t.ms_A_per_m = p["ms_A_per_m"];
    t.alpha = p["alpha"];
    t.wall_width_m = p["wall_width_m"];
    t.theta_sh = p["theta_sh"];
    t.dmi_J_per_m2 = p["dmi_J_per_m2"];
    t.t_free_m = p["t_free_m"];
    t.h_k_A_per_m = p["h_k_A_per_m"];
    t.length_m = p["length_m"];
    t.pinning_period_m = p["pinning_period_m"];
    t.h_pin_A_per_m = p["h_pin_A_per_m"];
    t.pinning_spread_d2d = p["pinning_spread_d2d"];
    t.g_ap_S = p["g_ap_S"];
    t.tmr = p["tmr"];
    t.v_read_V = p["v_read_V"];
    t.pulse_j_A_per_m2 = p["pulse_j_A_per_m2"];
    t.pulse_width_s = p["pulse_width_s"];
    t.relaxation_time_s = p["relaxation_time_s"];
    t.full_dynamics = p["full_dynamics"];
    t.displacement_noise_c2c = p["displacement_noise_c2c"];
    t.thermal_stability = p["thermal_stability"];
    t.attempt_frequency_Hz = p["attempt_frequency_Hz"];
    return t;
}

}  // namespace

const ParameterTable& domain_wall_parameter_table() {
    static const ParameterTable table{
        "domain_wall",
        {
            {"ms_A_per_m", Unit::ampere_per_meter, 1.0e6, Range::positive(), "saturation magnetisation of the free layer"},
            {"alpha", Unit::dimensionless, 0.3, Range{0.0, 1.0, true, false}, "Gilbert damping"},
            {"wall_width_m", Unit::meter, 7e-9, Range::positive(), "domain-wall width parameter Delta"},
            {"theta_sh", Unit::dimensionless, 0.1, Range{0.0, 1.0, true, false}, "spin Hall angle of the heavy metal"},
            {"dmi_J_per_m2", Unit::joule_per_meter2, 1e-3, Range::positive(), "interfacial DMI constant D (> 0: Neel wall, phi = 0)"},
            {"t_free_m", Unit::meter, 1e-9, Range::positive(), "free-layer thickness"},
            {"h_k_A_per_m", Unit::ampere_per_meter, 3.0e4, Range::non_negative(), "wall shape anisotropy field (favours Bloch), ~ Ms t_F ln2/(pi Delta)"},
            {"length_m", Unit::meter, 1e-6, Range::positive(), "track length L under the MTJ"},
            {"pinning_period_m", Unit::meter, 20e-9, Range::positive(), "period p of the pinning potential (distance between levels)"},
            {"h_pin_A_per_m", Unit::ampere_per_meter, 820.0, Range::non_negative(), "depinning field H_p; sets J_c by (pi/2) H_SH(J_c) = H_p"},
            {"pinning_spread_d2d", Unit::dimensionless, 0.1, Range::closed(0.0, 0.3), "device-to-device spread of H_p, relative sigma"},
            {"g_ap_S", Unit::siemens, 20e-6, Range::positive(), "MTJ conductance with the wall at q = 0 (antiparallel)"},
            {"tmr", Unit::dimensionless, 1.5, Range::closed(0.01, 10.0), "tunnel magnetoresistance (G_P - G_AP)/G_AP"},
            {"v_read_V", Unit::volt, 0.1, Range::positive(), "read voltage across the MTJ"},
            {"pulse_j_A_per_m2", Unit::ampere_per_meter2, 1e11, Range::positive(), "nominal write current density in the heavy metal"},
            {"pulse_width_s", Unit::second, 1.2e-9, Range::positive(), "nominal write pulse width (about one pinning period per pulse)"},
            {"relaxation_time_s", Unit::second, 10e-9, Range::non_negative(), "full model: zero-current settling time after each pulse"},
            {"full_dynamics", Unit::dimensionless, 0.0, Range::unit_interval(), "1: integrate the 1D (q, phi) model with CVODE; 0: reduced v(J)"},
            {"displacement_noise_c2c", Unit::dimensionless, 0.1, Range::non_negative(), "cycle-to-cycle noise, sigma relative to each pulse's displacement"},
            {"thermal_stability", Unit::dimensionless, 0.0, Range::non_negative(), "pinning barrier E_b/kT for thermal hops (0: no thermal hops)"},
            {"attempt_frequency_Hz", Unit::hertz, 1e9, Range::positive(), "attempt frequency f0 of thermal hops"},
        }};
    return table;
}

DomainWallSynapse::DomainWallSynapse(const std::vector<Setting>& settings)
    : parameters_(domain_wall_parameter_table()) {
    parameters_.apply(settings, cross_rules);
    typed_parameters_ = typed(parameters_);
    const Parameters& p = parameters_;
    alpha_ = p["alpha"];
    wall_width_m_ = p["wall_width_m"];
    h_k_A_per_m_ = p["h_k_A_per_m"];
    h_pin_A_per_m_ = p["h_pin_A_per_m"];
    pinning_period_m_ = p["pinning_period_m"];
    length_m_ = p["length_m"];
    h_sh_per_j_m_ = spin_hall_field_per_j_of(p);
    h_dmi_A_per_m_ = dmi_field_of(p);
    v_dmi_m_per_s_ = 0.5 * pi * gamma0_m_per_A_s * wall_width_m_ * h_dmi_A_per_m_;
    j_dmi_A_per_m2_ = alpha_ * h_dmi_A_per_m_ / h_sh_per_j_m_;
    j_c_A_per_m2_ = h_pin_A_per_m_ / (0.5 * pi * h_sh_per_j_m_);
    mobility_m3_per_A_s_ = v_dmi_m_per_s_ / j_dmi_A_per_m2_;
    g_ap_S_ = p["g_ap_S"];
    g_p_S_ = g_ap_S_ * (1.0 + p["tmr"]);
    v_read_V_ = p["v_read_V"];
    pulse_j_A_per_m2_ = p["pulse_j_A_per_m2"];
    pulse_width_s_ = p["pulse_width_s"];
    relaxation_time_s_ = p["relaxation_time_s"];
    full_dynamics_ = p["full_dynamics"] == 1.0;
    noise_c2c_ = p["displacement_noise_c2c"];
    pinning_spread_d2d_ = p["pinning_spread_d2d"];
    thermal_stability_ = p["thermal_stability"];
    attempt_frequency_Hz_ = p["attempt_frequency_Hz"];
}

const std::string& DomainWallSynapse::name() const { return domain_wall_parameter_table().device; }

DeviceState DomainWallSynapse::make_device(Rng& rng) const {
    DeviceState s;
    s.x[position_m] = 0.0;
    s.x[angle_rad] = 0.0;
    // Bounded at 3 sigma (and the spread at 0.3) so the pinning scale stays positive.
    s.x[pinning_scale] = 1.0 + pinning_spread_d2d_ * std::clamp(rng.normal(), -3.0, 3.0);
    return s;
}

void DomainWallSynapse::set_level(DeviceState& state, double fraction, Rng&) const {
    state.x[position_m] = std::clamp(fraction, 0.0, 1.0) * length_m_;
    state.x[angle_rad] = 0.0;  // the Neel ground state (header: sign convention)
}

double DomainWallSynapse::level(const DeviceState& state) const { return state.x[position_m] / length_m_; }

double DomainWallSynapse::conductance_S(const DeviceState& state) const {
    return g_ap_S_ + (g_p_S_ - g_ap_S_) * level(state);
}

double DomainWallSynapse::dconductance_dlevel_S(const DeviceState&) const { return g_p_S_ - g_ap_S_; }

double DomainWallSynapse::current_A(double v_V, const DeviceState& state) const { return conductance_S(state) * v_V; }

double DomainWallSynapse::dcurrent_dv_S(double, const DeviceState& state) const { return conductance_S(state); }

double DomainWallSynapse::clamp_position_m(double q_m) const { return std::clamp(q_m, 0.0, length_m_); }

bool DomainWallSynapse::at_track_end(const DeviceState& state) const {
    return state.x[position_m] <= 0.0 || state.x[position_m] >= length_m_;
}

void DomainWallSynapse::apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const {
    const double j_A_per_m2 = pulse.polarity * pulse.amplitude;
    const double noise = std::max(0.0, 1.0 + noise_c2c_ * rng.normal());
    if (full_dynamics_) {
        move_full(state, j_A_per_m2, pulse.width_s, noise, rng);
    } else {
        move_reduced(state, j_A_per_m2, pulse.width_s, noise);
        thermal_hop(state, j_A_per_m2, pulse.width_s, rng);
    }
}

void DomainWallSynapse::move_reduced(DeviceState& state, double j_A_per_m2, double width_s, double noise) const {
    const double j_c = j_c_A_per_m2_ * state.x[pinning_scale];
    const double excess = std::abs(j_A_per_m2) - j_c;
    if (excess <= 0.0) return;
    const double v_m_per_s = mobility_m3_per_A_s_ * excess * sign_of(j_A_per_m2);
    state.x[position_m] = clamp_position_m(state.x[position_m] + v_m_per_s * width_s * noise);
}

// The pulse sweeps the wall across pinning wells: its step is capped at half the time to cross one
// period at the top speed v_D, so no step can jump a well. The relaxation has no drive and the wall only
// settles into its well, which CVODE's error control follows with growing steps (no cap).
void DomainWallSynapse::move_full(DeviceState& state, double j_A_per_m2, double width_s, double noise,
                                  Rng& rng) const {
    WallDynamics wall{alpha_, wall_width_m_, h_k_A_per_m_, h_dmi_A_per_m_,
                      h_pin_A_per_m_ * state.x[pinning_scale], pinning_period_m_};
    wall.h_sh_A_per_m = spin_hall_field_A_per_m(j_A_per_m2);
    const double sweep_m = integrate_wall(wall, state, width_s, 0.5 * pinning_period_m_ / v_dmi_m_per_s_);
    state.x[position_m] = clamp_position_m(state.x[position_m] + sweep_m * noise);
    thermal_hop(state, j_A_per_m2, width_s, rng);
    if (at_track_end(state)) {
        state.x[angle_rad] = 0.0;  // held by the end stop, as in the reduced model; the angle relaxes
        return;
    }
    if (relaxation_time_s_ <= 0.0) return;
    wall.h_sh_A_per_m = 0.0;
    const double settle_m = integrate_wall(wall, state, relaxation_time_s_, 0.0);
    state.x[position_m] = clamp_position_m(state.x[position_m] + settle_m);
}

// Below J_c a pulse can still push the wall over one barrier thermally (Arrhenius with the barrier
// lowered by the drive as (1 - J/J_c)^2, the usual form for a tilted sinusoidal potential).
void DomainWallSynapse::thermal_hop(DeviceState& state, double j_A_per_m2, double width_s, Rng& rng) const {
    const double j_c = j_c_A_per_m2_ * state.x[pinning_scale];
    const double ratio = std::abs(j_A_per_m2) / j_c;
    if (thermal_stability_ <= 0.0 || j_A_per_m2 == 0.0 || !(ratio < 1.0)) return;
    const double barrier = thermal_stability_ * (1.0 - ratio) * (1.0 - ratio);
    const double p_hop = -std::expm1(-width_s * attempt_frequency_Hz_ * std::exp(-barrier));
    if (rng.uniform() < p_hop) {
        state.x[position_m] = clamp_position_m(state.x[position_m] + sign_of(j_A_per_m2) * pinning_period_m_);
    }
}

void DomainWallSynapse::evolve(DeviceState& state, double dt_s, Rng& rng) const {
    if (thermal_stability_ <= 0.0 || dt_s <= 0.0) return;
    const double rate_per_s = attempt_frequency_Hz_ * std::exp(-thermal_stability_);  // each direction
    const double p_hop = -std::expm1(-2.0 * rate_per_s * dt_s);
    if (rng.uniform() >= p_hop) return;
    const double direction = rng.uniform() < 0.5 ? -1.0 : 1.0;
    state.x[position_m] = clamp_position_m(state.x[position_m] + direction * pinning_period_m_);
}

Pulse DomainWallSynapse::nominal_pulse(int polarity) const { return Pulse{pulse_j_A_per_m2_, pulse_width_s_, polarity}; }

}  // namespace cimkit
