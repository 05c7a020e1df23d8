// The MOSFET synapse's physical effects (devices/mosfet.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& mosfet_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"triode read (level-1)", "I_D = kp (W/L) (V_GS - V_T - V_DS/2) V_DS (1 + lambda V_DS)", "kp_A_per_V2, vto_V, lambda_per_V, w_m, l_m",
         "Shichman-Hodges; ngspice level 1", "Mosfet.TriodeCurrentIsTheLevel1Law"},
        {"source above ground (array with wire resistance)",
         "V_GS = V_G - min(v_row, v_column), V_DS = |v_row - v_column|, sign of v_row - v_column; gate held to ground",
         "kp_A_per_V2, vto_V, lambda_per_V", "Shichman-Hodges; ngspice level 1 (circuits/faces/mosfet_faces.cpp)",
         "Mosfet.CurrentBetweenTerminalsIsTheLevel1LawWithSourceAboveGround"},
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
        {"gate retention (storage-node leakage)",
         "C_G dV_G/dt = -I_0 (1 - exp(-V_G/V_t)), I_0 = I_off exp(V_wl/(n V_t)) + I_j; solved exactly (linear droop far above V_t)",
         "write_off_current_A, write_slope_factor, word_line_off_V, junction_leak_A, temperature_K",
         "write-transistor subthreshold and junction leakage (docs/physics-sources.md#storage-node-leakage)", "Mosfet.GateDroopsThroughTheStorageLeakage"},
        {"leakage spread", "I_0 per device x (1 + leak_spread_d2d N(0,1)), droop rate also x C_G spread", "leak_spread_d2d, step_spread_d2d",
         "assumed 10 % (as the gain cell's)", "StorageLeakage.MosfetGateAndGainCellNodeUseTheSameLaw"},
        {"write energy", "E = v_g_max_V I_p t_p for a potentiating pulse (the pump's upper rail), 0 for a depressing one",
         "v_g_max_V, pulse_current_A, pulse_width_s", "charge conservation (docs/physics-sources.md#write-energy)",
         "WriteEnergy.MosfetPumpDrawsItsChargeFromTheUpperRailOnlyWhenCharging"},
        {"programming energy (set_level)", "E = v_g_max_V C_G max(0, V_after - V_before)", "v_g_max_V, c_gate_F",
         "charge conservation (docs/physics-sources.md#write-energy)", "WriteEnergy.MosfetProgrammingCostsWhatTheEquivalentPumpPulsesCost"},
    };
    return effects;
}

}  // namespace cimkit
