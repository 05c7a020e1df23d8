#include "training/array_options.hpp"

#include <cmath>
#include <sstream>

#include "devices/core/errors.hpp"
#include "training/settings/option_tables.hpp"
#include "training/update_rules/registry.hpp"

namespace cimkit::training {
namespace {

std::string number(double value) {
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

[[noreturn]] void fail(const std::string& rule) { throw ParameterError("device array: " + rule); }

}  // namespace

std::string parse_update_mode(const std::string& text) { return find_update_rule(text).name; }

std::string to_string(PulseRounding rounding) { return rounding == PulseRounding::floor ? "floor" : "nearest"; }

PulseRounding parse_pulse_rounding(const std::string& text) {
    for (const PulseRounding rounding : {PulseRounding::nearest, PulseRounding::floor}) {
        if (text == to_string(rounding)) return rounding;
    }
    fail("pulse_rounding = '" + text + "' must be one of nearest, floor");
}

std::string to_string(EssopLines lines) {
    switch (lines) {
        case EssopLines::shared: return "shared";
        case EssopLines::rotated: return "rotated";
        case EssopLines::independent: return "independent";
    }
    return "rotated";
}

EssopLines parse_essop_lines(const std::string& text) {
    for (const EssopLines lines : {EssopLines::shared, EssopLines::rotated, EssopLines::independent}) {
        if (text == to_string(lines)) return lines;
    }
    fail("essop_lines = '" + text + "' must be one of shared, rotated, independent");
}

std::string to_string(InputEncoding encoding) { return encoding == InputEncoding::pulse_width ? "pulse_width" : "amplitude"; }

InputEncoding parse_input_encoding(const std::string& text) {
    for (const InputEncoding encoding : {InputEncoding::amplitude, InputEncoding::pulse_width}) {
        if (text == to_string(encoding)) return encoding;
    }
    fail("input_encoding = '" + text + "' must be one of amplitude, pulse_width");
}

std::string to_string(PairPolicy policy) {
    switch (policy) {
        case PairPolicy::automatic: return "automatic";
        case PairPolicy::bidirectional: return "bidirectional";
        case PairPolicy::potentiate_only: return "potentiate_only";
    }
    return "?";
}

PairPolicy parse_pair_policy(const std::string& text) {
    for (const PairPolicy policy : {PairPolicy::automatic, PairPolicy::bidirectional, PairPolicy::potentiate_only}) {
        if (text == to_string(policy)) return policy;
    }
    fail("pair_policy = '" + text + "' must be one of automatic, bidirectional, potentiate_only");
}

std::string to_string(Readout readout) {
    switch (readout) {
        case Readout::automatic: return "auto";
        case Readout::ideal: return "ideal";
        case Readout::adc: return "adc";
        case Readout::sense_amp: return "sense_amp";
    }
    return "?";
}

Readout parse_readout(const std::string& text) {
    for (const Readout readout : {Readout::automatic, Readout::ideal, Readout::adc, Readout::sense_amp}) {
        if (text == to_string(readout)) return readout;
    }
    fail("readout = '" + text + "' must be one of auto, ideal, adc, sense_amp");
}

void validate(const DeviceArrayOptions& options) {
    // x_max is not a setting (the experiment derives it from input.low and input.high), so its rule is here.
    if (!(std::isfinite(options.x_max) && options.x_max > 0.0)) fail("x_max = " + number(options.x_max) + " must be finite and > 0");
    settings::check_fields(settings::array_fields(), options);
    settings::check_rules(settings::array_rules(), settings::array_fields(), options);
}

DeviceArrayOptions options_for_layer(const DeviceArrayOptions& options, int layer) {
    DeviceArrayOptions for_layer = options;
    if (layer > 0 && options.hidden_x_max > 0.0) for_layer.x_max = options.hidden_x_max;
    if (layer < options.sensed_layers) for_layer.adc_bits = 0;
    return for_layer;
}

}  // namespace cimkit::training
