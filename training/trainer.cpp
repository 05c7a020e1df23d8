#include "training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "devices/core/errors.hpp"
#include "training/settings/option_tables.hpp"

namespace cimkit::training {
namespace {

void check_matches(const Network& network, const Dataset& data) {
    if (data.features != network.inputs() || data.classes != network.outputs()) {
        throw ParameterError("training: dataset '" + data.name + "' has " + std::to_string(data.features) + " features and " +
                             std::to_string(data.classes) + " classes, but the network has " + std::to_string(network.inputs()) +
                             " inputs and " + std::to_string(network.outputs()) + " outputs");
    }
}

}  // namespace

OnConvergenceFailure parse_on_convergence_failure(const std::string& text) {
    if (text == "stop") return OnConvergenceFailure::stop;
    if (text == "skip") return OnConvergenceFailure::skip;
    throw ParameterError("training: on_convergence_failure = '" + text + "' must be 'stop' or 'skip'");
}

std::string to_string(OnConvergenceFailure policy) { return policy == OnConvergenceFailure::skip ? "skip" : "stop"; }

void validate(const TrainingConfig& config) { settings::check_fields(settings::training_fields(), config); }

double hw_awareness(const TrainingConfig& config, int epoch) {
    const std::vector<double>& schedule = config.hw_awareness_schedule;
    if (schedule.size() == 1) return schedule.front();
    if (schedule.size() != static_cast<std::size_t>(config.epochs) || epoch < 1 || epoch > config.epochs) {
        throw ParameterError("training: hw_awareness_schedule has " + std::to_string(schedule.size()) +
                             " entries; it needs one, or one per epoch (training.epochs = " + std::to_string(config.epochs) + ")");
    }
    return schedule[static_cast<std::size_t>(epoch - 1)];
}

namespace {

// Runs `update`. With `before` (not null): the network is checkpointed into it first, and restored
// from it if the update throws, so that a failed update leaves every array and bias as it was.
template <typename Update>
void update_with_rollback(Network& network, NetworkCheckpoint* before, const Update& update) {
    if (!before) {
        update();
        return;
    }
    take_checkpoint(network, *before);
    try {
        update();
    } catch (...) {
        restore_checkpoint(network, *before);
        throw;
    }
}

StepResult step(Network& network, const Eigen::VectorXf& x, int label, float learning_rate, NetworkCheckpoint* before) {
    const ForwardPass pass = forward(network, x);
    const LossValue loss = evaluate_loss(network.loss(), pass.output_pre_activation(), label);
    const std::vector<Eigen::VectorXf> deltas = backward(network, pass, loss.gradient_z);
    const std::vector<LayerUpdate> updates = compute_updates(pass, deltas, learning_rate);
    update_with_rollback(network, before, [&] { apply_to_array(network, updates); });
    Eigen::Index predicted = 0;
    pass.output().maxCoeff(&predicted);
    return {loss.loss, predicted == label};
}

// Columns: the features of samples order[first .. first + count).
Eigen::MatrixXf batch_features(const Dataset& data, const std::vector<std::size_t>& order, std::size_t first, std::size_t count) {
    Eigen::MatrixXf x(data.features, static_cast<Eigen::Index>(count));
    for (std::size_t b = 0; b < count; ++b) x.col(static_cast<Eigen::Index>(b)) = sample_features(data, order[first + b]);
    return x;
}

struct BatchResult {
    double loss_sum = 0.0;
    std::uint64_t correct = 0;  // predictions before the update
};

// One mini-batch step over samples order[first .. first + count); `before` as in update_with_rollback.
BatchResult batch_step(Network& network, const Dataset& data, const std::vector<std::size_t>& order, std::size_t first,
                       std::size_t count, float learning_rate, NetworkCheckpoint* before) {
    const BatchForwardPass batch = forward_batch(network, batch_features(data, order, first, count));
    BatchUpdate update(network);
    BatchResult result;
    for (Eigen::Index b = 0; b < batch.samples(); ++b) {
        const ForwardPass pass = batch.sample(b);
        const int label = data.y[order[first + static_cast<std::size_t>(b)]];
        const LossValue loss = evaluate_loss(network.loss(), pass.output_pre_activation(), label);
        update.add(compute_updates(pass, backward(network, pass, loss.gradient_z), learning_rate));
        Eigen::Index predicted = 0;
        pass.output().maxCoeff(&predicted);
        result.loss_sum += loss.loss;
        result.correct += predicted == label;
    }
    update_with_rollback(network, before, [&] { apply_batch_update(network, update); });
    return result;
}

}  // namespace

StepResult train_step(Network& network, const Eigen::VectorXf& x, int label, float learning_rate) {
    return step(network, x, label, learning_rate, nullptr);
}

Eigen::VectorXf sample_features(const Dataset& data, std::size_t i) {
    const auto n = static_cast<std::size_t>(data.features);
    return Eigen::Map<const Eigen::VectorXf>(data.x.data() + i * n, static_cast<Eigen::Index>(n));
}

std::vector<std::size_t> shuffled_order(std::size_t n, Rng& rng) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    for (std::size_t i = n; i > 1; --i) {
        // uniform() < 1, so j <= i - 1; the min guards against a rounding of u * i up to i.
        const auto j = std::min(static_cast<std::size_t>(rng.uniform() * static_cast<double>(i)), i - 1);
        std::swap(order[i - 1], order[j]);
    }
    return order;
}

