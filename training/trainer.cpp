#include "training/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "devices/core/errors.hpp"

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

void validate(const TrainingConfig& config) {
    if (config.epochs < 1) throw ParameterError("training: epochs = " + std::to_string(config.epochs) + " must be >= 1");
    if (!(std::isfinite(config.learning_rate) && config.learning_rate > 0.0f)) {
        throw ParameterError("training: learning_rate = " + std::to_string(config.learning_rate) + " must be finite and > 0");
    }
    if (!(std::isfinite(config.sample_period_s) && config.sample_period_s >= 0.0)) {
        throw ParameterError("training: sample_period_s = " + std::to_string(config.sample_period_s) + " s must be finite and >= 0");
    }
    if (config.evolve_every < 1) throw ParameterError("training: evolve_every = " + std::to_string(config.evolve_every) + " must be >= 1");
}

StepResult train_step(Network& network, const Eigen::VectorXf& x, int label, float learning_rate) {
    const ForwardPass pass = forward(network, x);
    const LossValue loss = evaluate_loss(network.loss(), pass.output_pre_activation(), label);
    const std::vector<Eigen::VectorXf> deltas = backward(network, pass, loss.gradient_z);
    apply_to_array(network, compute_updates(pass, deltas, learning_rate));
    Eigen::Index predicted = 0;
    pass.output().maxCoeff(&predicted);
    return {loss.loss, predicted == label};
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

double accuracy(const Network& network, const Dataset& data) {
    if (data.size() == 0) return 0.0;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < data.size(); ++i) correct += predict(network, sample_features(data, i)) == data.y[i];
    return static_cast<double>(correct) / static_cast<double>(data.size());
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

EpochMetrics train_epoch(Network& network, const Dataset& train, const Dataset& test, int epoch, const TrainingConfig& config,
                         RunClock& clock, const TrainingHooks& hooks) {
    const auto started = std::chrono::steady_clock::now();
    network.start_epoch(epoch);
    Rng rng = Rng(config.seed).stream(static_cast<std::uint64_t>(epoch));
    double loss_sum = 0.0;
    std::size_t correct = 0, done = 0;
    const std::vector<std::size_t> order = shuffled_order(train.size(), rng);
    for (const std::size_t i : order) {
        if (hooks.stop && hooks.stop->load()) throw Interrupted();
        const StepResult step = train_step(network, sample_features(train, i), train.y[i], config.learning_rate);
        loss_sum += step.loss;
        correct += step.correct;
        ++done;
        if (config.sample_period_s > 0.0 && done % static_cast<std::size_t>(config.evolve_every) == 0) {
            network.evolve(config.evolve_every * config.sample_period_s);
        }
        if (hooks.on_progress && hooks.progress_every > 0 && (done % hooks.progress_every == 0 || done == order.size())) {
            const double elapsed_s = seconds_since(started);
            hooks.on_progress({epoch, done, order.size(), static_cast<double>(correct) / static_cast<double>(done),
                               elapsed_s > 0.0 ? static_cast<double>(done) / elapsed_s : 0.0});
        }
    }
    // Samples after the last whole evolve_every group still took their time.
    const std::size_t leftover = done % static_cast<std::size_t>(config.evolve_every);
    if (config.sample_period_s > 0.0 && leftover > 0) network.evolve(static_cast<double>(leftover) * config.sample_period_s);
    clock.simulated_time_s += static_cast<double>(done) * config.sample_period_s;

    EpochMetrics m;
    const auto n = static_cast<double>(train.size());
    m.epoch = epoch;
    m.train_accuracy = n > 0 ? correct / n : 0.0;
    m.test_accuracy = accuracy(network, test);
    m.loss = n > 0 ? loss_sum / n : 0.0;
    const ArrayActivity activity = network.activity();
    m.update_pulses = activity.update_pulses;
    m.energy_read_J = activity.read_energy_J;
    m.energy_update_J = activity.update_energy_J;
    clock.wall_time_s += seconds_since(started);
    m.simulated_time_s = clock.simulated_time_s;
    m.wall_time_s = clock.wall_time_s;
    return m;
}

}  // namespace

std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                int first_epoch, RunClock clock, const TrainingHooks& hooks) {
    validate(config);
    check_matches(network, train);
    check_matches(network, test);
    std::vector<EpochMetrics> history;
    for (int epoch = first_epoch; epoch <= config.epochs; ++epoch) {
        history.push_back(train_epoch(network, train, test, epoch, config, clock, hooks));
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
