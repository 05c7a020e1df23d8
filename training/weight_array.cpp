#include "training/weight_array.hpp"

#include <cassert>
#include <utility>

namespace cimkit::training {

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

std::unique_ptr<WeightArray> make_ideal_array(int /*layer*/, const Eigen::MatrixXf& initial_weights) {
    return std::make_unique<IdealArray>(initial_weights);
}

}  // namespace cimkit::training
