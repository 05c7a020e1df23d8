// The domain-wall synapse's physical effects (devices/domain_wall.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& domain_wall_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"MTJ read", "G(q) = G_AP(v_read) + (G_P - G_AP(v_read)) q/L, G_P = G_AP (1 + TMR)", "g_ap_S, tmr, length_m, v_read_V",
         "arXiv 1811.09966", "DomainWall.ConductanceSpansGapToGp"},
        {"MTJ bias-dependent TMR", "TMR(V) = TMR / (1 + (V/V_h)^2), G_AP(V) = G_P / (1 + TMR(V)), I = s V [x G_P + (1 - x) G_AP(V)]",
         "tmr, tmr_half_bias_V", "Zhang et al., IEEE TED 59, 819 (2012)", "DomainWall.MtjTmrHalvesAtTheHalfBiasVoltage"},
        {"MTJ conductance spread (device to device)", "G -> s G, ln s ~ N(0, sigma^2)", "g_ap_spread_d2d",
         "assumed inside IBM, IEDM 2008 (TMR > 15 sigma(R_P))", "DomainWall.MtjConductanceSpreadIsLognormalWithTheTableSigma"},
        {"read-conductance spread (characterize variability)", "sigma(G)/G = sqrt(exp(sigma^2) - 1) = 0.0500 at every level", "g_ap_spread_d2d",
         "assumed inside IBM, IEDM 2008 (TMR > 15 sigma(R_P))", "Characterization.VariabilityReportsDomainWallLognormalSpread"},
        {"DMI-limited wall velocity (full 1-D model)", "v = v_D / sqrt(1 + (J_D/J)^2), v_D = (pi/2) gamma0 Delta H_D",
         "ms_A_per_m, alpha, wall_width_m, theta_sh, dmi_J_per_m2, t_free_m", "Thiaville et al., EPL 100, 57002 (2012)",
         "DomainWall.FreeWallVelocityFollowsTheDmiSaturationLaw"},
        {"static depinning", "no motion while (pi/2) H_SH(J) < H_p", "h_pin_A_per_m, pinning_period_m", "Martinez et al., JPCM 25, 476001 (2013)",
         "DomainWall.BelowDepinningTheWallDoesNotMove"},
        {"pinning sites (every pulse ends in a well)", "q -> nearest multiple of p after each pulse (relaxation)", "pinning_period_m",
         "Martinez et al., JPCM 25, 476001 (2013)", "DomainWall.NominalPulseStepsOnePinningPeriod"},
        {"reduced model: tilted washboard with DMI saturation",
         "q' = mu (J cos(phi_ss) - J_c sin(2 pi q/p)), mean v = mu sqrt((J cos(phi_ss))^2 - J_c^2), + turn-on lead",
         "full_dynamics", "derived from the 1-D model (Thiaville 2012)", "DomainWallAgreement.ReducedFollowsFullFromBelowThresholdTo3e12"},
        {"thermal hops", "P = 1 - exp(-t f0 exp(-E_b/kT (1 - |J|/J_c)^2)); at rest rate 2 f0 exp(-E_b/kT)",
         "thermal_stability, attempt_frequency_Hz", "Neel-Arrhenius; E_b/kT = 40 for 10-year retention", "DomainWall.ThermalHopRateMatchesArrhenius"},
        {"thermal hops on by default", "mean wait e^40 / f0 = 7.5 years per direction", "thermal_stability",
         "Neel-Arrhenius; E_b/kT = 40 for 10-year retention", "DomainWall.DefaultThermalBarrierHopsAboutOnceInFourYears"},
        {"write energy", "E = J^2 rho (w t_HM L) t_p: Joule heat of the heavy-metal line", "hm_resistivity_ohm_m, hm_thickness_m, track_width_m",
         "assumed (docs/physics-sources.md#write-energy)", "WriteEnergy.DomainWallPulseIsTheJouleHeatOfTheHeavyMetalLine"},
        {"programming energy (set_level)", "|q_after - q_before| / p nominal pulses", "pinning_period_m",
         "one site per nominal pulse (docs/physics-sources.md#write-energy)", "WriteEnergy.DomainWallProgrammingCostsOneNominalPulsePerSiteCrossed"},
    };
    return effects;
}

}  // namespace cimkit
