// Update rule `essop` (training/update_rules/essop.cpp): its power-of-two scaling against the closed
// form E[pulses_ij] = BL p_j q_i c = lr |delta_i x_j| / dw_pulse, the mean pulse count of its
// coincidences over many draws, and the random numbers it draws per update against the
// Gokmen-style `stochastic` rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "devices/registry.hpp"
#include "training/device_array.hpp"
#include "training/update_rules/essop.hpp"

namespace cimkit::training {
namespace {

std::unique_ptr<DeviceModel> quiet_domain_wall() {
    std::vector<Setting> settings{{"displacement_noise_c2c", "0", "essop_test"}, {"pinning_spread_d2d", "0", "essop_test"},
                                  {"g_ap_spread_d2d", "0", "essop_test"}, {"tmr_half_bias_V", "1e9", "essop_test"}};
    return builtin_devices().find("domain_wall").make(settings);
}

DeviceArrayOptions options_with(const std::string& mode, EssopLines lines = DeviceArrayOptions{}.essop_lines) {
    DeviceArrayOptions options;
    options.update_mode = mode;
    options.essop_lines = lines;
    return options;
}

// For activations up to 37 (ReLU) and errors, learning rates over four decades: every probability is
// at most 1 (no request saturates), the shifts are whole powers of two, and
// BL p_max q_max c = lr x_max d_max / dw_pulse to rounding.
TEST(Essop, PowerOfTwoScalingKeepsProbabilitiesBelowOneAndTheProductExact) {
    const int bit_length = 10;
    const double dw_pulse = 0.02;
    for (const double x_max : {0.3, 1.0, 2.5, 37.0}) {
        for (const double d_max : {1e-3, 0.05, 0.9}) {
            for (const double lr : {1e-3, 0.05, 1.0, 10.0}) {
                const EssopScaling s = essop_scaling(x_max, d_max, lr, bit_length, dw_pulse);
                const double p = std::ldexp(x_max, -s.input_shift), q = std::ldexp(s.gain * d_max, -s.output_shift);
                EXPECT_LE(p, 1.0);
                EXPECT_LE(q, 1.0);
                EXPECT_GE(s.pulses_per_coincidence, 1);
                EXPECT_EQ(s.pulses_per_coincidence & (s.pulses_per_coincidence - 1), 0);  // a power of two
                const double expected = lr * x_max * d_max / dw_pulse;
                EXPECT_NEAR(bit_length * p * q * s.pulses_per_coincidence, expected, 1e-12 * expected)
                    << "x_max " << x_max << ", d_max " << d_max << ", lr " << lr;
            }
        }
    }
}

// One pair, x = 2.5 (a ReLU activation above 1), delta = +-0.3, lr = 0.05 on the quiet domain wall
// (dw_pulse = lr-independent): requested |dw| / dw_pulse = 0.05 * 0.75 / dw_pulse per update. Each
// update's count is Binomial(BL, p q): over 2000 updates the mean's standard deviation is
// sqrt(BL p q (1 - p q) / 2000), and the bound is 5 of them. Alternating signs keep the weight in range.
TEST(Essop, MeanPulsesOfTheCoincidencesEqualTheScaledProduct) {
    const auto model = quiet_domain_wall();
    DeviceArray array(*model, Eigen::MatrixXf::Zero(1, 1), options_with("essop"), Rng(29));
    const float lr = 0.05f, x = 2.5f, d = 0.3f;
    const int updates = 2000, bit_length = array.options().stochastic_bit_length;
    const double dw_pulse = array.pulse_weight_step();
    const EssopScaling s = essop_scaling(x, d, lr, bit_length, dw_pulse);
    ASSERT_EQ(s.pulses_per_coincidence, 1);  // the usual case; the closed form above covers c > 1
    const double pq = std::ldexp(static_cast<double>(x), -s.input_shift) * std::ldexp(s.gain * d, -s.output_shift);
    for (int k = 0; k < updates; ++k) {
        array.apply_outer_product(Eigen::VectorXf::Constant(1, x), Eigen::VectorXf::Constant(1, k % 2 == 0 ? d : -d), lr);
    }
    const double mean = static_cast<double>(array.counters().update_pulses) / updates;
    const double expected = static_cast<double>(lr) * x * d / dw_pulse;
    EXPECT_NEAR(bit_length * pq, expected, 1e-6 * expected);
    EXPECT_NEAR(mean, expected, 5.0 * std::sqrt(bit_length * pq * (1.0 - pq) / updates));
}

// Random numbers per update: essop (shared and rotated lines) draws one per slot for all input lines
// and one for all output lines, 2 BL; stochastic one per line and slot, BL (rows + columns). A 3 x 4
// array, BL = 10: 20 against 70. Both count every update, fired or not.
TEST(Essop, DrawsTwoRandomNumbersPerSlotAgainstOnePerLineForStochastic) {
    const auto model = quiet_domain_wall();
    const Eigen::VectorXf x = (Eigen::VectorXf(4) << 0.5f, 1.5f, 0.0f, 0.2f).finished();
    const Eigen::VectorXf delta = (Eigen::VectorXf(3) << 0.1f, -0.2f, 0.05f).finished();
    std::uint64_t drawn[2] = {0, 0};
    int k = 0;
    for (const std::string mode : {"essop", "stochastic"}) {
        DeviceArray array(*model, Eigen::MatrixXf::Zero(3, 4), options_with(mode), Rng(31));
        for (int update = 0; update < 3; ++update) array.apply_outer_product(x, delta, 0.05f);
        drawn[k++] = array.counters().update_random_numbers;
        EXPECT_EQ(array.activity().update_random_numbers, drawn[k - 1]) << mode;
    }
    const int bl = DeviceArrayOptions{}.stochastic_bit_length;
    EXPECT_EQ(drawn[0], 3u * 2u * static_cast<std::uint64_t>(bl));
    EXPECT_EQ(drawn[1], 3u * static_cast<std::uint64_t>(bl) * (3u + 4u));
    EXPECT_LT(drawn[0], drawn[1]);
}

// The rotated lines (essop.hpp): line k compares u_k = frac(r + frac(k phi)) with its p_k. Over N
// uniform r (a fixed Rng), each line alone fires with probability p_k (count within 5 sigma of
// N p_k, Binomial), and two lines fire together with the probability the closed form gives: the
// overlap of their arcs [-o_k, -o_k + p_k) on the unit circle. For p = 1/2 on lines 0 and 1
// (offsets 0 and 0.618) that overlap is 1/2 - 0.382 = 0.118: correlation (0.118 - 1/4) / (1/4) =
// -0.53, where shared lines (one r for all) fire together with probability 1/2 (correlation +1) and
// independent ones with 1/4 (0). Lines 0 and 2 (offset 0.236): overlap 1/2 - 0.236 = 0.264, +0.06.
TEST(Essop, RotatedLinesKeepEachLineUniformAndFireTogetherAsTheirArcsOverlap) {
    Rng rng(37);
    const int draws = 200000;
    const double p = 0.5;
    int alone[3] = {0, 0, 0}, both_01 = 0, both_02 = 0;
    for (int n = 0; n < draws; ++n) {
        const double r = rng.uniform();
        bool fires[3];
        for (int k = 0; k < 3; ++k) {
            fires[k] = essop_rotated_uniform(r, k) < p;
            alone[k] += fires[k];
        }
        both_01 += fires[0] && fires[1];
        both_02 += fires[0] && fires[2];
    }
    const double sigma_alone = std::sqrt(draws * p * (1.0 - p));
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(alone[k], draws * p, 5.0 * sigma_alone) << "line " << k;
    const double o1 = std::fmod(1.0 * (std::sqrt(5.0) - 1.0) / 2.0, 1.0), o2 = std::fmod(2.0 * (std::sqrt(5.0) - 1.0) / 2.0, 1.0);
    // Arcs of length 1/2 starting at 0 and at 1 - o: they overlap over 1/2 - min(o, 1 - o).
    const double joint_01 = p - std::min(o1, 1.0 - o1), joint_02 = p - std::min(o2, 1.0 - o2);
    EXPECT_NEAR(joint_01, 0.118, 1e-3);
    EXPECT_NEAR(both_01, draws * joint_01, 5.0 * std::sqrt(draws * joint_01 * (1.0 - joint_01)));
    EXPECT_NEAR(both_02, draws * joint_02, 5.0 * std::sqrt(draws * joint_02 * (1.0 - joint_02)));
    // The pattern's promise against the shared thermometer code: far from correlation +1.
    const double correlation_01 = (static_cast<double>(both_01) / draws - p * p) / (p * (1.0 - p));
    EXPECT_LT(correlation_01, -0.4);
}

// The mean pulses under every line pattern: a 3 x 4 array with unequal x (ReLU, up to 2.5) and
// delta, 3000 updates of alternating sign. Pair ij's count per update is Binomial(BL, p_j q_i)
// whatever the pattern (each line's comparison is uniform, r_x and r_d independent), so the array's
// mean total is sum_ij lr |delta_i x_j| / dw_pulse within 5 sigma. The patterns correlate the pairs,
// so sigma is bounded by the fully correlated case (sum of the pairs' sigmas <= sqrt(12 variance)).
// Also the random numbers each pattern draws.
TEST(Essop, EveryLinePatternKeepsTheMeanPulsesOfTheArray) {
    const auto model = quiet_domain_wall();
    const Eigen::VectorXf x = (Eigen::VectorXf(4) << 0.5f, 2.5f, 0.0f, 1.2f).finished();
    const Eigen::VectorXf delta = (Eigen::VectorXf(3) << 0.1f, -0.3f, 0.05f).finished();
    const float lr = 0.05f;
    const int updates = 3000;
    for (const EssopLines lines : {EssopLines::shared, EssopLines::rotated, EssopLines::independent}) {
        DeviceArray array(*model, Eigen::MatrixXf::Zero(3, 4), options_with("essop", lines), Rng(41));
        const int bit_length = array.options().stochastic_bit_length;
        const double dw_pulse = array.pulse_weight_step();
        const EssopScaling s = essop_scaling(x.cwiseAbs().maxCoeff(), delta.cwiseAbs().maxCoeff(), lr, bit_length, dw_pulse);
        ASSERT_EQ(s.pulses_per_coincidence, 1);
        double expected = 0.0, variance = 0.0;
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 4; ++j) {
                const double pq = std::ldexp(static_cast<double>(x(j)), -s.input_shift) * std::ldexp(s.gain * std::abs(delta(i)), -s.output_shift);
                expected += bit_length * pq;
                variance += bit_length * pq * (1.0 - pq);
            }
        }
        EXPECT_NEAR(expected, static_cast<double>(lr) * x.sum() * delta.cwiseAbs().sum() / dw_pulse, 1e-6 * expected);
        for (int k = 0; k < updates; ++k) array.apply_outer_product(x, k % 2 == 0 ? delta : Eigen::VectorXf(-delta), lr);
        const double mean = static_cast<double>(array.counters().update_pulses) / updates;
        EXPECT_NEAR(mean, expected, 5.0 * std::sqrt(12.0 * variance / updates)) << to_string(lines);
        // Draws: 2 BL per update for the reused patterns, BL (rows + columns) for independent.
        const std::uint64_t per_update = static_cast<std::uint64_t>(bit_length) * (lines == EssopLines::independent ? 7u : 2u);
        EXPECT_EQ(array.counters().update_random_numbers, per_update * updates) << to_string(lines);
    }
}

}  // namespace
}  // namespace cimkit::training
