#include "devices/mosfet.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

MosfetSynapse ideal() {  // no variability, so single devices have exact closed forms
    return MosfetSynapse({{"step_noise_c2c", "0", "test"}, {"step_spread_d2d", "0", "test"}, {"a_vt_V_m", "0", "test"}});
}

}  // namespace

// Triode: I = kp (W/L) (V_G - V_T - V/2) V = 120e-6 * (0.9 - 0.4 - 0.025) * 0.05 at V_G = 0.9 V, V = 50 mV.
TEST(Mosfet, TriodeCurrentIsTheLevel1Law) {
    const MosfetSynapse m = ideal();
    Rng rng(1);
    DeviceState s = m.make_device(rng);
    s.x[MosfetSynapse::gate_V] = 0.9;
    EXPECT_NEAR(m.current_A(0.05, s), 120e-6 * (0.5 - 0.025) * 0.05, 1e-15);
    EXPECT_NEAR(m.conductance_S(s), 120e-6 * (0.5 - 0.025), 1e-12);
    // Saturation beyond V = V_G - V_T: I = kp/2 (V_G - V_T)^2.
    EXPECT_NEAR(m.current_A(0.8, s), 0.5 * 120e-6 * 0.25, 1e-15);
    // Source and drain swap for negative V: I(-V) = -(kp (V_G + V - V_T - V/2) V).
    EXPECT_NEAR(m.current_A(-0.05, s), -120e-6 * (0.9 + 0.05 - 0.4 - 0.025) * 0.05, 1e-15);
}

TEST(Mosfet, DerivativeMatchesFiniteDifference) {
    const MosfetSynapse m({{"lambda_per_V", "0.05", "test"}});
    Rng rng(2);
    DeviceState s = m.make_device(rng);
    m.set_level(s, 0.6, rng);
    for (double v : {-0.7, -0.3, -0.05, 0.02, 0.1, 0.3, 0.6, 0.95}) {
        const double h = 1e-6;
        const double fd = (m.current_A(v + h, s) - m.current_A(v - h, s)) / (2 * h);
        EXPECT_NEAR(m.dcurrent_dv_S(v, s), fd, 1e-6 * std::abs(fd) + 1e-12) << "v = " << v;
    }
}

// In an array the column (source) line sits above ground: V_GS = V_G - v_column, V_DS = v_row - v_column
// (level 1 with lambda), swapped when the row is below the column. Closed forms at V_G = 0.9 V, V_T = 0.4 V,
// lambda = 0.05 /V, kp (W/L) = 120 uA/V^2.
TEST(Mosfet, CurrentBetweenTerminalsIsTheLevel1LawWithSourceAboveGround) {
    const MosfetSynapse m({{"lambda_per_V", "0.05", "test"}, {"a_vt_V_m", "0", "test"}});
    Rng rng(3);
    DeviceState s = m.make_device(rng);
    s.x[MosfetSynapse::gate_V] = 0.9;
    const double beta = 120e-6, vt = 0.4, lambda = 0.05;
    // Triode: v_row 0.15, v_column 0.1: V_GS 0.8, V_DS 0.05.
    const double triode = beta * (0.8 - vt - 0.025) * 0.05 * (1 + lambda * 0.05);
    EXPECT_NEAR(m.current_between_A(0.15, 0.1, s).i_A, triode, 1e-15);
    // Not the two-terminal law at the same difference: the source above ground lowers V_GS by 0.1 V.
    EXPECT_GT(m.current_A(0.05, s) - triode, 0.2 * triode);
    // Swapped: v_row 0.1, v_column 0.15: source = row, V_GS = 0.8, V_DS = 0.05, current out of the column.
    EXPECT_NEAR(m.current_between_A(0.1, 0.15, s).i_A, -triode, 1e-15);
    // Saturation: v_row 0.9, v_column 0.2: V_GS - V_T = 0.3 < V_DS = 0.7.
    EXPECT_NEAR(m.current_between_A(0.9, 0.2, s).i_A, 0.5 * beta * 0.09 * (1 + lambda * 0.7), 1e-15);
    // Cut-off: the column at 0.6 V leaves V_GS = 0.3 V < V_T.
    EXPECT_EQ(m.current_between_A(0.8, 0.6, s).i_A, 0.0);
    // With the column at ground it is the two-terminal law.
    for (double v : {-0.3, 0.05, 0.7}) EXPECT_EQ(m.current_between_A(v, 0.0, s).i_A, m.current_A(v, s));
}

