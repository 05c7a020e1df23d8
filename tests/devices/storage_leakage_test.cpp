// The storage node's physical leakage (devices/storage_leakage.hpp): the exact hold law against CVODE
// integrating C dV/dt = -I_leak(V), its closed-form limits, and the two devices that use it.
#include "devices/storage_leakage.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"
#include "devices/ode/cvode_integrator.hpp"

namespace cimkit {
namespace {

StorageLeakage defaults() { return StorageLeakage::from(Parameters(gain_cell_parameter_table())); }

double integrate_with_cvode(const StorageLeakage& leak, double v0_V, double dt_s, double c_F) {
    ode::SolverOptions options;
    options.relative_tolerance = 1e-10;
    options.absolute_tolerance = 1e-13;
    options.max_steps = 1000000;
    ode::CvodeIntegrator integrator(1, [&](double, const double* y, double* dydt) { dydt[0] = -leak.current_A(y[0]) / c_F; }, options);
    std::vector<double> v{v0_V};
    integrator.integrate(0.0, dt_s, v);
    return v[0];
}

}  // namespace

// Second method: the closed form against CVODE on the same right-hand side, from below 0 V (write
// noise) to the MOSFET's top rail, over times from a sample period to past the full droop.
TEST(StorageLeakage, HoldMatchesCvodeIntegrationOfTheLeakageCurrent) {
    const StorageLeakage leak = defaults();
    for (double v0 : {-0.005, 0.01, 0.05, 0.45, 0.9, 1.2}) {
        for (double dt : {1e-6, 1e-4, 1e-3, 5e-3, 2e-2}) {
            EXPECT_NEAR(leak.hold_V(v0, dt, 10e-15), integrate_with_cvode(leak, v0, dt, 10e-15), 1e-7) << "V0 = " << v0 << " V, t = " << dt << " s";
        }
    }
}

// Far above kT/q the current is constant, I_0 = 0.9 pA + 1 fA: a 10 fF node at 0.9 V reaches 0.45 V
// at t = C (0.45 V) / I_0 = 4.99 ms (Leroux et al.'s 5 ms silicon retention), and the droop is linear.
TEST(StorageLeakage, FarAboveThermalVoltageTheNodeDroopsLinearly) {
    const StorageLeakage leak = defaults();
    const double i0_A = 0.9e-12 + 1e-15;
    EXPECT_NEAR(leak.saturated_current_A(), i0_A, 1e-24);
    const double t_half_s = 10e-15 * 0.45 / i0_A;
    EXPECT_NEAR(t_half_s, 5e-3, 0.01e-3);
    // Exact to V_t exp(-0.45 V / V_t) ~ 1e-9 V, the departure of (1 - exp(-V/V_t)) from 1.
    EXPECT_NEAR(leak.hold_V(0.9, t_half_s, 10e-15), 0.45, 1e-8);
    EXPECT_NEAR(leak.hold_V(0.9, 0.5 * t_half_s, 10e-15), 0.675, 1e-8);
    // The last few kT/q relax exponentially, with time constant C V_t / I_0.
    const double v_t = leak.thermal_voltage_V();
    EXPECT_NEAR(v_t, 0.025852, 1e-6);
    const double late = leak.hold_V(0.9, 0.9 * 10e-15 / i0_A + 10e-15 * v_t / i0_A * 5.0, 10e-15);
    EXPECT_GT(late, 0.0);
    EXPECT_LT(late, 2.0 * v_t);
}

// Evolving in steps equals one evolve over the sum (the law is an exact flow).
TEST(StorageLeakage, HoldingInStepsEqualsHoldingOnce) {
    const StorageLeakage leak = defaults();
    double v = 1.2;
    for (int k = 0; k < 1000; ++k) v = leak.hold_V(v, 1e-5, 100e-15, 1.3);
    EXPECT_NEAR(v, leak.hold_V(1.2, 1e-2, 100e-15, 1.3), 1e-12);
}

// Subthreshold swing: holding the word line n (kT/q) ln 10 below 0 V cuts the write transistor's
// leakage tenfold; the junction's is unchanged.
TEST(StorageLeakage, WordLineUnderdriveCutsSubthresholdLeakByADecadePerSwing) {
    StorageLeakage leak = defaults();
    leak.junction_leak_A = 0.0;
    const double swing_V = leak.write_slope_factor * leak.thermal_voltage_V() * std::log(10.0);
    EXPECT_NEAR(swing_V, 0.0893, 0.0002);  // 89 mV/decade at 300 K, n = 1.5
    const double at_zero_A = leak.saturated_current_A();
    leak.word_line_off_V = -swing_V;
    EXPECT_NEAR(leak.saturated_current_A(), at_zero_A / 10.0, 1e-6 * at_zero_A);
    leak.junction_leak_A = 1e-15;
    leak.write_off_current_A = 0.0;
    EXPECT_EQ(leak.saturated_current_A(), 1e-15);
}

// T = 0 is the law's limit: a constant droop I_0 / C that stops at 0 V.
TEST(StorageLeakage, ZeroTemperatureIsTheConstantDroopLimit) {
    StorageLeakage leak = defaults();
    leak.temperature_K = 0.0;
    const double i0_A = 0.9e-12 + 1e-15;
    EXPECT_NEAR(leak.hold_V(0.9, 1e-3, 10e-15), 0.9 - i0_A * 1e-3 / 10e-15, 1e-12);
    EXPECT_EQ(leak.hold_V(0.9, 1.0, 10e-15), 0.0);
    EXPECT_NEAR(std::abs(leak.hold_V(0.9, 1e-3, 10e-15) - defaults().hold_V(0.9, 1e-3, 10e-15)), 0.0, 1e-9)
        << "far above kT/q, temperature does not matter";
}

// Both charge-storing devices hold with this law, on their own node: the gain cell on C_S, the
// MOSFET synapse on C_G (a device whose C_G is smaller, a larger step, droops faster).
TEST(StorageLeakage, MosfetGateAndGainCellNodeUseTheSameLaw) {
    const StorageLeakage leak = defaults();
    const GainCell cell({{"leak_spread_d2d", "0.2", "test"}});
    const MosfetSynapse mosfet({{"leak_spread_d2d", "0.2", "test"}});
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        Rng rng(seed);
        DeviceState s = cell.make_device(rng);
        cell.set_level(s, 1.0, rng);
        const double v0 = s.x[GainCell::store_V];
        cell.evolve(s, 2e-3, rng);
        const double c_F = 10e-15 * s.x[GainCell::capacitance_scale];
        EXPECT_DOUBLE_EQ(s.x[GainCell::store_V], leak.hold_V(v0, 2e-3, c_F, s.x[GainCell::leak_scale]));
        DeviceState g = mosfet.make_device(rng);
        mosfet.set_level(g, 1.0, rng);
        mosfet.evolve(g, 2e-2, rng);
        const double c_gate_F = 100e-15 / g.x[MosfetSynapse::step_scale];
        EXPECT_DOUBLE_EQ(g.x[MosfetSynapse::gate_V], leak.hold_V(1.2, 2e-2, c_gate_F, g.x[MosfetSynapse::leak_scale]));
        EXPECT_NE(g.x[MosfetSynapse::leak_scale], 1.0);
    }
    // The defaults are the same rows in both tables.
    EXPECT_EQ(cell.parameters()["write_off_current_A"], mosfet.parameters()["write_off_current_A"]);
    EXPECT_EQ(cell.parameters()["junction_leak_A"], mosfet.parameters()["junction_leak_A"]);
    EXPECT_EQ(cell.parameters()["word_line_off_V"], mosfet.parameters()["word_line_off_V"]);
}

TEST(StorageLeakage, RetiredFirstOrderLeakKeysAreRefusedNamingTheNewOnes) {
    for (const char* key : {"retention_tau_s", "v_leak_target_V"}) {
        try {
            const MosfetSynapse m({{key, "1", "--set"}});
            ADD_FAILURE() << key << " accepted";
        } catch (const ParameterError& e) {
            EXPECT_NE(std::string(e.what()).find("write_off_current_A"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
        }
    }
    for (const char* key : {"retention_tau_s", "v_rest_V", "leak_nonlinearity_V", "tau_spread_d2d"}) {
        EXPECT_THROW(GainCell({{key, "1", "--set"}}), ParameterError) << key;
    }
}

}  // namespace cimkit
