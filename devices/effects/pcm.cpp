// The phase-change memory's physical effects (devices/pcm.hpp has the equations in full).
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& pcm_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"programming noise", "sigma_prog(g_T) = max(-1.1731 g_T^2 + 1.9650 g_T + 0.2635, 0) uS", "prog_noise_scale",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmProgramming.NoiseStdAtHalfRangeMatchesIbmFit"},
        {"read-conductance spread after program-and-verify (device to device)",
         "sigma(G)/G = sigma_prog(x) / (x 25 uS) at levels x = 0.25, 0.5, 0.75: 10.9 %, 7.6 %, 5.7 %", "prog_noise_scale",
         "Joshi et al., Nat. Commun. 11, 2473 (2020) (fit over > 10^6 devices)", "Characterization.VariabilityReportsPcmProgrammingSpread"},
        {"saturation-conductance spread (device to device)", "g_sat = g_max (1 + g_max_spread_d2d N(0,1)), bounded at 3 sigma; scales the SET steps of pulse-programmed devices",
         "g_max_spread_d2d", "assumed (docs/physics-sources.md#phase-change-memory)", "PcmSet.SaturationConductanceSpreadsByTheTableSigma"},
        {"conductance drift from the programming time", "g(t) = g_prog ((t + t0)/t0)^(-nu), t since programming, no flat window",
         "drift_scale, drift_t0_s", "Joshi et al., Nat. Commun. 11, 2473 (2020); aihwkit PCMLikeNoiseModel",
         "PcmDrift.PowerLawFromProgrammingTimeMatchesClosedForm"},
        {"drift exponent statistics", "nu ~ |N(mu_nu(g_T), sigma_nu(g_T))|, drawn at every programming event", "drift_scale",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmDrift.SampledNuMatchesIbmFitWithinSamplingError"},
        {"1/f read noise", "sigma_read = g Q_s sqrt(ln((t + t0 + t_read)/(2 t_read))), Q_s = min(0.0088 / g_T^0.65, 0.2)", "read_noise, t_read_s",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmReadNoise.StdAt1000sMatchesOneOverFFormula"},
        {"read noise in every array read (both engines)",
         "output line spread sqrt(sum_j (I+_ij r+_ij)^2 + (I-_ij r-_ij)^2), r = sigma_read / g, a fresh draw per read", "read_noise",
         "Joshi et al., Nat. Commun. 11, 2473 (2020)", "PcmArrayReadNoise.EveryReadSpreadsAsTheSummedDeviceNoise"},
        {"accumulative SET", "mean dg = (g_sat - g) (1 - exp(-n_eff/A)), falling linearly with g", "set_pulses_per_efold",
         "Nandakumar et al., J. Appl. Phys. 124, 152135 (2018); NeuroSim", "PcmSet.NoiseFreeStepsShrinkGeometrically"},
        {"state-dependent SET step spread", "sigma_dg(g) = c2c dg + floor g_max + slope g", "step_noise_c2c, step_noise_floor, step_noise_slope",
         "Nandakumar et al., J. Appl. Phys. 124, 152135 (2018); aihwkit PCMPresetDevice", "PcmSet.StepMeanAndSpreadFollowTheStateDependentLaw"},
        {"abrupt RESET", "g_prog = g_min + sigma_prog(g_min/g_max) N(0,1)", "g_min_S", "Nandakumar et al., ICECS 2019",
         "PcmReset.ReturnsToGMinWithinProgrammingNoise"},
        {"global drift compensation (evaluation)", "reads scaled by sum_ij |I+_ij - I-_ij| at programming over the same read now",
         "evaluate.drift_compensation", "Joshi et al., Nat. Commun. 11, 2473 (2020); aihwkit GlobalDriftCompensation",
         "PcmArrayDriftCompensation.MeanOutputMatchesUndriftedWithinTheSpreadOfNu"},
        {"write energy", "E = V^2 t / R, R = set_amplitude_V / set_current_A (SET) or reset_amplitude_V / reset_current_A (RESET)",
         "set_current_A, reset_current_A", "assumed (docs/physics-sources.md#write-energy)", "WriteEnergy.PcmPulseDrawsVSquaredOverTheSwitchedCellsResistance"},
        {"programming energy (set_level)", "n = A ln((g_sat - g_from)/(g_sat - g_to)) nominal SETs, plus one RESET when the target lies below g",
         "set_current_A, reset_current_A, set_pulses_per_efold", "the mean SET law (docs/physics-sources.md#write-energy)",
         "WriteEnergy.PcmProgrammingCostsTheSetPulsesTheMeanLawNeeds"},
    };
    return effects;
}

}  // namespace cimkit
