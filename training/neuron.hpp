#pragma once
// The neuron stage between layers: a = f(z) on the forward pass and f'(z) on the backward pass.
//
// A stage is either a mathematical function (activation.hpp) or a circuit (circuit_neuron.hpp):
// the transistor-level neuron's DC transfer (the compact engine's twin) or the neuron itself, solved
// in ngspice for every sample (the spice engine). A circuit draws energy from its supply; the
// network sums it into ArrayActivity::neuron_energy_J and keeps it in its checkpoint.
#include <functional>
#include <memory>

#include <Eigen/Core>

#include "training/activation.hpp"

namespace cimkit::training {

class NeuronStage {
public:
    virtual ~NeuronStage() = default;
    // a = f(z), element-wise.
    virtual Eigen::VectorXf activate(const Eigen::VectorXf& z) const = 0;
    // f'(z), with a = activate(z) from the same forward pass.
    virtual Eigen::VectorXf derivative(const Eigen::VectorXf& z, const Eigen::VectorXf& a) const = 0;
    // Backprop's error product f'(z) .* back, with back the error arriving from the layer above. A
    // circuit with error multipliers forms it in the analog domain (circuits/error_multiplier.hpp);
    // every other stage multiplies its derivative digitally.
    virtual Eigen::VectorXf error_product(const Eigen::VectorXf& z, const Eigen::VectorXf& a, const Eigen::VectorXf& back) const {
        return derivative(z, a).cwiseProduct(back);
    }
    // A circuit has a supply and counts the energy it drew (cumulative, restored on resume); a
    // mathematical function has neither.
    virtual bool is_circuit() const { return false; }
    virtual double energy_J() const { return 0.0; }
    virtual void set_energy_J(double /*energy_J*/) {}
};

// Makes the stage of a layer with `units` outputs and activation `activation`.
using NeuronFactory = std::function<std::unique_ptr<NeuronStage>(Activation activation, int units)>;

// The mathematical functions of activation.hpp; a circuit activation (is_circuit_activation) is a
// ParameterError naming it: that needs a circuit factory (make_circuit_neuron_factory).
std::unique_ptr<NeuronStage> make_math_neuron(Activation activation, int units);

}  // namespace cimkit::training
