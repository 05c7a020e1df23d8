#include "training/neuron.hpp"

#include "devices/core/errors.hpp"

namespace cimkit::training {
namespace {

class MathNeuron final : public NeuronStage {
public:
    explicit MathNeuron(Activation activation) : activation_(activation) {}
    Eigen::VectorXf activate(const Eigen::VectorXf& z) const override { return training::activate(activation_, z); }
    Eigen::VectorXf derivative(const Eigen::VectorXf& z, const Eigen::VectorXf& a) const override {
        return activation_derivative(activation_, z, a);
    }

private:
    Activation activation_;
};

}  // namespace

std::unique_ptr<NeuronStage> make_math_neuron(Activation activation, int /*units*/) {
    if (is_circuit_activation(activation)) {
        throw ParameterError("activation '" + to_string(activation) + "' is a circuit and needs a circuit neuron stage");
    }
    return std::make_unique<MathNeuron>(activation);
}

}  // namespace cimkit::training
