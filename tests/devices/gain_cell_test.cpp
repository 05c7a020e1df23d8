#include "devices/gain_cell.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

GainCell quiet(std::vector<Setting> extra = {}) {  // no variability or write noise
    extra.push_back({"c_spread_d2d", "0", "test"});
    extra.push_back({"tau_spread_d2d", "0", "test"});
    extra.push_back({"temperature_K", "0", "test"});
    return GainCell(extra);
}

}  // namespace

// The cubic of Leroux et al. with y = V_store - 0.45, summed by hand at x = 0.3, V_store = 0.7:
TEST(GainCell, PolynomialMatchesPublishedCoefficients) {
    const double x = 0.3, y = 0.25;
    const double by_hand = 0.17393044 + 0.15653739 * x + 0.14088365 * x * x + 0.12679529 * x * x * x +
                           5.51975209 * y + 4.96777688 * y * x + 4.4709992 * y * x * x +
                           -1.44776001 * y * y + -1.30298401 * y * y * x + 46.05483778 * y * y * y;
    EXPECT_NEAR(gain_cell_polynomial(x, 0.7), by_hand, 1e-12);
    EXPECT_NEAR(gain_cell_polynomial(0.0, 0.45), 0.17393044, 1e-12);
}

TEST(GainCell, ReadCurrentIsZeroWithoutInputAndSignedAroundTheCentre) {
    const GainCell cell = quiet();
    Rng rng(1);
    DeviceState s = cell.make_device(rng);
    s.x[GainCell::store_V] = 0.8;
    EXPECT_DOUBLE_EQ(cell.current_A(0.0, s), 0.0);
    EXPECT_GT(cell.current_A(0.5, s), 0.0);
    s.x[GainCell::store_V] = 0.1;
    EXPECT_LT(cell.current_A(0.5, s), 0.0);
    // Linear fit: I = 19.3 uA/V^2 * x * (y - 0.45).
    const GainCell linear = quiet({{"read_model", "1", "test"}});
    s.x[GainCell::store_V] = 0.65;
    EXPECT_NEAR(linear.current_A(0.5, s), 1e-6 * 19.3 * 0.5 * 0.2, 1e-15);
}

TEST(GainCell, DerivativeMatchesFiniteDifference) {
    const GainCell cell = quiet();
    Rng rng(2);
    DeviceState s = cell.make_device(rng);
    for (double y : {0.1, 0.45, 0.8}) {
        s.x[GainCell::store_V] = y;
        for (double x : {0.0, 0.2, 0.5, 0.9}) {
            const double h = 1e-6;
            const double fd = (cell.current_A(x + h, s) - cell.current_A(x - h, s)) / (2 * h);
            EXPECT_NEAR(cell.dcurrent_dv_S(x, s), fd, 1e-7 * std::abs(fd) + 1e-13) << x << ", " << y;
        }
    }
}

// Linear leak through CVODE against V(t) = V0 exp(-t/tau), tau = 5 ms.
TEST(GainCell, RetentionFollowsExponentialLaw) {
    const GainCell cell = quiet();
    Rng rng(3);
    DeviceState s = cell.make_device(rng);
    cell.set_level(s, 1.0, rng);
    double t = 0.0;
    for (double dt : {1e-4, 1e-3, 4e-3, 1e-2}) {
        cell.evolve(s, dt, rng);
        t += dt;
        EXPECT_NEAR(s.x[GainCell::store_V], 0.9 * std::exp(-t / 5e-3), 1e-6) << "t = " << t;
    }
}

// The CVODE path with a nearly linear leak (leak_nonlinearity_V = 1000 V: sinh(u)/u - 1 < 1e-7)
// against V(t) = V0 exp(-t/tau).
TEST(GainCell, CvodeLeakPathMatchesTheExponential) {
    const GainCell cell = quiet({{"leak_nonlinearity_V", "1000", "test"}});
    Rng rng(3);
    DeviceState s = cell.make_device(rng);
    cell.set_level(s, 1.0, rng);
    cell.evolve(s, 4e-3, rng);
    EXPECT_NEAR(s.x[GainCell::store_V], 0.9 * std::exp(-4e-3 / 5e-3), 1e-6);
}

