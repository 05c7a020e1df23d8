#include "training/loss.hpp"

#include <cassert>
#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit::training {

Loss parse_loss(const std::string& text) {
    if (text == "mse") return Loss::mean_squared_error;
    if (text == "cross_entropy") return Loss::softmax_cross_entropy;
    throw ParameterError("loss '" + text + "' is unknown (known: mse, cross_entropy)");
}

std::string to_string(Loss loss) {
    return loss == Loss::mean_squared_error ? "mse" : "cross_entropy";
}

Activation output_activation(Loss loss) {
    return loss == Loss::mean_squared_error ? Activation::sigmoid : Activation::identity;
}

float log_sum_exp(const Eigen::VectorXf& z) {
    assert(z.size() > 0);
    const float m = z.maxCoeff();
    return m + std::log((z.array() - m).exp().sum());
}

Eigen::VectorXf softmax(const Eigen::VectorXf& z) {
    assert(z.size() > 0);
    const Eigen::ArrayXf e = (z.array() - z.maxCoeff()).exp();
    return (e / e.sum()).matrix();
}

Eigen::VectorXf one_hot(int label, int classes) {
    assert(label >= 0 && label < classes);
    Eigen::VectorXf t = Eigen::VectorXf::Zero(classes);
    t(label) = 1.0f;
    return t;
}

LossValue mean_squared_error(const Eigen::VectorXf& z, Activation output, const Eigen::VectorXf& target) {
    assert(z.size() == target.size());
    const Eigen::VectorXf a = activate(output, z);
    const Eigen::VectorXf error = a - target;
    return {0.5f * error.squaredNorm(), error.cwiseProduct(activation_derivative(output, z, a))};
}

LossValue softmax_cross_entropy(const Eigen::VectorXf& z, int label) {
    assert(label >= 0 && label < z.size());
    Eigen::VectorXf gradient = softmax(z);
    gradient(label) -= 1.0f;
    return {log_sum_exp(z) - z(label), gradient};
}

LossValue evaluate_loss(Loss loss, const Eigen::VectorXf& z, int label) {
    if (loss == Loss::softmax_cross_entropy) return softmax_cross_entropy(z, label);
    return mean_squared_error(z, output_activation(loss), one_hot(label, static_cast<int>(z.size())));
}

}  // namespace cimkit::training