TEST(Mosfet, CurrentBetweenTerminalsDerivativesMatchFiniteDifferences) {
    const MosfetSynapse m({{"lambda_per_V", "0.05", "test"}});
    Rng rng(4);
    DeviceState s = m.make_device(rng);
    m.set_level(s, 0.6, rng);
    const double h = 1e-6;
    for (double v_row : {-0.2, 0.0, 0.05, 0.2, 0.9}) {
        for (double v_column : {-0.1, 0.0, 0.03, 0.3}) {
            const TerminalCurrent t = m.current_between_A(v_row, v_column, s);
            const double fd_row = (m.current_between_A(v_row + h, v_column, s).i_A - m.current_between_A(v_row - h, v_column, s).i_A) / (2 * h);
            const double fd_column = (m.current_between_A(v_row, v_column + h, s).i_A - m.current_between_A(v_row, v_column - h, s).i_A) / (2 * h);
            EXPECT_NEAR(t.di_dv_row_S, fd_row, 1e-6 * std::abs(fd_row) + 1e-12) << v_row << ", " << v_column;
            EXPECT_NEAR(t.di_dv_column_S, fd_column, 1e-6 * std::abs(fd_column) + 1e-12) << v_row << ", " << v_column;
        }
    }
}

// dV_G = I t / C = 15 nA * 10 ns / 100 fF = 1.5 mV per pulse: 400 pulses span 0.6 V.
TEST(Mosfet, ChargePulsesAreLinearAndSymmetric) {
    const MosfetSynapse m = ideal();
    Rng rng(3);
    DeviceState s = m.make_device(rng);
    double g_previous = m.conductance_S(s);
    std::vector<double> up;
    for (int k = 0; k < 400; ++k) {
        m.apply_pulse(s, m.nominal_pulse(+1), rng);
        up.push_back(m.conductance_S(s) - g_previous);
        g_previous = m.conductance_S(s);
    }
    EXPECT_NEAR(s.x[MosfetSynapse::gate_V], 1.2, 1e-9);
    for (double step : up) EXPECT_NEAR(step, up.front(), 1e-9 * up.front() + 1e-15);  // triode: dG/dV_G constant
    EXPECT_NEAR(up.front(), 120e-6 * 1.5e-3, 1e-12);
    m.apply_pulse(s, m.nominal_pulse(-1), rng);
    EXPECT_NEAR(g_previous - m.conductance_S(s), up.front(), 1e-12);  // down step = up step
    m.apply_pulse(s, m.nominal_pulse(+1), rng);
    m.apply_pulse(s, m.nominal_pulse(+1), rng);
    EXPECT_NEAR(s.x[MosfetSynapse::gate_V], 1.2, 1e-12) << "the charge pump cannot pass its rail";
}

// The gate holds through the storage leakage (devices/storage_leakage.hpp): far above kT/q a constant
// I_0 = 0.9 pA + 1 fA out of C_G = 100 fF, 9.01 V/s; with the word line held 0.3 V below 0 V the
// write transistor's share falls by exp(-0.3 / (1.5 kT/q)) = 4.3e-4 and the junction's 1 fA remains.
TEST(Mosfet, GateDroopsThroughTheStorageLeakage) {
    const MosfetSynapse m = MosfetSynapse({{"step_noise_c2c", "0", "test"}, {"step_spread_d2d", "0", "test"}, {"leak_spread_d2d", "0", "test"}});
    Rng rng(4);
    DeviceState s = m.make_device(rng);
    m.set_level(s, 1.0, rng);
    m.evolve(s, 10e-3, rng);
    EXPECT_NEAR(s.x[MosfetSynapse::gate_V], 1.2 - 0.901e-12 * 10e-3 / 100e-15, 1e-9);
    const MosfetSynapse underdriven({{"step_spread_d2d", "0", "test"}, {"leak_spread_d2d", "0", "test"}, {"word_line_off_V", "-0.3", "test"}});
    DeviceState t = underdriven.make_device(rng);
    underdriven.set_level(t, 1.0, rng);
    underdriven.evolve(t, 10.0, rng);
    const double v_t = 1.380649e-23 * 300.0 / 1.602176634e-19;
    const double i0_A = 0.9e-12 * std::exp(-0.3 / (1.5 * v_t)) + 1e-15;
    EXPECT_NEAR(t.x[MosfetSynapse::gate_V], 1.2 - i0_A * 10.0 / 100e-15, 1e-9);
}

