// The characterisation experiments recover the figures the device physics puts in: closed-form
// values for the MOSFET and gain cell, whose parameters make them exact.
#include "analysis/characterization/experiment.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/characterization/statistics.hpp"
#include "devices/core/errors.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"

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

// Leakage: the fitted tau equals the table's tau (MOSFET exactly; gain cell mean of a 10 % spread).
TEST(Characterization, RetentionRecoversLeakageTimeConstant) {
    const MosfetSynapse m({{"retention_tau_s", "3600", "test"}});
    const auto r = run_retention(m, {4, 1});
    EXPECT_NEAR(r.figure("tau_mean_s").value, 3600, 1e-3 * 3600);
    const GainCell cell({{"tau_spread_d2d", "0", "test"}});
    EXPECT_NEAR(run_retention(cell, {4, 1}).figure("tau_mean_s").value, 5e-3, 1e-2 * 5e-3);
    const MosfetSynapse forever;
    EXPECT_TRUE(std::isinf(run_retention(forever, {2, 1}).figure("tau_mean_s").value));
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

}  // namespace cimkit::analysis
