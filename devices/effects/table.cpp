// The table device's effects (devices/table_device.hpp has the equations in full): each is what
// the fit measured from pulse data (devices/table_device_fit.hpp), not a physical law of its own.
#include "devices/physical_effect.hpp"

namespace cimkit {

const std::vector<PhysicalEffect>& table_device_physical_effects() {
    static const std::vector<PhysicalEffect> effects{
        {"state-dependent mean step (potentiation and depression)",
         "dg = r c n m(g_nom), m linear between the fitted states, r = device window / nominal window", "potentiate_*, depress_*",
         "fitted: mean of the measured steps binned by the conductance before the pulse", "TableDeviceFit.RecoversTheStepLawOfAKnownTable"},
        {"state-dependent cycle-to-cycle step noise", "sigma_dg = r step_noise_scale sqrt(n) s(g_nom), s from the residuals per state",
         "step_noise_scale", "fitted: residual standard deviation per state", "TableDeviceFit.RecoversTheNoiseSigmaPerState"},
        {"device-to-device window and step scale", "a = g_min (1 + s_a N), b = g_max (1 + s_b N), c = 1 + s_c N, each bounded at 3 sigma",
         "g_min_spread_d2d, g_max_spread_d2d, step_spread_d2d", "fitted: spread of the per-device windows and step scales",
         "TableDevice.DeviceWindowsAndStepScalesSpreadByTheirSigmas"},
        {"conductance drift", "g(t) = g_prog ((t + t0)/t0)^(-nu), t since the last pulse", "drift_nu, drift_t0_s",
         "fitted from the reads of the time_s column", "TableDevice.DriftFollowsThePowerLaw"},
        {"a fitted built-in device reproduces its mean pulse response", "mean G after k pulses within 5 % of the window of the PCM model",
         "", "second method: the built-in PCM model (devices/pcm.hpp)", "TableDeviceFit.FittedPcmFollowsThePcmMeanCurve"},
        {"write energy", "E = V^2 t (g_before + g_after)/2 (ohmic during the pulse)", "potentiate_amplitude_V, depress_amplitude_V",
         "assumed (docs/own-devices.md)", "TableDevice.WriteEnergyIsVSquaredGt"},
    };
    return effects;
}

}  // namespace cimkit
