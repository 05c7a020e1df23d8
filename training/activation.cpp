#include "training/activation.hpp"

#include <cmath>

#include "devices/core/errors.hpp"

namespace cimkit::training {

Activation parse_activation(const std::string& text) {
    if (text == "sigmoid") return Activation::sigmoid;
    if (text == "tanh") return Activation::tanh;
    if (text == "relu") return Activation::relu;
    if (text == "identity") return Activation::identity;
    if (text == "sigmoid_mos") return Activation::sigmoid_mos;
    if (text == "relu_mos") return Activation::relu_mos;
    throw ParameterError("activation '" + text + "' is unknown (known: sigmoid, tanh, relu, identity, sigmoid_mos, relu_mos)");
}

std::string to_string(Activation activation) {
    switch (activation) {
        case Activation::sigmoid: return "sigmoid";
        case Activation::tanh: return "tanh";
        case Activation::relu: return "relu";
        case Activation::identity: return "identity";
        case Activation::sigmoid_mos: return "sigmoid_mos";
        case Activation::relu_mos: return "relu_mos";
    }
    return "unknown";
}

bool is_circuit_activation(Activation activation) {
    return activation == Activation::sigmoid_mos || activation == Activation::relu_mos;
}

namespace {
[[noreturn]] void refuse_circuit(Activation activation) {
    throw UsageError("activation '" + to_string(activation) + "' is a circuit: evaluate it through its neuron stage");
}
}  // namespace

Eigen::VectorXf activate(Activation activation, const Eigen::VectorXf& z) {
    switch (activation) {
        // 1/(1 + e^-z) overflows gracefully: e^-z = inf gives 0, never NaN.
        case Activation::sigmoid: return z.unaryExpr([](float v) { return 1.0f / (1.0f + std::exp(-v)); });
        case Activation::tanh: return z.array().tanh().matrix();
        case Activation::relu: return z.cwiseMax(0.0f);
        case Activation::identity: return z;
        case Activation::sigmoid_mos:
        case Activation::relu_mos: refuse_circuit(activation);
    }
    return z;
}

Eigen::VectorXf activation_derivative(Activation activation, const Eigen::VectorXf& z, const Eigen::VectorXf& a) {
    switch (activation) {
        case Activation::sigmoid: return (a.array() * (1.0f - a.array())).matrix();
        case Activation::tanh: return (1.0f - a.array().square()).matrix();
        case Activation::relu: return (z.array() > 0.0f).cast<float>().matrix();
        case Activation::identity: return Eigen::VectorXf::Ones(z.size());
        case Activation::sigmoid_mos:
        case Activation::relu_mos: refuse_circuit(activation);
    }
    return Eigen::VectorXf::Ones(z.size());
}

}  // namespace cimkit::training
