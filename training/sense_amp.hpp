#pragma once
// The 1-bit sense-amplifier read-out of a hidden layer (array.readout = sense_amp;
// docs/learning-rules.md#read-out) and its hardware-aware training.
//
// Decision: the comparator on output line i compares the column signal the engine read, (W a)_i,
// with a reference -b_i (the layer's bias, held digitally, sets each comparator's reference level):
//   s_i = 1  if z_i = (W a)_i + b_i >= 0,  else 0
// so the next layer's rows are driven at 0 or the full read voltage (binary inputs). The reference
// is the bias because it is where a sigmoid neuron would cross its midpoint (f(0) = 1/2) and where a
// ReLU starts to conduct: the SA keeps the decision the analog neuron makes about "on".
//
// Hardware-aware training (training.hw_awareness_schedule): in epoch e the training forward pass
// drives the next layer with the blend
//   a = (1 - lambda_e) f(z) + lambda_e s(z)
// of the layer's configured activation f and the SA's decision; lambda = 1 is the hardware. The
// test set is always evaluated at lambda = 1 (the chip after training).
// Backward, a straight-through estimator: ds/dz, zero almost everywhere, is replaced by f'(z), so
//   da/dz := f'(z)    for every lambda
// (the surrogate of the step is the activation itself: the logistic for sigmoid, the ReLU for relu).
#include <Eigen/Core>

namespace cimkit::training {

// s(z): 1 where z >= 0, 0 elsewhere.
Eigen::VectorXf sense_amp_decision(const Eigen::VectorXf& z);

// (1 - lambda) f + lambda s; exactly s at lambda = 1, exactly f at lambda = 0.
Eigen::VectorXf hardware_aware_output(const Eigen::VectorXf& f, const Eigen::VectorXf& s, double lambda);

}  // namespace cimkit::training
