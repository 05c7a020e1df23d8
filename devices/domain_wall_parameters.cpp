// domain_wall_parameter_table() and what is derived from it alone: the cross rules and the typed view.
#include "devices/domain_wall_parameters.hpp"

#include <sstream>
#include <string>

#include "devices/domain_wall.hpp"

namespace cimkit {
namespace {

using namespace domain_wall_constants;

// "2e-08", not std::to_string's "0.000000": the rules compare nanometres.
std::string number(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

}  // namespace

// Damping-like spin-Hall field per unit current density, H_SH / J = hbar theta_SH / (2 e mu0 Ms t_F).
double spin_hall_field_per_j_of(const Parameters& p) {
    return hbar_J_s * p["theta_sh"] / (2.0 * elementary_charge_C * mu0_T_m_per_A * p["ms_A_per_m"] * p["t_free_m"]);
}

double dmi_field_of(const Parameters& p) {
    return p["dmi_J_per_m2"] / (mu0_T_m_per_A * p["ms_A_per_m"] * p["wall_width_m"]);
}

void domain_wall_cross_rules(const Parameters& p) {
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

DomainWallParameters domain_wall_typed_parameters(const Parameters& p) {
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
    t.tmr_half_bias_V = p["tmr_half_bias_V"];
    t.g_ap_spread_d2d = p["g_ap_spread_d2d"];
    t.v_read_V = p["v_read_V"];
    t.pulse_j_A_per_m2 = p["pulse_j_A_per_m2"];
    t.pulse_width_s = p["pulse_width_s"];
    t.relaxation_time_s = p["relaxation_time_s"];
    t.hm_resistivity_ohm_m = p["hm_resistivity_ohm_m"];
    t.hm_thickness_m = p["hm_thickness_m"];
    t.track_width_m = p["track_width_m"];
    t.full_dynamics = p["full_dynamics"];
    t.displacement_noise_c2c = p["displacement_noise_c2c"];
    t.thermal_stability = p["thermal_stability"];
    t.attempt_frequency_Hz = p["attempt_frequency_Hz"];
    return t;
}


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
            {"g_ap_S", Unit::siemens, 20e-6, Range::positive(), "zero-bias MTJ conductance with the wall at q = 0 (antiparallel)"},
            {"g_ap_spread_d2d", Unit::dimensionless, 0.05, Range::closed(0.0, 0.3), "device-to-device spread of the MTJ conductance, sigma of ln(G)"},
            {"tmr", Unit::dimensionless, 1.5, Range::closed(0.01, 10.0), "zero-bias tunnel magnetoresistance (G_P - G_AP)/G_AP"},
            {"tmr_half_bias_V", Unit::volt, 0.5, Range::positive(), "bias V_h at which the TMR has halved, TMR(V) = TMR/(1 + (V/V_h)^2)"},
            {"v_read_V", Unit::volt, 0.1, Range::positive(), "read voltage across the MTJ"},
            {"pulse_j_A_per_m2", Unit::ampere_per_meter2, 1e11, Range::positive(), "nominal write current density in the heavy metal"},
            {"pulse_width_s", Unit::second, 1.2e-9, Range::positive(), "nominal write pulse width (about one pinning period per pulse)"},
            {"relaxation_time_s", Unit::second, 10e-9, Range::non_negative(), "full model: zero-current settling time after each pulse"},
            {"full_dynamics", Unit::dimensionless, 0.0, Range::unit_interval(), "1: integrate the 1D (q, phi) model with CVODE; 0: reduced closed-form washboard"},
            {"hm_resistivity_ohm_m", Unit::ohm_meter, 3e-7, Range::positive(), "resistivity of the heavy-metal write line (30 uOhm cm, thin Pt; write energy)"},
            {"hm_thickness_m", Unit::meter, 3e-9, Range::positive(), "heavy-metal thickness (write energy: the line's cross-section)"},
            {"track_width_m", Unit::meter, 100e-9, Range::positive(), "width of the track and its heavy-metal line (write energy; assumed)"},
            {"displacement_noise_c2c", Unit::dimensionless, 0.1, Range::non_negative(), "cycle-to-cycle noise, sigma relative to each pulse's displacement"},
            {"thermal_stability", Unit::dimensionless, 40.0, Range::non_negative(), "pinning barrier E_b/kT for thermal hops (40: 10-year retention at f0 = 1 GHz; 0: no hops)"},
            {"attempt_frequency_Hz", Unit::hertz, 1e9, Range::positive(), "attempt frequency f0 of thermal hops"},
        }};
    return table;
}

}  // namespace cimkit