double accuracy(const Network& network, const Dataset& data) { return evaluate(network, data, OnConvergenceFailure::stop).accuracy; }

Evaluation evaluate(const Network& network, const Dataset& data, OnConvergenceFailure policy,
                    const std::function<void(std::size_t index, const ConvergenceError&)>& on_skip, int batch_size) {
    Evaluation result;
    if (data.size() == 0) return result;
    std::vector<std::size_t> in_order(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) in_order[i] = i;
    const auto batch = static_cast<std::size_t>(std::max(batch_size, 1));
    std::size_t correct = 0;
    for (std::size_t first = 0; first < data.size(); first += batch) {
        const std::size_t count = std::min(batch, data.size() - first);
        try {
            if (count == 1) {
                correct += predict(network, sample_features(data, first)) == data.y[first];
                continue;
            }
            const BatchForwardPass pass = forward_batch(network, batch_features(data, in_order, first, count));
            for (std::size_t b = 0; b < count; ++b) {
                Eigen::Index predicted = 0;
                pass.activations.back().col(static_cast<Eigen::Index>(b)).maxCoeff(&predicted);
                correct += predicted == data.y[first + b];
            }
        } catch (const ConvergenceError& e) {
            const std::string which = count == 1 ? "sample " + std::to_string(first)
                                                 : "samples " + std::to_string(first) + ".." + std::to_string(first + count - 1);
            if (policy == OnConvergenceFailure::stop) throw ConvergenceError(which + " of '" + data.name + "': " + e.what());
            result.skipped += count;
            for (std::size_t i = first; i < first + count; ++i) {
                if (on_skip) on_skip(i, e);
            }
        }
    }
    result.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
    return result;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs epoch `epoch` from `at` (at.epoch == epoch: a mid-epoch resume; else from its start).
EpochMetrics train_epoch(Network& network, const Dataset& train, const Dataset& test, int epoch, const TrainingConfig& config,
                         RunClock& clock, const TrainingHooks& hooks, EpochPosition at) {
    const auto started = std::chrono::steady_clock::now();
    if (at.epoch != epoch) {
        network.start_epoch(epoch);
        at = EpochPosition{epoch};
    }
    const std::uint64_t first = at.done;
    Rng rng = Rng(config.seed).stream(static_cast<std::uint64_t>(epoch));
    const bool skip = config.on_convergence_failure == OnConvergenceFailure::skip;
    NetworkCheckpoint rollback;  // skip: the network before each step's update, its storage reused
    NetworkCheckpoint* const before_update = skip ? &rollback : nullptr;
    const std::vector<std::size_t> order = shuffled_order(train.size(), rng);
    network.set_hw_awareness(hw_awareness(config, epoch));
    const auto batch = static_cast<std::size_t>(config.batch_size);
    const auto evolve_every = static_cast<std::uint64_t>(config.evolve_every);
    for (std::size_t k = static_cast<std::size_t>(first); k < order.size();) {
        if (hooks.stop && hooks.stop->load()) {
            at.wall_time_s += seconds_since(started);
            throw Interrupted(at);
        }
        const std::size_t count = std::min(batch, order.size() - k);
        try {
            if (batch == 1) {
                const StepResult result = step(network, sample_features(train, order[k]), train.y[order[k]], config.learning_rate, before_update);
                at.loss_sum += result.loss;
                at.correct += result.correct;
            } else {
                const BatchResult result = batch_step(network, train, order, k, count, config.learning_rate, before_update);
                at.loss_sum += result.loss_sum;
                at.correct += result.correct;
            }
        } catch (const ConvergenceError& e) {
            const std::string where = "epoch " + std::to_string(epoch) + ", training sample" +
                                      (count == 1 ? " " + std::to_string(order[k])
                                                  : "s at positions " + std::to_string(k) + ".." + std::to_string(k + count - 1) + " of the epoch");
            if (!skip) throw ConvergenceError(where + ": " + e.what());
            at.skipped += count;
            for (std::size_t b = k; b < k + count; ++b) {
                if (hooks.on_skip) hooks.on_skip({epoch, true, order[b], e.what()});
            }
        }
        // A skipped sample still took its sample period: the hardware spent it trying. The arrays
        // evolve once for every whole group of evolve_every samples completed.
        const std::uint64_t previous = at.done, done = at.done += count;
        k += count;
        const std::uint64_t groups = done / evolve_every - previous / evolve_every;
        if (config.sample_period_s > 0.0 && groups > 0) network.evolve(static_cast<double>(groups * evolve_every) * config.sample_period_s);
        if (hooks.on_progress && hooks.progress_every > 0 &&
            (done / hooks.progress_every != previous / hooks.progress_every || done == order.size())) {
            const double elapsed_s = seconds_since(started);
            const std::uint64_t trained = done - at.skipped;
            hooks.on_progress({epoch, static_cast<std::size_t>(done), order.size(),
                               trained > 0 ? static_cast<double>(at.correct) / static_cast<double>(trained) : 0.0,
                               elapsed_s > 0.0 ? static_cast<double>(done - first) / elapsed_s : 0.0});
        }
    }
    const std::uint64_t done = at.done, skipped = at.skipped;
    // Samples after the last whole evolve_every group still took their time.
    const std::uint64_t leftover = done % static_cast<std::uint64_t>(config.evolve_every);
    if (config.sample_period_s > 0.0 && leftover > 0) network.evolve(static_cast<double>(leftover) * config.sample_period_s);
    clock.simulated_time_s += static_cast<double>(done) * config.sample_period_s;

    EpochMetrics m;
    const auto trained = static_cast<double>(done - skipped);
    m.epoch = epoch;
    m.train_accuracy = trained > 0 ? static_cast<double>(at.correct) / trained : 0.0;
    m.loss = trained > 0 ? at.loss_sum / trained : 0.0;
    m.skipped_samples = skipped;
    Evaluation evaluation;
    network.set_hw_awareness(1.0);  // the test set sees the chip: the sense amplifiers alone
    try {
        evaluation = evaluate(
            network, test, config.on_convergence_failure,
            [&](std::size_t i, const ConvergenceError& e) {
                if (hooks.on_skip) hooks.on_skip({epoch, false, i, e.what()});
            },
            config.batch_size);
    } catch (const ConvergenceError& e) {
        throw ConvergenceError("epoch " + std::to_string(epoch) + ", evaluation of test " + e.what());
    }
    m.test_accuracy = evaluation.accuracy;
    m.skipped_test_samples = evaluation.skipped;
    const ArrayActivity activity = network.activity();
    m.update_pulses = activity.update_pulses;
    m.update_random_numbers = activity.update_random_numbers;
    m.energy_read_J = activity.read_energy_J;
    m.energy_write_J = activity.write_energy_J;
    m.energy_update_circuit_J = activity.update_circuit_energy_J;
    m.energy_adc_J = activity.adc_energy_J;
    m.energy_neuron_J = activity.neuron_energy_J;
    m.energy_wire_J = activity.wire_energy_J;
    m.energy_dac_J = activity.dac_energy_J;
    m.energy_total_J =
        m.energy_read_J + m.energy_write_J + m.energy_update_circuit_J + m.energy_adc_J + m.energy_neuron_J + m.energy_wire_J + m.energy_dac_J;
    clock.wall_time_s += at.wall_time_s + seconds_since(started);
    m.simulated_time_s = clock.simulated_time_s;
    // Every epoch trains the whole set (a skipped sample still took its time), so the learning time
    // follows from the epoch number, across a resume too.
    m.sample_latency_s = config.sample_latency_s;
    m.circuit_time_s = static_cast<double>(epoch) * static_cast<double>(train.size()) * config.sample_latency_s;
    m.readout_latency_s = config.readout_latency_s;
    m.readout_energy_J = config.readout_energy_J;
    m.wall_time_s = clock.wall_time_s;
    return m;
}

}  // namespace