TEST(Mosfet, SameSeedSameTrajectory) {
    const MosfetSynapse m;
    auto run = [&](std::uint64_t seed) {
        Rng rng(seed);
        DeviceState s = m.make_device(rng);
        for (int k = 0; k < 100; ++k) m.apply_pulse(s, m.nominal_pulse(k % 3 ? +1 : -1), rng);
        return s.x;
    };
    EXPECT_EQ(run(11), run(11));
    EXPECT_NE(run(11), run(12));
}

TEST(Mosfet, CrossRulesAndRangesAreEnforced) {
    EXPECT_THROW(MosfetSynapse({{"v_g_min_V", "1.3", "--set"}}), ParameterError);
    try {
        MosfetSynapse({{"c_gate_F", "-1e-15", "--set"}});
        FAIL();
    } catch (const ParameterError& e) {
        EXPECT_STREQ(e.what(), "device 'mosfet' (--set): c_gate_F = -1e-15 F is outside (0, inf) F");
    }
}

// Pelgrom's area law (docs/physics-sources.md#threshold-mismatch): one device's threshold offset has
// sigma = A_VT / sqrt(2 W L) = 15 mV um / sqrt(2 x 1 um^2) = 10.61 mV with the defaults. In triode the
// read conductance is exactly linear in it, G = kp (W/L) (V_G - V_T - dV_T - v_read/2), so over N
// devices at level x, sigma(G)/mean(G) = sigma / (V_G - V_T - v_read/2), V_G = 0.6 + 0.6 x; the sample
// sigma's relative standard error is 1/sqrt(2N) (4000 devices: 1.1 %; 4 of them allowed).
TEST(Mosfet, ThresholdMismatchSpreadsConductanceAsPelgrom) {
    const MosfetSynapse m;
    const double sigma_vt_V = 15e-9 / std::sqrt(2.0 * 1e-6 * 1e-6);
    const int devices = 4000;
    const double tolerance = 4.0 / std::sqrt(2.0 * devices);
    for (const double level : {0.25, 0.5, 0.75}) {
        Rng rng(31);
        double sum = 0.0, sum_sq = 0.0, offset_sq = 0.0;
        for (int d = 0; d < devices; ++d) {
            DeviceState s = m.make_device(rng);
            m.set_level(s, level, rng);
            const double g_S = m.conductance_S(s);
            sum += g_S;
            sum_sq += g_S * g_S;
            offset_sq += s.x[MosfetSynapse::vto_offset_V] * s.x[MosfetSynapse::vto_offset_V];
        }
        const double mean_S = sum / devices;
        const double sigma_S = std::sqrt((sum_sq - devices * mean_S * mean_S) / (devices - 1));
        const double expected = sigma_vt_V / (0.6 + 0.6 * level - 0.4 - 0.025);
        EXPECT_NEAR(sigma_S / mean_S, expected, tolerance * expected) << "level " << level;
        EXPECT_NEAR(std::sqrt(offset_sq / devices), sigma_vt_V, tolerance * sigma_vt_V);
    }
}

// The former absolute spread is refused with the name of the Pelgrom coefficient that replaced it.
TEST(Mosfet, ReplacedThresholdSpreadIsRefusedNamingAVt) {
    try {
        MosfetSynapse({{"vto_spread_d2d_V", "0.01", "--set"}});
        FAIL();
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("vto_spread_d2d_V was replaced by a_vt_V_m"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(MosfetSynapse({{"a_vt_V_m", "0", "--set"}}));
}

}  // namespace cimkit
