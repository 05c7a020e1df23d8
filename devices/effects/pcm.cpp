// The phase-change memory's physical effects (devices/pcm.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& pcm_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"programming noise", "sigma_prog(g_T) = max(-1.1731 g_T^2 + 1.9650 g_T + 0.2635, 0) uS", "prog_noise_scale",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmProgramming.NoiseStdAtHalfRangeMatchesIbmFit"},
        {"conductance drift", "g(t) = g_prog (t/t0)^(-nu), nu ~ |N(mu_nu(g_T), sigma_nu(g_T))|", "drift_scale, drift_t0_s",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmDrift.SampledNuMatchesIbmFitWithinSamplingError"},
        {"1/f read noise", "sigma_read = g Q_s sqrt(ln((t + t_read)/(2 t_read))), Q_s = min(0.0088 / g_T^0.65, 0.2)", "read_noise_scale",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmReadNoise.StdAt1000sMatchesOneOverFFormula"},
        {"accumulative SET", "dg = (g_sat - g) (1 - exp(-n_eff/A))", "set_pulses_per_efold, step_noise_c2c",
         "Nandakumar et al., J. Appl. Phys. 124, 152135 (2018); NeuroSim", "PcmSet.NoiseFreeStepsShrinkGeometrically"},
        {"abrupt RESET", "g_prog = g_min + sigma_prog(g_min/g_max) N(0,1)", "g_min_S", "Nandakumar et al., ICECS 2019",
         "PcmReset.ReturnsToGMinWithinProgrammingNoise"},
    };
    return effects;
}

}  // namespace cimkit
