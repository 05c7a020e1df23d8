// The compact gain-cell attention block (attention/gain_cell_attention.hpp) against closed forms and
// against a second, independent evaluation of Leroux et al.'s kernel written here in the order their
// code sums it (docs/physics-sources.md#gain-cell-attention).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "attention/gain_cell_attention.hpp"
#include "attention/quantization.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::attention {
namespace {

// The ten coefficients as the paper's code lists them: i (power of the weight) outer, j (power of
// x_max = 0.9) inner, j <= 3 - i.
constexpr double paper_coefficients[10] = {0.17393044, 0.15653739, 0.14088365, 0.12679529, 5.51975209,
                                           4.96777688, 4.4709992,  -1.44776001, -1.30298401, 46.05483778};

// S_mn by the paper's loops: sum_i (q . (k - 0.45)^i) d^i sum_j c_ij 0.9^j, then / S_sat.
double paper_score(const HeadInputs& in, int m, int n, double decay, double saturation) {
    double sum = 0.0;
    int index = 0;
    for (int i = 0; i <= 3; ++i) {
        double dot = 0.0;
        for (int d = 0; d < in.head_dim(); ++d) dot += in.query(m, d) * std::pow(in.key_V(n, d) - 0.45, i);
        const double weighted = dot * std::pow(decay, i);
        double x_power = 1.0;
        for (int j = 0; j <= 3 - i; ++j, ++index) {
            sum += weighted * paper_coefficients[index] * x_power;
            x_power *= 0.9;
        }
    }
    return sum / saturation;
}

HeadSettings unquantised(HeadSettings s = {}) {
    s.query_levels = s.stored_levels = s.output_levels = 0;
    return s;
}

// A grid of queries over [0, 1] and stored voltages over [0, 0.9] V, one grid point per element.
HeadInputs grid_inputs(int tokens, int dims) {
    HeadInputs in{Matrix(tokens, dims), Matrix(tokens, dims), Matrix(tokens, dims)};
    for (int t = 0; t < tokens; ++t) {
        for (int d = 0; d < dims; ++d) {
            const double u = static_cast<double>(t * dims + d) / (tokens * dims - 1);
            in.query(t, d) = u;
            in.key_V(t, d) = 0.9 * std::fmod(3.7 * u, 1.0);
            in.value_V(t, d) = 0.9 * (1.0 - u);
        }
    }
    return in;
}

TEST(GainCellAttention, ScoresMatchThePapersKernelOnAGridTo1e9) {
    const HeadInputs in = grid_inputs(24, 8);
    HeadSettings s = unquantised();
    s.window_tokens = 24;
    const HeadResult r = gain_cell_attention(in, s, GainCellReadModel::published_kernel);
    double worst = 0.0;
    for (int m = 0; m < in.tokens(); ++m) {
        for (int n = 0; n <= m; ++n) {
            const double expected = paper_score(in, m, n, std::pow(std::exp(-s.decay_per_token), m - n), s.score_saturation);
            worst = std::max(worst, std::abs(r.scores(m, n) - expected) / std::abs(expected));
        }
    }
    EXPECT_LT(worst, 1e-9);
}

TEST(GainCellAttention, ChargeToPulseIsTheHardSigmoidOfTheScore) {
    HeadSettings s = unquantised();
    s.score_saturation = 8.0;  // small enough that some scores pass 1 and some stay below 0
    const HeadInputs in = grid_inputs(16, 4);
    const HeadResult r = gain_cell_attention(in, s, GainCellReadModel::published_kernel);
    int above = 0, below = 0;
    for (int m = 0; m < 16; ++m) {
        for (int n = 0; n <= m; ++n) {
            EXPECT_EQ(r.pulses(m, n), std::clamp(r.scores(m, n), 0.0, 1.0));
            above += r.scores(m, n) > 1.0;
            below += r.scores(m, n) < 0.0;
        }
        for (int n = m + 1; n < 16; ++n) EXPECT_EQ(r.pulses(m, n), 0.0) << "a future key";
    }
    EXPECT_GT(above, 0);
    EXPECT_GT(below, 0);
}

// One key of weight w read by a full-width query at age n: with the linear law the score is
// 19.3 w exp(-decay n) / 80, so its ratio to the score at age 0 is the leakage factor alone.
TEST(GainCellAttention, LeakageFactorAfter64And1024TokensIsExpOfMinus1p6e4n) {
    const int tokens = 1025;
    HeadInputs in{Matrix::Ones(tokens, 1), Matrix::Constant(tokens, 1, 0.45), Matrix::Constant(tokens, 1, 0.45)};
    in.key_V(0, 0) = 0.85;
    HeadSettings s = unquantised();
    s.window_tokens = tokens;
    const HeadResult r = gain_cell_attention(in, s, GainCellReadModel::linear_surrogate);
    EXPECT_NEAR(r.scores(0, 0), 19.3 * 0.4 / 80.0, 1e-14);
    EXPECT_NEAR(r.scores(64, 0) / r.scores(0, 0), 0.98981, 5e-6);
    EXPECT_NEAR(r.scores(1024, 0) / r.scores(0, 0), 0.84888, 5e-6);
    EXPECT_NEAR(r.scores(1024, 0) / r.scores(0, 0), std::exp(-1.6e-4 * 1024), 1e-12);
}

TEST(GainCellAttention, QuantisationFollowsThePapersGrid) {
    EXPECT_DOUBLE_EQ(quantize(1.0, 32, 2.0), 32.0 / 31.0);  // 15.5 steps round half to even: 16
    EXPECT_DOUBLE_EQ(quantize(-1.0, 32, 2.0), -32.0 / 31.0);
    EXPECT_DOUBLE_EQ(quantize(0.5 * 0.9 / 7.0, 8, 0.9), 0.0);  // half a step rounds to the even 0
    EXPECT_DOUBLE_EQ(quantize(0.44, 8, 0.9), 3.0 * 0.9 / 7.0);
    EXPECT_DOUBLE_EQ(quantize(0.123456, 0, 1.0), 0.123456);
}

// Saturating read-outs: every tile's clamped output is 1, quantised to 32/31, and the digital sum
// counts the tiles the window touches.
TEST(GainCellAttention, OutputIsTheDigitalSumOfEachTilesQuantisedOutput) {
    const int tokens = 80;
    HeadInputs in{Matrix::Ones(tokens, 2), Matrix::Constant(tokens, 2, 0.9), Matrix::Constant(tokens, 2, 0.9)};
    HeadSettings s;
    s.tile_tokens = 16;
    s.window_tokens = 40;
    s.tiles = tiles_needed(40, 16);
    s.decay_per_token = 0.0;
    s.output_saturation = 1e-3;
    const HeadResult r = gain_cell_attention(in, s, GainCellReadModel::published_kernel);
    const double full = 32.0 / 31.0;
    EXPECT_DOUBLE_EQ(r.output(5, 0), full);       // keys 0-5: tile 0
    EXPECT_DOUBLE_EQ(r.output(20, 1), 2 * full);  // keys 0-20: tiles 0, 1
    EXPECT_DOUBLE_EQ(r.output(47, 0), 3 * full);  // keys 8-47: tiles 0, 1, 2
    EXPECT_DOUBLE_EQ(r.output(79, 0), 3 * full);  // keys 40-79: tiles 2, 3, 4
    EXPECT_EQ(tiles_needed(40, 16), 4);           // keys 15-54 span tiles 0-3
}

TEST(GainCellAttention, LinearSurrogateIsTheLinearModelOfThePaper) {
    const HeadInputs in = grid_inputs(12, 3);
    HeadSettings s = unquantised();
    s.decay_per_token = 0.0;
    const HeadResult r = gain_cell_attention(in, s, GainCellReadModel::linear_surrogate);
    for (int m = 0; m < 12; ++m) {
        for (int n = 0; n <= m; ++n) {
            const double expected = 19.3 * in.query.row(m).dot(in.key_V.row(n).array().matrix() - Eigen::RowVectorXd::Constant(3, 0.45)) / 80.0;
            EXPECT_NEAR(r.scores(m, n), expected, 1e-13 * std::max(1.0, std::abs(expected)));
        }
        Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(3);
        for (int n = 0; n <= m; ++n) sum += r.pulses(m, n) * 19.3 * (in.value_V.row(n).array() - 0.45).matrix();
        for (int d = 0; d < 3; ++d) EXPECT_NEAR(r.output(m, d), std::clamp(sum(d) / 40.0, -1.0, 1.0), 1e-13);
    }
}

TEST(SoftmaxAttention, EqualKeysAverageTheValuesOfTheWindow) {
    const int tokens = 6;
    HeadInputs in{Matrix::Constant(tokens, 2, 0.3), Matrix::Constant(tokens, 2, 0.6), Matrix(tokens, 2)};
    for (int t = 0; t < tokens; ++t) in.value_V.row(t) << 0.1 * t, 0.9 - 0.1 * t;
    const Matrix out = softmax_attention(in, 3);
    EXPECT_NEAR(out(0, 0), 0.0 - 0.45, 1e-15);                // one key: its value
    EXPECT_NEAR(out(5, 0), (0.3 + 0.4 + 0.5) / 3 - 0.45, 1e-15);  // keys 3-5
    EXPECT_NEAR(out(5, 1), (0.6 + 0.5 + 0.4) / 3 - 0.45, 1e-15);
}

TEST(AttentionInputs, OutOfRangeElementsAndBadSettingsAreNamed) {
    HeadInputs in = random_head_inputs(4, 3, 7);
    EXPECT_NO_THROW(validate(in, "x.h5"));
    in.query(2, 1) = 1.5;
    try {
        validate(in, "x.h5");
        FAIL() << "a query above 1 was accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("x.h5: query[2][1] = 1.5"), std::string::npos) << e.what();
    }
    in = random_head_inputs(4, 3, 7);
    in.value_V(0, 2) = -0.1;
    EXPECT_THROW(validate(in, "x.h5"), UsageError);
    in = random_head_inputs(4, 3, 7);
    in.key_V = Matrix::Constant(4, 2, 0.4);
    EXPECT_THROW(validate(in, "x.h5"), UsageError);

    HeadSettings s;
    s.window_tokens = 17 * 64;  // needs 18 tiles of 64
    try {
        validate(s);
        FAIL() << "a window larger than the tiles was accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("--window"), std::string::npos) << e.what();
    }
    s = {};
    s.output_levels = 1;
    EXPECT_THROW(validate(s), UsageError);
}

TEST(AttentionInputs, TheSameSeedGivesTheSameInputs) {
    const HeadInputs a = random_head_inputs(5, 4, 11), b = random_head_inputs(5, 4, 11), c = random_head_inputs(5, 4, 12);
    EXPECT_EQ(a.query, b.query);
    EXPECT_EQ(a.value_V, b.value_V);
    EXPECT_NE(a.key_V, c.key_V);
    EXPECT_LE(a.key_V.maxCoeff(), 0.9);
    EXPECT_GE(a.key_V.minCoeff(), 0.0);
}

}  // namespace
}  // namespace cimkit::attention
