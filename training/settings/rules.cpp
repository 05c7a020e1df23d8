// Every combination of settings that does not fit together, in one list (docs/architecture.md#settings).
// Each names its keys, when it refuses and why; check_rules (rule.hpp) turns the first that refuses
// into a ParameterError naming every key with its value (exit 2 from the command line). A rule is
// never resolved by overriding one of the settings.
#include "training/settings/experiment_settings.hpp"
#include "training/settings/option_tables.hpp"
#include "training/update_rules/registry.hpp"

namespace cimkit::training::settings {
namespace {

using O = DeviceArrayOptions;
using E = ExperimentSettings;

// What a rule declares about itself (training/update_rules/registry.hpp), for the rules below.
bool writes_levels(const UpdateRuleInfo& rule) { return rule.writes_weight_levels; }
bool applies_changes(const UpdateRuleInfo& rule) { return rule.applies_weight_changes; }
bool per_sample_only(const UpdateRuleInfo& rule) { return !rule.applies_weight_changes; }
bool takes_update_circuit(const UpdateRuleInfo& rule) { return rule.applies_weight_changes || rule.drives_update_circuit; }
bool refuses_update_circuit(const UpdateRuleInfo& rule) { return !takes_update_circuit(rule); }

std::vector<Rule<O>> make_array_rules() {
    return {
        {{"array.weight_levels", "array.update_mode"},
         "array.weight_levels > 0 and array.update_mode is not " + update_rules_that(writes_levels),
         [](const O& o) { return o.weight_levels > 0 && !find_update_rule(o.update_mode).writes_weight_levels; },
         "levels are written by program-and-verify, which only " + update_rules_that(writes_levels) +
             " mode does; set array.update_mode = " + update_rules_that(writes_levels) + " or array.weight_levels = 0"},
        {{"array.refresh_interval_s", "array.weight_levels"},
         "array.refresh_interval_s > 0 and array.weight_levels = 0",
         [](const O& o) { return o.refresh_interval_s > 0.0 && o.weight_levels == 0; },
         "a refresh restores a level, and analog weights have none; set array.weight_levels > 0 or array.refresh_interval_s = 0"},
        {{"array.readout", "array.adc_bits"},
         "array.adc_bits does not fit array.readout",
         [](const O& o) {
             return (o.readout == Readout::ideal && o.adc_bits > 0) || (o.readout == Readout::adc && o.adc_bits == 0) ||
                    (o.readout == Readout::sense_amp && o.adc_bits == 1);
         },
         "readout = ideal has no converter (adc_bits = 0), adc needs adc_bits >= 1, and under sense_amp adc_bits is the "
         "output layer's converter, 0 (analog) or >= 2 (one bit leaves the classes no order); set one to fit the other"},
    };
}

bool on_devices(const E& e) { return e.engine != "ideal"; }
bool on_spice(const E& e) { return e.engine == "spice"; }

std::vector<Rule<E>> make_experiment_rules() {
    std::vector<Rule<E>> rules = lift(&E::array, array_rules());
    const std::vector<Rule<E>> across{
        {{"input.low", "input.high"},
         "input.low >= input.high",
         [](const E& e) { return !(e.input.low < e.input.high); },
         "training features are scaled onto [input.low, input.high]; set input.low below input.high"},
        {{"training.batch_size", "array.update_mode"},
         "training.batch_size > 1 and array.update_mode = " + update_rules_that(per_sample_only) + " (compact and spice engines)",
         [](const E& e) { return on_devices(e) && e.training.batch_size > 1 && per_sample_only(find_update_rule(e.array.update_mode)); },
         "a batch writes its summed update at once, but this update mode draws its pulses from one sample's x and delta; "
         "use array.update_mode = " + update_rules_that(applies_changes) + ", or training.batch_size = 1"},
        {{"spice.update_circuit_max_devices", "training.batch_size"},
         "spice.update_circuit_max_devices > 0 and training.batch_size > 1 (spice engine)",
         [](const E& e) { return on_spice(e) && e.spice.update_circuit_max_devices > 0 && e.training.batch_size > 1; },
         "the update circuit draws one sample's rank-1 outer product, a batch writes a dense summed update; "
         "set spice.update_circuit_max_devices = 0 (no update circuit: energy_update_circuit_J is then 0; the devices' write energy is still counted)"},
        {{"array.input_encoding", "spice.read_strategy", "run.engine"},
         "array.input_encoding = pulse_width and spice.read_strategy = live and run.engine = spice",
         [](const E& e) {
             return on_spice(e) && e.array.input_encoding == InputEncoding::pulse_width && e.spice.read_strategy == SpiceReadStrategy::live;
         },
         "pulse widths are drawn in a transient, not in the live strategy's op; use spice.read_strategy = batched, "
         "array.input_encoding = amplitude or run.engine = compact"},
        {{"array.input_encoding", "spice.readout", "run.engine"},
         "array.input_encoding = pulse_width and spice.readout is not integrator and run.engine = spice",
         [](const E& e) { return on_spice(e) && e.array.input_encoding == InputEncoding::pulse_width && e.spice.readout != "integrator"; },
         "the circuit reads pulse widths as the charge its columns collect; use spice.readout = integrator, "
         "array.input_encoding = amplitude or run.engine = compact"},
        {{"spice.readout", "array.input_encoding"},
         "spice.readout = integrator and array.input_encoding = amplitude",
         [](const E& e) { return e.spice.readout == "integrator" && e.array.input_encoding == InputEncoding::amplitude; },
         "the integrator collects the charge of pulse-width inputs; under amplitude inputs held for the read its output ramps "
         "with the read's length; use array.input_encoding = pulse_width or spice.readout = ideal or tia"},
        {{"array.wire_ohm", "run.engine"},
         "array.wire_ohm > 0 and run.engine = ideal",
         [](const E& e) { return !on_devices(e) && e.array.wire_ohm > 0.0; },
         "the ideal engine multiplies numbers, with no devices or wires; use run.engine = compact or spice, or array.wire_ohm = 0"},
        {{"array.wire_ohm", "array.input_encoding"},
         "array.wire_ohm > 0 and array.input_encoding = pulse_width",
         [](const E& e) { return e.array.wire_ohm > 0.0 && e.array.input_encoding == InputEncoding::pulse_width; },
         "the wired read solves the network under line voltages, not pulse widths; use array.input_encoding = amplitude or array.wire_ohm = 0"},
        {{"array.wire_ohm", "array.two_phase_read"},
         "array.wire_ohm > 0 and array.two_phase_read = true",
         [](const E& e) { return e.array.wire_ohm > 0.0 && e.array.two_phase_read; },
         "the wired read solves one phase; set array.two_phase_read = false or array.wire_ohm = 0"},
        {{"array.driver_ohm", "run.engine"},
         "array.driver_ohm > 0 and run.engine = ideal",
         [](const E& e) { return !on_devices(e) && e.array.driver_ohm > 0.0; },
         "the ideal engine multiplies numbers, with no drivers; use run.engine = compact or spice, or array.driver_ohm = 0"},
        {{"array.driver_ohm", "array.input_encoding"},
         "array.driver_ohm > 0 and array.input_encoding = pulse_width",
         [](const E& e) { return e.array.driver_ohm > 0.0 && e.array.input_encoding == InputEncoding::pulse_width; },
         "the driver's resistance is solved under line voltages, not pulse widths; use array.input_encoding = amplitude or array.driver_ohm = 0"},
        {{"array.driver_ohm", "array.two_phase_read"},
         "array.driver_ohm > 0 and array.two_phase_read = true",
         [](const E& e) { return e.array.driver_ohm > 0.0 && e.array.two_phase_read; },
         "the read through the drivers' resistance solves one phase; set array.two_phase_read = false or array.driver_ohm = 0"},
        {{"array.two_phase_read", "run.engine"},
         "array.two_phase_read = true and run.engine = spice",
         [](const E& e) { return on_spice(e) && e.array.two_phase_read; },
         "the second read phase is not drawn in the circuit; set array.two_phase_read = false or run.engine = compact"},
        {{"array.update_mode", "spice.update_circuit_max_devices", "run.engine"},
         "array.update_mode = " + update_rules_that(refuses_update_circuit) + " and spice.update_circuit_max_devices > 0 and run.engine = spice",
         [](const E& e) {
             return on_spice(e) && refuses_update_circuit(find_update_rule(e.array.update_mode)) && e.spice.update_circuit_max_devices > 0;
         },
         "the update circuit computes a dW for the devices to apply, which this update mode cannot take, and its trains are not "
         "drawn in the circuit; set spice.update_circuit_max_devices = 0 or use array.update_mode = " + update_rules_that(takes_update_circuit)},
        {{"training.rule", "network.hidden_layers"},
         "training.rule = dfa and network.hidden_layers = []",
         [](const E& e) { return e.training.rule == LearningRule::dfa && e.network.hidden_layers.empty(); },
         "direct feedback alignment sends the output error to the hidden layers, and this network has none; "
         "set training.rule = backprop or give network.hidden_layers"},
        {{"array.readout", "network.hidden_layers"},
         "array.readout = sense_amp and network.hidden_layers = []",
         [](const E& e) { return e.array.readout == Readout::sense_amp && e.network.hidden_layers.empty(); },
         "the sense amplifiers decide hidden layers' outputs, and this network has none; "
         "set array.readout = ideal or adc, or give network.hidden_layers"},
        {{"array.readout", "network.hidden_activation"},
         "array.readout = sense_amp and network.hidden_activation is not sigmoid or relu",
         [](const E& e) {
             return e.array.readout == Readout::sense_amp && e.network.hidden_activation != Activation::sigmoid &&
                    e.network.hidden_activation != Activation::relu;
         },
         "the decision drives the next rows at 0 or full scale and trains through the activation as its surrogate, "
         "which must be a formula from 0 upward; use network.hidden_activation = sigmoid or relu"},
        {{"network.error_product", "network.hidden_activation"},
         "network.error_product = circuit and network.hidden_activation is not a neuron circuit",
         [](const E& e) { return e.network.error_product == ErrorProduct::circuit && !is_circuit_activation(e.network.hidden_activation); },
         "the error multipliers take their slope from the neuron circuits' derivative copies; "
         "use network.hidden_activation = sigmoid_mos or relu_mos, or network.error_product = digital"},
        {{"training.hw_awareness_schedule", "array.readout"},
         "training.hw_awareness_schedule is not 1 and array.readout is not sense_amp",
         [](const E& e) { return e.training.hw_awareness_schedule != std::vector<double>{1.0} && e.array.readout != Readout::sense_amp; },
         "the hardware awareness blends in the sense amplifiers' decisions, and this read-out has none; "
         "set array.readout = sense_amp or leave training.hw_awareness_schedule at 1"},
        {{"training.hw_awareness_schedule", "training.epochs"},
         "training.hw_awareness_schedule has neither one value nor one per epoch",
         [](const E& e) {
             const std::size_t n = e.training.hw_awareness_schedule.size();
             return n != 1 && n != static_cast<std::size_t>(e.training.epochs);
         },
         "give one lambda for every epoch, or exactly training.epochs of them"},
        {{"evaluate.after_s"},
         "evaluate.after_s is a list of several times that starts at 0",
         [](const E& e) { return e.evaluate.after_s.size() > 1 && e.evaluate.after_s.front() == 0.0; },
         "0 alone means no evaluation after training, and the accuracy at 0 s is the last epoch's test_accuracy; "
         "list only times > 0"},
    };
    rules.insert(rules.end(), across.begin(), across.end());
    return rules;
}

}  // namespace

const std::vector<Rule<DeviceArrayOptions>>& array_rules() {
    static const std::vector<Rule<DeviceArrayOptions>> rules = make_array_rules();
    return rules;
}

const std::vector<Rule<ExperimentSettings>>& experiment_rules() {
    static const std::vector<Rule<ExperimentSettings>> rules = make_experiment_rules();
    return rules;
}

}  // namespace cimkit::training::settings
