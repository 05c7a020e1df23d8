#include "attention/row_model.hpp"

#include <algorithm>
#include <cmath>

#include "devices/core/rng.hpp"

namespace cimkit::attention {
namespace {

using MatrixMap = Eigen::Map<Matrix>;
using VectorMap = Eigen::Map<Eigen::VectorXd>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXd>;

constexpr double surrogate_slope = gain_cell_surrogate_slope_per_V;  // 19.3: the backward pass's law

// The parts of a parameter vector (or of a gradient laid out like it), in storage order.
template <class M, class V, class Pointer>
struct Parts {
    M embed, position, query, key, value, classify;
    V embed_bias, query_bias, key_bias, value_bias, classify_bias;
    Parts(Pointer p, const RowModelShape& s)
        : embed(take(p, s.dims * s.features), s.dims, s.features),
          position(take(p, s.tokens * s.dims), s.tokens, s.dims),
          query(take(p, s.dims * s.dims), s.dims, s.dims),
          key(take(p, s.dims * s.dims), s.dims, s.dims),
          value(take(p, s.dims * s.dims), s.dims, s.dims),
          classify(take(p, s.classes * s.dims), s.classes, s.dims),
          embed_bias(take(p, s.dims), s.dims),
          query_bias(take(p, s.dims), s.dims),
          key_bias(take(p, s.dims), s.dims),
          value_bias(take(p, s.dims), s.dims),
          classify_bias(take(p, s.classes), s.classes) {}
    static Pointer take(Pointer& p, int count) {
        Pointer start = p;
        p += count;
        return start;
    }
};
using ConstParts = Parts<ConstMatrixMap, ConstVectorMap, const double*>;
using MutableParts = Parts<MatrixMap, VectorMap, double*>;

RowModelShape shape_of(const RowModel& m) { return {m.features, m.dims, m.tokens, m.classes}; }

// Everything the forward pass computes that the backward pass needs.
struct Activations {
    Matrix x, pre_embed, hidden, q, k, v;
    int last = 0, first = 0;
    // float model
    Eigen::VectorXd attention;  // softmax weights over the window
    // hardware model: the block's converted inputs, kept for the backward pass
    ConvertedHead converted;
    HeadResult block;
    Eigen::VectorXd output;  // the last token's attention output
    Eigen::VectorXd logits;
};

// The pulse widths and stored voltages the projections drive: clamp(q, 0, 1), clamp(k + 0.45, 0, 0.9),
// clamp(v + 0.45, 0, 0.9).
HeadInputs hardware_inputs(const Matrix& q, const Matrix& k, const Matrix& v) {
    const auto stored = [](const Matrix& m) -> Matrix { return (m.array() + gain_cell_weight_offset_V).cwiseMax(stored_min_V).cwiseMin(stored_max_V); };
    return {q.cwiseMax(0.0).cwiseMin(1.0), stored(k), stored(v)};
}

Activations forward(const RowModel& model, const float* sequence, AttentionKind kind, GainCellReadModel law, const HeadSettings& s) {
    const ConstParts p(model.parameters.data(), shape_of(model));
    Activations a;
    a.x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(sequence, model.tokens, model.features).cast<double>();
    a.pre_embed = (a.x * p.embed.transpose()).rowwise() + p.embed_bias.transpose();
    a.hidden = a.pre_embed.cwiseMax(0.0) + p.position;
    a.q = (a.hidden * p.query.transpose()).rowwise() + p.query_bias.transpose();
    a.k = (a.hidden * p.key.transpose()).rowwise() + p.key_bias.transpose();
    a.v = (a.hidden * p.value.transpose()).rowwise() + p.value_bias.transpose();
    a.last = model.tokens - 1;
    a.first = first_key_in_window(a.last, s.window_tokens);
    const int count = a.last - a.first + 1;
    if (kind == AttentionKind::float_softmax) {
        const Eigen::VectorXd scores = a.k.middleRows(a.first, count) * a.q.row(a.last).transpose() / std::sqrt(static_cast<double>(model.dims));
        a.attention = (scores.array() - scores.maxCoeff()).exp();
        a.attention /= a.attention.sum();
        a.output = a.v.middleRows(a.first, count).transpose() * a.attention;
    } else {
        a.converted = converted_head(hardware_inputs(a.q, a.k, a.v), s);
        a.block = gain_cell_attention(a.converted, s, CellLaw::of(law));
        a.output = a.block.output.row(a.last).transpose();
    }
    a.logits = p.classify * a.output + p.classify_bias;
    return a;
}

// d loss / d (the last token's q, and every k and v) through the hardware block, the paper's way.
void hardware_backward(const Activations& a, const Eigen::VectorXd& grad_output, GainCellReadModel law, const HeadSettings& s,
                       Matrix& grad_q, Matrix& grad_k, Matrix& grad_v) {
    const QuantisedInputs& in = a.converted.in;
    const std::vector<double>& retained = a.converted.retained;
    const WeightPolynomial f = weight_polynomial(law);
    const int m = a.last, dims = static_cast<int>(grad_output.size());
    const auto tokens = static_cast<int>(a.q.rows());
    Eigen::VectorXd grad_pulse = Eigen::VectorXd::Zero(tokens);
    for (int tile_start = a.first - a.first % s.tile_tokens; tile_start <= m; tile_start += s.tile_tokens) {
        const int begin = std::max(a.first, tile_start), end = std::min(m, tile_start + s.tile_tokens - 1);
        for (int d = 0; d < dims; ++d) {
            double tile_sum = 0.0;  // the read-out's input, to know whether its clamp was active
            for (int n = begin; n <= end; ++n) tile_sum += a.block.pulses(m, n) * evaluate(f, in.value_w_V(n, d) * retained[static_cast<std::size_t>(m - n)]);
            if (std::abs(tile_sum / s.output_saturation) >= 1.0) continue;
            const double g = grad_output(d) / s.output_saturation;
            for (int n = begin; n <= end; ++n) {
                const double kept = retained[static_cast<std::size_t>(m - n)];
                grad_pulse(n) += g * surrogate_slope * in.value_w_V(n, d) * kept;
                grad_v(n, d) += g * surrogate_slope * a.block.pulses(m, n) * kept;
            }
        }
    }
    for (int n = a.first; n <= m; ++n) {
        const double score = a.block.scores(m, n);
        if (score <= 0.0 || score >= 1.0) continue;  // the charge-to-pulse clamp
        const double g = grad_pulse(n) * surrogate_slope * retained[static_cast<std::size_t>(m - n)] / s.score_saturation;
        for (int d = 0; d < dims; ++d) {
            grad_q(m, d) += g * in.key_w_V(n, d);
            grad_k(n, d) += g * in.query(m, d);
        }
    }
    // The input ranges' clamps: straight through inside, nothing outside.
    const auto pass = [](double x, double low, double high) { return x > low && x < high ? 1.0 : 0.0; };
    for (int n = 0; n < tokens; ++n) {
        for (int d = 0; d < dims; ++d) {
            grad_q(n, d) *= pass(a.q(n, d), 0.0, 1.0);
            grad_k(n, d) *= pass(a.k(n, d), -gain_cell_weight_offset_V, gain_cell_weight_offset_V);
            grad_v(n, d) *= pass(a.v(n, d), -gain_cell_weight_offset_V, gain_cell_weight_offset_V);
        }
    }
}

void softmax_backward(const Activations& a, const Eigen::VectorXd& grad_output, Matrix& grad_q, Matrix& grad_k, Matrix& grad_v) {
    const int count = a.last - a.first + 1;
    const double scale = 1.0 / std::sqrt(static_cast<double>(a.q.cols()));
    const Eigen::VectorXd grad_weight = a.v.middleRows(a.first, count) * grad_output;
    const Eigen::VectorXd grad_score = a.attention.cwiseProduct(grad_weight.array().matrix() - Eigen::VectorXd::Constant(count, a.attention.dot(grad_weight)));
    for (int i = 0; i < count; ++i) {
        grad_v.row(a.first + i) += a.attention(i) * grad_output.transpose();
        grad_k.row(a.first + i) += grad_score(i) * scale * a.q.row(a.last);
        grad_q.row(a.last) += grad_score(i) * scale * a.k.row(a.first + i);
    }
}

}  // namespace

std::size_t parameter_count(const RowModelShape& s) {
    return static_cast<std::size_t>(s.dims * s.features + s.tokens * s.dims + 3 * s.dims * s.dims + s.classes * s.dims + 4 * s.dims + s.classes);
}

RowModel make_row_model(const RowModelShape& shape, std::uint64_t seed) {
    RowModel model{shape.features, shape.dims, shape.tokens, shape.classes, std::vector<double>(parameter_count(shape), 0.0)};
    MutableParts p(model.parameters.data(), shape);
    Rng rng(seed);
    const auto xavier = [&](MatrixMap& w) {
        const double bound = std::sqrt(6.0 / static_cast<double>(w.rows() + w.cols()));
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
            for (Eigen::Index j = 0; j < w.cols(); ++j) w(i, j) = bound * (2.0 * rng.uniform() - 1.0);
        }
    };
    for (MatrixMap* w : {&p.embed, &p.query, &p.key, &p.value, &p.classify}) xavier(*w);
    return model;
}

