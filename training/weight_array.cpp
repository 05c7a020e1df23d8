#include "training/weight_array.hpp"

#include <cassert>
#include <utility>

#include "devices/core/errors.hpp"

namespace cimkit::training {

Eigen::MatrixXf WeightArray::multiply_batch(const Eigen::MatrixXf& x) const {
    Eigen::MatrixXf y;
    for (Eigen::Index b = 0; b < x.cols(); ++b) {
        const Eigen::VectorXf column = multiply(x.col(b));  // each read counted once (energy, clipping)
        if (b == 0) y.resize(column.size(), x.cols());
        y.col(b) = column;
    }
    return y;
}

void WeightArray::apply_weight_changes(const Eigen::MatrixXf& /*dw*/) {
    throw UsageError("this engine's arrays take rank-1 outer-product updates only; set training.batch_size = 1");
}

IdealArray::IdealArray(Eigen::MatrixXf weights) : weights_(std::move(weights)) {}

Eigen::VectorXf IdealArray::multiply(const Eigen::VectorXf& x) const {
    assert(x.size() == weights_.cols());
    return weights_ * x;
}

Eigen::VectorXf IdealArray::multiply_transposed(const Eigen::VectorXf& d) const {
    assert(d.size() == weights_.rows());
    return weights_.transpose() * d;
}

// Column by column (Eigen's storage order), so the loop vectorises; the rounding order is the one
// the header promises.
void IdealArray::apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, float learning_rate) {
    assert(x.size() == weights_.cols() && delta.size() == weights_.rows());
    const Eigen::VectorXf scaled_delta = learning_rate * delta;
    for (Eigen::Index j = 0; j < weights_.cols(); ++j) weights_.col(j) -= scaled_delta * x(j);
}

void IdealArray::apply_weight_changes(const Eigen::MatrixXf& dw) {
    assert(dw.rows() == weights_.rows() && dw.cols() == weights_.cols());
    weights_ += dw;
}

ArrayCheckpoint IdealArray::checkpoint() const {
    return {{"weights", std::vector<double>(weights_.data(), weights_.data() + weights_.size())}};
}

void IdealArray::restore(const ArrayCheckpoint& checkpoint) {
    const auto& w = checkpoint_block(checkpoint, "weights", static_cast<std::size_t>(weights_.size()));
    for (Eigen::Index k = 0; k < weights_.size(); ++k) weights_.data()[k] = static_cast<float>(w[static_cast<std::size_t>(k)]);
}

const std::vector<double>& checkpoint_block(const ArrayCheckpoint& checkpoint, const std::string& name, std::size_t size) {
    const auto it = checkpoint.find(name);
    if (it == checkpoint.end()) throw ParameterError("checkpoint: block '" + name + "' is missing");
    if (it->second.size() != size) {
        throw ParameterError("checkpoint: block '" + name + "' has " + std::to_string(it->second.size()) + " values, expected " +
                             std::to_string(size));
    }
    return it->second;
}

std::unique_ptr<WeightArray> make_ideal_array(int /*layer*/, const Eigen::MatrixXf& initial_weights) {
    return std::make_unique<IdealArray>(initial_weights);
}

}  // namespace cimkit::training
