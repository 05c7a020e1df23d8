#pragma once
// Training losses for one sample, each with its gradient with respect to the output layer's
// pre-activation z (the vector backward() starts from). All quantities are dimensionless.
//
//   mean_squared_error      a = f(z) (f: the output activation), t the target
//                           L = 1/2 sum_k (a_k - t_k)^2
//                           dL/dz = (a - t) .* f'(z)
//   softmax_cross_entropy   p = softmax(z), y the label
//                           L = -log p_y = logsumexp(z) - z_y
//                           dL/dz = p - onehot(y)
//   logsumexp(z) = m + log sum_k e^(z_k - m), m = max_k z_k: no overflow for large logits, and
//   softmax(z) = e^(z - m) / sum_k e^(z_k - m) for the same reason.
//
// The loss fixes the output layer's activation (output_activation): softmax cross-entropy reads raw
// logits (identity; softmax lives inside the loss), MSE reads a sigmoid output against one-hot
// targets in {0, 1}.
#include <string>

#include <Eigen/Core>

#include "training/activation.hpp"

namespace cimkit::training {

enum class Loss { mean_squared_error, softmax_cross_entropy };

// "mse", "cross_entropy"; anything else is a ParameterError listing them.
Loss parse_loss(const std::string& text);
std::string to_string(Loss loss);

// identity for softmax cross-entropy, sigmoid for MSE.
Activation output_activation(Loss loss);

struct LossValue {
    float loss = 0.0f;
    Eigen::VectorXf gradient_z;  // dL/dz of the output layer
};

float log_sum_exp(const Eigen::VectorXf& z);
Eigen::VectorXf softmax(const Eigen::VectorXf& z);
Eigen::VectorXf one_hot(int label, int classes);

LossValue mean_squared_error(const Eigen::VectorXf& z, Activation output, const Eigen::VectorXf& target);
LossValue softmax_cross_entropy(const Eigen::VectorXf& z, int label);

// The loss of a classification sample: MSE against onehot(label) through output_activation(loss),
// or softmax cross-entropy. `label` must lie in [0, z.size()) (asserted).
LossValue evaluate_loss(Loss loss, const Eigen::VectorXf& z, int label);

}  // namespace cimkit::training
