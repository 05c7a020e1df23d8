// Wires in the compact forward read (array.wire_ohm, training/device_array/read_model.hpp): one
// weight of ohmic PCM devices against the closed form of its wired pair, and the read energy as the
// power the driver delivers into devices and wires.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "devices/registry.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {
namespace {

// Weights uniform in [-1, 1).
Eigen::MatrixXf random_weights(int outputs, int inputs, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::MatrixXf w(outputs, inputs);
    for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = static_cast<float>(2.0 * rng.uniform() - 1.0);
    return w;
}

// One input line drives the pair of one weight: row segment r from the driver to the G+ cell, r on
// to the G- cell; each device's column has one segment r to its sense node at 0 V. With
//   g+ = G+ / (1 + r G+),  g- = G- / (1 + r G-)      (a device in series with its column segment)
// the row nodes are a = V / (1 + r (g+ + g- / (1 + r g-))) and b = a / (1 + r g-), and the lines
// carry I+ = g+ a, I- = g- b; the driver delivers V (V - a) / r = V (I+ + I-).
TEST(WiredRead, OnePairFollowsItsClosedForm) {
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "wired_read_test"}});
    const Eigen::MatrixXf w = Eigen::MatrixXf::Constant(1, 1, 0.6f);
    const double r_ohm = 2000.0;
    DeviceArrayOptions wired;
    wired.wire_ohm = r_ohm;
    DeviceArray ideal_wires(*model, w, DeviceArrayOptions{}, Rng(3));
    DeviceArray with_wires(*model, w, wired, Rng(3));
    const auto g = with_wires.conductances_S();
    const double g_plus = g.at("plus")(0, 0), g_minus = g.at("minus")(0, 0);
    ASSERT_EQ(g_plus, ideal_wires.conductances_S().at("plus")(0, 0));  // the same devices

    const Eigen::VectorXf x = Eigen::VectorXf::Constant(1, 0.8f);
    const double v = model->read_voltage_V() * static_cast<double>(x(0));  // the float input, as the driver sees it
    const double gp = g_plus / (1.0 + r_ohm * g_plus), gm = g_minus / (1.0 + r_ohm * g_minus);
    const double a = v / (1.0 + r_ohm * (gp + gm / (1.0 + r_ohm * gm))), b = a / (1.0 + r_ohm * gm);
    const double wired_net_A = gp * a - gm * b, ideal_net_A = (g_plus - g_minus) * v;
    const double expected_ratio = wired_net_A / ideal_net_A;
    ASSERT_LT(expected_ratio, 0.99);  // the wires matter at this resistance

    const double before_J = with_wires.activity().read_energy_J;
    const float y_wired = with_wires.multiply(x)(0), y_ideal = ideal_wires.multiply(x)(0);
    EXPECT_NEAR(y_wired / y_ideal, expected_ratio, 1e-6);
    const double read_time_s = wired.read_time_s;
    const double driver_J = v * (gp * a + gm * b) * read_time_s;  // (V - a)/r, by KCL at a, without the cancellation
    EXPECT_NEAR(with_wires.activity().read_energy_J - before_J, driver_J, 1e-9 * driver_J);
}

