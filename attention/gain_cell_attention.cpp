#include "attention/gain_cell_attention.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "attention/quantization.hpp"

namespace cimkit::attention {
namespace {

Matrix quantized(const Matrix& m, int levels, double span) {
    return m.unaryExpr([&](double v) { return quantize(v, levels, span); });
}

}  // namespace

WeightPolynomial weight_polynomial(GainCellReadModel law) {
    WeightPolynomial a{};
    for (const GainCellReadTerm& term : gain_cell_read_terms(law)) {
        a[static_cast<std::size_t>(term.power_w)] += term.coefficient * std::pow(gain_cell_published_v_in_V, term.power_x);
    }
    return a;
}

double evaluate(const WeightPolynomial& a, double w_V) { return a[0] + w_V * (a[1] + w_V * (a[2] + w_V * a[3])); }

int first_key_in_window(int query_token, int window_tokens) { return std::max(0, query_token - window_tokens + 1); }

QuantisedInputs quantised_inputs(const HeadInputs& inputs, const HeadSettings& s) {
    return {quantized(inputs.query, s.query_levels, 1.0),
            quantized(inputs.key_V, s.stored_levels, stored_max_V).array() - gain_cell_weight_offset_V,
            quantized(inputs.value_V, s.stored_levels, stored_max_V).array() - gain_cell_weight_offset_V};
}

std::vector<double> retention_by_age(const HeadSettings& s) {
    std::vector<double> retained(static_cast<std::size_t>(s.window_tokens));
    for (int age = 0; age < s.window_tokens; ++age) retained[static_cast<std::size_t>(age)] = std::pow(std::exp(-s.decay_per_token), age);
    return retained;
}

ConvertedHead converted_head(const HeadInputs& inputs, const HeadSettings& s) { return {quantised_inputs(inputs, s), retention_by_age(s)}; }

double tile_readout(double output_sum, const HeadSettings& s) {
    return quantize(std::clamp(output_sum / s.output_saturation, -1.0, 1.0), s.output_levels, 2.0);
}

HeadResult gain_cell_attention(const HeadInputs& inputs, const HeadSettings& s, GainCellReadModel law) {
    return gain_cell_attention(inputs, s, CellLaw::of(law));
}

HeadResult gain_cell_attention(const HeadInputs& inputs, const HeadSettings& s, const CellLaw& f) {
    return gain_cell_attention(converted_head(inputs, s), s, f);
}

HeadResult gain_cell_attention(const ConvertedHead& converted, const HeadSettings& s, const CellLaw& f) {
    const Matrix &query = converted.in.query, &key_w = converted.in.key_w_V, &value_w = converted.in.value_w_V;
    const std::vector<double>& retained = converted.retained;
    const auto tokens = static_cast<int>(query.rows()), dims = static_cast<int>(query.cols());

    HeadResult r{Matrix::Zero(tokens, tokens), Matrix::Zero(tokens, tokens), Matrix::Zero(tokens, dims)};
    std::vector<double> tile_sum(static_cast<std::size_t>(dims));
    for (int m = 0; m < tokens; ++m) {
        const int first = first_key_in_window(m, s.window_tokens);
        for (int n = first; n <= m; ++n) {
            const double decay = retained[static_cast<std::size_t>(m - n)];
            double charge = 0.0;
            for (int d = 0; d < dims; ++d) charge += query(m, d) * f.at(key_w(n, d) * decay);
            r.scores(m, n) = charge / s.score_saturation;
            r.pulses(m, n) = std::clamp(r.scores(m, n), 0.0, 1.0);
        }
        for (int tile_start = first - first % s.tile_tokens; tile_start <= m; tile_start += s.tile_tokens) {
            std::fill(tile_sum.begin(), tile_sum.end(), 0.0);
            for (int n = std::max(first, tile_start); n <= std::min(m, tile_start + s.tile_tokens - 1); ++n) {
                const double pulse = r.pulses(m, n), decay = retained[static_cast<std::size_t>(m - n)];
                for (int d = 0; d < dims; ++d) tile_sum[static_cast<std::size_t>(d)] += pulse * f.at(value_w(n, d) * decay);
            }
            for (int d = 0; d < dims; ++d) r.output(m, d) += tile_readout(tile_sum[static_cast<std::size_t>(d)], s);
        }
    }
    return r;
}

Matrix softmax_attention(const HeadInputs& inputs, int window_tokens) {
    const int tokens = inputs.tokens();
    const Matrix key_w = inputs.key_V.array() - gain_cell_weight_offset_V;
    const Matrix value_w = inputs.value_V.array() - gain_cell_weight_offset_V;
    const double scale = 1.0 / std::sqrt(static_cast<double>(inputs.head_dim()));
    Matrix out = Matrix::Zero(tokens, inputs.head_dim());
    for (int m = 0; m < tokens; ++m) {
        const int first = first_key_in_window(m, window_tokens), count = m - first + 1;
        Eigen::VectorXd logits = key_w.middleRows(first, count) * inputs.query.row(m).transpose() * scale;
        const Eigen::VectorXd weights = (logits.array() - logits.maxCoeff()).exp();
        out.row(m) = (weights.transpose() * value_w.middleRows(first, count)) / weights.sum();
    }
    return out;
}

}  // namespace cimkit::attention