std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                int first_epoch, RunClock clock, const TrainingHooks& hooks, const EpochPosition& resume_at) {
    validate(config);
    check_matches(network, train);
    check_matches(network, test);
    if (resume_at.epoch != 0 && (resume_at.epoch != first_epoch || resume_at.done > train.size() ||
                                 resume_at.correct > resume_at.done || resume_at.skipped > resume_at.done - resume_at.correct)) {
        throw ParameterError("training: cannot resume epoch " + std::to_string(resume_at.epoch) + " after " +
                             std::to_string(resume_at.done) + " samples: the run continues at epoch " + std::to_string(first_epoch) +
                             " and an epoch has " + std::to_string(train.size()) + " samples");
    }
    std::vector<EpochMetrics> history;
    for (int epoch = first_epoch; epoch <= config.epochs; ++epoch) {
        history.push_back(train_epoch(network, train, test, epoch, config, clock, hooks, resume_at));
        if (hooks.on_epoch) hooks.on_epoch(history.back(), clock);
    }
    return history;
}

std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                const std::function<void(const EpochMetrics&)>& on_epoch) {
    TrainingHooks hooks;
    if (on_epoch) hooks.on_epoch = [&](const EpochMetrics& m, const RunClock&) { on_epoch(m); };
    return cimkit::training::train(network, train, test, config, 1, RunClock{}, hooks);
}

}  // namespace cimkit::training
