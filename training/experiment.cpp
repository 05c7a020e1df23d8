#include "training/experiment.hpp"

#include <algorithm>
#include <cmath>

#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "training/feature_scaling.hpp"
#include "training/spice_array.hpp"
#include "training/update_rules/registry.hpp"

namespace cimkit::training {
namespace {

using K = ConfigKey;

std::vector<ConfigKey> make_schema() {
    const Range whole = Range::closed(0, 1e9);
    return {
        K::text_key("run.engine", "spice", {"ideal", "compact", "spice"}, "where the weights live: float, compact devices, or devices read through ngspice"),
        K::integer_key("run.seed", "1", Range::closed(0, 4294967295.0), "seeds the split, initial weights, devices and shuffling"),

        K::text_key("dataset.name", "iris", {"iris", "mnist"}, "Iris (data/iris.csv, stratified split) or MNIST (IDX files, standard 60k/10k)"),
        K::text_key("dataset.path", "", {}, "Iris CSV file or MNIST folder; empty: the copy in the repository's data/"),
        K::number_key("dataset.test_fraction", "0.2", Unit::dimensionless, {0.0, 1.0, true, true}, "Iris: fraction of each class held out for testing"),
        K::integer_key("dataset.validation_holdout", "0", Range::closed(0, 59999), "MNIST: last N training images used as the test set instead of t10k"),
        K::integer_key("dataset.train_limit", "0", whole, "use only the first N training samples (0: all), for short runs"),
        K::integer_key("dataset.test_limit", "0", whole, "use only the first N test samples (0: all)"),

        K::integer_list_key("network.hidden_layers", "[8]", Range::closed(1, 100000), "sizes of the hidden layers ([] for none)"),
        K::text_key("network.hidden_activation", "sigmoid", {"sigmoid", "tanh", "relu", "identity"}, "activation of every hidden layer"),
        K::text_key("network.loss", "cross_entropy", {"cross_entropy", "mse"}, "loss (fixes the output activation)"),

        K::integer_key("training.epochs", "30", Range::closed(1, 100000), "passes over the training set"),
        K::number_key("training.learning_rate", "0.05", Unit::dimensionless, {0.0, 100.0, true, false}, "SGD step"),
        K::number_key("training.sample_period_s", "0", Unit::second, Range::non_negative(), "simulated hardware time per training sample (drift and leakage act over it)"),
        K::integer_key("training.evolve_every", "1", Range::closed(1, 1e6), "samples between device evolve() calls (each covers that many sample periods)"),
        K::integer_key("training.batch_size", "1", Range::closed(1, 1e6), "samples per weight update: 1 is per-sample SGD; B > 1 reads B samples with the weights fixed and writes their summed update once (the spice engine's fast path with spice.face = reload)"),
        K::text_key("training.on_convergence_failure", "stop", {"stop", "skip"}, "a sample whose simulation does not converge ends the run (stop) or is skipped, counted and reported (skip)"),

        K::number_key("input.low", "0", Unit::dimensionless, Range::closed(-1e6, 1e6), "training features are scaled onto [low, high]"),
        K::number_key("input.high", "1", Unit::dimensionless, Range::closed(-1e6, 1e6), "training features are scaled onto [low, high]"),

        K::text_key("array.device", "mosfet", {}, "device model (see 'cimkit devices'); ignored by the ideal engine"),
        K::text_key("array.update_mode", "pulse", update_rule_names(), update_rules_described()),
        K::text_key("array.pair_policy", "automatic", {"automatic", "bidirectional", "potentiate_only"}, "which device of a differential pair updates move"),
        K::number_key("array.w_max", "1", Unit::dimensionless, Range::positive(), "weight of one device fully on against its partner at level 0"),
        K::number_key("array.backward_input_max", "0", Unit::dimensionless, Range::non_negative(), "error that drives the full read voltage (0: rescaled per read)"),
        K::integer_key("array.max_pulses_per_update", "16", Range::closed(1, 1e6), "pulse mode: cap on pulses per device per update"),
        K::number_key("array.refresh_threshold", "0.9", Unit::dimensionless, {0.0, 1.0, true, false}, "potentiate-only pairs refresh above this fraction of saturation"),
        K::boolean_key("array.accumulate_residual", "false", "pulse mode: keep each weight's sub-pulse remainder digitally (mixed precision)"),
        K::text_key("array.input_encoding", "amplitude", {"amplitude", "pulse_width"}, "compact engine: inputs as line voltages, or as pulse widths at the read voltage (gain cells)"),
        K::integer_key("array.weight_levels", "0", Range::closed(0, 1e6), "exact mode: weights on a grid of w_max / weight_levels (0: analog)"),
        K::number_key("array.refresh_interval_s", "0", Unit::second, Range::non_negative(), "exact mode with weight_levels: read, round to the level and re-write every pair this often (0: never)"),
        K::text_key("array.pulse_rounding", "nearest", {"nearest", "floor"}, "pulse mode: pulses = round(|dw| / dw_pulse), or floor (Nandakumar et al. 2020's transfer)"),
        K::boolean_key("array.two_phase_read", "false", "compact engine: negative inputs read as -I(|V|) in a second phase"),
        K::integer_key("array.stochastic_bit_length", "10", Range::closed(1, 1e4), "stochastic mode: time slots per update"),
        K::number_key("array.read_time_s", "1e-08", Unit::second, Range::positive(), "how long a read holds its voltages (read energy)"),

        K::text_key("spice.face", "cosim", {"cosim", "reload"}, "how devices appear in ngspice: EXTERNAL sources carry the live device state (cosim), or fixed elements reloaded after every update, read in batched transients on worker processes (reload)"),
        K::integer_key("spice.workers", "2", Range::closed(1, 64), "reload face: worker processes per layer, each solving one block of the layer's outputs"),
        K::integer_key("spice.max_tile_rows", "256", Range::closed(1, 100000), "largest crossbar tile: input lines"),
        K::integer_key("spice.max_tile_columns", "256", Range::closed(2, 100000), "largest crossbar tile: output lines (two per weight column)"),
        K::integer_key("spice.update_circuit_max_devices", "128", Range::closed(0, 1e9), "layers with at most this many weights also run the update circuit in ngspice"),

        K::boolean_key("evaluate.drift_compensation", "false", "before the evaluation after evaluate.after_s, rescale reads by an all-inputs-on reference read (global drift compensation)"),
        K::number_key("evaluate.after_s", "0", Unit::second, Range::non_negative(), "after training, let this much simulated time pass and evaluate again (drift)"),
    };
}

std::filesystem::path data_dir() { return CIMKIT_DATA_DIR; }

void limit(Dataset& data, long count) {
    if (count <= 0 || static_cast<std::size_t>(count) >= data.size()) return;
    data.y.resize(static_cast<std::size_t>(count));
    data.x.resize(static_cast<std::size_t>(count) * static_cast<std::size_t>(data.features));
}

}  // namespace

const std::vector<ConfigKey>& experiment_schema() {
    static const std::vector<ConfigKey> schema = make_schema();
    return schema;
}

Split load_experiment_data(const ConfigValues& config) {
    const std::string name = config.text("dataset.name");
    const std::string path = config.text("dataset.path");
    const auto seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    Split split;
    if (name == "iris") {
        split = stratified_split(load_iris_csv(path.empty() ? data_dir() / "iris.csv" : std::filesystem::path(path)),
                                 config.number("dataset.test_fraction"), seed);
    } else {
        const std::filesystem::path dir = path.empty() ? data_dir() / "mnist" : std::filesystem::path(path);
        const Dataset train = load_mnist_idx(dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte", "mnist-train");
        const long holdout = config.integer("dataset.validation_holdout");
        if (holdout > 0) {
            split = hold_out_tail(train, static_cast<std::size_t>(holdout));
        } else {
            split.train = train;
            split.test = load_mnist_idx(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte", "mnist-t10k");
        }
    }
    limit(split.train, config.integer("dataset.train_limit"));
    limit(split.test, config.integer("dataset.test_limit"));
    // An empty set would train on nothing or report 0.00 % test accuracy as if it were measured.
    const std::string source = name + (path.empty() ? "" : " at '" + path + "'");
    if (split.train.size() == 0) {
        throw ParameterError("dataset " + source + ": the training set is empty (dataset.test_fraction = " +
                             std::to_string(config.number("dataset.test_fraction")) + ", dataset.validation_holdout, dataset.train_limit)");
    }
    if (split.test.size() == 0) {
        throw ParameterError("dataset " + source + ": the test set is empty (dataset.test_fraction = " +
                             std::to_string(config.number("dataset.test_fraction")) + ", dataset.validation_holdout)");
    }
    const double low = config.number("input.low"), high = config.number("input.high");
    if (!(low < high)) {
        throw ParameterError("input.low = " + std::to_string(low) + " must be below input.high = " + std::to_string(high));
    }
    scale_features(split, static_cast<float>(low), static_cast<float>(high));
    return split;
}

NetworkConfig network_config(const ConfigValues& config, int inputs, int classes) {
    NetworkConfig n;
    n.layer_sizes.push_back(inputs);
    for (const long size : config.integer_list("network.hidden_layers")) n.layer_sizes.push_back(static_cast<int>(size));
    n.layer_sizes.push_back(classes);
    n.hidden_activations.assign(n.layer_sizes.size() - 2, parse_activation(config.text("network.hidden_activation")));
    n.loss = parse_loss(config.text("network.loss"));
    n.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    return n;
}

TrainingConfig training_config(const ConfigValues& config) {
    TrainingConfig t;
    t.epochs = static_cast<int>(config.integer("training.epochs"));
    t.learning_rate = static_cast<float>(config.number("training.learning_rate"));
    t.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    t.sample_period_s = config.number("training.sample_period_s");
    t.evolve_every = static_cast<int>(config.integer("training.evolve_every"));
    t.batch_size = static_cast<int>(config.integer("training.batch_size"));
    t.on_convergence_failure = parse_on_convergence_failure(config.text("training.on_convergence_failure"));
    return t;
}

DeviceArrayOptions array_options(const ConfigValues& config) {
    DeviceArrayOptions o;
    o.update_mode = parse_update_mode(config.text("array.update_mode"));
    o.pair_policy = parse_pair_policy(config.text("array.pair_policy"));
    o.w_max = config.number("array.w_max");
    o.x_max = std::max(std::abs(config.number("input.low")), std::abs(config.number("input.high")));
    o.backward_input_max = config.number("array.backward_input_max");
    o.max_pulses_per_update = static_cast<int>(config.integer("array.max_pulses_per_update"));
    o.refresh_threshold = config.number("array.refresh_threshold");
    o.stochastic_bit_length = static_cast<int>(config.integer("array.stochastic_bit_length"));
    o.read_time_s = config.number("array.read_time_s");
    o.accumulate_residual = config.boolean("array.accumulate_residual");
    o.pulse_rounding = parse_pulse_rounding(config.text("array.pulse_rounding"));
    o.input_encoding = parse_input_encoding(config.text("array.input_encoding"));
    o.weight_levels = static_cast<int>(config.integer("array.weight_levels"));
    o.refresh_interval_s = config.number("array.refresh_interval_s");
    o.two_phase_read = config.boolean("array.two_phase_read");
    validate(o);
    return o;
}

Experiment::Experiment(const ConfigValues& config, int inputs, int classes)
    : engine_(config.text("run.engine")),
      training_(training_config(config)),
      evaluate_after_s_(config.number("evaluate.after_s")),
      drift_compensation_(config.boolean("evaluate.drift_compensation")) {
    validate(training_);
    const NetworkConfig net = network_config(config, inputs, classes);
    const auto seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    if (engine_ == "ideal") {
        network_ = std::make_unique<Network>(net);
        return;
    }
    model_ = builtin_devices().find(config.text("array.device")).make(config.passed_through());
    const DeviceArrayOptions options = array_options(config);
    if (training_.batch_size > 1 && !find_update_rule(options.update_mode).applies_weight_changes) {
        throw ParameterError("training.batch_size = " + std::to_string(training_.batch_size) +
                             " writes each batch's summed update at once, but array.update_mode = " + options.update_mode +
                             " draws its pulses from one sample's x and delta; use update_mode = " +
                             update_rules_that([](const UpdateRuleInfo& rule) { return rule.applies_weight_changes; }) + ", or batch_size = 1");
    }
    if (engine_ == "compact") {
        network_ = std::make_unique<Network>(net, make_device_array_factory(*model_, options, seed));
        return;
    }
    SpiceOptions spice;
    spice.face_variant = config.text("spice.face");
    spice.max_tile_rows = static_cast<int>(config.integer("spice.max_tile_rows"));
    spice.max_tile_columns = static_cast<int>(config.integer("spice.max_tile_columns"));
    spice.update_circuit_max_devices = config.integer("spice.update_circuit_max_devices");
    spice.workers = static_cast<int>(config.integer("spice.workers"));
    // A mini-batch writes a dense summed update (apply_weight_changes); the update circuit draws one
    // rank-1 outer product, so it is not used, and the update energy is not modelled (NaN).
    if (training_.batch_size > 1) spice.update_circuit_max_devices = 0;
    spice_ = std::make_unique<SpiceSession>(*model_, spice);
    network_ = std::make_unique<Network>(net, make_spice_array_factory(*spice_, *model_, options, seed));
}

Experiment::~Experiment() = default;

}  // namespace cimkit::training
