#include "devices/domain_wall.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "devices/domain_wall_full.hpp"
#include "devices/domain_wall_parameters.hpp"
#include "devices/domain_wall_reduced.hpp"

namespace cimkit {
namespace {

using namespace domain_wall_constants;

Parameters validated_parameters(const std::vector<Setting>& settings) {
    Parameters p(domain_wall_parameter_table());
    p.apply(settings, domain_wall_cross_rules);
    return p;
}

double sign_of(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); }

}  // namespace

DomainWallSynapse::DomainWallSynapse(const std::vector<Setting>& settings)
    : parameters_(validated_parameters(settings)),
      mtj_(parameters_["g_ap_S"], parameters_["tmr"], parameters_["tmr_half_bias_V"]) {
    typed_parameters_ = domain_wall_typed_parameters(parameters_);
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
    g_ap_spread_d2d_ = p["g_ap_spread_d2d"];
    v_read_V_ = p["v_read_V"];
    pulse_j_A_per_m2_ = p["pulse_j_A_per_m2"];
    pulse_width_s_ = p["pulse_width_s"];
    relaxation_time_s_ = p["relaxation_time_s"];
    full_dynamics_ = p["full_dynamics"] == 1.0;
    noise_c2c_ = p["displacement_noise_c2c"];
    pinning_spread_d2d_ = p["pinning_spread_d2d"];
    thermal_stability_ = p["thermal_stability"];
    attempt_frequency_Hz_ = p["attempt_frequency_Hz"];
    nominal_drive_ = reduced_drive(pulse_j_A_per_m2_);
}

const std::string& DomainWallSynapse::name() const { return domain_wall_parameter_table().device; }

// Random draws in a fixed order: the pinning scale, then the MTJ conductance scale.
DeviceState DomainWallSynapse::make_device(Rng& rng) const {
    DeviceState s;
    s.x[position_m] = 0.0;
    s.x[angle_rad] = 0.0;
    // Bounded at 3 sigma (and the spread at 0.3) so the pinning scale stays positive.
    s.x[pinning_scale] = 1.0 + pinning_spread_d2d_ * std::clamp(rng.normal(), -3.0, 3.0);
    // Lognormal (median 1): the tunnel conductance is exponential in the barrier thickness.
    s.x[conductance_scale] = std::exp(g_ap_spread_d2d_ * rng.normal());
    return s;
}

void DomainWallSynapse::set_level(DeviceState& state, double fraction, Rng&) const {
    state.x[position_m] = std::clamp(fraction, 0.0, 1.0) * length_m_;
    state.x[angle_rad] = 0.0;  // the Neel ground state (header: sign convention)
}

double DomainWallSynapse::level(const DeviceState& state) const { return state.x[position_m] / length_m_; }

double DomainWallSynapse::conductance_S(const DeviceState& state) const {
    return current_A(v_read_V_, state) / v_read_V_;
}

double DomainWallSynapse::dconductance_dlevel_S(const DeviceState& state) const {
    return state.x[conductance_scale] * (mtj_.g_p_S() - mtj_.g_ap_S(v_read_V_));
}

double DomainWallSynapse::current_A(double v_V, const DeviceState& state) const {
    return mtj_.current_A(v_V, level(state), state.x[conductance_scale]);
}

double DomainWallSynapse::dcurrent_dv_S(double v_V, const DeviceState& state) const {
    return mtj_.dcurrent_dv_S(v_V, level(state), state.x[conductance_scale]);
}

DomainWallSynapse::ReducedDrive DomainWallSynapse::reduced_drive(double j_A_per_m2) const {
    const double h_sh_A_per_m = spin_hall_field_A_per_m(std::abs(j_A_per_m2));
    const double phi_ss = domain_wall_reduced::steady_angle_rad(h_sh_A_per_m, alpha_, h_dmi_A_per_m_, h_k_A_per_m_);
    const double lead_m = domain_wall_reduced::turn_on_lead_m(h_sh_A_per_m, alpha_, h_dmi_A_per_m_, h_k_A_per_m_, wall_width_m_);
    return ReducedDrive{std::abs(j_A_per_m2) * std::cos(phi_ss), lead_m};
}

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
        move_reduced(state, j_A_per_m2, pulse.width_s, noise, rng);
    }
}

