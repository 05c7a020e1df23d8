// The settings tables (training/settings/, docs/architecture.md#settings): every key's default is
// the struct's, every key reads back from the run file's TOML as the value it was set to, and every
// rule between keys is refused with a message that names each of its keys. The tests iterate the
// tables, so a new setting or rule is covered without touching them (a rule needs one example).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "training/config_file.hpp"
#include "apps/config_toml.hpp"
#include "devices/core/errors.hpp"
#include "training/experiment.hpp"
#include "training/settings/option_tables.hpp"

namespace cimkit::training {
namespace {

using settings::experiment_fields;

// A value of `key` other than its default, inside its range or choices.
std::string other_value(const ConfigKey& key) {
    const auto first_fitting = [&](const std::vector<double>& candidates) {
        for (const double v : candidates) {
            if (key.range.contains(v) && settings::shortest_text(v) != key.default_value) return settings::shortest_text(v);
        }
        ADD_FAILURE() << key.name << ": no candidate value in " << key.range.text();
        return key.default_value;
    };
    switch (key.type) {
        case ConfigKey::Type::number: return first_fitting({0.37, 0.1, 1.5, 2.25e-7, 17.0, -0.25, 3e5, 2e-16});
        case ConfigKey::Type::integer: return first_fitting({2, 3, 7, 1, 0, 100});
        case ConfigKey::Type::boolean: return key.default_value == "true" ? "false" : "true";
        case ConfigKey::Type::integer_list: return "[3, 2]";
        case ConfigKey::Type::number_list: return key.range.contains(86400.0) ? "[1, 3600, 86400]" : "[0.25, 0.5]";
        case ConfigKey::Type::boolean_or_text:
            for (const auto& word : key.choices) {
                if (word != key.default_value) return word;
            }
            return key.default_value == "true" ? "false" : "true";
        case ConfigKey::Type::text:
            for (const auto& choice : key.choices) {
                if (choice != key.default_value) return choice;
            }
            return "some path/with \"quotes\" and é";
    }
    return key.default_value;
}

ExperimentSettings read_unchecked(const ConfigValues& config) {
    ExperimentSettings s;
    settings::read_fields(experiment_fields(), config, s);
    return s;
}

ConfigValues through_toml(const ConfigValues& config) {
    const std::string written = apps::config_toml(config);
    return resolve_config(experiment_schema(), training::read_config_text(written, "written.toml", experiment_schema()));
}

std::string refusal_of(const std::vector<Setting>& settings) {
    try {
        resolve_experiment_config(settings);
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

TEST(Settings, EveryKeyIsDeclaredOnce) {
    std::map<std::string, int> seen;
    for (const auto& f : experiment_fields()) ++seen[f.key.name];
    for (const auto& [name, count] : seen) EXPECT_EQ(count, 1) << name;
    EXPECT_EQ(seen.size(), experiment_schema().size());
    // The three array options that no config could set before.
    for (const char* name : {"array.program_verify_iterations", "array.program_tolerance", "array.calibration_samples"}) {
        EXPECT_EQ(seen.count(name), 1u) << name;
    }
}

// A config that omits every key gives each struct exactly its default-constructed value, and the
// schema's default text is that value (compared as the shortest text that reads back as the value,
// so equal text is equal bits).
TEST(Settings, StructDefaultsAreTheSchemaDefaults) {
    const ConfigValues omitted = resolve_experiment_config({});
    const ExperimentSettings from_config = experiment_settings(omitted);
    const ExperimentSettings constructed;
    for (const auto& f : experiment_fields()) {
        EXPECT_EQ(f.text(from_config), f.text(constructed)) << f.key.name;
        EXPECT_EQ(f.key.default_value, f.text(constructed)) << f.key.name;
        EXPECT_TRUE(f.allowed(constructed)) << f.key.name << " = " << f.text(constructed) << " is outside its own range";
    }
    // The structs a C++ caller builds on their own, against the same config.
    DeviceArrayOptions array;
    settings::read_fields(settings::array_fields(), omitted, array);
    for (const auto& f : settings::array_fields()) EXPECT_EQ(f.text(array), f.text(DeviceArrayOptions{})) << f.key.name;
    TrainingConfig training;
    settings::read_fields(settings::training_fields(), omitted, training);
    for (const auto& f : settings::training_fields()) EXPECT_EQ(f.text(training), f.text(TrainingConfig{})) << f.key.name;
    EXPECT_EQ(TrainingConfig{}.seed, from_config.seed);  // run.seed is the training seed
    SpiceOptions spice;
    settings::read_fields(settings::spice_fields(), omitted, spice);
    for (const auto& f : settings::spice_fields()) EXPECT_EQ(f.text(spice), f.text(SpiceOptions{})) << f.key.name;
    EXPECT_EQ(from_config.training.learning_rate, 0.05f);
    EXPECT_EQ(from_config.training.epochs, 30);
}

// Each key set to a value other than its default survives the run file's TOML (apps/config_toml)
// into the struct, alone and all at once.
TEST(Settings, EveryKeyRoundTripsThroughTheRunFileToml) {
    std::vector<Setting> all;
    for (const auto& f : experiment_fields()) {
        const Setting set{f.key.name, other_value(f.key), "--set"};
        all.push_back(set);
        const ConfigValues config = resolve_config(experiment_schema(), {set});
        const ExperimentSettings direct = read_unchecked(config);
        ASSERT_NE(f.text(direct), f.key.default_value) << f.key.name;
        const ConfigValues back = through_toml(config);
        EXPECT_TRUE(back == config) << f.key.name << "\n" << apps::config_toml(config);
        EXPECT_EQ(f.text(read_unchecked(back)), f.text(direct)) << f.key.name;
    }
    const ConfigValues config = resolve_config(experiment_schema(), all);
    const ExperimentSettings direct = read_unchecked(config), back = read_unchecked(through_toml(config));
    for (const auto& f : experiment_fields()) EXPECT_EQ(f.text(back), f.text(direct)) << f.key.name;
}

// One combination each rule refuses; the test fails for a rule without an example.
const std::map<std::vector<std::string>, std::vector<Setting>> rule_examples{
    {{"array.weight_levels", "array.update_mode"}, {{"array.weight_levels", "8", "--set"}}},
    {{"input.low", "input.high"}, {{"input.low", "1", "--set"}}},
    {{"array.refresh_interval_s", "array.weight_levels"},
     {{"array.update_mode", "exact", "--set"}, {"array.refresh_interval_s", "1e-5", "--set"}}},
    {{"training.batch_size", "array.update_mode"},
     {{"training.batch_size", "4", "--set"}, {"array.update_mode", "stochastic", "--set"}, {"spice.update_circuit_max_devices", "0", "--set"}}},
    {{"spice.update_circuit_max_devices", "training.batch_size"}, {{"training.batch_size", "4", "--set"}}},
    {{"array.input_encoding", "spice.read_strategy", "run.engine"},
     {{"array.input_encoding", "pulse_width", "--set"}, {"spice.readout", "integrator", "--set"}}},
    {{"array.input_encoding", "spice.readout", "run.engine"},
     {{"array.input_encoding", "pulse_width", "--set"}, {"spice.read_strategy", "batched", "--set"}}},
    {{"array.two_phase_read", "run.engine"}, {{"array.two_phase_read", "true", "--set"}}},
    {{"spice.readout", "array.input_encoding"}, {{"spice.readout", "integrator", "--set"}}},
    {{"array.update_mode", "spice.update_circuit_max_devices", "run.engine"}, {{"array.update_mode", "stochastic", "--set"}}},
    {{"evaluate.after_s"}, {{"evaluate.after_s", "[0, 3600]", "--set"}}},
    {{"training.rule", "network.hidden_layers"}, {{"training.rule", "dfa", "--set"}, {"network.hidden_layers", "[]", "--set"}}},
    {{"array.readout", "array.adc_bits"}, {{"array.readout", "ideal", "--set"}, {"array.adc_bits", "8", "--set"}}},
    {{"array.readout", "network.hidden_layers"}, {{"array.readout", "sense_amp", "--set"}, {"network.hidden_layers", "[]", "--set"}}},
    {{"array.readout", "network.hidden_activation"}, {{"array.readout", "sense_amp", "--set"}, {"network.hidden_activation", "tanh", "--set"}}},
    {{"network.error_product", "network.hidden_activation"}, {{"network.error_product", "circuit", "--set"}}},
    {{"training.hw_awareness_schedule", "array.readout"}, {{"training.hw_awareness_schedule", "0.5", "--set"}}},
    {{"training.hw_awareness_schedule", "training.epochs"},
     {{"array.readout", "sense_amp", "--set"}, {"training.epochs", "3", "--set"}, {"training.hw_awareness_schedule", "[0, 1]", "--set"}}},
    {{"array.wire_ohm", "run.engine"}, {{"array.wire_ohm", "5", "--set"}, {"run.engine", "ideal", "--set"}}},
    {{"array.driver_ohm", "run.engine"}, {{"array.driver_ohm", "500", "--set"}, {"run.engine", "ideal", "--set"}}},
    {{"array.driver_ohm", "array.input_encoding"},
     {{"array.driver_ohm", "500", "--set"}, {"array.input_encoding", "pulse_width", "--set"}, {"run.engine", "compact", "--set"}}},
    {{"array.driver_ohm", "array.two_phase_read"},
     {{"array.driver_ohm", "500", "--set"}, {"array.two_phase_read", "true", "--set"}, {"run.engine", "compact", "--set"}}},
    {{"array.wire_ohm", "array.input_encoding"},
     {{"array.wire_ohm", "5", "--set"}, {"array.input_encoding", "pulse_width", "--set"}, {"run.engine", "compact", "--set"}}},
    {{"array.wire_ohm", "array.two_phase_read"},
     {{"array.wire_ohm", "5", "--set"}, {"array.two_phase_read", "true", "--set"}, {"run.engine", "compact", "--set"}}},
};

TEST(Settings, EveryRuleIsRefusedNamingEachOfItsKeys) {
    ASSERT_EQ(rule_examples.size(), settings::experiment_rules().size());
    for (const auto& rule : settings::experiment_rules()) {
        const auto example = rule_examples.find(rule.keys);
        ASSERT_NE(example, rule_examples.end()) << rule.condition << ": no example";
        const std::string message = refusal_of(example->second);
        ASSERT_FALSE(message.empty()) << rule.condition << " was not refused";
        EXPECT_EQ(message.rfind(rule.keys.front() + " = ", 0), 0u) << message;
        for (const auto& key : rule.keys) EXPECT_NE(message.find(key + " = "), std::string::npos) << key << ": " << message;
        EXPECT_NE(message.find(rule.reason), std::string::npos) << message;
    }
}

// Mini-batches on the spice engine used to switch the update circuit off silently; now the config
// says so. With the circuit off, or on another engine, the batch is accepted.
TEST(Settings, BatchWithTheUpdateCircuitIsRefusedNotOverridden) {
    const std::string message = refusal_of({{"training.batch_size", "100", "--set"}});
    EXPECT_NE(message.find("spice.update_circuit_max_devices = 128 with training.batch_size = 100"), std::string::npos) << message;
    EXPECT_NE(message.find("set spice.update_circuit_max_devices = 0"), std::string::npos) << message;
    const ConfigValues accepted =
        resolve_experiment_config({{"training.batch_size", "100", "--set"}, {"spice.update_circuit_max_devices", "0", "--set"}});
    EXPECT_EQ(experiment_settings(accepted).spice.update_circuit_max_devices, 0);
    EXPECT_EQ(refusal_of({{"training.batch_size", "100", "--set"}, {"run.engine", "compact", "--set"}}), "");
}

// ESSOP's trains come from one sample's x and delta, like stochastic's: a batch is refused naming both keys.
TEST(Settings, EssopWithABatchIsRefusedNamingTheKeys) {
    const std::string message = refusal_of({{"training.batch_size", "4", "--set"}, {"array.update_mode", "essop", "--set"},
                                            {"spice.update_circuit_max_devices", "0", "--set"}});
    EXPECT_NE(message.find("training.batch_size = 4 with array.update_mode = essop"), std::string::npos) << message;
    EXPECT_EQ(refusal_of({{"array.update_mode", "essop", "--set"}, {"spice.update_circuit_max_devices", "0", "--set"}}), "");
}

// ESSOP's trains drive the spice update circuit (circuits/slot_trains.hpp): accepted with the circuit
// on (the default 128 devices), where stochastic is still refused; the slot's pulse is a setting
// whose range is checked by key.
TEST(Settings, EssopDrivesTheUpdateCircuitAndStochasticDoesNot) {
    EXPECT_EQ(refusal_of({{"array.update_mode", "essop", "--set"}}), "");
    const std::string stochastic = refusal_of({{"array.update_mode", "stochastic", "--set"}});
    EXPECT_NE(stochastic.find("array.update_mode = stochastic"), std::string::npos) << stochastic;
    EXPECT_NE(stochastic.find("spice.update_circuit_max_devices = 128"), std::string::npos) << stochastic;
    const std::string slot = refusal_of({{"array.update_mode", "essop", "--set"}, {"spice.update_slot_pulse_s", "0", "--set"}});
    EXPECT_NE(slot.find("spice.update_slot_pulse_s"), std::string::npos) << slot;
}

TEST(Settings, TheRenamedFaceKeyNamesItsNewName) {
    const std::string message = refusal_of({{"spice.face", "reload", "run.h5 (config_toml):33"}});
    EXPECT_NE(message.find("run.h5 (config_toml):33: spice.face was renamed to spice.read_strategy"), std::string::npos) << message;
    EXPECT_NE(message.find("reload is now batched"), std::string::npos) << message;
    const ExperimentSettings batched = experiment_settings(resolve_experiment_config(
        {{"spice.read_strategy", "batched", "--set"}, {"spice.update_circuit_max_devices", "0", "--set"}}));
    EXPECT_EQ(batched.spice.read_strategy, SpiceReadStrategy::batched);
    EXPECT_EQ(ExperimentSettings{}.spice.read_strategy, SpiceReadStrategy::live);
}

// A struct a C++ caller fills in is checked against the same ranges and rules as a config.
// The first layer's full scale follows the inputs' range, the hidden layers' the activation's
// (sigmoid and tanh: 1) unless array.hidden_input_max sets it; relu, with no full scale, keeps the
// inputs' range.
TEST(Settings, HiddenLayersGetTheirOwnFullScale) {
    const auto full_scales = [](std::vector<Setting> settings) {
        settings.push_back({"input.high", "0.5", "--set"});
        const ExperimentSettings s = experiment_settings(resolve_experiment_config(settings));
        return std::make_pair(s.array.x_max, s.array.hidden_x_max);
    };
    EXPECT_EQ(full_scales({}), std::make_pair(0.5, 1.0));
    EXPECT_EQ(full_scales({{"network.hidden_activation", "tanh", "--set"}}), std::make_pair(0.5, 1.0));
    EXPECT_EQ(full_scales({{"network.hidden_activation", "relu", "--set"}}), std::make_pair(0.5, 0.5));
    EXPECT_EQ(full_scales({{"network.hidden_activation", "relu", "--set"}, {"array.hidden_input_max", "4", "--set"}}),
              std::make_pair(0.5, 4.0));
}

TEST(Settings, ValidateUsesTheTablesRangesAndRules) {
    const auto message = [](const DeviceArrayOptions& options) {
        try {
            validate(options);
        } catch (const ParameterError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    DeviceArrayOptions options;
    options.calibration_samples = 0;
    EXPECT_EQ(message(options), "array.calibration_samples = 0 is outside [1, 1e+07]");
    options = {};
    options.refresh_interval_s = 2.0;
    EXPECT_EQ(message(options).rfind("array.refresh_interval_s = 2 with array.weight_levels = 0: ", 0), 0u) << message(options);
    TrainingConfig training;
    training.learning_rate = 0.0f;
    EXPECT_THROW(validate(training), ParameterError);
}

// evaluate.after_s: one time, as before, or a strictly increasing list of them, from TOML and --set
// alike; evaluate.drift_compensation: true, false or both.
TEST(Settings, EvaluationTimesAndCompensationModes) {
    const auto read = [](const std::string& toml) {
        return experiment_settings(resolve_experiment_config(read_config_text(toml, "eval.toml", experiment_schema()))).evaluate;
    };
    EXPECT_EQ(read("[evaluate]\nafter_s = 86400\ndrift_compensation = true\n").after_s, std::vector<double>{86400.0});
    const EvaluateSettings listed = read("[evaluate]\nafter_s = [1, 3600.5, 86400]\ndrift_compensation = \"both\"\n");
    EXPECT_EQ(listed.after_s, (std::vector<double>{1.0, 3600.5, 86400.0}));
    EXPECT_EQ(listed.drift_compensation, DriftCompensation::both);
    EXPECT_EQ(read("[evaluate]\ndrift_compensation = false\n").drift_compensation, DriftCompensation::off);
    const ExperimentSettings set = experiment_settings(resolve_experiment_config(
        {{"evaluate.after_s", "[1,3600, 86400]", "--set"}, {"evaluate.drift_compensation", "true", "--set"}}));
    EXPECT_EQ(set.evaluate.after_s, (std::vector<double>{1.0, 3600.0, 86400.0}));
    EXPECT_EQ(set.evaluate.drift_compensation, DriftCompensation::on);
}

// Bad values are refused naming where they came from, the key and what it takes (exit 2 from the
// command line, which turns a ParameterError into it).
TEST(Settings, BadEvaluationTimesAndModesAreRefusedNamingTheKey) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"[3600, 1]", "--set: evaluate.after_s = [3600, 1] is not strictly increasing"},
        {"[1, 1]", "--set: evaluate.after_s = [1, 1] is not strictly increasing"},
        {"-1", "--set: evaluate.after_s = -1 has an element that is outside [0, inf) s"},
        {"[1, -5]", "--set: evaluate.after_s = [1, -5] has an element that is outside [0, inf) s"},
        {"soon", "--set: evaluate.after_s = soon is not a number or a list of numbers"},
        {"[]", "--set: evaluate.after_s = [] is an empty list"},
    };
    for (const auto& [value, message] : cases) {
        EXPECT_EQ(refusal_of({{"evaluate.after_s", value, "--set"}}).rfind(message, 0), 0u) << refusal_of({{"evaluate.after_s", value, "--set"}});
    }
    EXPECT_EQ(refusal_of({{"evaluate.drift_compensation", "maybe", "--set"}}),
              "--set: evaluate.drift_compensation = maybe is not one of: true, false, both");
    const auto toml_refusal = [](const std::string& toml) {
        try {
            resolve_experiment_config(read_config_text(toml, "eval.toml", experiment_schema()));
        } catch (const ParameterError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(toml_refusal("[evaluate]\nafter_s = [\"1\"]\n"), "eval.toml:2: evaluate.after_s must be a number or a list of numbers");
    EXPECT_EQ(toml_refusal("[evaluate]\nafter_s = \"1 day\"\n"),
              "eval.toml:2: evaluate.after_s has the wrong type: expected a number or an increasing list of numbers, found a string");
    EXPECT_EQ(toml_refusal("[evaluate]\ndrift_compensation = 1\n"),
              "eval.toml:2: evaluate.drift_compensation has the wrong type: expected true, false or a string, found a whole number");
    EXPECT_EQ(toml_refusal("[evaluate]\nafter_s = [86400, 3600]\n"), "eval.toml:2: evaluate.after_s = [86400, 3600] is not strictly increasing");
}

}  // namespace
}  // namespace cimkit::training
