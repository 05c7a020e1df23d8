#include "training/array_options.hpp"

#include <cmath>
#include <sstream>

#include "devices/core/errors.hpp"
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

void require_positive(const std::string& field, double value) {
    if (!(std::isfinite(value) && value > 0.0)) fail(field + " = " + number(value) + " must be finite and > 0");
}

void require_at_least_one(const std::string& field, int value) {
    if (value < 1) fail(field + " = " + std::to_string(value) + " must be >= 1");
}

}  // namespace

std::string parse_update_mode(const std::string& text) { return find_update_rule(text).name; }

std::string to_string(PulseRounding rounding) { return rounding == PulseRounding::floor ? "floor" : "nearest"; }

PulseRounding parse_pulse_rounding(const std::string& text) {
    for (const PulseRounding rounding : {PulseRounding::nearest, PulseRounding::floor}) {
        if (text == to_string(rounding)) return rounding;
    }
    fail("pulse_rounding = '" + text + "' must be one of nearest, floor");
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

void validate(const DeviceArrayOptions& options) {
    const UpdateRuleInfo& rule = find_update_rule(options.update_mode);
    require_positive("w_max", options.w_max);
    require_positive("x_max", options.x_max);
    if (!(std::isfinite(options.backward_input_max) && options.backward_input_max >= 0.0)) {
        fail("backward_input_max = " + number(options.backward_input_max) + " must be finite and >= 0 (0: per-read range)");
    }
    require_at_least_one("max_pulses_per_update", options.max_pulses_per_update);
    if (!(options.refresh_threshold > 0.0 && options.refresh_threshold <= 1.0)) {
        fail("refresh_threshold = " + number(options.refresh_threshold) + " must be in (0, 1]");
    }
    require_at_least_one("stochastic_bit_length", options.stochastic_bit_length);
    require_at_least_one("program_verify_iterations", options.program_verify_iterations);
    require_positive("program_tolerance", options.program_tolerance);
    require_at_least_one("calibration_samples", options.calibration_samples);
    require_positive("read_time_s", options.read_time_s);
    if (options.weight_levels < 0) fail("weight_levels = " + std::to_string(options.weight_levels) + " must be >= 0 (0: analog)");
    if (options.weight_levels > 0 && !rule.writes_weight_levels) {
        fail("weight_levels = " + std::to_string(options.weight_levels) + " needs update_mode = " +
             update_rules_that([](const UpdateRuleInfo& r) { return r.writes_weight_levels; }) +
             " (levels are written by program-and-verify)");
    }
    if (!(std::isfinite(options.refresh_interval_s) && options.refresh_interval_s >= 0.0)) {
        fail("refresh_interval_s = " + number(options.refresh_interval_s) + " must be finite and >= 0 (0: no level refresh)");
    }
    if (options.refresh_interval_s > 0.0 && options.weight_levels == 0) {
        fail("refresh_interval_s = " + number(options.refresh_interval_s) + " needs weight_levels > 0: a refresh restores a level, and analog weights have none");
    }
}

}  // namespace cimkit::training
