#pragma once
// Typed, validated run configuration (training presets, sweeps): the same idea as a device's
// parameter table (devices/core/parameters.hpp), extended to whole-number, text, boolean,
// whole-number-list, increasing-number-list and boolean-or-word values.
//
// A config arrives as settings "section.key = value", each with its origin ("mnist_pcm.toml:12" or
// "--set"); a later setting overrides an earlier one. Resolution is all-or-nothing: every setting is
// checked against the schema before anything is returned, and the first violation is a
// ParameterError naming the origin, the key, the value and the rule:
//   data/experiments/iris.toml:7: training.epochs = -3 is outside [1, 100000]
// Keys under a pass-through prefix (e.g. "device.") are not checked here: they are returned for
// another table (the device's parameters) to validate.
#include <map>
#include <string>
#include <vector>

#include "devices/core/parameters.hpp"
#include "devices/core/units.hpp"

namespace cimkit {

struct ConfigKey {
    // number_list: one number or a list of them, strictly increasing, each within range (times of
    // a series: "86400" or "[1, 3600]"). boolean_or_text: true, false, or one of the words in
    // choices (a switch with a third setting, "both"); in TOML a boolean or a string.
    enum class Type { number, integer, text, boolean, integer_list, number_list, boolean_or_text };
    std::string name;                  // "training.learning_rate"
    Type type;
    std::string default_value;         // as it would be written in TOML: "0.01", "\"ideal\"" not needed: "ideal"
    std::string description;
    Unit unit = Unit::dimensionless;   // number and integer
    Range range = {};                  // number, integer, and each element of a list
    std::vector<std::string> choices;  // text: the allowed values (empty: any); boolean_or_text: the words besides true and false

    // One constructor per type, so a schema reads as a table and every field is set.
    static ConfigKey number_key(std::string name, std::string default_value, Unit unit, Range range, std::string description) {
        return {std::move(name), Type::number, std::move(default_value), std::move(description), unit, range, {}};
    }
    static ConfigKey integer_key(std::string name, std::string default_value, Range range, std::string description) {
        return {std::move(name), Type::integer, std::move(default_value), std::move(description), Unit::dimensionless, range, {}};
    }
    static ConfigKey text_key(std::string name, std::string default_value, std::vector<std::string> choices,
                              std::string description) {
        return {std::move(name), Type::text, std::move(default_value), std::move(description), Unit::dimensionless, {},
                std::move(choices)};
    }
    static ConfigKey boolean_key(std::string name, std::string default_value, std::string description) {
        return {std::move(name), Type::boolean, std::move(default_value), std::move(description), Unit::dimensionless, {}, {}};
    }
    static ConfigKey integer_list_key(std::string name, std::string default_value, Range range, std::string description) {
        return {std::move(name), Type::integer_list, std::move(default_value), std::move(description), Unit::dimensionless,
                range, {}};
    }
    static ConfigKey number_list_key(std::string name, std::string default_value, Unit unit, Range range, std::string description) {
        return {std::move(name), Type::number_list, std::move(default_value), std::move(description), unit, range, {}};
    }
    static ConfigKey boolean_or_text_key(std::string name, std::string default_value, std::vector<std::string> words,
                                         std::string description) {
        return {std::move(name), Type::boolean_or_text, std::move(default_value), std::move(description), Unit::dimensionless, {},
                std::move(words)};
    }
};

class ConfigValues {
public:
    double number(const std::string& key) const;
    long integer(const std::string& key) const;
    const std::string& text(const std::string& key) const;  // also a boolean_or_text key: "true", "false" or one of its words
    bool boolean(const std::string& key) const;
    const std::vector<long>& integer_list(const std::string& key) const;
    const std::vector<double>& number_list(const std::string& key) const;
    // Settings under the pass-through prefix, with the prefix removed ("device.g_max_S" -> "g_max_S").
    const std::vector<Setting>& passed_through() const { return passed_through_; }
    // The schema the values were resolved against (for the TOML writer, apps/config_toml.hpp).
    const std::vector<ConfigKey>& schema() const { return schema_; }

    // Same schema and same values. Pass-through values are compared as the device table reads them:
    // as numbers when both are numbers (".5" equals "0.5"), otherwise as text; their order does not
    // matter, as only the last setting of a key is kept.
    friend bool operator==(const ConfigValues& a, const ConfigValues& b);
    friend bool operator!=(const ConfigValues& a, const ConfigValues& b) { return !(a == b); }

private:
    friend ConfigValues resolve_config(const std::vector<ConfigKey>&, const std::vector<Setting>&, const std::string&);
    std::vector<ConfigKey> schema_;
    std::map<std::string, double> numbers_;
    std::map<std::string, std::string> texts_;
    std::map<std::string, std::vector<long>> lists_;
    std::map<std::string, std::vector<double>> number_lists_;
    std::vector<Setting> passed_through_;
};

// Defaults, overridden by `settings` in order. Throws ParameterError on the first bad setting or
// on a schema whose default does not pass its own rule (a bug). Text and pass-through values must be
// valid UTF-8 (they are stored as UTF-8 TOML in run files). Of several pass-through settings of one
// key only the last is kept, where the first stood. Pass-through keys must be parameter names
// (letters, digits, "_" and "-", parts joined by ".").
ConfigValues resolve_config(const std::vector<ConfigKey>& schema, const std::vector<Setting>& settings,
                            const std::string& pass_through_prefix = "device.");

}  // namespace cimkit
