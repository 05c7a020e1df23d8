#pragma once
// Spin-orbit-torque domain-wall (DW) synapse: a chiral Neel wall in a perpendicular free layer on a
// heavy metal, pushed by the damping-like spin-Hall torque of an in-plane write current; an MTJ over
// the free layer reads the wall position as a conductance.
//
// Sources: seed paper "On-chip learning for domain wall synapse based fully connected neural network",
// arXiv 1811.09966 (J. Magn. Magn. Mater. 489, 165434, 2019); 1D model of Thiaville et al.,
// EPL 100, 57002 (2012); Emori et al., Nat. Mater. 12, 611 (2013); Martinez et al., J. Phys.:
// Condens. Matter 25, 476001 (2013).
//
// Read (devices/mtj.hpp): the swept fraction x = q/L of the free layer is parallel, the rest antiparallel,
//   I(V) = s V [x G_P + (1 - x) G_AP(V)],  G_AP(V) = G_P / (1 + TMR(V)),  TMR(V) = TMR / (1 + (V/V_h)^2),
// G_P = G_AP(0) (1 + TMR), s the device's lognormal conductance scale. conductance_S is the chord
// I(v_read)/v_read, so the programmed level includes the bias dependence at the read voltage.
//
// Full model (full_dynamics = 1): 1D collective coordinates q (wall position, m) and phi (angle of
// the wall moment from the wire axis, rad; phi = 0 is the Neel wall D > 0 favours). Fields in A/m,
// gamma0 = mu0 |gamma| = 2.211e5 m/(A s):
//   alpha q'/Delta + phi' = gamma0 [-H_pin(q)] + (pi/2) gamma0 H_SH cos(phi)                       (1)
//   q'/Delta - alpha phi' = -(gamma0 H_K/2) sin(2 phi) + (pi/2) gamma0 H_D sin(phi)                (2)
//   H_SH = hbar theta_SH J / (2 e mu0 Ms t_F)   damping-like spin-Hall field, J in A/m^2
//   H_D  = D / (mu0 Ms Delta)                   DMI field
//   H_pin(q) = H_p sin(2 pi q / p)              periodic pinning: wells at q = n p, depinning field H_p
//   H_K                                          wall shape anisotropy (favours Bloch, phi = +-pi/2)
// Each right-hand-side call solves the 2x2 system: with a, b the right-hand sides of (1), (2),
//   q'/Delta = (b + alpha a) / (1 + alpha^2),   phi' = (a - alpha b) / (1 + alpha^2).
//
// Sign convention. Sources differ (up-down vs down-up wall, signs of D and theta_SH, sign of gamma);
// ours is fixed by three requirements. (2) is +(gamma0 / (2 mu0 Ms Delta)) dsigma/dphi with the wall
// energy sigma(phi) = mu0 Ms Delta H_K cos^2(phi) - pi D cos(phi) (Thiaville 2012), so at J = 0,
// phi' = -alpha b / (1 + alpha^2) ~ -dsigma/dphi: phi relaxes to the energy minimum phi = 0 when
// D > 0 and H_K < (pi/2) H_D (a cross rule). With that, J > 0 moves the wall to larger q (raises G).
// Pinning: -H_pin is restoring about q = n p because dH_pin/dq > 0 there.
//
// Steady state, no pinning, H_K = 0 (phi' = 0): (1) gives alpha q'/Delta = (pi/2) gamma0 H_SH cos(phi),
// (2) gives q'/Delta = (pi/2) gamma0 H_D sin(phi). Dividing, tan(phi) = H_SH / (alpha H_D) = J/J_D,
// a stable fixed point on the branch through phi = 0 (d phi'/d phi < 0 there), and
//   v = (pi/2) gamma0 Delta H_D sin(phi) = v_D / sqrt(1 + (J_D/J)^2),
//   v_D = (pi/2) gamma0 Delta H_D,   H_SH(J_D) = alpha H_D   (DMI-limited saturation, Thiaville 2012).
// Linear regime J << J_D: v = mu J with mu = v_D/J_D = (pi/2) gamma0 Delta H_SH(J) / (alpha J) (no D).
// Static depinning: with phi = 0, (1) balances when (pi/2) H_SH(J_c) = H_p, which defines J_c.
//
// apply_pulse (full): CVODE integrates y = ((q - q_start)/Delta, phi) (both dimensionless, so one
// absolute tolerance fits) over the pulse width with J = polarity * amplitude, then over
// relaxation_time_s with J = 0 so the wall settles into a pinning well; q is clamped to [0, L] after
// each phase. Positions after relaxation are therefore multiples of p: the pinning sites are the
// device's levels (a wall put between sites by set_level settles onto one at its next pulse). The
// track ends are hard stops: a wall pushed to 0 or L stays there (no relaxation), as in the reduced
// model. Cost: about 0.2 ms per pulse.
//
// Reduced model (full_dynamics = 0, the default, for arrays): the same three phases in closed form
// (devices/domain_wall_reduced.hpp). Holding phi at its steady value phi_ss(J) (root of (1) and (2) with
// phi' = 0, no pinning; tan(phi_ss) = J/J_D when H_K = 0), (1) without the phi' term is an overdamped
// tilted washboard
//   q' = mu (J cos(phi_ss) - J_c sin(2 pi q/p)),
// solved exactly over the pulse from the wall's place in its well: no motion while J cos(phi_ss) <= J_c
// (the depinning threshold), mean speed mu sqrt((J cos(phi_ss))^2 - J_c^2) above it, which saturates at
// v_D when J >> J_c (J cos(phi_ss) -> J_D), the DMI limit. Then a thermal hop as below, then relaxation:
// the wall goes to the nearest well, so every pulse ends on a pinning site, as the full model's does.
// Why it agrees with the full model: integrating (1), alpha dq/Delta = gamma0 ((pi/2) H_SH cos(phi) - H_pin)
// dt - dphi, and phi starts and ends at 0, so the phi' term only delays the wall by Delta phi/alpha during
// the pulse and gives the delay back while phi relaxes. What remains is the turn-on of cos(phi) from 1 to
// cos(phi_ss), which the reduced model adds in closed form as the turn-on lead (~20 nm at 3e12 A/m^2,
// < 1 nm below 2.6e11 A/m^2), and the angle's wobble across the washboard, which rounding to sites absorbs.
// DomainWallAgreement.ReducedFollowsFullFromBelowThresholdTo3e12 sweeps J from 0.5 J_c to 3e12 A/m^2
// (15 points, pulses of 1.2 and 4 ns): the same final site in 29 of 30 cases, one site apart (2.7 %) in
// the last (docs/physics-sources.md has the table). The old reduced law mu (|J| - J_c) gave 632 m/s at
// 3e12 A/m^2, where both models now give 250 m/s (< v_D). Cost: phi_ss and the lead are cached for the
// nominal amplitude (a 64-point sum otherwise); the mnist_domain_wall screening (2000 samples, 245 000
// pulses) trains in 2.1 s, as with the old linear law.
//
// With the defaults: H_D = 1.14e5 A/m, v_D = 276 m/s, J_D = 1.30e12 A/m^2, J_c = 1.99e10 A/m^2,
// mu = 2.12e-10 (m/s)/(A/m^2); the nominal pulse (1e11 A/m^2, 1.2 ns) sweeps the wall past the barrier
// half-way to the next site, and both models end it there: one 20 nm site per pulse, 50 pulses for L = 1 um.
//
// Thermal depinning (thermal_stability = E_b/kT > 0): below J_c a pulse hops the wall by one period p
// in the direction of J with probability P = 1 - exp(-t_p f0 exp(-E_b/kT (1 - |J|/J_c)^2)). evolve()
// at zero current makes at most one hop of +-p per call, with probability 1 - exp(-2 dt f0 exp(-E_b/kT))
// (two directions); it is exact for 2 dt f0 exp(-E_b/kT) << 1, so step long retention times finely.
// Default E_b/kT = 40: the Neel-Arrhenius barrier for 10-year retention at f0 = 1 GHz, ln(f0 10 yr) = 40.3
// (docs/physics-sources.md). With thermal_stability = 0 the wall does not move at zero current.
//
// Variability: device-to-device relative spread of H_p (and so of J_c) and lognormal spread of the MTJ
// conductance (sigma g_ap_spread_d2d of ln G), drawn in make_device in that order; each
// pulse's displacement is multiplied by max(0, 1 + sigma_c2c N(0,1)) (bounded at 0: a pulse cannot
// push the wall against its torque). In the full model the noise scales the motion during the pulse,
// before relaxation, so it shows as occasional missed or extra pinning sites.
//
// Write energy: the write current flows along the heavy-metal line under the track (cross-section
// track_width_m x hm_thickness_m, length length_m), so a pulse of density J and width t dissipates
// J^2 rho w t_HM L t in it: 1.1 fJ for the nominal pulse at the defaults. The wall's own motion
// and the MTJ take no write current, and the driver's overhead is not counted. A set_level is priced
// as the nominal pulses that move the wall as far, one pinning period each: |q_after - q_before| / p.
//
// Units are SI; every number is a parameter of domain_wall_parameter_table().
#include "devices/device_model.hpp"
#include "devices/mtj.hpp"

