#pragma once
// A training experiment as a config describes it (data/experiments/*.toml): every key of
// experiment_schema(), validated all-or-nothing (devices/core/config_schema.hpp) and against the
// rules between keys, turned into the dataset, the network on its engine, and the training schedule.
// Each key, with its default, range and description, is declared once in the settings tables
// (training/settings/, docs/architecture.md#settings) and listed in docs/config.md.
//
// Engines (run.engine):
//   ideal    float weights (IdealArray): the software baseline
//   compact  every layer on devices of array.device (DeviceArray): reads through the devices' I-V,
//            updates as write pulses whose effect the device physics decides
//   spice    the compact devices, read through ngspice on every forward pass (SpiceArray); on small
//            layers (spice.update_circuit_max_devices) every update also runs the update circuit
// Device parameters are the pass-through keys "device.<parameter>", checked by the device's table.
//
// The inputs: features are scaled, on the training set, onto [input.low, input.high]
// (feature_scaling.hpp); the arrays drive x_max = max(|low|, |high|) at the device's read voltage.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "devices/core/config_schema.hpp"
#include "devices/device_model.hpp"
#include "training/dataset.hpp"
#include "training/device_array.hpp"
#include "training/network.hpp"
#include "training/settings/experiment_settings.hpp"
#include "training/trainer.hpp"

namespace cimkit::training {

class SpiceSession;

// Every key an experiment may set, with default, unit, range and description.
const std::vector<ConfigKey>& experiment_schema();

// The settings resolved against experiment_schema() and checked against every rule between keys
// (training/settings/rules.cpp). Throws ParameterError naming the setting's origin and key, for a
// renamed key its new name, and for a refused combination every key of the rule with its value.
ConfigValues resolve_experiment_config(const std::vector<Setting>& settings);

// The typed settings of `config`, checked against the rules (ParameterError); array.x_max follows
// input.low and input.high, and run.seed is the training seed.
ExperimentSettings experiment_settings(const ConfigValues& config);

// The data folder (Iris, MNIST, data/experiments/ presets): the environment's CIMKIT_DATA_DIR, else an
// installed copy's share/cimkit/data, else the source tree's data/ (devices/core/resource_dirs.hpp),
// so that cimkit finds it from any current folder.
std::filesystem::path data_dir();

// The datasets of `config`, split and scaled. Throws IoError for missing or corrupt files (naming
// them) and ParameterError for inconsistent settings.
Split load_experiment_data(const ConfigValues& config);

NetworkConfig network_config(const ExperimentSettings& experiment, int inputs, int classes);

class Experiment {
public:
    // Builds model, engine and network (the initial weights programmed into the devices). Throws
    // ParameterError or UsageError for settings that do not fit together.
    Experiment(const ConfigValues& config, int inputs, int classes);
    ~Experiment();
    Experiment(const Experiment&) = delete;
    Experiment& operator=(const Experiment&) = delete;

    const std::string& engine() const { return engine_; }
    const DeviceModel* model() const { return model_.get(); }  // null for the ideal engine
    Network& network() { return *network_; }
    const Network& network() const { return *network_; }
    const TrainingConfig& training() const { return training_; }
    // Simulated times after the end of training at which the test set is evaluated again, strictly
    // increasing; empty: none (evaluate.after_s = 0).
    const std::vector<double>& evaluate_after_s() const { return evaluate_after_s_; }
    // Whether those evaluations rescale reads by a reference read (WeightArray::compensate_drift).
    DriftCompensation drift_compensation() const { return drift_compensation_; }

private:
    std::string engine_;
    std::unique_ptr<DeviceModel> model_;
    std::unique_ptr<SpiceSession> spice_;
    std::unique_ptr<Network> network_;
    TrainingConfig training_;
    std::vector<double> evaluate_after_s_;
    DriftCompensation drift_compensation_ = DriftCompensation::off;
};

}  // namespace cimkit::training
