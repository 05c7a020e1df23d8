#include "training/training_run.hpp"

namespace cimkit::training {

TrainingRun::TrainingRun(const ConfigValues& config, const Split& data)
    : data_(data), experiment_(std::make_unique<Experiment>(config, data.train.features, data.train.classes)) {
    description_.engine = experiment_->engine();
    description_.device = experiment_->model() ? experiment_->model()->name() : "";
    description_.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    description_.epochs_planned = experiment_->training().epochs;
    description_.evaluate_after_s = experiment_->evaluate_after_s();
    description_.train_samples = data.train.size();
    description_.test_samples = data.test.size();
}

TrainingRun::~TrainingRun() = default;

NetworkCheckpoint TrainingRun::fresh_checkpoint() const { return take_checkpoint(experiment_->network()); }

void TrainingRun::resume(const ResumeState& from) {
    restore_checkpoint(experiment_->network(), from.checkpoint);
    state_.history = from.history;
    state_.clock = from.clock;
    state_.position = from.position;
}

int TrainingRun::first_epoch() const { return state_.history.empty() ? 1 : state_.history.back().epoch + 1; }

void TrainingRun::checkpoint(const std::string& status, const RunCallbacks& callbacks) {
    state_.status = status;
    if (!callbacks.on_checkpoint) return;
    const Network& network = experiment_->network();
    state_.checkpoint = take_checkpoint(network);
    state_.weights = network.weights();
    state_.conductances_S.clear();
    for (int l = 0; l < network.layer_count(); ++l) state_.conductances_S.push_back(network.array(l).conductances_S());
    callbacks.on_checkpoint(state_);
}

RunEnd TrainingRun::run(const RunCallbacks& callbacks) {
    Network& network = experiment_->network();
    const TrainingConfig& schedule = experiment_->training();
    const int first = first_epoch();
    TrainingHooks hooks;
    hooks.stop = callbacks.stop;
    hooks.progress_every = callbacks.progress_every;
    hooks.on_progress = callbacks.on_progress;
    hooks.on_skip = callbacks.on_skip;
    double last_wall_s = state_.clock.wall_time_s;
    hooks.on_epoch = [&](const EpochMetrics& m, const RunClock& clock) {
        state_.history.push_back(m);
        state_.clock = clock;
        state_.position = {};
        checkpoint(m.epoch == schedule.epochs ? "complete" : "running", callbacks);
        if (callbacks.on_epoch) callbacks.on_epoch(m, clock.wall_time_s - last_wall_s);
        last_wall_s = clock.wall_time_s;
    };
    try {
        train(network, data_.train, data_.test, schedule, first, state_.clock, hooks, state_.position);
    } catch (const Interrupted& stopped) {
        // A checkpoint where the epoch stopped, so that a resume continues from this very sample.
        state_.position = stopped.position;
        checkpoint("running", callbacks);
        return RunEnd::interrupted;
    }
    if (first > schedule.epochs) checkpoint("complete", callbacks);  // a finished run resumed: recorded as it is
    if (experiment_->evaluate_after_s() > 0.0) {
        // The snapshot already holds the trained state (taken after the last epoch, status complete):
        // only the extra evaluation sees the drifted devices, and the network is not used after it.
        if (experiment_->drift_compensation()) network.record_drift_reference();
        network.evolve(experiment_->evaluate_after_s());
        if (experiment_->drift_compensation()) network.compensate_drift();
        const auto warn = [&](std::size_t i, const ConvergenceError& e) {
            if (callbacks.on_skip) callbacks.on_skip({schedule.epochs, false, i, e.what()});
        };
        state_.test_accuracy_after = evaluate(network, data_.test, schedule.on_convergence_failure, warn, schedule.batch_size).accuracy;
        if (callbacks.on_checkpoint) callbacks.on_checkpoint(state_);
    }
    return RunEnd::complete;
}

}  // namespace cimkit::training
