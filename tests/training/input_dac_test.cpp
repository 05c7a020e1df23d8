// The input-line drivers as DACs (array.dac_bits, training/device_array/read_model.hpp): a read
// through b-bit drivers equals the analog read of the inputs rounded to 2^b - 1 levels of |x|.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "devices/registry.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {
namespace {

TEST(InputDac, ReadsEqualAnalogReadsOfTheRoundedInputs) {
    std::vector<Setting> quiet;
    for (const char* key : {"step_noise_c2c", "step_spread_d2d", "a_vt_V_m"}) quiet.push_back({key, "0", "input_dac_test"});
    const auto model = builtin_devices().find("mosfet").make(quiet);
    Rng rng(11);
    Eigen::MatrixXf w(4, 9);
    for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = static_cast<float>(2.0 * rng.uniform() - 1.0);
    for (int bits : {1, 3, 8}) {
        DeviceArrayOptions options;
        options.dac_bits = bits;
        const DeviceArray analog(*model, w, DeviceArrayOptions{}, Rng(2));
        const DeviceArray driven(*model, w, options, Rng(2));
        const double levels = std::ldexp(1.0, bits) - 1.0;
        for (int trial = 0; trial < 10; ++trial) {
            Eigen::VectorXf x(9), rounded(9);
            for (Eigen::Index j = 0; j < x.size(); ++j) {
                x(j) = static_cast<float>(2.0 * rng.uniform() - 1.0);
                rounded(j) = static_cast<float>(std::round(x(j) * levels) / levels);
            }
            const Eigen::VectorXf expected = analog.multiply(rounded), y = driven.multiply(x);
            for (Eigen::Index i = 0; i < y.size(); ++i) EXPECT_NEAR(y(i), expected(i), 1e-6 * (1.0 + std::abs(expected(i)))) << bits << " bits";
        }
        if (bits == 1) {  // on/off drivers: inputs below half scale drive nothing
            const Eigen::VectorXf small = Eigen::VectorXf::Constant(9, 0.49f);
            EXPECT_EQ(driven.multiply(small).cwiseAbs().maxCoeff(), 0.0f);
        }
    }
}

// Every driven line converts once per read, at dac_energy_per_step_J x 2^b: n conversions per
// forward read of an m x n array, m per transposed read; analog drivers cost nothing.
TEST(InputDac, EachDrivenLineCostsOneConversionPerRead) {
    const auto model = builtin_devices().find("pcm").make({});
    const Eigen::MatrixXf w = Eigen::MatrixXf::Constant(4, 9, 0.3f);
    DeviceArrayOptions options;
    options.dac_bits = 6;
    options.dac_energy_per_step_J = 2e-15;
    const DeviceArray analog(*model, w, DeviceArrayOptions{}, Rng(2));
    const DeviceArray driven(*model, w, options, Rng(2));
    const Eigen::VectorXf x = Eigen::VectorXf::LinSpaced(9, -1.0f, 1.0f), d = Eigen::VectorXf::LinSpaced(4, 0.1f, 0.4f);
    for (int read = 0; read < 3; ++read) {
        analog.multiply(x);
        driven.multiply(x);
    }
    analog.multiply_transposed(d);
    driven.multiply_transposed(d);
    EXPECT_DOUBLE_EQ(driven.counters().dac_energy_J, (3 * 9 + 4) * 2e-15 * 64.0);
    EXPECT_DOUBLE_EQ(driven.activity().dac_energy_J, driven.counters().dac_energy_J);
    EXPECT_EQ(analog.counters().dac_energy_J, 0.0);
}

}  // namespace
}  // namespace cimkit::training
