#include "training/trainer.hpp"

#include <algorithm>
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

EpochMetrics train_epoch(Network& network, const Dataset& train, const Dataset& test, int epoch, const TrainingConfig& config) {
    Rng rng = Rng(config.seed).stream(static_cast<std::uint64_t>(epoch));
    double loss_sum = 0.0;
    std::size_t correct = 0;
    for (const std::size_t i : shuffled_order(train.size(), rng)) {
        const StepResult step = train_step(network, sample_features(train, i), train.y[i], config.learning_rate);
        loss_sum += step.loss;
        correct += step.correct;
    }
    const auto n = static_cast<double>(train.size());
    return {epoch, n > 0 ? correct / n : 0.0, accuracy(network, test), n > 0 ? loss_sum / n : 0.0};
}

std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                const std::function<void(const EpochMetrics&)>& on_epoch) {
    validate(config);
    check_matches(network, train);
    check_matches(network, test);
    std::vector<EpochMetrics> history;
    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        history.push_back(train_epoch(network, train, test, epoch, config));
        if (on_epoch) on_epoch(history.back());
    }
    return history;
}

}  // namespace cimkit::training