namespace cimkit {

namespace domain_wall_constants {
inline constexpr double pi = 3.14159265358979323846;
inline constexpr double hbar_J_s = 1.054571817e-34;            // reduced Planck constant
inline constexpr double elementary_charge_C = 1.602176634e-19;
inline constexpr double mu0_T_m_per_A = 1.25663706212e-6;      // vacuum permeability
inline constexpr double gamma0_m_per_A_s = 2.211e5;            // mu0 |gamma_e|, gyromagnetic ratio
}  // namespace domain_wall_constants

const ParameterTable& domain_wall_parameter_table();

// domain_wall_parameter_table() by field: the same validated values as parameters(), typed, for code
// that builds on this device. Descriptions in the table; full_dynamics holds 0 or 1.
struct DomainWallParameters {
    double ms_A_per_m, alpha, wall_width_m, theta_sh, dmi_J_per_m2, t_free_m, h_k_A_per_m;  // magnetics
    double length_m, pinning_period_m, h_pin_A_per_m, pinning_spread_d2d;                 // track, pinning
    double g_ap_S, g_ap_spread_d2d, tmr, tmr_half_bias_V, v_read_V;                      // MTJ read
    double pulse_j_A_per_m2, pulse_width_s, relaxation_time_s, full_dynamics;             // write
    double hm_resistivity_ohm_m, hm_thickness_m, track_width_m;                          // write energy
    double displacement_noise_c2c, thermal_stability, attempt_frequency_Hz;              // noise, thermal hops
};

class DomainWallSynapse final : public DeviceModel {
public:
    // position_m: wall position q in [0, L]; angle_rad: wall angle phi; pinning_scale: this device's
    // H_p (and J_c) relative to the table's; conductance_scale: this device's MTJ conductance s.
    enum Slot { position_m = 0, angle_rad = 1, pinning_scale = 2, conductance_scale = 3 };

