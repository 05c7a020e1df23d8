#include "training/sample_latency.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "circuits/crossbar_settling.hpp"
#include "circuits/slot_trains.hpp"
#include "circuits/update_circuit.hpp"
#include "devices/device_model.hpp"
#include "training/update_rules/registry.hpp"

namespace cimkit::training {
namespace {

// An analog read-out (no converter) is taken to settle to this many bits.
constexpr int analog_settling_bits = 8;

// The window of one read of an array of `inputs` x `weights` (2 weights lines per output) whose
// output lines convert to `bits` (0: analog).
double window_s(const DeviceArrayOptions& a, int inputs, int outputs, int bits) {
    const circuits::CrossbarGeometry geometry{inputs, 2 * outputs, a.wire_ohm, a.wire_ohm, a.wire_farad, a.wire_farad, a.driver_ohm};
    return std::max(a.read_time_s, circuits::half_lsb_settling_s(circuits::elmore_delay_s(geometry), bits > 0 ? bits : analog_settling_bits));
}

double conversion_s(const DeviceArrayOptions& a, int bits) { return bits * a.adc_time_per_bit_s; }

// The input DAC's conversion before the lines are driven; 0 with analog drivers.
double dac_s(const DeviceArrayOptions& a) { return a.dac_bits > 0 ? a.dac_time_s : 0.0; }

// One read: the drivers' conversion, the window and the read-out's conversion.
double read_s(const DeviceArrayOptions& a, int inputs, int outputs, int bits) {
    return dac_s(a) + window_s(a, inputs, outputs, bits) + conversion_s(a, bits);
}

double update_s(const ExperimentSettings& s, long weights, const DeviceModel& model) {
    const DeviceArrayOptions& a = s.array;
    if (s.engine == "spice" && weights <= s.spice.update_circuit_max_devices) {
        // ESSOP's trains run their BL slots through the circuit; otherwise one pulse of |x| = 1.
        if (find_update_rule(a.update_mode).drives_update_circuit) {
            return circuits::slot_window_s(a.stochastic_bit_length, s.spice.update_encoding);
        }
        return circuits::update_window_s({1.0}, s.spice.update_encoding);
    }
    const double pulse_s = std::max(model.nominal_pulse(+1).width_s, model.nominal_pulse(-1).width_s);
    return find_update_rule(a.update_mode).update_time_s(a, pulse_s);
}

}  // namespace

int settling_bits(const DeviceArrayOptions& a) { return a.adc_bits > 0 ? a.adc_bits : analog_settling_bits; }

SampleLatency sample_latency(const ExperimentSettings& s, const std::vector<int>& layer_sizes, const DeviceModel* model,
                             double neuron_settling_s) {
    SampleLatency latency;
    if (!model || s.engine == "ideal") return latency;
    const double phases = model->odd_read_current() ? 1.0 : 2.0;  // two phases otherwise (read_model.hpp)
    const bool direct_feedback = s.training.rule == LearningRule::dfa;
    const int classes = layer_sizes.back();
    const bool sense_amp = s.array.readout == Readout::sense_amp;
    double forward_s = 0.0, backward_s = 0.0, slowest_update_s = 0.0;
    for (std::size_t l = 0; l + 1 < layer_sizes.size(); ++l) {
        const int inputs = layer_sizes[l], outputs = layer_sizes[l + 1];
        const bool sensed = sense_amp && l + 2 < layer_sizes.size();  // a hidden layer's read ends at its SAs
        const int bits = sensed ? 1 : s.array.adc_bits;
        forward_s += read_s(s.array, inputs, outputs, bits);
        latency.readout_s += conversion_s(s.array, bits);
        if (bits > 0) latency.readout_energy_J += outputs * s.array.adc_energy_per_step_J * std::ldexp(1.0, bits);
        const double one_read_s = read_s(s.array, inputs, outputs, sensed ? 0 : s.array.adc_bits);  // transposed
        if (l > 0) {
            forward_s += neuron_settling_s;  // the neurons that drive this layer's rows
            if (direct_feedback) {
                // Layer l - 1's feedback array: `classes` weight rows over the `inputs` hidden lines; all at once.
                backward_s = std::max(backward_s, phases * read_s(s.array, inputs, classes, s.array.adc_bits));
            } else {
                backward_s += phases * one_read_s;
            }
        }
        slowest_update_s = std::max(slowest_update_s, update_s(s, static_cast<long>(inputs) * outputs, *model));
    }
    latency.inference_s = forward_s;
    latency.backward_s = backward_s;
    latency.training_s = forward_s + backward_s + slowest_update_s;
    return latency;
}

}  // namespace cimkit::training
