#pragma once
// Stochastic gradient descent over a Dataset, one sample per step, or one mini-batch per step:
//   for epoch e = 1 .. epochs:
//     order = Fisher-Yates shuffle of 0 .. n-1, drawn from Rng(seed).stream(e)
//     batch_size 1: for each sample i in order:
//                     forward -> loss -> backward -> compute_updates -> apply_to_array
//     batch_size B: for each run of B samples of the order (the last may be shorter):
//                     forward_batch (weights fixed over the batch) -> per sample loss, backward,
//                     compute_updates, summed (BatchUpdate) -> apply_batch_update, once
//     then evaluate the test set (forward only, no update; in batches of B).
// Mini-batches exist for engines whose read costs far less per sample when samples come together
// (the spice engine's reloaded batched transients, spice_array.hpp); the update is the sum of the
// batch's per-sample updates, so learning_rate keeps its meaning. The backward reads of a batch
// see the same fixed weights as its forward reads.
// Epoch e's order depends only on (seed, e), not on earlier epochs, so a run resumed at epoch e
// draws the same orders as an uninterrupted one.
//
// Before each epoch every array's random streams are re-derived from (seed, epoch)
// (Network::start_epoch), so a run resumed at an epoch boundary continues bit-identically.
//
// Metrics per epoch (EpochMetrics):
//   train_accuracy  running accuracy over the epoch: each sample's prediction is taken from the
//                   forward pass of its own training step, before its update (no extra reads of the
//                   array; it lags a clean post-epoch evaluation slightly)
//   test_accuracy   fraction of the test set classified correctly after the epoch
//   loss            mean training loss over the epoch's steps, each taken before its update
// (both over the samples trained, i.e. without skipped ones; see OnConvergenceFailure).
#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "training/dataset.hpp"
#include "training/epoch_metrics.hpp"
#include "training/network.hpp"

