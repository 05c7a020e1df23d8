// The settings of the training loop (TrainingConfig), the spice engine (SpiceOptions) and the
// experiment's own sections, one row per member; every default is the member's initialiser
// (docs/architecture.md#settings). The experiment's table is these rows, the array's
// (array_table.cpp) and its own, in the order the reference (docs/config.md) lists them.
#include "circuits/crossbar/stage_factory.hpp"
#include "training/settings/experiment_settings.hpp"
#include "training/settings/option_tables.hpp"

namespace cimkit::training {

const char* to_string(DriftCompensation mode) {
    switch (mode) {
        case DriftCompensation::off: return "false";
        case DriftCompensation::on: return "true";
        case DriftCompensation::both: return "both";
    }
    return "?";
}

DriftCompensation parse_drift_compensation(const std::string& text) {
    if (text == "false") return DriftCompensation::off;
    if (text == "true") return DriftCompensation::on;
    if (text == "both") return DriftCompensation::both;
    throw ParameterError("evaluate.drift_compensation = " + text + " is not one of: true, false, both");
}

const char* to_string(ErrorProduct mode) { return mode == ErrorProduct::circuit ? "circuit" : "digital"; }

ErrorProduct parse_error_product(const std::string& text) {
    if (text == "digital") return ErrorProduct::digital;
    if (text == "circuit") return ErrorProduct::circuit;
    throw ParameterError("network.error_product = " + text + " is not one of: digital, circuit");
}

}  // namespace cimkit::training