    explicit DomainWallSynapse(const std::vector<Setting>& settings = {});

    const std::string& name() const override;
    const Parameters& parameters() const override { return parameters_; }
    const DomainWallParameters& typed_parameters() const { return typed_parameters_; }
    DeviceState make_device(Rng& rng) const override;
    void set_level(DeviceState& state, double fraction, Rng& rng) const override;
    double level(const DeviceState& state) const override;
    double conductance_S(const DeviceState& state) const override;
    double current_A(double v_V, const DeviceState& state) const override;
    bool odd_read_current() const override { return true; }  // I = V f(V^2)
    double dcurrent_dv_S(double v_V, const DeviceState& state) const override;
    double dconductance_dlevel_S(const DeviceState& state) const override;
    void apply_pulse(DeviceState& state, const Pulse& pulse, Rng& rng) const override;
    double write_energy_J(const DeviceState& before, const DeviceState& after, const Pulse& pulse) const override;
    double program_energy_J(const DeviceState& before, const DeviceState& after) const override;
    void evolve(DeviceState& state, double dt_s, Rng& rng) const override;
    Pulse nominal_pulse(int polarity) const override;
    Unit pulse_amplitude_unit() const override { return Unit::ampere_per_meter2; }
    double read_voltage_V() const override { return v_read_V_; }
    double iv_sweep_limit_V() const override { return 0.5; }

    // Figures derived from the table (formulas in the header comment), for a device with scale 1.
    double spin_hall_field_A_per_m(double j_A_per_m2) const { return h_sh_per_j_m_ * j_A_per_m2; }
    double dmi_field_A_per_m() const { return h_dmi_A_per_m_; }
    double dmi_velocity_m_per_s() const { return v_dmi_m_per_s_; }               // v_D
    double dmi_current_density_A_per_m2() const { return j_dmi_A_per_m2_; }      // J_D
    double depinning_current_density_A_per_m2() const { return j_c_A_per_m2_; } // J_c
    double mobility_m3_per_A_s() const { return mobility_m3_per_A_s_; }          // mu, (m/s)/(A/m^2)
    const MagneticTunnelJunction& mtj() const { return mtj_; }                   // the read, scale 1

private:
    // Reduced model, for |J|: the washboard drive |J| cos(phi_ss(J)) at the steady wall angle and the
    // turn-on lead (devices/domain_wall_reduced.hpp); cached for the nominal amplitude.
    struct ReducedDrive {
        double washboard_A_per_m2, turn_on_lead_m;
    };
    ReducedDrive reduced_drive(double j_A_per_m2) const;
    void move_reduced(DeviceState& state, double j_A_per_m2, double width_s, double noise, Rng& rng) const;
    void move_full(DeviceState& state, double j_A_per_m2, double width_s, double noise, Rng& rng) const;
    void thermal_hop(DeviceState& state, double j_A_per_m2, double width_s, Rng& rng) const;
    double clamp_position_m(double q_m) const;
    bool at_track_end(const DeviceState& state) const;

    Parameters parameters_;
    DomainWallParameters typed_parameters_;
    double alpha_, wall_width_m_, h_k_A_per_m_, h_pin_A_per_m_, pinning_period_m_, length_m_;
    double h_sh_per_j_m_, h_dmi_A_per_m_, v_dmi_m_per_s_, j_dmi_A_per_m2_, j_c_A_per_m2_;
    double mobility_m3_per_A_s_;
    ReducedDrive nominal_drive_;
    MagneticTunnelJunction mtj_;
    double g_ap_spread_d2d_, v_read_V_, pulse_j_A_per_m2_, pulse_width_s_, relaxation_time_s_;
    bool full_dynamics_;
    double noise_c2c_, pinning_spread_d2d_, thermal_stability_, attempt_frequency_Hz_;
};

}  // namespace cimkit
