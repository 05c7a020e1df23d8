#pragma once
// Hardware time of one training sample on the simulated chip, from its circuits and settings
// (docs/results.md#latency-per-sample): the time per sample per epoch of the MOSFET-synapse paper's
// Table 1, and the learning time it adds up to.
//
// Layers run one after the other; a read of a layer with n input lines and m weights (2m lines) takes
//   drivers       array.dac_time_s with array.dac_bits > 0 (the input DAC converts before the lines
//                 are driven); 0 with analog drivers
//   read window   max(array.read_time_s, settling)  with settling the single-pole settling to 1/2 LSB
//                 (circuits/crossbar_settling.hpp) of the slowest row-plus-column path's Elmore delay
//                 through array.wire_ohm and array.wire_farad, at array.adc_bits (8 bits without a
//                 converter: an analog read-out still has to settle to something)
//   conversion    array.adc_bits x array.adc_time_per_bit_s (a SAR converter decides one bit per
//                 clock; every line has its own, so the lines convert in parallel); 0 without
// Under array.readout = sense_amp a hidden layer's forward read ends at a 1-bit sense amplifier
// (training/sense_amp.hpp): it settles to 1/2 LSB at 1 bit and converts in one adc_time_per_bit_s,
// and its transposed read has no converter (analog, settling to 8 bits; options_for_layer).
// Between layers, a neuron circuit settles (neuron_settling_s, from its transient:
// circuits::measure_settling_s) before the next layer's read; its derivative circuit settles while
// the layer above is read backward, so the backward pass adds none.
// A training sample reads every layer forward, every layer but the first backward (the transposed
// read of the same array: the same wires, the same window; two windows for a device whose I-V is not
// odd, which reads a pair's G+ and G- lines in two phases, training/device_array/read_model.hpp),
// and updates every layer at once, the
// longest update setting the time. Under direct feedback alignment (training.rule = dfa, network.hpp)
// every hidden layer's error comes from its own feedback array (outputs x hidden) read transposed,
// and those reads need only the output error: they run in one parallel step, as long as the slowest
// of them (arXiv 2212.14337: the backward pass of all layers at once).
// The update:
//   spice update circuit   its window for |x| = 1 (circuits/update_circuit.hpp); under update_mode =
//                          essop its trains' window, stochastic_bit_length slots (circuits/slot_trains.hpp)
//   otherwise              what the update rule declares (UpdateRuleInfo::update_time_s): for pulse
//                          and stochastic a potentiating and a depressing phase of at most
//                          max_pulses_per_update (stochastic: stochastic_bit_length) slots of the
//                          device's nominal pulse, for exact program_verify_iterations rounds of one
//                          nominal pulse and one read
// Not counted: the digital gains, and the time between samples (training.sample_period_s, the clock the
// devices' drift and leakage see, is a separate assumption: a sample period shorter than the latency
// here is a chip that could not run that fast). The ideal engine models no hardware: 0.
#include <vector>

#include "training/settings/experiment_settings.hpp"

namespace cimkit {
class DeviceModel;
}

namespace cimkit::training {

struct SampleLatency {
    double inference_s = 0.0;  // the forward pass
    double training_s = 0.0;   // forward pass, backward reads and the update
    double backward_s = 0.0;   // the backward reads alone (part of training_s)
    double readout_s = 0.0;    // the conversions of the forward pass alone (part of inference_s)
    double readout_energy_J = 0.0;  // the converters' energy of one forward pass: per output line
                                    // adc_energy_per_step_J 2^bits (column_adc.hpp), 1 bit for an SA
};

// The precision a read (and a neuron) settles to: array.adc_bits, or 8 bits for an analog read-out.
int settling_bits(const DeviceArrayOptions& array);

// layer_sizes: {inputs, hidden ..., outputs}; `model` null for the ideal engine; neuron_settling_s
// per hidden layer (0 for a formula activation).
SampleLatency sample_latency(const ExperimentSettings& settings, const std::vector<int>& layer_sizes, const DeviceModel* model,
                             double neuron_settling_s = 0.0);

}  // namespace cimkit::training