// The same three phases as move_full, each in closed form: the sweep during the pulse (exact washboard
// solution at the steady angle, plus the turn-on lead once the wall is depinned), a thermal hop, and the
// relaxation into the nearest well.
void DomainWallSynapse::move_reduced(DeviceState& state, double j_A_per_m2, double width_s, double noise,
                                     Rng& rng) const {
    const ReducedDrive drive = std::abs(j_A_per_m2) == pulse_j_A_per_m2_ ? nominal_drive_ : reduced_drive(j_A_per_m2);
    const double j_c_A_per_m2 = j_c_A_per_m2_ * state.x[pinning_scale];
    const double q0_m = state.x[position_m];
    const double offset_m = q0_m - domain_wall_reduced::nearest_site_m(q0_m, pinning_period_m_);
    double sweep_m = domain_wall_reduced::washboard_displacement_m(sign_of(j_A_per_m2) * drive.washboard_A_per_m2, j_c_A_per_m2,
                                                                   mobility_m3_per_A_s_, pinning_period_m_, offset_m, width_s);
    if (drive.washboard_A_per_m2 > j_c_A_per_m2) sweep_m += sign_of(j_A_per_m2) * drive.turn_on_lead_m;
    state.x[position_m] = clamp_position_m(q0_m + sweep_m * noise);
    thermal_hop(state, j_A_per_m2, width_s, rng);
    if (at_track_end(state)) return;
    state.x[position_m] = clamp_position_m(domain_wall_reduced::nearest_site_m(state.x[position_m], pinning_period_m_));
}

// The pulse sweeps the wall across pinning wells: its step is capped at half the time to cross one
// period at the top speed v_D, so no step can jump a well. The relaxation has no drive and the wall only
// settles into its well, which CVODE's error control follows with growing steps (no cap).
void DomainWallSynapse::move_full(DeviceState& state, double j_A_per_m2, double width_s, double noise,
                                  Rng& rng) const {
    domain_wall_full::WallDynamics wall{alpha_, wall_width_m_, h_k_A_per_m_, h_dmi_A_per_m_,
                                        h_pin_A_per_m_ * state.x[pinning_scale], pinning_period_m_};
    wall.h_sh_A_per_m = spin_hall_field_A_per_m(j_A_per_m2);
    const double sweep_m = domain_wall_full::integrate_wall(wall, state, width_s, 0.5 * pinning_period_m_ / v_dmi_m_per_s_);
    state.x[position_m] = clamp_position_m(state.x[position_m] + sweep_m * noise);
    thermal_hop(state, j_A_per_m2, width_s, rng);
    if (at_track_end(state)) {
        state.x[angle_rad] = 0.0;  // held by the end stop, as in the reduced model; the angle relaxes
        return;
    }
    if (relaxation_time_s_ <= 0.0) return;
    wall.h_sh_A_per_m = 0.0;
    const double settle_m = domain_wall_full::integrate_wall(wall, state, relaxation_time_s_, 0.0);
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

double DomainWallSynapse::write_energy_J(const DeviceState&, const DeviceState&, const Pulse& pulse) const {
    const DomainWallParameters& p = typed_parameters_;
    const double line_volume_m3 = p.track_width_m * p.hm_thickness_m * p.length_m;
    return pulse.amplitude * pulse.amplitude * p.hm_resistivity_ohm_m * line_volume_m3 * pulse.width_s;
}

double DomainWallSynapse::program_energy_J(const DeviceState& before, const DeviceState& after) const {
    const double periods = std::abs(after.x[position_m] - before.x[position_m]) / typed_parameters_.pinning_period_m;
    const Pulse nominal = nominal_pulse(+1);
    return periods * write_energy_J(before, after, nominal);
}

Pulse DomainWallSynapse::nominal_pulse(int polarity) const { return Pulse{pulse_j_A_per_m2_, pulse_width_s_, polarity}; }

}  // namespace cimkit
