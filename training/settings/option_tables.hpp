#pragma once
// The settings tables of the options structs and the rules between their keys
// (docs/architecture.md#settings). Each struct's table is in one file: array_table.cpp,
// experiment_table.cpp (training, spice and the experiment's own sections); every rule is in
// rules.cpp. The experiment's table lifts the others (training/settings/experiment_settings.hpp).
#include <vector>

#include "training/settings/field.hpp"
#include "training/settings/rule.hpp"

namespace cimkit::training {

struct DeviceArrayOptions;
struct TrainingConfig;
struct SpiceOptions;
struct ExperimentSettings;

namespace settings {

const std::vector<Field<DeviceArrayOptions>>& array_fields();  // array.*, except array.device and x_max
const std::vector<Field<TrainingConfig>>& training_fields();   // training.*; the seed is run.seed
const std::vector<Field<SpiceOptions>>& spice_fields();        // spice.*
const std::vector<Field<ExperimentSettings>>& experiment_fields();  // every key of an experiment

const std::vector<Rule<DeviceArrayOptions>>& array_rules();    // among array.* keys alone
const std::vector<Rule<ExperimentSettings>>& experiment_rules();  // every rule, the array's included

}  // namespace settings
}  // namespace cimkit::training
