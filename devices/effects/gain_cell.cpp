// The gain cell's physical effects (devices/gain_cell.hpp and devices/gain_cell_read.hpp have the
// equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& gain_cell_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"read kernel (Eq. 4)", "Q = read_scale_A t_in f(V_in, V_store - 0.45), f = sum_{i+j<=3} C_ij (V_store - 0.45)^i V_in^j, V_in = 0.9 V",
         "v_read_V, read_scale_A, read_model", "Leroux et al., arXiv 2409.19315, public code (docs/physics-sources.md#gain-cell)",
         "GainCell.ReadMatchesThePublishedKernelOnAGrid"},
        {"three-terminal read in an array", "I into the column = read_scale_A f(v_row, V_store - dV_T - 0.45) for any column voltage; the row line supplies none of it",
         "v_dd_V", "circuits/faces/gain_cell_faces.cpp (the read transistor draws from its read supplies)",
         "GainCell.CurrentIntoColumnFollowsTheRowOnly"},
        {"read nonlinearity", "least-squares slope 19.33 /V, max |f - line| / range = 9.6 % over V_store = 0..0.9 V", "",
         "Leroux et al., arXiv 2409.19315 (surrogate 19.3); issue 16 review", "GainCell.PublishedKernelHasSlope19p33AndIsNinePointSixPercentNonlinear"},
        {"linear surrogate (read_model = 1)", "Q = read_scale_A 19.3 (V_in / 0.9) (V_store - 0.45) t_in", "read_model",
         "Leroux et al., arXiv 2409.19315, public code (backward pass)", "GainCell.LinearSurrogateAndTheKernelsZeroInputTerms"},
        {"three-terminal read (SPICE face)", "I = read_scale_A f(V_row, V_s - 0.45) into the column from the +-v_dd_V read supplies (row: gate only); E = v_dd_V integral |I| dt",
         "v_dd_V, read_scale_A", "Leroux et al., arXiv 2409.19315 (2T/3T gain cell)", "GainCellFace.ThreeTerminalCellDrawsThePublishedLawFromItsReadSupply"},
        {"read-transistor threshold mismatch", "I = read_scale_A f(V_in, V_store - dV_T - 0.45), dV_T ~ N(0, sigma^2), sigma = A_VT / sqrt(2 W L) = 10.6 mV; sigma(I) = read_scale_A |df/dw| sigma",
         "read_a_vt_V_m, read_w_m, read_l_m", "Pelgrom et al., IEEE JSSC 24(5) 1989; W, L assumed (docs/physics-sources.md#threshold-mismatch)",
         "GainCell.ReadTransistorMismatchSpreadsCurrentAsDfDw"},
        {"read-transistor offset in the SPICE face", "B-source law of v(s) - dV_T - 0.45; transistor face: read gate held dV_T below the storage node",
         "read_a_vt_V_m", "Pelgrom et al., IEEE JSSC 24(5) 1989", "GainCellFace.ReadTransistorOffsetShiftsTheStorageVoltageItSees"},
        {"read-conductance spread (characterize variability)", "sigma(G)/|G| = |df/dw| sigma / |f| at V_store = 0.9 x, x = 0.25, 0.5, 0.75",
         "read_a_vt_V_m", "Pelgrom et al., IEEE JSSC 24(5) 1989", "Characterization.VariabilityRecoversGainCellReadMismatch"},
        {"storage-node retention (leakage)",
         "C_S dV/dt = -I_0 (1 - exp(-V/V_t)), I_0 = I_off exp(V_wl/(n V_t)) + I_j; exact solution, checked against CVODE",
         "write_off_current_A, write_slope_factor, word_line_off_V, junction_leak_A, temperature_K",
         "write-transistor subthreshold and junction leakage; I_off from Leroux et al.'s 5 ms (docs/physics-sources.md#storage-node-leakage)",
         "StorageLeakage.HoldMatchesCvodeIntegrationOfTheLeakageCurrent"},
        {"silicon retention", "t_1/2 = C_S (0.45 V) / I_0 = 5.0 ms from 0.9 V", "write_off_current_A, c_store_F", "Leroux et al., arXiv 2409.19315",
         "StorageLeakage.FarAboveThermalVoltageTheNodeDroopsLinearly"},
        {"word-line underdrive", "I_sub x 1/10 per n (kT/q) ln 10 = 89 mV below 0 V", "word_line_off_V, write_slope_factor",
         "subthreshold swing (Taur and Ning, ch. 3)", "StorageLeakage.WordLineUnderdriveCutsSubthresholdLeakByADecadePerSwing"},
        {"write through the write transistor", "V <- V_w + (V - V_w) exp(-t_p / (r_write C_S))", "r_write_ohm, write_width_s, c_store_F",
         "RC charging", "GainCell.WritePulseChargesThroughTheWriteTransistor"},
        {"kT/C write noise", "sigma = sqrt(k_B T / C_S)", "temperature_K, c_store_F", "thermal noise of a sampled capacitor",
         "GainCell.WriteNoiseIsKTOverC"},
        {"write energy", "E = V_w C_S (V_after - V_before) for a charging pulse (half lost in the write transistor), 0 for a discharging one",
         "v_dd_V, c_store_F", "charge conservation (docs/physics-sources.md#write-energy)", "WriteEnergy.GainCellFullChargeDrawsTwiceTheStoredEnergy"},
        {"programming energy (set_level)", "E = V_after C_S max(0, V_after - V_before)", "c_store_F",
         "charge conservation (docs/physics-sources.md#write-energy)", "WriteEnergy.GainCellProgrammingDrawsTheLinesChargeAtTheTargetVoltage"},
    };
    return effects;
}

}  // namespace cimkit
