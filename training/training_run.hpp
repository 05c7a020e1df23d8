#pragma once
// One training run of an experiment config, from start or from a checkpoint, to the end or to a stop
// request: what `cimkit train` runs and what the benchmarks time (docs/architecture.md#outputs-and-the-training-run-service).
//
// The service builds the network (Experiment), trains it epoch after epoch and, when the config asks
// for it (evaluate.after_s), evaluates it again at each of a series of simulated times after the end
// of training, without and/or with the global drift compensation (evaluate.drift_compensation). It writes no file:
// training/ does not link HDF5 (docs/architecture.md#module-boundaries). Whoever keeps a run file
// passes on_checkpoint and writes the snapshot it receives; the run stays where it was if that throws.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "devices/core/config_schema.hpp"
#include "training/dataset.hpp"
#include "training/experiment.hpp"
#include "training/network.hpp"
#include "training/trainer.hpp"

namespace cimkit::training {

// One evaluation of the test set after training: a row of the run file's /training/evaluation.
struct DriftEvaluation {
    double after_s = 0.0;             // simulated time since the end of training
    bool drift_compensated = false;   // reads scaled by the global drift compensation
    double test_accuracy = 0.0;
    friend bool operator==(const DriftEvaluation& a, const DriftEvaluation& b) {
        return a.after_s == b.after_s && a.drift_compensated == b.drift_compensated && a.test_accuracy == b.test_accuracy;
    }
};

// What the config makes of the run, known before it starts.
struct RunDescription {
    std::string engine;            // run.engine
    std::string device;            // the device model; "" for the ideal engine
    std::uint64_t seed = 0;        // run.seed
    int epochs_planned = 0;        // training.epochs
    std::vector<double> evaluate_after_s;  // evaluate.after_s, strictly increasing; empty: no evaluation after training
    DriftCompensation drift_compensation = DriftCompensation::off;  // evaluate.drift_compensation
    std::size_t train_samples = 0, test_samples = 0;

    // The evaluations after training in the order they run (test_accuracy 0): each time of
    // evaluate_after_s, without compensation (off, both), then with it (on, both).
    std::vector<DriftEvaluation> evaluations_planned() const;
};

// Where an earlier run stopped: what resuming needs (read back from its run file by the caller).
struct ResumeState {
    std::vector<EpochMetrics> history;
    RunClock clock;             // at the end of history.back()
    EpochPosition position;     // inside the next epoch; epoch 0: at the boundary
    NetworkCheckpoint checkpoint;
    std::vector<DriftEvaluation> evaluations;  // evaluations after training already done, in planned order
};

// The run as a run file records it, taken after every epoch, when a stop request ends an epoch early,
// when a finished run is resumed, and after each evaluation after training.
struct RunSnapshot {
    std::string status;  // "running", "complete"
    std::vector<EpochMetrics> history;
    RunClock clock;
    EpochPosition position;
    NetworkCheckpoint checkpoint;
    // The network's effective weights, biases and device conductances when the snapshot was taken.
    std::vector<Eigen::MatrixXf> weights;
    std::vector<std::map<std::string, Eigen::MatrixXd>> conductances_S;
    // The evaluations after training done so far, in planned order (RunDescription::evaluations_planned).
    // The checkpoint, weights and conductances stay those of the end of training.
    std::vector<DriftEvaluation> evaluations;
};

struct RunCallbacks {
    std::function<void(const Progress&)> on_progress;  // every progress_every samples (0: never)
    std::size_t progress_every = 0;
    std::function<void(const SkippedSample&)> on_skip;  // each sample skipped under on_convergence_failure = skip
    // The checkpoint-writing hook. Unset: no snapshot is taken (a benchmark times training alone).
    std::function<void(const RunSnapshot&)> on_checkpoint;
    // After each epoch (and its checkpoint): its metrics and the wall time it took.
    std::function<void(const EpochMetrics&, double epoch_wall_s)> on_epoch;
    // After each evaluation after training (and its checkpoint): the row, its 1-based number among
    // `planned`, and the wall time it took (evolving the devices and reading the test set).
    std::function<void(const DriftEvaluation&, std::size_t number, std::size_t planned, double wall_s)> on_evaluation;
    // Set (a signal): the run ends between two samples, or between two evaluations after training.
    const std::atomic<bool>* stop = nullptr;
};

enum class RunEnd { complete, interrupted };

class TrainingRun {
public:
    // Builds the experiment's network over `data` (kept by reference: it must outlive the run).
    // Throws ParameterError or UsageError for settings that do not fit together.
    TrainingRun(const ConfigValues& config, const Split& data);
    ~TrainingRun();
    TrainingRun(const TrainingRun&) = delete;
    TrainingRun& operator=(const TrainingRun&) = delete;

    const RunDescription& description() const { return description_; }
    const TrainingConfig& schedule() const { return experiment_->training(); }
    // The state of the freshly built network (call before resume): the block names and sizes a
    // checkpoint must have.
    NetworkCheckpoint fresh_checkpoint() const;

    // Continues `from` instead of starting at epoch 1 (before run()).
    void resume(const ResumeState& from);
    int first_epoch() const;

    // Trains the remaining epochs, then evaluates at the times of evaluate.after_s that the run has not
    // evaluated yet. Returns interrupted when the stop request ended it (after on_checkpoint with the
    // position inside the epoch, or with the evaluations done so far). A
    // ConvergenceError (policy stop) or a crashed ngspice worker propagates; progress() then says
    // what the last snapshot held.
    RunEnd run(const RunCallbacks& callbacks);

    // History, clock and position as of the last epoch end or stop.
    const RunSnapshot& progress() const { return state_; }

private:
    void checkpoint(const std::string& status, const RunCallbacks& callbacks);
    RunEnd evaluate_after_training(const RunCallbacks& callbacks);

    const Split& data_;
    std::unique_ptr<Experiment> experiment_;
    RunDescription description_;
    RunSnapshot state_;
};

}  // namespace cimkit::training
