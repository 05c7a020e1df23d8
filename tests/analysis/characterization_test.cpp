// The characterisation experiments recover the figures the device physics puts in: closed-form
// values for the MOSFET and gain cell, whose parameters make them exact.
#include "analysis/characterization/experiment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <vector>

#include "analysis/characterization/statistics.hpp"
#include "devices/core/errors.hpp"
#include "devices/domain_wall.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"
#include "devices/pcm.hpp"

namespace cimkit::analysis {

TEST(Statistics, LineFitAndLogSpace) {
    const LineFit fit = fit_line({0, 1, 2, 3}, {1, 3, 5, 7});
    EXPECT_DOUBLE_EQ(fit.slope, 2.0);
    EXPECT_DOUBLE_EQ(fit.intercept, 1.0);
    const auto t = log_space(1e-6, 1e2, 10);
    EXPECT_EQ(t.size(), 81u);
    EXPECT_DOUBLE_EQ(t.front(), 1e-6);
    EXPECT_NEAR(t.back(), 1e2, 1e-9);
    EXPECT_NEAR(standard_deviation({1, 2, 3, 4}), std::sqrt(5.0 / 3.0), 1e-15);
}

// I-V at level 0 and 1: G = kp (V_G - V_T - v_read/2) at V_G = 0.6 and 1.2 V.
TEST(Characterization, IvRecoversTriodeConductances) {
    const MosfetSynapse m({{"step_spread_d2d", "0", "test"}, {"a_vt_V_m", "0", "test"}});  // the nominal transistor
    const auto r = run_iv(m, {1, 1});
    EXPECT_NEAR(r.figure("g_low_S").value, 120e-6 * (0.2 - 0.025), 1e-12);
    EXPECT_NEAR(r.figure("g_high_S").value, 120e-6 * (0.8 - 0.025), 1e-12);
    EXPECT_EQ(r.curve("current_A").shape, (std::vector<std::size_t>{5, 201}));
}

// MOSFET charge pulses: 0.6 V / 1.5 mV = 400 steps, linear (NL ~ 0) and symmetric; the c2c spread
// is the table's 0.3 of a step within sampling error (64 devices x 220 steps).
TEST(Characterization, PulsesRecoverMosfetStepStatistics) {
    const MosfetSynapse m;
    const auto r = run_pulses(m, {64, 3});
    EXPECT_NEAR(r.figure("states").value, 0.98 * 400, 15);
    EXPECT_LT(r.figure("nonlinearity_potentiation").value, 0.05);
    EXPECT_LT(r.figure("asymmetry").value, 0.05);
    EXPECT_NEAR(r.figure("c2c_sigma").value, 0.3, 0.03);
    EXPECT_NEAR(r.figure("d2d_sigma").value, 0.1, 0.05);
}

// Leakage: a node far above kT/q droops at the constant I_0 = 0.901 pA (devices/storage_leakage.hpp),
// so the half-deviation time from mid-range is C (V_0 / 2) / I_0: MOSFET gate 0.9 V on 100 fF,
// 49.9 ms; gain cell 0.45 V on 10 fF, 2.50 ms. With the write transistor and junction switched off
// nothing leaks.
TEST(Characterization, RetentionRecoversTheHalfDeviationTimeOfTheLeakage) {
    const MosfetSynapse m({{"step_spread_d2d", "0", "test"}, {"leak_spread_d2d", "0", "test"}});
    EXPECT_NEAR(run_retention(m, {4, 1}).figure("t_half_mean_s").value, 100e-15 * 0.45 / 0.901e-12, 1e-3 * 49.9e-3);
    const GainCell cell({{"leak_spread_d2d", "0", "test"}, {"c_spread_d2d", "0", "test"}, {"temperature_K", "0", "test"}});
    EXPECT_NEAR(run_retention(cell, {4, 1}).figure("t_half_mean_s").value, 10e-15 * 0.225 / 0.901e-12, 1e-3 * 2.5e-3);
    const MosfetSynapse forever({{"write_off_current_A", "0", "test"}, {"junction_leak_A", "0", "test"}});
    EXPECT_TRUE(std::isinf(run_retention(forever, {2, 1}).figure("t_half_mean_s").value));
}

TEST(Characterization, VariabilityMatchesTableSpread) {
    const MosfetSynapse m({{"step_noise_c2c", "0", "test"}});
    const auto r = run_variability(m, {2000, 5});
    // Without c2c noise the single-pulse spread is the C_G spread (sigma 0.1, clamped at 3 sigma).
    EXPECT_NEAR(r.figure("step_spread").value, 0.1, 0.01);
}

TEST(Characterization, SameSeedSameResultBitForBit) {
    const MosfetSynapse m;
    EXPECT_EQ(run_pulses(m, {4, 9}).curve("conductance_S").values, run_pulses(m, {4, 9}).curve("conductance_S").values);
    EXPECT_NE(run_pulses(m, {4, 9}).curve("conductance_S").values, run_pulses(m, {4, 10}).curve("conductance_S").values);
}

TEST(Characterization, UnknownExperimentIsAUsageError) {
    EXPECT_THROW(run_experiment("endurance", MosfetSynapse(), {}), UsageError);
    EXPECT_THROW(run_experiment("iv", MosfetSynapse(), {-3, 1}), UsageError);
}

// The read-conductance spread of `cimkit characterize --experiment variability`, per level (0.25, 0.5,
// 0.75), against each device's closed form. N = 2000 devices: the sample sigma's relative standard
// error is 1/sqrt(2N) = 1.6 %; 4 of them are allowed.
namespace {

const double variability_levels[] = {0.25, 0.5, 0.75};
constexpr int variability_devices = 2000;
const double sigma_tolerance = 4.0 / std::sqrt(2.0 * variability_devices);
const double pelgrom_sigma_V = 15e-9 / std::sqrt(2.0 * 1e-6 * 1e-6);  // default A_VT, W = L = 1 um: 10.61 mV

std::vector<double> relative_sigma(const DeviceModel& model) {
    const auto r = run_variability(model, {variability_devices, 5});
    EXPECT_EQ(r.curve("read_conductance_S").shape, (std::vector<std::size_t>{3, variability_devices}));
    EXPECT_EQ(r.curve("read_level").values, std::vector<double>(std::begin(variability_levels), std::end(variability_levels)));
    EXPECT_DOUBLE_EQ(r.figure("level50_g_relative_sigma").value, r.curve("read_conductance_relative_sigma").values[1]);
    return r.curve("read_conductance_relative_sigma").values;
}

}  // namespace

// MOSFET: G = kp (V_G - V_T - dV_T - v_read/2) is linear in the Pelgrom offset, so
// sigma(G)/G = sigma_VT / (V_G - V_T - v_read/2), V_G = 0.6 + 0.6 x.
TEST(Characterization, VariabilityRecoversMosfetThresholdMismatch) {
    const auto relative = relative_sigma(MosfetSynapse());
    for (int k = 0; k < 3; ++k) {
        const double expected = pelgrom_sigma_V / (0.6 + 0.6 * variability_levels[k] - 0.4 - 0.025);
        EXPECT_NEAR(relative[k], expected, sigma_tolerance * expected) << "level " << variability_levels[k];
    }
}

// Gain cell (no kT/C noise): sigma(G) = read_scale_A |df/dw| sigma_VT / v_read at V_store = 0.9 x, mean
// G = read_scale_A f(0.9, 0.9 x - 0.45) / v_read to first order (second-order terms, f'' sigma_VT^2 / 2
// in the mean, move sigma/mean by < 0.2 % at these levels; 1 % is allowed on top of sampling).
TEST(Characterization, VariabilityRecoversGainCellReadMismatch) {
    const auto relative = relative_sigma(GainCell({{"temperature_K", "0", "test"}}));
    for (int k = 0; k < 3; ++k) {
        const double v_store = 0.9 * variability_levels[k];
        const double expected = std::abs(gain_cell_polynomial_dv_store(0.9, v_store)) * pelgrom_sigma_V /
                                std::abs(gain_cell_polynomial(0.9, v_store));
        EXPECT_NEAR(relative[k], expected, (sigma_tolerance + 0.01) * expected) << "level " << variability_levels[k];
    }
}

// Domain wall: G = s G(x) with ln s ~ N(0, 0.05^2) (g_ap_spread_d2d), so at every level
// sigma(G)/mean(G) = sqrt(exp(0.05^2) - 1) = 0.05003.
TEST(Characterization, VariabilityReportsDomainWallLognormalSpread) {
    const double expected = std::sqrt(std::expm1(0.05 * 0.05));
    for (const double relative : relative_sigma(DomainWallSynapse())) EXPECT_NEAR(relative, expected, sigma_tolerance * expected);
}

// PCM: set_level is program-and-verify to g = x g_max, so the device-to-device spread of the read
// conductance is the IBM programming noise sigma_prog(x) = (-1.1731 x^2 + 1.9650 x + 0.2635) uS at
// g_max = 25 uS (Joshi et al. 2020), relative sigma_prog(x) / (x 25 uS): 10.9 %, 7.6 %, 5.7 %. The
// saturation spread g_max_spread_d2d does not show here (verify compensates it; only the rare device
// whose g_sat falls below the target is clipped): it spreads pulse-programmed devices.
TEST(Characterization, VariabilityReportsPcmProgrammingSpread) {
    const auto relative = relative_sigma(PcmDevice());
    for (int k = 0; k < 3; ++k) {
        const double x = variability_levels[k];
        const double expected = (-1.1731 * x * x + 1.9650 * x + 0.2635) / (x * 25.0);
        EXPECT_NEAR(relative[k], expected, sigma_tolerance * expected) << "level " << x;
    }
}

}  // namespace cimkit::analysis
