// The settings of a device array (training/array_options.hpp), one row per member: key, type,
// range or choices, unit and description; the default is the member's initialiser
// (docs/architecture.md#settings). x_max is not a setting: the experiment derives it from input.*.
#include "training/array_options.hpp"
#include "training/settings/option_tables.hpp"
#include "training/update_rules/registry.hpp"

namespace cimkit::training::settings {
namespace {

using O = DeviceArrayOptions;

std::vector<Field<O>> make_array_fields() {
    const auto name = [](auto value) { return to_string(value); };
    return {
        text("array.update_mode", &O::update_mode, update_rule_names(), update_rules_described()),
        choice("array.pair_policy", &O::pair_policy, {PairPolicy::automatic, PairPolicy::bidirectional, PairPolicy::potentiate_only}, name,
               parse_pair_policy,
               "which device of a differential pair updates move"),
        number("array.w_max", &O::w_max, Unit::dimensionless, Range::positive(), "weight of one device fully on against its partner at level 0"),
        number("array.hidden_input_max", &O::hidden_input_max, Unit::dimensionless, Range::closed(0.0, 1e6),
               "hidden activation that drives the full read voltage in layers after the first (0: 1 for sigmoid and tanh, "
               "the input range for relu and identity)"),
        number("array.backward_input_max", &O::backward_input_max, Unit::dimensionless, Range::non_negative(),
               "error that drives the full read voltage (0: rescaled per read)"),
        integer("array.max_pulses_per_update", &O::max_pulses_per_update, Range::closed(1, 1e6), "pulse mode: cap on pulses per device per update"),
        number("array.refresh_threshold", &O::refresh_threshold, Unit::dimensionless, {0.0, 1.0, true, false},
               "potentiate-only pairs refresh above this fraction of saturation"),
        boolean("array.accumulate_residual", &O::accumulate_residual, "pulse mode: keep each weight's sub-pulse remainder digitally (mixed precision)"),
        choice("array.input_encoding", &O::input_encoding, {InputEncoding::amplitude, InputEncoding::pulse_width}, name, parse_input_encoding,
               "inputs as line voltages, or as pulse widths at the read voltage (gain cells; in the spice engine only with "
               "spice.read_strategy = batched and spice.readout = integrator)"),
        integer("array.weight_levels", &O::weight_levels, Range::closed(0, 1e6), "exact mode: weights on a grid of w_max / weight_levels (0: analog)"),
        number("array.refresh_interval_s", &O::refresh_interval_s, Unit::second, Range::non_negative(),
               "exact mode with weight_levels: read, round to the level and re-write every pair this often (0: never)"),
        choice("array.pulse_rounding", &O::pulse_rounding, {PulseRounding::nearest, PulseRounding::floor}, name, parse_pulse_rounding,
               "pulse mode: pulses = round(|dw| / dw_pulse), or floor (Nandakumar et al. 2020's transfer)"),
        boolean("array.two_phase_read", &O::two_phase_read, "compact engine: negative inputs read as -I(|V|) in a second phase"),
        integer("array.stochastic_bit_length", &O::stochastic_bit_length, Range::closed(1, 1e4), "stochastic and essop modes: time slots (bit-stream length BL) per update"),
        choice("array.essop_lines", &O::essop_lines, {EssopLines::shared, EssopLines::rotated, EssopLines::independent}, name,
               parse_essop_lines,
               "essop mode: how each slot's random numbers reach the lines. shared: one uniform per slot compared by every "
               "input line (and one by every output line), trains fully correlated; rotated: the same two draws, line k "
               "compares frac(r + frac(k phi)) (golden-ratio offsets), so lines fire in different slots instead of together; independent: one uniform per line "
               "and slot, BL (rows + columns) draws like stochastic (a reference)"),
        number("array.read_time_s", &O::read_time_s, Unit::second, Range::positive(), "how long a read holds its voltages (read energy)"),
        number("array.wire_ohm", &O::wire_ohm, Unit::ohm, Range::closed(0.0, 1e6),
               "resistance per row and column line segment between neighbouring cells, in forward and backward (transposed) reads (0: ideal wires)"),
        number("array.wire_farad", &O::wire_farad, Unit::farad, Range::closed(0.0, 1e-9),
               "capacitance of every line segment's node; each read charges its driven lines, C n V^2 per line (energy_wire_J)"),
        number("array.driver_ohm", &O::driver_ohm, Unit::ohm, Range::closed(0.0, 1e9),
               "output resistance of every input line's driver, in series before the line's first cell (forward reads; in "
               "transposed reads the same drivers hold the input lines at 0 V through it); 0: ideal sources"),
        integer("array.program_verify_iterations", &O::program_verify_iterations, Range::closed(1, 1e4),
                "exact mode and refresh: write-and-read rounds of one program-and-verify"),
        number("array.program_tolerance", &O::program_tolerance, Unit::dimensionless, Range::positive(),
               "program-and-verify stops within this fraction of G_high - G_low"),
        integer("array.dac_bits", &O::dac_bits, Range::closed(0, 16),
                "bits of |x| of the driver on every input line, forward and backward (0: analog; the sign is its polarity)"),
        number("array.dac_energy_per_step_J", &O::dac_energy_per_step_J, Unit::joule, Range::non_negative(),
               "driver DAC's energy per level: a conversion costs it x 2^dac_bits, one per driven line and read (energy_dac_J; "
               "1 fF unit cell at 1 V assumed)"),
        number("array.dac_time_s", &O::dac_time_s, Unit::second, Range::positive(),
               "driver DAC's conversion and settling time before each read (with dac_bits > 0; sample_latency_s; 1 ns assumed)"),
        choice("array.readout", &O::readout, {Readout::automatic, Readout::ideal, Readout::adc, Readout::sense_amp}, name, parse_readout,
               "what decides the output lines: ideal (analog, adc_bits = 0), adc (a converter of adc_bits >= 1 on every line), "
               "sense_amp (every hidden layer's outputs are 1-bit sense-amplifier decisions, a binary activation trained "
               "through a straight-through estimator; the output layer keeps adc_bits 0 or >= 2; docs/learning-rules.md#read-out); "
               "auto: adc if adc_bits > 0, else ideal"),
        integer("array.adc_bits", &O::adc_bits, Range::closed(0, 16),
                "bits of the converter on every output line, forward and backward (0: none; 1: the sign, a comparator "
                "reconstructing +-adc_bound/2); under readout = sense_amp only the output layer's"),
        number("array.adc_bound", &O::adc_bound, Unit::dimensionless, Range::positive(),
               "converter full scale +-B, in outputs of one full pair at the read voltage (weights and inputs in [-1, 1])"),
        number("array.adc_time_per_bit_s", &O::adc_time_per_bit_s, Unit::second, Range::positive(),
               "converter time per decided bit (a SAR converter: one bit per clock); a conversion takes adc_bits of them"),
        number("array.adc_energy_per_step_J", &O::adc_energy_per_step_J, Unit::joule, Range::non_negative(),
               "converter figure of merit (Walden): a conversion costs it x 2^adc_bits"),
        integer("array.calibration_samples", &O::calibration_samples, Range::closed(1, 1e7),
                "devices drawn to calibrate the pulse response and the conductance range"),
    };
}

}  // namespace

const std::vector<Field<DeviceArrayOptions>>& array_fields() {
    static const std::vector<Field<DeviceArrayOptions>> fields = make_array_fields();
    return fields;
}

}  // namespace cimkit::training::settings
