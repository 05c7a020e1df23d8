#pragma once
// A combination of settings that does not fit together, declared once (training/settings/rules.cpp,
// docs/architecture.md#settings): the keys it concerns, the condition under which it refuses, and
// why. A refusal is a ParameterError naming every key with its value, never a silent override:
//   training.batch_size = 8 with array.update_mode = stochastic: <reason>
// The config check (training/experiment.hpp) and the class constructors a C++ caller could fill
// inconsistently (validate(DeviceArrayOptions), SpiceArray) run the same rules.
#include <functional>
#include <string>
#include <vector>

#include "training/settings/field.hpp"

namespace cimkit::training::settings {

template <class S>
struct Rule {
    std::vector<std::string> keys;             // the keys it names, each a row of the table of S
    std::string condition;                     // when it refuses, as the reference shows it
    std::function<bool(const S&)> refuses;
    std::string reason;                        // why, and what to set instead
};

// "k1 = v1 with k2 = v2: reason" ("... with k2 = v2 and k3 = v3" for three keys).
template <class S>
std::string refusal(const Rule<S>& rule, const std::vector<Field<S>>& fields, const S& s) {
    std::string out;
    for (std::size_t k = 0; k < rule.keys.size(); ++k) {
        out += (k == 0 ? "" : k == 1 ? " with " : " and ") + rule.keys[k] + " = " + field_named(fields, rule.keys[k]).text(s);
    }
    return out + ": " + rule.reason;
}

// Throws ParameterError for the first rule that refuses `s`.
template <class S>
void check_rules(const std::vector<Rule<S>>& rules, const std::vector<Field<S>>& fields, const S& s) {
    for (const auto& rule : rules) {
        if (rule.refuses(s)) throw ParameterError(refusal(rule, fields, s));
    }
}

template <class Outer, class Inner>
std::vector<Rule<Outer>> lift(Inner Outer::*member, const std::vector<Rule<Inner>>& rules) {
    std::vector<Rule<Outer>> out;
    for (const auto& r : rules) {
        out.push_back({r.keys, r.condition, [member, refuses = r.refuses](const Outer& o) { return refuses(o.*member); }, r.reason});
    }
    return out;
}

}  // namespace cimkit::training::settings
