#pragma once
// Neuron circuits as the network's activation (docs/circuits.md#neurons).
//
// The network computes in numbers, the circuit in volts. Between them sit a driver that turns a
// pre-activation z into the neuron's input voltage, and a read-out that turns the output voltage
// into the activation a:
//   V_in = center_V + z volts_per_unit, clipped to the circuit's input window (the driver's rails)
//   a    = (V_out - low_V) / output_per_unit_V
// All of it comes from the circuit's own DC transfer (circuits::measure_transfer), nothing from its
// netlist's parameters; low_V and high_V are the outputs at the window's ends. By the circuit's shape:
//   sigmoid    center_V is the input where the output crosses mid-swing, output_per_unit_V the swing
//              high_V - low_V (a in [0, 1]), and volts_per_unit makes the slope at the centre 1/4 per
//              unit of z, the logistic's, so the circuit stands where `sigmoid` stood
//   rectifier  the tangent at the window's top meets the off level at the knee, center_V; the window
//              from knee to top spans rectifier_span_units of z, and output_per_unit_V makes the
//              slope there 1 per unit of z, the ReLU's
// The derivative circuit (two copies of the neuron at V_in +- slope_step_V) gives
//   f'(z) = (V_out(V_in + step) - V_out(V_in - step)) / (2 slope_step_units output_per_unit_V)
// with step = slope_step_units volts_per_unit.
//
// Two stages evaluate this:
//   tabulated  (ideal and compact engines) the DC transfer, interpolated linearly; the derivative
//              from the same table at the same offset inputs, so it is the twin of the derivative
//              circuit, not the exact slope
//   spice      (spice engine) one circuits::ResidentNeuronLayer per layer: every activation and every
//              derivative an ngspice `op` of the layer's neurons
// With error multipliers (network.error_product = circuit), the product delta = f'(z) e is not the
// read-out's: each unit's multiplier takes the derivative circuit's two outputs as x and the error
// as y = e / max|e| error_full_scale_V (a DAC scaled per sample, the scale a digital gain), and
//   delta = (I_product max|e| / (2 gain error_full_scale_V)) / (2 slope_step_units output_per_unit_V)
// with the gain fitted to the multiplier's own DC grid (circuits::measure_error_multiplier). The
// tabulated stage's twin of the multiplier is that fitted law; the spice stage solves the
// multipliers in the same `op` as the neurons, their gates wired to the derivative copies' outputs.
// Energy: each evaluation holds the circuit powered for neuron_time_s (the read window,
// array.read_time_s); the forward pass powers the neurons, the backward pass the derivative circuits
// and the multipliers.
#include <filesystem>
#include <memory>

#include "circuits/error_multiplier.hpp"
#include "circuits/neuron_circuit.hpp"
#include "training/neuron.hpp"

namespace cimkit::training {

// The offset of the derivative circuit's copies, in units of z: small enough that the central
// difference's error (f''' step^2 / 6, 2e-4 for a logistic) stays below the twin's interpolation,
// large enough that the two outputs differ well beyond ngspice's tolerance.
constexpr double slope_step_units = 0.1;
// Points of the DC sweep the twin interpolates (1 mV apart over sigmoid_mos's +-0.5 V window).
constexpr int transfer_points = 1001;
// Units of z from a rectifier's knee to the top of its window: activations up to about 4, which
// array.hidden_input_max (the full scale of the next layer's drivers) clips as it would a ReLU's.
constexpr double rectifier_span_units = 4.0;

struct NeuronCalibration {
    double center_V = 0.0, volts_per_unit = 1.0, low_V = 0.0, high_V = 1.0, output_per_unit_V = 1.0;
    double min_input_V = 0.0, max_input_V = 0.0;  // the window of the transfer

    double input_V(float z) const;              // clipped to the window
    float activation(double output_V) const;    // (V_out - low_V) / output_per_unit_V
    double slope_step_V() const { return slope_step_units * volts_per_unit; }
    // f'(z) from the derivative circuit's two outputs.
    float derivative(double plus_output_V, double minus_output_V) const;
};

// Throws Error naming the circuit when the transfer does not have its shape (its ends equal, no
// mid-swing crossing, no rising slope): a circuit cimkit cannot use as a neuron.
NeuronCalibration calibrate(const circuits::NeuronTransfer& transfer, const std::string& circuit_name, circuits::NeuronShape shape);

enum class NeuronEvaluation { tabulated, spice };

// Circuit activations through `evaluation`, the mathematical ones as make_math_neuron. The transfer
// is measured once (a worker process) when the factory is made, so construct it before any
// in-process spice::Engine, as the spice engine's layers are.
NeuronFactory make_circuit_neuron_factory(NeuronEvaluation evaluation, const std::filesystem::path& netlist_dir,
                                          double neuron_time_s, bool error_multipliers = false);

}  // namespace cimkit::training
