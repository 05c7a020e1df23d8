#pragma once
// Element-wise activation functions of a fully connected layer, a = f(z), and their derivatives.
//
//   sigmoid   f(z) = 1 / (1 + e^-z)      f'(z) = a (1 - a)
//   tanh      f(z) = tanh z              f'(z) = 1 - a^2
//   relu      f(z) = max(z, 0)           f'(z) = 1 if z > 0, else 0 (the kink at z = 0 takes 0)
//   identity  f(z) = z                   f'(z) = 1
//   sigmoid_mos  the transistor-level neuron of netlists/peripherals/sigmoid_mos.lib, a logistic-like
//             S from 0 to 1 that saturates harder than the logistic: a circuit, not a formula, so
//             activate() refuses it; the network evaluates it through its NeuronStage (neuron.hpp,
//             circuit_neuron.hpp), from the circuit's own DC transfer or the circuit in ngspice
//   relu_mos  the source-follower rectifier of netlists/peripherals/relu_mos.lib: 0 below a rounded
//             knee, then a slope of about 1; a circuit too
// All quantities are dimensionless (in the software network a pre-activation is a number; an
// engine converts column currents to these numbers before they reach f).
#include <string>

#include <Eigen/Core>

namespace cimkit::training {

enum class Activation { sigmoid, tanh, relu, identity, sigmoid_mos, relu_mos };

// "sigmoid", "tanh", "relu", "identity", "sigmoid_mos", "relu_mos"; anything else is a ParameterError listing them.
Activation parse_activation(const std::string& text);
std::string to_string(Activation activation);
// True for an activation that is a neuron circuit (its name is a circuits::neuron_circuit).
bool is_circuit_activation(Activation activation);

// UsageError for a circuit activation.
Eigen::VectorXf activate(Activation activation, const Eigen::VectorXf& z);

// f'(z), given both z and a = f(z) (sigmoid and tanh use a, relu uses z).
Eigen::VectorXf activation_derivative(Activation activation, const Eigen::VectorXf& z, const Eigen::VectorXf& a);

}  // namespace cimkit::training
