// The column converter (training/device_array/column_adc.hpp): its code boundaries, and a device
// array read through it against the same read without it.
#include "training/device_array/column_adc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "devices/registry.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {
namespace {

ColumnAdc converter(int bits, double bound) {
    DeviceArrayOptions options;
    options.adc_bits = bits;
    options.adc_bound = bound;
    return ColumnAdc(options);
}

// 3 bits over [-4, 4]: step 1, codes centred at -3.5 ... 3.5; a boundary belongs to the code above.
TEST(ColumnAdc, MidRiseCodesHaveTheirBoundariesAtWholeSteps) {
    const ColumnAdc adc = converter(3, 4.0);
    EXPECT_EQ(adc.step(), 1.0);
    EXPECT_EQ(adc.quantise(0.0), 0.5);
    EXPECT_EQ(adc.quantise(0.999), 0.5);
    EXPECT_EQ(adc.quantise(1.0), 1.5);
    EXPECT_EQ(adc.quantise(-1e-9), -0.5);
    EXPECT_EQ(adc.quantise(-1.0), -0.5);
    EXPECT_EQ(adc.quantise(-1.001), -1.5);
    EXPECT_EQ(adc.quantise(3.99), 3.5);
    EXPECT_EQ(adc.quantise(1e6), 3.5);    // clipped to the top code
    EXPECT_EQ(adc.quantise(-1e6), -3.5);  // and the bottom one
}

// One bit is a sense amplifier: the sign, reconstructed at +-B/2.
TEST(ColumnAdc, OneBitIsTheSignAtHalfTheBound) {
    const ColumnAdc adc = converter(1, 12.0);
    EXPECT_EQ(adc.quantise(0.3), 6.0);
    EXPECT_EQ(adc.quantise(-0.3), -6.0);
    EXPECT_EQ(adc.quantise(-500.0), -6.0);
}

std::unique_ptr<DeviceModel> quiet_mosfet() {
    std::vector<Setting> settings;
    for (const char* key : {"step_noise_c2c", "step_spread_d2d", "a_vt_V_m"}) settings.push_back({key, "0", "column_adc_test"});
    return builtin_devices().find("mosfet").make(settings);
}

// The same array read with and without a 6-bit converter (B = 2): each converted output lies on a
// code centre within half a step of the analog output (w_max = 1, x_max = 1: u = y), or on the end
// code beyond the bound, and every conversion costs the figure of merit times 2^bits.
TEST(ColumnAdc, ArrayReadsLandOnTheNearestCodeAndPayPerConversion) {
    const auto model = quiet_mosfet();
    Rng rng(3);
    Eigen::MatrixXf w(5, 7);
    for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = static_cast<float>(2.0 * rng.uniform() - 1.0);
    DeviceArrayOptions analog;
    DeviceArrayOptions digital;
    digital.adc_bits = 6;
    digital.adc_bound = 2.0;
    digital.adc_energy_per_step_J = 1e-15;
    const DeviceArray plain(*model, w, analog, Rng(5));
    const DeviceArray converted(*model, w, digital, Rng(5));
    const double step = 2.0 * 2.0 / 64.0;
    int reads = 0, clipped = 0;
    for (int trial = 0; trial < 20; ++trial) {
        Eigen::VectorXf x(7);
        for (Eigen::Index j = 0; j < x.size(); ++j) x(j) = static_cast<float>(rng.uniform());
        const Eigen::VectorXf y = plain.multiply(x), yq = converted.multiply(x);
        for (Eigen::Index i = 0; i < y.size(); ++i) {
            const double code = yq(i) / step - 0.5;
            EXPECT_NEAR(code, std::round(code), 1e-4) << "not on a code centre: " << yq(i);
            const double top = 2.0 - 0.5 * step;
            if (std::abs(y(i)) < top) {
                EXPECT_LE(std::abs(yq(i) - y(i)), 0.5 * step + 1e-6);
            } else {
                EXPECT_NEAR(yq(i), std::copysign(top, y(i)), 1e-6) << "beyond the bound: the end code";
                ++clipped;
            }
        }
        ++reads;
    }
    Eigen::VectorXf d = Eigen::VectorXf::LinSpaced(5, -1.0f, 1.0f);
    converted.multiply_transposed(d);
    EXPECT_DOUBLE_EQ(converted.counters().adc_energy_J, (reads * 5 + 7) * 1e-15 * 64.0);
    EXPECT_EQ(plain.counters().adc_energy_J, 0.0);
    EXPECT_GT(clipped, 0);  // the bound was reached, so both branches were checked
}

}  // namespace
}  // namespace cimkit::training
