// The MOSFET synapse's physical effects (devices/mosfet.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& mosfet_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"triode read (level-1)", "I_D = kp (W/L) (V_GS - V_T - V_DS/2) V_DS (1 + lambda V_DS)", "kp_A_per_V2, vto_V, lambda_per_V, w_m, l_m",
         "Shichman-Hodges; ngspice level 1", "Mosfet.TriodeCurrentIsTheLevel1Law"},
        {"compact and SPICE faces agree", "I_D(compact) = I_D(ngspice) within 1 %", "", "netlists/models/mosfet_synapse.lib",
         "MosfetSpiceAgreement.DrainCurrentMatchesNgspiceWithinOnePercent"},
        {"charge-pump write", "dV_G = I_p t_p / C_G, clipped to [v_g_min_V, v_g_max_V]", "pulse_current_A, pulse_width_s, c_gate_F",
         "Dey et al., arXiv 1907.00625", "Mosfet.ChargePulsesAreLinearAndSymmetric"},
        {"threshold mismatch (device to device)", "V_T = vto_V + dV_T, dV_T ~ N(0, sigma^2), sigma = A_VT / sqrt(2 W L) = 10.6 mV; sigma(G)/G = sigma / (V_G - V_T - v_read/2)",
         "a_vt_V_m, w_m, l_m", "Pelgrom et al., IEEE JSSC 24(5) 1989 (area law); A_VT: docs/physics-sources.md#threshold-mismatch",
         "Mosfet.ThresholdMismatchSpreadsConductanceAsPelgrom"},
        {"threshold offset in the SPICE faces", "gate at V_G - dV_T (level 1, no body effect): the same transistor", "a_vt_V_m",
         "netlists/models/mosfet_synapse.lib", "MosfetSpiceAgreement.FacesCarryEachDevicesThresholdOffset"},
        {"read-conductance spread (characterize variability)", "sigma(G)/G at levels 0.25, 0.5, 0.75 = 3.3 %, 2.2 %, 1.7 %", "a_vt_V_m",
         "Pelgrom et al., IEEE JSSC 24(5) 1989", "Characterization.VariabilityRecoversMosfetThresholdMismatch"},
        {"gate retention", "V_G(t) = V_leak + (V_G0 - V_leak) exp(-t/tau)", "retention_tau_s, v_leak_target_V", "first-order leak (assumed)",
         "Mosfet.LeakageIsExponential"},
    };
    return effects;
}

}  // namespace cimkit