// A sinh-shaped subthreshold leak decays faster than the linear one at large V, same at small V.
TEST(GainCell, NonlinearLeakIsFasterAtHighVoltage) {
    const GainCell linear = quiet();
    const GainCell subthreshold = quiet({{"leak_nonlinearity_V", "0.1", "test"}});
    Rng rng(4);
    DeviceState a = linear.make_device(rng), b = subthreshold.make_device(rng);
    EXPECT_NEAR(subthreshold.leakage_rate_V_per_s(0.9, b) / linear.leakage_rate_V_per_s(0.9, a),
                std::sinh(9.0) / 9.0, 1e-9);
    linear.set_level(a, 1.0, rng);
    subthreshold.set_level(b, 1.0, rng);
    linear.evolve(a, 1e-3, rng);
    subthreshold.evolve(b, 1e-3, rng);
    EXPECT_LT(b.x[GainCell::store_V], a.x[GainCell::store_V]);
}

// Write through r_write into C_S: V = V_w (1 - exp(-t/RC)), RC = 1 MOhm * 10 fF = 10 ns.
TEST(GainCell, WritePulseChargesThroughTheWriteTransistor) {
    const GainCell cell = quiet();
    Rng rng(5);
    DeviceState s = cell.make_device(rng);
    cell.apply_pulse(s, Pulse{0.9, 5e-9, +1}, rng);
    EXPECT_NEAR(s.x[GainCell::store_V], 0.9 * (1 - std::exp(-0.5)), 1e-12);
    cell.apply_pulse(s, Pulse{0.9, 5e-9, -1}, rng);
    EXPECT_NEAR(s.x[GainCell::store_V], 0.9 * (1 - std::exp(-0.5)) * std::exp(-0.5), 1e-12);
}

// kT/C: sigma = sqrt(1.38e-23 * 300 / 10e-15) = 0.644 mV over many writes.
TEST(GainCell, WriteNoiseIsKTOverC) {
    const GainCell cell({{"c_spread_d2d", "0", "test"}});
    Rng rng(6);
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        DeviceState s = cell.make_device(rng);
        cell.set_level(s, 0.5, rng);
        cell.apply_pulse(s, Pulse{0.45, 1e-6, +1}, rng);  // settles fully at 0.45 V, then noise
        sum += s.x[GainCell::store_V] - 0.45;
        sum2 += std::pow(s.x[GainCell::store_V] - 0.45, 2);
    }
    const double sigma = std::sqrt(1.380649e-23 * 300 / 10e-15);
    EXPECT_NEAR(std::sqrt(sum2 / n), sigma, 5 * sigma / std::sqrt(2.0 * n));
    EXPECT_NEAR(sum / n, 0.0, 5 * sigma / std::sqrt(n));
}

// set_level is a verified write, and it too ends by opening the write transistor: kT/C noise,
// sigma = 0.644 mV at 10 fF and 300 K, zero mean at mid-range.
TEST(GainCell, SetLevelCarriesKTOverCNoise) {
    const GainCell cell({{"c_spread_d2d", "0", "test"}});
    Rng rng(8);
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        DeviceState s = cell.make_device(rng);
        cell.set_level(s, 0.5, rng);
        sum += s.x[GainCell::store_V] - 0.45;
        sum2 += std::pow(s.x[GainCell::store_V] - 0.45, 2);
    }
    const double sigma = std::sqrt(1.380649e-23 * 300 / 10e-15);
    EXPECT_NEAR(std::sqrt(sum2 / n), sigma, 5 * sigma / std::sqrt(2.0 * n));
    EXPECT_NEAR(sum / n, 0.0, 5 * sigma / std::sqrt(n));
}

TEST(GainCell, OutputChargeIsCurrentTimesPulseWidth) {
    const GainCell cell = quiet();
    Rng rng(7);
    DeviceState s = cell.make_device(rng);
    cell.set_level(s, 0.8, rng);
    EXPECT_DOUBLE_EQ(cell.output_charge_C(15e-9, s), cell.current_A(0.5, s) * 15e-9);
}

TEST(GainCell, BadSettingsAreRefused) {
    EXPECT_THROW(GainCell({{"read_model", "0.5", "--set"}}), ParameterError);
    EXPECT_THROW(GainCell({{"c_store_F", "0", "--set"}}), ParameterError);
}

}  // namespace cimkit
