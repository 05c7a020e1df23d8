#include "training/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "circuits/crossbar/stage_factory.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/resource_dirs.hpp"
#include "devices/registry.hpp"
#include "training/circuit_neuron.hpp"
#include "training/feature_scaling.hpp"
#include "training/sample_latency.hpp"
#include "training/settings/option_tables.hpp"
#include "training/spice_array.hpp"

namespace cimkit::training {
namespace {

// Keys renamed since run files were first written: named in the refusal, so that an older config or
// run file says what to write instead.
struct RenamedKey {
    const char* old_name;
    const char* new_name;
    const char* values;
};
constexpr RenamedKey renamed_keys[] = {
    {"spice.face", "spice.read_strategy", "cosim is now live, reload is now batched"},
};

void refuse_renamed(const std::vector<Setting>& settings) {
    for (const auto& s : settings) {
        for (const auto& r : renamed_keys) {
            if (s.key == r.old_name) {
                throw ParameterError(s.origin + ": " + r.old_name + " was renamed to " + r.new_name + " (" + r.values +
                                     "; run files written before the rename hold the old key and cannot be resumed)");
            }
        }
    }
}

// How many samples a limit keeps (0 or less: all).
std::size_t samples_kept(long limit) {
    return limit > 0 ? static_cast<std::size_t>(limit) : std::numeric_limits<std::size_t>::max();
}

void limit(Dataset& data, long count) {
    if (count <= 0 || static_cast<std::size_t>(count) >= data.size()) return;
    data.y.resize(static_cast<std::size_t>(count));
    data.x.resize(static_cast<std::size_t>(count) * static_cast<std::size_t>(data.features));
    data.x.shrink_to_fit();  // a hold-out split keeps the whole file's capacity otherwise
    data.y.shrink_to_fit();
}

}  // namespace

std::filesystem::path data_dir() { return resource_dir(Resource::data); }

const std::vector<ConfigKey>& experiment_schema() {
    static const std::vector<ConfigKey> schema = settings::schema_of(settings::experiment_fields());
    return schema;
}

ConfigValues resolve_experiment_config(const std::vector<Setting>& settings) {
    refuse_renamed(settings);
    ConfigValues config = resolve_config(experiment_schema(), settings);
    (void)experiment_settings(config);  // the rules between keys
    return config;
}

ExperimentSettings experiment_settings(const ConfigValues& config) {
    ExperimentSettings s;
    settings::read_fields(settings::experiment_fields(), config, s);
    s.training.seed = s.seed;
    s.array.x_max = std::max(std::abs(s.input.low), std::abs(s.input.high));
    // Sigmoid, tanh and the sigmoid circuit never leave [-1, 1]: reading them on that full scale clips nothing. ReLU and
    // identity have no full scale; they keep the inputs' range unless the key sets one.
    const Activation hidden = s.network.hidden_activation;
    const bool bounded = hidden == Activation::sigmoid || hidden == Activation::tanh || hidden == Activation::sigmoid_mos;
    const double full_scale = bounded ? 1.0 : s.array.x_max;
    s.array.hidden_x_max = s.array.hidden_input_max > 0.0 ? s.array.hidden_input_max : full_scale;
    if (s.array.readout == Readout::sense_amp) s.array.sensed_layers = static_cast<int>(s.network.hidden_layers.size());
    // The compact read's twin of the spice engine's column read-out: its input resistance after each
    // column (a TIA's). The pulse-width and two-phase compact reads keep the ideal virtual ground.
    if (s.array.input_encoding == InputEncoding::amplitude && !s.array.two_phase_read) {
        s.array.readout_input_ohm = circuits::readout_input_ohm({{s.spice.readout}, {}});
    }
    settings::check_rules(settings::experiment_rules(), settings::experiment_fields(), s);
    return s;
}

Split load_experiment_data(const ConfigValues& config) {
    const ExperimentSettings experiment = experiment_settings(config);
    const DatasetSettings& d = experiment.dataset;
    const std::string& name = d.name;
    const std::string& path = d.path;
    const std::uint64_t seed = experiment.seed;
    Split split;
    if (name == "iris") {
        split = stratified_split(load_iris_csv(path.empty() ? data_dir() / "iris.csv" : std::filesystem::path(path)), d.test_fraction, seed);
    } else {
        const std::filesystem::path dir = path.empty() ? data_dir() / "mnist" : std::filesystem::path(path);
        const auto images = dir / "train-images-idx3-ubyte";
        const auto labels = dir / "train-labels-idx1-ubyte";
        if (d.validation_holdout > 0) {  // the hold-out is the tail: the whole file is needed
            split = hold_out_tail(load_mnist_idx(images, labels, "mnist-train"), static_cast<std::size_t>(d.validation_holdout));
        } else {
            split.train = load_mnist_idx(images, labels, "mnist-train", samples_kept(d.train_limit));
            split.test = load_mnist_idx(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte", "mnist-t10k", samples_kept(d.test_limit));
        }
    }
    limit(split.train, d.train_limit);
    limit(split.test, d.test_limit);
    // An empty set would train on nothing or report 0.00 % test accuracy as if it were measured.
    const std::string source = name + (path.empty() ? "" : " at '" + path + "'");
    if (split.train.size() == 0) {
        throw ParameterError("dataset " + source + ": the training set is empty (dataset.test_fraction = " +
                             std::to_string(d.test_fraction) + ", dataset.validation_holdout, dataset.train_limit)");
    }
    if (split.test.size() == 0) {
        throw ParameterError("dataset " + source + ": the test set is empty (dataset.test_fraction = " +
                             std::to_string(d.test_fraction) + ", dataset.validation_holdout)");
    }
    scale_features(split, static_cast<float>(experiment.input.low), static_cast<float>(experiment.input.high));
    return split;
}

NetworkConfig network_config(const ExperimentSettings& experiment, int inputs, int classes) {
    NetworkConfig n;
    n.layer_sizes.push_back(inputs);
    n.layer_sizes.insert(n.layer_sizes.end(), experiment.network.hidden_layers.begin(), experiment.network.hidden_layers.end());
    n.layer_sizes.push_back(classes);
    n.hidden_activations.assign(n.layer_sizes.size() - 2, experiment.network.hidden_activation);
    n.loss = experiment.network.loss;
    n.seed = experiment.seed;
    n.rule = experiment.training.rule;
    n.sense_amp_hidden = experiment.array.readout == Readout::sense_amp;
    // A decision costs the 1-bit converter's energy (column_adc.hpp); the ideal engine models no hardware.
    if (experiment.engine != "ideal") n.sense_amp_energy_J = 2.0 * experiment.array.adc_energy_per_step_J;
    return n;
}

Experiment::Experiment(const ConfigValues& config, int inputs, int classes) {
    const ExperimentSettings s = experiment_settings(config);
    engine_ = s.engine;
    training_ = s.training;
    // {0} is no evaluation; a list of several never holds 0 (training/settings/rules.cpp).
    if (s.evaluate.after_s != std::vector<double>{0.0}) evaluate_after_s_ = s.evaluate.after_s;
    drift_compensation_ = s.evaluate.drift_compensation;
    const NetworkConfig net = network_config(s, inputs, classes);
    // Neuron circuits: the spice engine solves them, the others evaluate their DC transfer.
    const std::filesystem::path netlist_dir = netlist_dir_of(s.spice);
    const NeuronFactory neurons = make_circuit_neuron_factory(
        engine_ == "spice" ? NeuronEvaluation::spice : NeuronEvaluation::tabulated, netlist_dir, s.array.read_time_s,
        s.network.error_product == ErrorProduct::circuit);
    if (engine_ == "ideal") {
        network_ = std::make_unique<Network>(net, make_ideal_array, neurons);
        return;
    }
    model_ = builtin_devices().find(s.device).make(config.passed_through());
    const Activation hidden = s.network.hidden_activation;
    const bool circuit_neurons = is_circuit_activation(hidden) && net.layer_sizes.size() > 2;
    const double neuron_settling_s = circuit_neurons ? circuits::measure_settling_s(circuits::neuron_circuit(to_string(hidden)), netlist_dir,
                                                                                     settling_bits(s.array))
                                                     : 0.0;
    const SampleLatency latency = sample_latency(s, net.layer_sizes, model_.get(), neuron_settling_s);
    training_.sample_latency_s = latency.training_s;
    training_.readout_latency_s = latency.readout_s;
    training_.readout_energy_J = latency.readout_energy_J;
    if (engine_ == "compact") {
        network_ = std::make_unique<Network>(net, make_device_array_factory(*model_, s.array, s.seed), neurons);
        return;
    }
    spice_ = std::make_unique<SpiceSession>(*model_, s.spice);
    network_ = std::make_unique<Network>(net, make_spice_array_factory(*spice_, *model_, s.array, s.seed), neurons);
}

Experiment::~Experiment() = default;

}  // namespace cimkit::training
