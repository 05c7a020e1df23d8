// The row-sequence attention classifier's gradients (attention/row_model.hpp) against central finite
// differences of its loss: the float model's exactly, the hardware model's where its backward pass
// is the true gradient (the linear law, converters off, away from the clamps' kinks).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "attention/row_model.hpp"
#include "devices/core/rng.hpp"

namespace cimkit::attention {
namespace {

constexpr RowModelShape shape{3, 4, 5, 3};  // 3 features per token, D = 4, 5 tokens, 3 classes

std::vector<float> sequence(std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> x(static_cast<std::size_t>(shape.tokens * shape.features));
    for (float& v : x) v = static_cast<float>(rng.uniform());
    return x;
}

// The largest |analytic - numeric| over all parameters, relative to the largest |numeric|.
double worst_gradient_error(RowModel model, AttentionKind kind, const HeadSettings& s) {
    const std::vector<float> x = sequence(3);
    std::vector<double> analytic(model.parameters.size(), 0.0), unused(model.parameters.size());
    row_loss_and_gradient(model, x.data(), 1, kind, GainCellReadModel::linear_surrogate, s, analytic);
    double worst = 0.0, largest = 0.0;
    for (std::size_t i = 0; i < model.parameters.size(); ++i) {
        const double keep = model.parameters[i], h = 1e-6;
        model.parameters[i] = keep + h;
        const double up = row_loss_and_gradient(model, x.data(), 1, kind, GainCellReadModel::linear_surrogate, s, unused);
        model.parameters[i] = keep - h;
        const double down = row_loss_and_gradient(model, x.data(), 1, kind, GainCellReadModel::linear_surrogate, s, unused);
        model.parameters[i] = keep;
        const double numeric = (up - down) / (2 * h);
        worst = std::max(worst, std::abs(numeric - analytic[i]));
        largest = std::max(largest, std::abs(numeric));
    }
    return worst / largest;
}

TEST(RowModel, FloatModelGradientMatchesFiniteDifferences) {
    HeadSettings s;
    s.window_tokens = 4;  // the last token sees 4 of the 5
    EXPECT_LT(worst_gradient_error(make_row_model(shape, 7), AttentionKind::float_softmax, s), 1e-6);
}

TEST(RowModel, HardwareModelGradientWithTheLinearLawMatchesFiniteDifferences) {
    HeadSettings s;
    s.query_levels = s.stored_levels = s.output_levels = 0;
    s.score_saturation = 30.0;  // scores in (0, 1) for most keys, so the gradient reaches q and k
    s.output_saturation = 20.0;
    s.decay_per_token = 0.05;
    RowModel model = make_row_model(shape, 7);
    // Query biases that put q inside (0, 1), and keys and values inside the cell range.
    const std::size_t query_bias = static_cast<std::size_t>(shape.dims * shape.features + shape.tokens * shape.dims +
                                                            3 * shape.dims * shape.dims + shape.classes * shape.dims + shape.dims);
    for (int d = 0; d < shape.dims; ++d) model.parameters[query_bias + static_cast<std::size_t>(d)] = 0.5;
    EXPECT_LT(worst_gradient_error(model, AttentionKind::hardware, s), 1e-5);
    // The check means something only if the gradient reaches the query and key weights (no clamp
    // blocked it): their blocks follow the embedding and the positions.
    std::vector<double> gradient(model.parameters.size(), 0.0);
    const std::vector<float> x = sequence(3);
    row_loss_and_gradient(model, x.data(), 1, AttentionKind::hardware, GainCellReadModel::linear_surrogate, s, gradient);
    const auto block_norm = [&](std::size_t start) {
        double sum = 0.0;
        for (std::size_t i = start; i < start + static_cast<std::size_t>(shape.dims * shape.dims); ++i) sum += std::abs(gradient[i]);
        return sum;
    };
    const std::size_t query_weights = static_cast<std::size_t>(shape.dims * shape.features + shape.tokens * shape.dims);
    EXPECT_GT(block_norm(query_weights), 1e-6);
    EXPECT_GT(block_norm(query_weights + static_cast<std::size_t>(shape.dims * shape.dims)), 1e-6);
}

}  // namespace
}  // namespace cimkit::attention
