#pragma once
// Stochastic gradient descent over a Dataset, one sample per step (no mini-batches):
//   for epoch e = 1 .. epochs:
//     order = Fisher-Yates shuffle of 0 .. n-1, drawn from Rng(seed).stream(e)
//     for each sample i in order:  forward -> loss -> backward -> compute_updates -> apply_to_array
//     then evaluate the test set (forward only, no update).
// Epoch e's order depends only on (seed, e), not on earlier epochs, so a run resumed at epoch e
// draws the same orders as an uninterrupted one.
//
// Metrics per epoch (EpochMetrics):
//   train_accuracy  running accuracy over the epoch: each sample's prediction is taken from the
//                   forward pass of its own training step, before its update (no extra reads of the
//                   array; it lags a clean post-epoch evaluation slightly)
//   test_accuracy   fraction of the test set classified correctly after the epoch
//   loss            mean training loss over the epoch's steps, each taken before its update
#include <cstdint>
#include <functional>
#include <vector>

#include <Eigen/Core>

#include "devices/core/rng.hpp"
#include "training/dataset.hpp"
#include "training/network.hpp"

namespace cimkit::training {

struct TrainingConfig {
    int epochs = 1;              // >= 1
    float learning_rate = 0.01f;  // > 0, finite
    std::uint64_t seed = 0;      // shuffling
};

// Throws ParameterError naming the field, its value and the rule.
void validate(const TrainingConfig& config);

struct EpochMetrics {
    int epoch = 0;  // 1-based
    double train_accuracy = 0.0;
    double test_accuracy = 0.0;
    double loss = 0.0;
};

struct StepResult {
    float loss = 0.0f;
    bool correct = false;  // prediction before the update
};

// One SGD step on one sample: forward, backward, compute_updates, apply_to_array.
StepResult train_step(Network& network, const Eigen::VectorXf& x, int label, float learning_rate);

// Sample i's features as a vector.
Eigen::VectorXf sample_features(const Dataset& data, std::size_t i);

// A uniformly random permutation of 0 .. n-1 (Fisher-Yates): for k = n-1 down to 1, swap entries k and
// j = floor(u (k + 1)), u = rng.uniform() in [0, 1).
std::vector<std::size_t> shuffled_order(std::size_t n, Rng& rng);

// Fraction of `data` that `network` classifies correctly (0 for an empty set).
double accuracy(const Network& network, const Dataset& data);

EpochMetrics train_epoch(Network& network, const Dataset& train, const Dataset& test, int epoch, const TrainingConfig& config);

// Runs config.epochs epochs; calls on_epoch (if set) after each, e.g. for progress or a checkpoint.
// Throws ParameterError if the datasets do not match the network's inputs and outputs.
std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                const std::function<void(const EpochMetrics&)>& on_epoch = {});

}  // namespace cimkit::training