namespace cimkit::training::settings {
namespace {

std::vector<Field<TrainingConfig>> make_training_fields() {
    using T = TrainingConfig;
    return {
        integer("training.epochs", &T::epochs, Range::closed(1, 100000), "passes over the training set"),
        number("training.learning_rate", &T::learning_rate, Unit::dimensionless, {0.0, 100.0, true, false}, "SGD step"),
        number("training.sample_period_s", &T::sample_period_s, Unit::second, Range::non_negative(),
               "simulated hardware time per training sample (drift and leakage act over it)"),
        integer("training.evolve_every", &T::evolve_every, Range::closed(1, 1e6),
                "samples between device evolve() calls (each covers that many sample periods)"),
        integer("training.batch_size", &T::batch_size, Range::closed(1, 1e6),
                "samples per weight update: 1 is per-sample SGD; B > 1 reads B samples with the weights fixed and writes their "
                "summed update once (the spice engine's fast path with spice.read_strategy = batched)"),
        choice("training.on_convergence_failure", &T::on_convergence_failure, {OnConvergenceFailure::stop, OnConvergenceFailure::skip},
               [](OnConvergenceFailure policy) { return to_string(policy); }, parse_on_convergence_failure,
               "a sample whose simulation does not converge ends the run (stop) or is skipped, counted and reported (skip)"),
        choice("training.rule", &T::rule, {LearningRule::backprop, LearningRule::dfa}, [](LearningRule rule) { return to_string(rule); },
               parse_learning_rule,
               "hidden layers' errors: backprop (W^T delta, layer by layer) or dfa, direct feedback alignment (the output error "
               "through a fixed random feedback array per hidden layer, all read at once; docs/learning-rules.md)"),
        number_list("training.hw_awareness_schedule", &T::hw_awareness_schedule, Unit::dimensionless, Range::unit_interval(),
                    "array.readout = sense_amp: hardware awareness lambda of each epoch's training forward passes, which drive "
                    "the next layer with (1 - lambda) f(z) + lambda SA(z): one value for every epoch (1: the sense amplifiers "
                    "alone from the start; 0: trained without them, switched to them after training), or one per epoch, "
                    "strictly increasing; the test set is always read at lambda = 1"),
    };
}

std::vector<Field<SpiceOptions>> make_spice_fields() {
    using S = SpiceOptions;
    using U = circuits::UpdateEncoding;
    // Of the update circuit's encoding only the ESSOP slot is a setting; the rest keep their defaults.
    const std::vector<Field<U>> encoding{
        number("spice.update_slot_pulse_s", &U::slot_pulse_s, Unit::second, Range::closed(1e-12, 1e-6),
               "array.update_mode = essop with the update circuit: a firing input row's pulse (width at half maximum) in one "
               "of the stochastic_bit_length slots, each slot this plus 3 row edges of 0.5 ns (circuits/slot_trains.hpp)"),
    };
    std::vector<Field<S>> fields{
        choice("spice.read_strategy", &S::read_strategy, {SpiceReadStrategy::live, SpiceReadStrategy::batched},
               [](SpiceReadStrategy strategy) { return to_string(strategy); }, parse_read_strategy,
               "live: one resident netlist whose EXTERNAL sources read the live device states, one op per read; batched: "
                     "netlists reloaded after every update, a batch of samples read per transient on worker processes"),
        text("spice.live_face", &S::live_face, {"auto", "cosim", "osdi"},
             "live reads: each device's face, cosim (EXTERNAL sources read the live states at every time point), osdi "
             "(cimkit's compiled OSDI element reads a conductance table refreshed before every op; ohmic devices and the "
             "domain wall; about 30x faster per read for the domain wall) or auto (osdi where the device has it, else cosim)"),
        text("spice.subcircuit_writes", &S::subcircuit_writes, {"ngspice", "twin"},
             "write pulses of a spice:FILE:SUBCKT device: ngspice (each update's pulses replayed on the subcircuit itself, one "
             "transient per layer and update) or twin (its compact table only, faster)"),
        integer("spice.live_stream_points", &S::live_stream_points, Range::closed(0, 1e6),
                "live reads: 0, one op per read; N > 0, consecutive reads are the consecutive points of transients of about N "
                "points each, which skips ngspice's set-up of every analysis (16x faster per read of a 784x20 domain-wall array; "
                "the same currents bit for bit with ideal wires, within ngspice's reltol with wires)"),
        integer("spice.workers", &S::workers, Range::closed(1, 64),
                "batched reads: worker processes per layer, each solving one block of the layer's outputs"),
        integer("spice.max_tile_rows", &S::max_tile_rows, Range::closed(1, 100000), "largest crossbar tile: input lines"),
        integer("spice.max_tile_columns", &S::max_tile_columns, Range::closed(2, 100000), "largest crossbar tile: output lines (two per weight column)"),
        integer("spice.update_circuit_max_devices", &S::update_circuit_max_devices, Range::closed(0, 1e9),
                "layers with at most this many weights also run the update circuit in ngspice (0: none)"),
        text("spice.readout", &S::readout, circuits::crossbar_stage_names(circuits::StagePlace::column_readout),
             "column read-out of every crossbar tile (both read strategies): " + circuits::crossbar_stage_help(circuits::StagePlace::column_readout)),
    };
    const std::vector<Field<S>> lifted = lift(&S::update_encoding, encoding);
    fields.insert(fields.end(), lifted.begin(), lifted.end());
    return fields;
}

std::vector<Field<ExperimentSettings>> make_experiment_fields() {
    using E = ExperimentSettings;
    using D = DatasetSettings;
    using N = NetworkSettings;
    const auto name = [](auto value) { return to_string(value); };
    std::vector<Field<E>> own_run{
        text("run.engine", &E::engine, {"ideal", "compact", "spice"}, "where the weights live: float, compact devices, or devices read through ngspice"),
        integer("run.seed", &E::seed, Range::closed(0, 4294967295.0), "seeds the split, initial weights, devices and shuffling"),
    };
    std::vector<Field<D>> dataset{
        text("dataset.name", &D::name, {"iris", "mnist"}, "Iris (data/iris.csv, stratified split) or MNIST (IDX files, standard 60k/10k)"),
        text("dataset.path", &D::path, {}, "Iris CSV file or MNIST folder; empty: the copy in the repository's data/"),
        number("dataset.test_fraction", &D::test_fraction, Unit::dimensionless, {0.0, 1.0, true, true}, "Iris: fraction of each class held out for testing"),
        integer("dataset.validation_holdout", &D::validation_holdout, Range::closed(0, 59999), "MNIST: last N training images used as the test set instead of t10k"),
        integer("dataset.train_limit", &D::train_limit, Range::closed(0, 1e9), "use only the first N training samples (0: all), for short runs"),
        integer("dataset.test_limit", &D::test_limit, Range::closed(0, 1e9), "use only the first N test samples (0: all)"),
    };
    std::vector<Field<N>> network{
        integer_list("network.hidden_layers", &N::hidden_layers, Range::closed(1, 100000), "sizes of the hidden layers ([] for none)"),
        choice("network.hidden_activation", &N::hidden_activation, {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity, Activation::sigmoid_mos, Activation::relu_mos},
               name, parse_activation, "activation of every hidden layer; sigmoid_mos and relu_mos are transistor neuron circuits (their DC transfer, or ngspice in the spice engine)"),
        choice("network.loss", &N::loss, {Loss::softmax_cross_entropy, Loss::mean_squared_error}, name, parse_loss, "loss (fixes the output activation)"),
        choice("network.error_product", &N::error_product, {ErrorProduct::digital, ErrorProduct::circuit}, name, parse_error_product,
               "who forms backprop's f'(z) e of a hidden layer: the read-out (digital) or an analog multiplier per neuron "
               "circuit (circuit: multiplier_mos.lib, its gates on the derivative circuit; needs a circuit hidden_activation)"),
    };
    std::vector<Field<InputSettings>> input{
        number("input.low", &InputSettings::low, Unit::dimensionless, Range::closed(-1e6, 1e6), "training features are scaled onto [low, high]"),
        number("input.high", &InputSettings::high, Unit::dimensionless, Range::closed(-1e6, 1e6), "training features are scaled onto [low, high]"),
    };
    std::vector<Field<E>> device{
        text("array.device", &E::device, {}, "device model (see 'cimkit devices'), or table:FILE, a fitted device (docs/own-devices.md; a relative FILE is found beside the config file); ignored by the ideal engine"),
    };
    std::vector<Field<EvaluateSettings>> evaluate{
        switch_choice("evaluate.drift_compensation", &EvaluateSettings::drift_compensation,
                      {DriftCompensation::off, DriftCompensation::on, DriftCompensation::both}, name, parse_drift_compensation,
                      "global drift compensation: a one-hot calibration read at the end of training and again at each time of "
                      "evaluate.after_s scales every read by their ratio; both: each time is evaluated without, then with it"),
        number_list("evaluate.after_s", &EvaluateSettings::after_s, Unit::second, Range::non_negative(),
                    "after training, evaluate again once this much simulated time has passed (drift); a list "
                    "evaluates at each of its times, the devices evolving from one to the next; 0: none"),
    };
    std::vector<Field<E>> all = own_run;
    for (auto part : {lift(&E::dataset, dataset), lift(&E::network, network), lift(&E::training, training_fields()),
                      lift(&E::input, input), device, lift(&E::array, array_fields()), lift(&E::spice, spice_fields()),
                      lift(&E::evaluate, evaluate)}) {
        all.insert(all.end(), part.begin(), part.end());
    }
    return all;
}

}  // namespace

const std::vector<Field<TrainingConfig>>& training_fields() {
    static const std::vector<Field<TrainingConfig>> fields = make_training_fields();
    return fields;
}

const std::vector<Field<SpiceOptions>>& spice_fields() {
    static const std::vector<Field<SpiceOptions>> fields = make_spice_fields();
    return fields;
}

const std::vector<Field<ExperimentSettings>>& experiment_fields() {
    static const std::vector<Field<ExperimentSettings>> fields = make_experiment_fields();
    return fields;
}

}  // namespace cimkit::training::settings
