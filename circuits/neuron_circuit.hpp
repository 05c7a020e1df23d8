#pragma once
// Transistor-level neuron circuits between crossbar layers, in ngspice (docs/circuits.md#neurons).
//
// A neuron circuit is a two-port subcircuit from netlists/peripherals/ (in, out) with an internal
// supply source. cimkit uses it in two ways, both from the circuit itself:
//   - measure_transfer: a DC sweep of one neuron over its input window, in a worker process; the
//     compact engine's twin of the neuron is this table (training/circuit_neuron.hpp);
//   - ResidentNeuronLayer: one layer's neurons kept loaded in a worker process and solved by an `op`
//     per sample, their inputs EXTERNAL sources, for the spice engine.
// Each unit of a resident layer has three copies of the circuit: the neuron itself, and a derivative
// circuit made of two more copies driven at the input plus and minus a step, whose output difference
// over twice the step is the slope f'(V_in) that backprop needs (a central difference, formed in the
// analog domain by the two offset copies; the subtraction is the read-out's). A layer may also carry
// an error multiplier per unit (error_multiplier.hpp), its gates on those two copies' outputs, which
// forms backprop's product f'(z) e in the analog domain too.
#include <filesystem>
#include <string>
#include <vector>

#include "circuits/spice/worker.hpp"

namespace cimkit::circuits {

// The shape of a neuron's transfer, which decides how it is calibrated (training/circuit_neuron.hpp).
enum class NeuronShape {
    sigmoid,    // rises from one rail to the other through a centre
    rectifier,  // off below a knee, then rising about linearly
};

// A neuron subcircuit and what cimkit needs to know about it.
struct NeuronCircuitSpec {
    std::string name;           // as in network.hidden_activation
    std::string library;        // file name in netlists/peripherals/
    std::string subcircuit;     // its .subckt name; ports (in, out)
    std::string supply_source;  // the internal supply's source name inside the subcircuit
    std::string supply_node;    // the node that source drives
    double center_V;            // middle of the input window
    double window_V;            // the input is swept (and clipped) to center_V +- window_V
    NeuronShape shape;
};

// The neuron circuits cimkit ships: "sigmoid_mos" and "relu_mos" (netlists/peripherals/*.lib).
// Throws ParameterError listing them for another name.
const NeuronCircuitSpec& neuron_circuit(const std::string& name);

// One neuron's DC transfer on a uniform input grid.
struct NeuronTransfer {
    std::vector<double> input_V;
    std::vector<double> output_V;
    std::vector<double> supply_power_W;  // delivered by the circuit's supply at each point
};

// Sweeps one neuron over center_V +- window_V in `points` steps (>= 3) in a worker process (so it
// may run while no, or before any, in-process engine exists). Throws IoError when the library is
// missing, and what the worker throws.
NeuronTransfer measure_transfer(const NeuronCircuitSpec& spec, const std::filesystem::path& netlist_dir, int points);

// How long one neuron takes to settle after a full-window input step (bottom to top, 1 ps edge):
// from the step until the output stays within 1/2 LSB of `bits` bits of the swing of its final
// value, from a transient of the circuit (its node capacitances; a circuit without any settles
// within the edge). Runs in a worker process, like measure_transfer.
double measure_settling_s(const NeuronCircuitSpec& spec, const std::filesystem::path& netlist_dir, int bits);

// One layer's neurons, each with its derivative circuit, loaded once in a worker process.
class ResidentNeuronLayer {
public:
    // Forks the worker and loads `units` neurons, with an error multiplier each when
    // `error_multipliers` (ParameterError for units < 1). Must be constructed while no in-process
    // spice::Engine exists (spice::Worker).
    ResidentNeuronLayer(const NeuronCircuitSpec& spec, int units, double slope_step_V,
                        const std::filesystem::path& netlist_dir, bool error_multipliers = false);

    struct Solution {
        std::vector<double> output_V;        // each neuron at its input
        std::vector<double> plus_output_V;   // the derivative circuit's copies at input + slope step
        std::vector<double> minus_output_V;  // and at input - slope step
        double neuron_power_W = 0.0;         // the neurons' supplies, summed
        double derivative_power_W = 0.0;     // the derivative circuits' supplies, summed
        std::vector<double> product_A;       // with error multipliers: each one's I(outp) - I(outm)
        double product_power_W = 0.0;        // what their y sources deliver, summed
    };
    // One `op` with unit k's input at input_V[k] and, with error multipliers, its multiplier's y
    // input at +error_V[k] and -error_V[k] (empty: 0 V, no product). Sizes checked: ParameterError,
    // as is an error_V for a layer without multipliers.
    Solution solve(const std::vector<double>& input_V, const std::vector<double>& error_V = {});

    int units() const { return units_; }
    double slope_step_V() const { return slope_step_V_; }

private:
    int units_;
    double slope_step_V_;
    bool error_multipliers_;
    spice::Worker worker_;
    // Per unit: out, out+, out-, the three supplies' V and I, then with multipliers their four branches.
    std::vector<std::string> vectors_;
};

}  // namespace cimkit::circuits
