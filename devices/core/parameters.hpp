#pragma once
// Parameter tables and validated parameter sets (docs/architecture.md#parameter-tables).
//
// A device declares each parameter once: name (with its unit suffix), unit, default, allowed range,
// one-line description. `cimkit devices` and docs/devices.md print the same table.
//
// Setting parameters is all-or-nothing: every setting is parsed and range-checked on a copy, then the
// model's cross-parameter rules run on the copy, and only then is the copy committed. Errors read
//   device 'pcm' (--set): g_max_S = -2.5e-05 S is outside (0, inf) S
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "devices/core/units.hpp"

namespace cimkit {

struct Range {
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    bool low_open = true;   // low itself excluded
    bool high_open = true;  // high itself excluded

    static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, true}; }
    static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false, true}; }
    static Range closed(double low, double high) { return {low, high, false, false}; }
    static Range unit_interval() { return closed(0.0, 1.0); }
    static Range positive_or_infinite() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }

    bool contains(double value) const;
    std::string text() const;  // "(0, inf)", "[0, 1]"
};

struct ParameterSpec {
    std::string name;         // snake_case with a unit suffix: "g_max_S", "pulse_width_s"
    Unit unit;
    double default_value;
    Range range;
    std::string description;  // one line
};

// A name a table no longer has: setting it is refused with `why` (which names what replaced it)
// instead of the list of known names.
struct RetiredParameter {
    std::string name;
    std::string why;          // "was renamed read_noise (same meaning: ...)"
};

struct ParameterTable {
    std::string device;       // "pcm"
    std::vector<ParameterSpec> specs;
    std::vector<RetiredParameter> retired = {};

    const ParameterSpec* find(const std::string& name) const;
};

// One `key=value` from the command line or a config file; `origin` says where ("--set",
// "data/experiments/mnist_pcm.toml:12").
struct Setting {
    std::string key;
    std::string value;
    std::string origin;
};

// Parses "key=value". Throws ParameterError naming the text when there is no '='.
Setting parse_setting(const std::string& text, const std::string& origin);

class Parameters {
public:
    // The defaults of the table.
    explicit Parameters(const ParameterTable& table);

    double operator[](const std::string& name) const;  // throws ParameterError for an unknown name
    const ParameterTable& table() const { return *table_; }

    // All-or-nothing update: parse and range-check every setting, run `cross_rules` on the result,
    // then commit. Throws ParameterError (and leaves *this unchanged) on the first violation.
    void apply(const std::vector<Setting>& settings,
               const std::function<void(const Parameters&)>& cross_rules = nullptr);

    // For cross-parameter rules: throws ParameterError "device 'x': <rule>" with both values named.
    [[noreturn]] void fail(const std::string& rule) const;

private:
    const ParameterTable* table_;
    std::vector<double> values_;
};

}  // namespace cimkit
