#pragma once
// The options of a device array (training/device_array.hpp and the parts it names explain what each
// one does) and the rules that make a set of them valid on its own. Kept apart from the array so
// the settings layer can describe them without depending on how the array works.
#include <string>

namespace cimkit::training {

// update_mode names a registered update rule (training/update_rules/registry.hpp: "exact", "pulse",
// "stochastic", ...). Returns `text` if it is one; throws ParameterError listing them otherwise.
std::string parse_update_mode(const std::string& text);

// How pulse mode turns a requested change of u pulses into a whole count (training/update_rules/pulse.cpp).
enum class PulseRounding { nearest, floor };
std::string to_string(PulseRounding rounding);
// "nearest" or "floor"; throws ParameterError naming the text otherwise.
PulseRounding parse_pulse_rounding(const std::string& text);

// How update_mode = essop turns its random numbers into the trains of the lines
// (training/update_rules/essop.cpp). shared and rotated draw one uniform per slot for all input lines
// and one for all output lines; independent draws one per line and slot (Gokmen's count, a reference).
enum class EssopLines { shared, rotated, independent };
std::string to_string(EssopLines lines);  // "shared", "rotated", "independent"
// Throws ParameterError naming the text and the choices otherwise.
EssopLines parse_essop_lines(const std::string& text);

// How the read drives an input line (training/device_array/read_model.hpp).
enum class InputEncoding { amplitude, pulse_width };
std::string to_string(InputEncoding encoding);
InputEncoding parse_input_encoding(const std::string& text);

// Which devices of a pair updates may move.
enum class PairPolicy {
    automatic,        // from the calibration: potentiate-only when depression is abrupt (PCM RESET)
    bidirectional,    // gradual potentiation and depression (domain wall, MOSFET, gain cell)
    potentiate_only,  // only gradual potentiation; refresh when a device nears saturation
};
std::string to_string(PairPolicy policy);
PairPolicy parse_pair_policy(const std::string& text);

// What decides a layer's output lines (array.readout, docs/learning-rules.md#read-out):
//   automatic  follows array.adc_bits: adc when it is > 0, ideal otherwise (configs that set only
//              adc_bits keep their meaning: the reads look at adc_bits alone)
//   ideal      the analog value, no converter (adc_bits = 0)
//   adc        a converter of adc_bits on every output line of every array (column_adc.hpp)
//   sense_amp  every hidden layer's output is a 1-bit sense amplifier's decision (a binary activation,
//              training/sense_amp.hpp); the output layer keeps adc_bits (0: analog, >= 2: a converter)
enum class Readout { automatic, ideal, adc, sense_amp };
std::string to_string(Readout readout);  // "auto", "ideal", "adc", "sense_amp"
Readout parse_readout(const std::string& text);

// The array.* settings: each member's initialiser is its default, and its key, range and description
// are its row in training/settings/array_table.cpp (docs/architecture.md#settings); x_max is derived
// from input.low and input.high, hidden_x_max from hidden_input_max and the hidden activation.
struct DeviceArrayOptions {
    std::string update_mode = "pulse";  // a registered update rule (update_rule_names())
    PairPolicy pair_policy = PairPolicy::automatic;
    double w_max = 1.0;               // > 0: weight of one device at level 1 against one at level 0
    double x_max = 1.0;               // > 0: network input (first layer) that drives the full read voltage
    // > 0: hidden activation that drives the full read voltage in the layers after the first; 0:
    // x_max. Derived like x_max: experiment_settings() takes array.hidden_input_max, or the hidden
    // activation's full scale (1 for sigmoid and tanh), so a hidden layer is not clipped at the
    // network inputs' range.
    double hidden_x_max = 0.0;
    double hidden_input_max = 0.0;  // >= 0: the setting hidden_x_max follows (0: the activation's full scale)
    double backward_input_max = 0.0;  // >= 0: d that drives the full read voltage; 0 = max|d| per read
    bool two_phase_read = false;      // negative inputs read as -I(|V|) in a second phase (training/device_array/read_model.hpp)
    int max_pulses_per_update = 16;   // >= 1: pulse-mode cap per device per update
    double refresh_threshold = 0.9;   // (0, 1]: of a device's saturation level (potentiate-only pairs)
    int stochastic_bit_length = 10;   // >= 1: BL, time slots of a stochastic update
    EssopLines essop_lines = EssopLines::rotated;  // essop: how the slot's shared uniform reaches each line
    int program_verify_iterations = 3;  // >= 1: writes per program-and-verify
    double program_tolerance = 1e-4;  // > 0: verify tolerance, fraction of G_high - G_low
    int calibration_samples = 1024;   // >= 1: devices averaged by calibrate_device
    double read_time_s = 10e-9;       // > 0: how long a read holds its voltages (read energy)
    // >= 0: resistance of every row and column line segment between neighbouring cells (0: ideal wires);
    // forward reads then solve the wired network (training/device_array/read_model.hpp)
    double wire_ohm = 0.0;
    // >= 0: capacitance of every line segment's node to ground; each read charges its driven lines
    double wire_farad = 0.0;
    // >= 0: output resistance of every input line's driver, in series before the line's first cell
    // (0: ideal sources); reads then solve the network with it (training/device_array/read_model.hpp)
    double driver_ohm = 0.0;
    // Not a setting: the column read-out's input resistance, from the read-out stage chosen by
    // spice.readout (a TIA's rf / (1 + a0); 0 for the ideal virtual ground), so that the compact read
    // is the twin of the spice engine's. Set by the experiment.
    double readout_input_ohm = 0.0;
    bool accumulate_residual = false;  // pulse mode: carry each weight's sub-pulse remainder (training/update_rules/pulse.cpp)
    PulseRounding pulse_rounding = PulseRounding::nearest;  // pulse mode: round or floor the pulse count
    InputEncoding input_encoding = InputEncoding::amplitude;  // read: line voltage or pulse width
    int weight_levels = 0;            // >= 0, exact mode: weights on a grid of w_max / weight_levels (0: analog)
    double refresh_interval_s = 0.0;  // >= 0, needs weight_levels: level refresh period (0: none)
    // The driver of every input line: 0..16 bits of |x| (0: analog). The sign is the driver's polarity,
    // so b bits give 2^b - 1 levels of each sign and 0; 1 bit is an on/off driver
    // (training/device_array/read_model.hpp).
    int dac_bits = 0;
    // Energy of one conversion of such a driver: this x 2^dac_bits (a binary-weighted capacitive DAC
    // switching its unit cells; 1 fF at 1 V assumed), one conversion per driven line and read.
    double dac_energy_per_step_J = 1e-15;  // >= 0
    // The time such a driver takes to convert and settle before a read's line voltages are valid
    // (1 ns assumed; the read window and the lines' own settling follow it).
    double dac_time_s = 1e-9;  // > 0
    // What decides the output lines (Readout above); sensed_layers is derived: the experiment sets
    // it to the number of hidden layers under sense_amp, and the arrays of weight layers below it
    // hand their forward reads to the sense amplifiers unconverted (options_for_layer).
    Readout readout = Readout::automatic;
    int sensed_layers = 0;
    // The converter on every output line (training/device_array/column_adc.hpp).
    int adc_bits = 0;                 // 0..16: bits per conversion (0: no converter, the analog value; 1: a sense amplifier)
    double adc_bound = 12.0;          // > 0: full scale +-B of the converter, in units of one full pair at v_read
    double adc_time_per_bit_s = 1e-9;    // > 0: a SAR converter's time per decided bit (latency)
    double adc_energy_per_step_J = 5e-15;  // >= 0: Walden figure of merit; a conversion costs it x 2^bits
};

// Throws ParameterError naming the key, its value and its range, or the keys of a rule among them
// that refuses the combination (training/settings/rules.cpp).
void validate(const DeviceArrayOptions& options);

// The options the array of weight layer `layer` (0: the first) is built with: layers after the first
// read hidden activations, so their x_max is hidden_x_max (where it is set); a layer whose outputs a
// sense amplifier decides (layer < sensed_layers) has no converter of its own (adc_bits = 0).
DeviceArrayOptions options_for_layer(const DeviceArrayOptions& options, int layer);

}  // namespace cimkit::training
