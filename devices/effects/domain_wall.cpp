// The domain-wall synapse's physical effects (devices/domain_wall.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& domain_wall_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"MTJ read", "G(q) = G_AP + (G_P - G_AP) q/L, G_P = G_AP (1 + TMR)", "g_ap_S, tmr, length_m", "arXiv 1811.09966",
         "DomainWall.ConductanceSpansGapToGp"},
        {"DMI-limited wall velocity (full 1-D model)", "v = v_D / sqrt(1 + (J_D/J)^2), v_D = (pi/2) gamma0 Delta H_D",
         "ms_A_per_m, alpha, wall_width_m, theta_sh, dmi_J_per_m2, t_free_m", "Thiaville et al., EPL 100, 57002 (2012)",
         "DomainWall.FreeWallVelocityFollowsTheDmiSaturationLaw"},
        {"static depinning", "no motion while (pi/2) H_SH(J) < H_p", "h_pin_A_per_m, pinning_period_m", "Martinez et al., JPCM 25, 476001 (2013)",
         "DomainWall.BelowDepinningTheWallDoesNotMove"},
        {"reduced model follows the full one", "v = mu (|J| - J_c) sign(J), within 5 % of the full model for 15 J_c < J < 0.3 J_D", "full_dynamics",
         "derived from the 1-D model", "DomainWall.FullAndReducedAgreeInTheLinearRegime"},
        {"thermal hops", "P = 1 - exp(-t f0 exp(-E_b/kT (1 - |J|/J_c)^2))", "thermal_stability, attempt_frequency_Hz", "Arrhenius-Neel",
         "DomainWall.ThermalHopRateMatchesArrhenius"},
    };
    return effects;
}

}  // namespace cimkit