RowForward row_forward(const RowModel& model, const float* sequence, AttentionKind kind, GainCellReadModel law, const HeadSettings& s) {
    return row_classify(model, forward(model, sequence, kind, law, s).output);
}

HeadInputs row_head_inputs(const RowModel& model, const float* sequence) {
    HeadSettings any;  // the projections do not depend on the block's settings
    const Activations a = forward(model, sequence, AttentionKind::float_softmax, GainCellReadModel::linear_surrogate, any);
    return hardware_inputs(a.q, a.k, a.v);
}

RowForward row_classify(const RowModel& model, const Eigen::VectorXd& last_output) {
    const ConstParts p(model.parameters.data(), shape_of(model));
    const Eigen::VectorXd logits = p.classify * last_output + p.classify_bias;
    RowForward r{std::vector<double>(logits.data(), logits.data() + logits.size()), 0};
    logits.maxCoeff(&r.predicted);
    return r;
}

double row_loss_and_gradient(const RowModel& model, const float* sequence, int label, AttentionKind kind, GainCellReadModel law,
                             const HeadSettings& s, std::vector<double>& gradient) {
    const Activations a = forward(model, sequence, kind, law, s);
    const ConstParts p(model.parameters.data(), shape_of(model));
    MutableParts g(gradient.data(), shape_of(model));
    Eigen::VectorXd probability = (a.logits.array() - a.logits.maxCoeff()).exp();
    probability /= probability.sum();
    const double loss = -std::log(std::max(probability(label), 1e-300));
    Eigen::VectorXd grad_logits = probability;
    grad_logits(label) -= 1.0;
    g.classify += grad_logits * a.output.transpose();
    g.classify_bias += grad_logits;
    const Eigen::VectorXd grad_output = p.classify.transpose() * grad_logits;

    Matrix grad_q = Matrix::Zero(model.tokens, model.dims), grad_k = grad_q, grad_v = grad_q;
    if (kind == AttentionKind::float_softmax) {
        softmax_backward(a, grad_output, grad_q, grad_k, grad_v);
    } else {
        hardware_backward(a, grad_output, law, s, grad_q, grad_k, grad_v);
    }
    g.query += grad_q.transpose() * a.hidden;
    g.key += grad_k.transpose() * a.hidden;
    g.value += grad_v.transpose() * a.hidden;
    g.query_bias += grad_q.colwise().sum().transpose();
    g.key_bias += grad_k.colwise().sum().transpose();
    g.value_bias += grad_v.colwise().sum().transpose();
    const Matrix grad_hidden = grad_q * p.query + grad_k * p.key + grad_v * p.value;
    g.position += grad_hidden;
    const Matrix grad_pre = grad_hidden.cwiseProduct((a.pre_embed.array() > 0.0).cast<double>().matrix());
    g.embed += grad_pre.transpose() * a.x;
    g.embed_bias += grad_pre.colwise().sum().transpose();
    return loss;
}

}  // namespace cimkit::attention