namespace cimkit::training {

// What the loop does when a sample's simulation fails to converge (a ConvergenceError from an
// ngspice analysis, after the engine's own retries, or from a CVODE integration):
//   stop  the run ends: the error is rethrown, naming the epoch and the sample; the epochs
//         completed so far stand
//   skip  the sample is skipped and counted (EpochMetrics::skipped_*), and reported through
//         TrainingHooks::on_skip. A training sample contributes no update: if the failure came
//         during the update itself, every array and bias is restored to its state before that
//         sample's update (its reads still happened and stay counted). A test sample counts as
//         misclassified.
// Under skip every training step snapshots the network before its update (checkpoint_into one
// reused buffer): a copy of the device states per sample. Measured on MNIST 784-100-10, compact PCM,
// 300 samples: 4.1 s against 3.6 s with stop (about 2 ms per sample). Stop costs nothing.
enum class OnConvergenceFailure { stop, skip };
OnConvergenceFailure parse_on_convergence_failure(const std::string& text);  // "stop" | "skip"; ParameterError otherwise
std::string to_string(OnConvergenceFailure policy);

// The training.* settings: each member's initialiser is its default, and its key, range and
// description are its row in training/settings/experiment_table.cpp (docs/architecture.md#settings).
struct TrainingConfig {
    int epochs = 30;
    float learning_rate = 0.05f;
    std::uint64_t seed = 1;      // shuffling; the experiment sets it from run.seed (whose default this is)
    // Simulated time: each training sample takes sample_period_s (>= 0) of hardware time, and every
    // evolve_every (>= 1) samples the arrays evolve over evolve_every * sample_period_s, so drift
    // and leakage act between updates. 0 s: time stands still. Evaluation takes no simulated time.
    double sample_period_s = 0.0;
    int evolve_every = 1;
    int batch_size = 1;  // >= 1: samples per update (1: plain per-sample SGD)
    OnConvergenceFailure on_convergence_failure = OnConvergenceFailure::stop;
    // The hidden layers' errors: backprop, or direct feedback alignment (network.hpp); the experiment
    // hands it to the network (NetworkConfig::rule).
    LearningRule rule = LearningRule::backprop;
    // The hardware awareness lambda of each epoch's training forward passes under
    // array.readout = sense_amp (training/sense_amp.hpp): one value for every epoch, or one per epoch,
    // strictly increasing (awareness raised over the epochs). The test set is evaluated at 1.
    std::vector<double> hw_awareness_schedule = {1.0};
    // Hardware time one training sample needs on the chip's circuits (sample_latency.hpp); set by the
    // experiment, not a setting. 0: not modelled (the ideal engine).
    double sample_latency_s = 0.0;
    // One inference's read-out (sample_latency.hpp): conversion time and converter energy of its
    // forward reads; set by the experiment, 0 on the ideal engine.
    double readout_latency_s = 0.0;
    double readout_energy_J = 0.0;
};

// lambda of epoch `epoch` (1-based) under `config`'s schedule; ParameterError if the schedule has
// neither one entry nor one per epoch.
double hw_awareness(const TrainingConfig& config, int epoch);

// Throws ParameterError naming the key, its value and its range.
void validate(const TrainingConfig& config);

// Where a run stands at an epoch boundary: what a checkpoint restores.
struct RunClock {
    double simulated_time_s = 0.0;
    double wall_time_s = 0.0;
};

struct Progress {
    int epoch = 0;
    std::size_t done = 0, total = 0;  // samples of this epoch
    double running_accuracy = 0.0;    // over the samples done so far
    double samples_per_s = 0.0;       // this epoch, wall clock
};

// Where a run stands inside an epoch. With the arrays' checkpoints (which carry their random
// streams) and the biases, it is what resuming mid-epoch needs to end exactly as an uninterrupted
// run: the epoch's order is re-derived from (seed, epoch), and the first `done` entries are skipped.
struct EpochPosition {
    int epoch = 0;              // the epoch in progress (1-based); 0: at an epoch boundary
    std::uint64_t done = 0;     // samples of its order already stepped (trained or skipped)
    std::uint64_t correct = 0;  // of those, trained and predicted correctly
    std::uint64_t skipped = 0;  // of those, skipped (OnConvergenceFailure::skip)
    double loss_sum = 0.0;      // over the trained ones
    double wall_time_s = 0.0;   // spent in the epoch so far
};

// Thrown between two samples when TrainingHooks::stop is set (a signal). `position` says where the
// epoch stopped: a checkpoint of the network taken now, with it, resumes there (train's resume_at).
class Interrupted : public std::runtime_error {
public:
    explicit Interrupted(const EpochPosition& at) : std::runtime_error("training interrupted"), position(at) {}
    EpochPosition position;
};

// A sample skipped under OnConvergenceFailure::skip.
struct SkippedSample {
    int epoch = 0;
    bool training = true;   // a training sample (false: a test sample during evaluation)
    std::size_t index = 0;  // the sample's index in its dataset
    std::string error;      // the ConvergenceError's message
};

struct TrainingHooks {
    std::function<void(const Progress&)> on_progress;  // every progress_every samples (0: never)
    std::size_t progress_every = 0;
    std::function<void(const EpochMetrics&, const RunClock&)> on_epoch;  // after each epoch: log, checkpoint
    std::function<void(const SkippedSample&)> on_skip;                  // each skipped sample (warn)
    const std::atomic<bool>* stop = nullptr;
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

struct Evaluation {
    double accuracy = 0.0;     // over the whole set: a skipped sample counts as misclassified
    std::uint64_t skipped = 0;  // samples whose read failed to converge
};

// accuracy() under `policy`: with skip, a sample whose read throws ConvergenceError is counted,
// passed to on_skip (index, error) and counted as misclassified; with stop the error is rethrown
// naming the test sample. batch_size > 1 reads the set in batches (forward_batch); a failed batch
// counts all of its samples.
Evaluation evaluate(const Network& network, const Dataset& data, OnConvergenceFailure policy,
                    const std::function<void(std::size_t index, const ConvergenceError&)>& on_skip = {}, int batch_size = 1);

// Runs epochs first_epoch .. config.epochs, continuing from `clock` (a fresh run: epoch 1, zero
// clock; a resumed run: the checkpoint's). With resume_at.epoch == first_epoch the network holds a
// mid-epoch checkpoint: that epoch continues at resume_at (its streams are not re-derived). Throws
// ParameterError if the datasets do not match the network's inputs and outputs or resume_at does not
// fit, Interrupted when hooks.stop is set, ConvergenceError (naming the epoch and sample) when a
// simulation fails and config.on_convergence_failure is stop.
std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                int first_epoch, RunClock clock, const TrainingHooks& hooks, const EpochPosition& resume_at = {});

// All epochs from the start; on_epoch (if set) after each.
std::vector<EpochMetrics> train(Network& network, const Dataset& train, const Dataset& test, const TrainingConfig& config,
                                const std::function<void(const EpochMetrics&)>& on_epoch = {});

}  // namespace cimkit::training
