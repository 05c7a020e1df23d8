#pragma once
// Every setting of a training experiment as one typed struct (data/experiments/*.toml): the options
// structs of the parts (TrainingConfig, DeviceArrayOptions, SpiceOptions) and the experiment's own
// sections. Each member's initialiser is its default; the table in
// training/settings/experiment_table.cpp binds each to its key (docs/architecture.md#settings).
#include <cstdint>
#include <string>
#include <vector>

#include "training/activation.hpp"
#include "training/array_options.hpp"
#include "training/loss.hpp"
#include "training/spice_array.hpp"
#include "training/trainer.hpp"

namespace cimkit::training {

struct DatasetSettings {
    std::string name = "iris";     // "iris" | "mnist"
    std::string path;              // empty: the copy in the repository's data/
    double test_fraction = 0.2;    // Iris: held out per class
    int validation_holdout = 0;    // MNIST: last N training images as the test set (0: t10k)
    long train_limit = 0;          // first N training samples (0: all)
    long test_limit = 0;           // first N test samples (0: all)
};

// Who forms backprop's product f'(z) e of a hidden layer: the read-out, digitally, or the neuron
// circuits' analog multipliers (circuits/error_multiplier.hpp).
enum class ErrorProduct { digital, circuit };
const char* to_string(ErrorProduct mode);                      // "digital", "circuit"
ErrorProduct parse_error_product(const std::string& text);     // ParameterError for another text

struct NetworkSettings {
    std::vector<int> hidden_layers = {8};
    Activation hidden_activation = Activation::sigmoid;
    Loss loss = Loss::softmax_cross_entropy;
    ErrorProduct error_product = ErrorProduct::digital;
};

struct InputSettings {
    double low = 0.0;   // training features are scaled onto [low, high] (feature_scaling.hpp)
    double high = 1.0;
};

// Whether the evaluations after training rescale reads by the global drift compensation
// (WeightArray::compensate_drift): off, on, or both (each time without, then with).
enum class DriftCompensation { off, on, both };
const char* to_string(DriftCompensation mode);     // "false", "true", "both" (as the config writes it)
DriftCompensation parse_drift_compensation(const std::string& text);  // ParameterError for another text

struct EvaluateSettings {
    DriftCompensation drift_compensation = DriftCompensation::off;
    // Simulated times after training at which the test set is evaluated again, strictly increasing;
    // {0}: none.
    std::vector<double> after_s = {0.0};
};

struct ExperimentSettings {
    std::string engine = "spice";   // run.engine: "ideal" | "compact" | "spice"
    std::uint64_t seed = 1;         // run.seed: also training.seed, the network's and the arrays'
    DatasetSettings dataset;
    NetworkSettings network;
    TrainingConfig training;
    InputSettings input;
    std::string device = "mosfet";  // array.device
    DeviceArrayOptions array;       // x_max follows input (experiment_settings())
    SpiceOptions spice;
    EvaluateSettings evaluate;
};

}  // namespace cimkit::training