// Line ends without wires. The driver's output resistance R_d makes the input line one node
// a = V / (1 + R_d (G+ + G-)) feeding both devices, so the weight reads 1 / (1 + R_d (G+ + G-)) of
// its ideal value, forward and transposed (there the output lines are driven at +-d and the input
// line is sensed through the same R_d: (G+ - G-) d / (1 + R_d (G+ + G-))). The read-out's input
// resistance R_s (a TIA's rf / (1 + a0), readout_input_ohm) puts each line's device in series with
// it: I+- = G+- V / (1 + R_s G+-).
TEST(WiredRead, DriverAndReadoutResistancesFollowTheirClosedForms) {
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "wired_read_test"}});
    const Eigen::MatrixXf w = Eigen::MatrixXf::Constant(1, 1, 0.6f);
    const double driver_ohm = 20e3, readout_ohm = 30e3;
    DeviceArrayOptions with_driver, with_readout;
    with_driver.driver_ohm = driver_ohm;
    with_readout.readout_input_ohm = readout_ohm;
    DeviceArray ideal(*model, w, DeviceArrayOptions{}, Rng(3));
    DeviceArray driven(*model, w, with_driver, Rng(3));
    DeviceArray sensed(*model, w, with_readout, Rng(3));
    const auto g = ideal.conductances_S();
    const double g_plus = g.at("plus")(0, 0), g_minus = g.at("minus")(0, 0);
    ASSERT_EQ(g_plus, driven.conductances_S().at("plus")(0, 0));  // the same devices

    const Eigen::VectorXf x = Eigen::VectorXf::Constant(1, 0.8f);
    const double driver_ratio = 1.0 / (1.0 + driver_ohm * (g_plus + g_minus));
    ASSERT_LT(driver_ratio, 0.99);  // the driver's resistance matters at this value
    EXPECT_NEAR(driven.multiply(x)(0) / ideal.multiply(x)(0), driver_ratio, 1e-6);
    EXPECT_NEAR(driven.multiply_transposed(x)(0) / ideal.multiply_transposed(x)(0), driver_ratio, 1e-6);
    const double v = model->read_voltage_V() * static_cast<double>(x(0));
    const double readout_ratio = (g_plus / (1.0 + readout_ohm * g_plus) - g_minus / (1.0 + readout_ohm * g_minus)) / (g_plus - g_minus);
    ASSERT_LT(readout_ratio, 0.99);
    EXPECT_NEAR(sensed.multiply(x)(0) / ideal.multiply(x)(0), readout_ratio, 1e-6);
    // The read-out's input resistance is the forward read's; the transposed read senses at the drivers.
    EXPECT_EQ(sensed.multiply_transposed(x)(0), ideal.multiply_transposed(x)(0));
    // The driver delivers V (I+ + I-) = V^2 (G+ + G-) driver_ratio.
    const double before_J = driven.activity().read_energy_J;
    driven.multiply(x);
    const double driver_J = v * v * (g_plus + g_minus) * driver_ratio * with_driver.read_time_s;
    EXPECT_NEAR(driven.activity().read_energy_J - before_J, driver_J, 1e-9 * driver_J);
}

// A vanishing wire resistance gives back the ideal-wire read (the solve's limit is the plain sums).
TEST(WiredRead, VanishingWiresGiveTheIdealRead) {
    const auto model = builtin_devices().find("mosfet").make({{"a_vt_V_m", "0", "wired_read_test"}});
    const Eigen::MatrixXf w = random_weights(3, 7, 4);
    Rng rng(14);
    DeviceArrayOptions tiny;
    tiny.wire_ohm = 1e-9;
    DeviceArray ideal_wires(*model, w, DeviceArrayOptions{}, Rng(5));
    DeviceArray with_wires(*model, w, tiny, Rng(5));
    Eigen::VectorXf x(7);
    for (Eigen::Index j = 0; j < x.size(); ++j) x(j) = static_cast<float>(rng.uniform());
    const Eigen::VectorXf y_ideal = ideal_wires.multiply(x), y_wired = with_wires.multiply(x);
    for (Eigen::Index i = 0; i < y_ideal.size(); ++i) EXPECT_NEAR(y_wired(i), y_ideal(i), 1e-6 * y_ideal.cwiseAbs().maxCoeff());
}

// Reciprocity: a network of resistors passes current from port a to a shorted port b as it passes it
// from b to a, so for ohmic devices the transposed wired read (output lines driven from their sense
// ends, input lines sensed at their driver ends) must give the transpose of the forward read's
// matrix, whatever the IR drops do to either. Both matrices are read one unit vector at a time
// (x_max = max|d| = 1, so both share one output scale). A mirrored layout in the transposed solve
// (a line driven from the wrong end) breaks the equality by the IR drop, here over 10 % of the
// largest weight.
TEST(WiredRead, TheTransposedReadIsTheForwardReadTransposed) {
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "wired_read_test"}});
    constexpr int outputs = 4, inputs = 6;
    const Eigen::MatrixXf w = random_weights(outputs, inputs, 8);
    DeviceArrayOptions wired;
    wired.wire_ohm = 300.0;
    DeviceArray array(*model, w, wired, Rng(9));
    DeviceArray ideal_wires(*model, w, DeviceArrayOptions{}, Rng(9));
    Eigen::MatrixXf forward(outputs, inputs), transposed(inputs, outputs), ideal(outputs, inputs);
    for (int j = 0; j < inputs; ++j) {
        const Eigen::VectorXf x = Eigen::VectorXf::Unit(inputs, j);
        forward.col(j) = array.multiply(x);
        ideal.col(j) = ideal_wires.multiply(x);
    }
    for (int i = 0; i < outputs; ++i) transposed.col(i) = array.multiply_transposed(Eigen::VectorXf::Unit(outputs, i));
    const double largest = forward.cwiseAbs().maxCoeff();
    EXPECT_GT((forward - ideal).cwiseAbs().maxCoeff(), 0.1 * largest) << "the wires must matter";
    EXPECT_LT((transposed - forward.transpose()).cwiseAbs().maxCoeff(), 1e-5 * largest) << "forward\n"
                                                                                        << forward << "\ntransposed^T\n"
                                                                                        << transposed.transpose();
}

// Wire capacitance: every read charges each driven line's C per cell times its cells to its
// voltage, C_line V^2 from the driver: 2m cells on an input line of the forward read, n on each of
// the 2m output lines of the transposed read. Nothing else in the read changes.
TEST(WiredRead, LineCapacitanceCostsCVSquaredPerRead) {
    const auto model = builtin_devices().find("pcm").make({{"read_noise", "0", "wired_read_test"}});
    constexpr int outputs = 3, inputs = 5;
    const Eigen::MatrixXf w = random_weights(outputs, inputs, 6);
    Rng rng(16);
    DeviceArrayOptions charged;
    charged.wire_farad = 0.2e-15;
    DeviceArray plain(*model, w, DeviceArrayOptions{}, Rng(7));
    DeviceArray with_c(*model, w, charged, Rng(7));
    EXPECT_EQ(plain.activity().wire_energy_J, 0.0);

    Eigen::VectorXf x(inputs);
    for (Eigen::Index j = 0; j < x.size(); ++j) x(j) = static_cast<float>(rng.uniform());
    EXPECT_EQ(with_c.multiply(x), plain.multiply(x));
    double forward_V2 = 0.0;
    for (Eigen::Index j = 0; j < x.size(); ++j) forward_V2 += std::pow(model->read_voltage_V() * x(j), 2);
    const double forward_J = charged.wire_farad * (2 * outputs) * forward_V2;
    EXPECT_NEAR(with_c.activity().wire_energy_J, forward_J, 1e-6 * forward_J);

    // The transposed read drives d at the full read voltage for max|d| (backward_input_max = 0).
    const Eigen::VectorXf d = (Eigen::VectorXf(outputs) << 0.5f, -1.0f, 0.25f).finished();
    EXPECT_EQ(with_c.multiply_transposed(d), plain.multiply_transposed(d));
    const double v = model->read_voltage_V();
    const double backward_J = charged.wire_farad * inputs * 2.0 * (0.25 + 1.0 + 0.0625) * v * v;
    EXPECT_NEAR(with_c.activity().wire_energy_J - forward_J, backward_J, 1e-6 * backward_J);
    EXPECT_EQ(with_c.activity().read_energy_J, plain.activity().read_energy_J);
}

}  // namespace
}  // namespace cimkit::training
