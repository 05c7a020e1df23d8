#include "training/training_run.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "devices/core/errors.hpp"

namespace cimkit::training {

std::vector<DriftEvaluation> RunDescription::evaluations_planned() const {
    std::vector<DriftEvaluation> plan;
    for (const double t : evaluate_after_s) {
        if (drift_compensation != DriftCompensation::on) plan.push_back({t, false, 0.0});
        if (drift_compensation != DriftCompensation::off) plan.push_back({t, true, 0.0});
    }
    return plan;
}

TrainingRun::TrainingRun(const ConfigValues& config, const Split& data)
    : data_(data), experiment_(std::make_unique<Experiment>(config, data.train.features, data.train.classes)) {
    description_.engine = experiment_->engine();
    description_.device = experiment_->model() ? experiment_->model()->name() : "";
    description_.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    description_.epochs_planned = experiment_->training().epochs;
    description_.evaluate_after_s = experiment_->evaluate_after_s();
    description_.drift_compensation = experiment_->drift_compensation();
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
    // The rows a run file holds must be the first of those this config plans (the file's own config
    // plans them; another means a corrupt or edited file).
    const std::vector<DriftEvaluation> plan = description_.evaluations_planned();
    const bool prefix = from.evaluations.size() <= plan.size() &&
                        std::equal(from.evaluations.begin(), from.evaluations.end(), plan.begin(), [](const auto& done, const auto& planned) {
                            return done.after_s == planned.after_s && done.drift_compensated == planned.drift_compensated;
                        });
    if (!prefix) {
        throw ParameterError("the run's evaluations after training (/training/evaluation, " + std::to_string(from.evaluations.size()) +
                             " rows) are not the first of the " + std::to_string(plan.size()) +
                             " that evaluate.after_s and evaluate.drift_compensation plan");
    }
    state_.evaluations = from.evaluations;
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
    return evaluate_after_training(callbacks);
}

// The devices evolve from one time to the next. The first time evolves and reads with the random
// streams where training left them (as the single evaluation always has); each later time k starts
// from streams re-derived as those of a virtual epoch epochs + k (WeightArray::start_epoch). So the
// devices at time k depend on the evolution before it, not on the reads, and a resumed run replays
// the evolution up to its first missing row without repeating the rows before it. Under both, the
// compensated row reads the same devices with the same read noise as the uncompensated one.
RunEnd TrainingRun::evaluate_after_training(const RunCallbacks& callbacks) {
    const std::vector<DriftEvaluation> plan = description_.evaluations_planned();
    if (state_.evaluations.size() >= plan.size()) return RunEnd::complete;  // none planned, or a finished run resumed
    Network& network = experiment_->network();
    const TrainingConfig& schedule = experiment_->training();
    // The network holds the trained state here (uninterrupted, or restored from the checkpoint of the
    // end of training), which is also what the run file's weights and conductances keep.
    if (description_.drift_compensation != DriftCompensation::off) network.record_drift_reference();
    const auto warn = [&](std::size_t i, const ConvergenceError& e) {
        if (callbacks.on_skip) callbacks.on_skip({schedule.epochs, false, i, e.what()});
    };
    const std::vector<double>& times = description_.evaluate_after_s;
    std::size_t row = 0;
    for (std::size_t k = 0; k < times.size(); ++k) {
        auto started = std::chrono::steady_clock::now();
        if (k > 0) network.start_epoch(schedule.epochs + static_cast<int>(k));
        network.evolve(times[k] - (k > 0 ? times[k - 1] : 0.0));
        std::optional<NetworkCheckpoint> before_reads;
        for (; row < plan.size() && plan[row].after_s == times[k]; ++row) {
            if (row < state_.evaluations.size()) continue;  // evaluated before a resume
            if (callbacks.stop != nullptr && callbacks.stop->load()) return RunEnd::interrupted;
            DriftEvaluation done = plan[row];
            if (done.drift_compensated) {
                if (before_reads) restore_checkpoint(network, *before_reads);
                network.compensate_drift();
            } else if (description_.drift_compensation == DriftCompensation::both) {
                before_reads = take_checkpoint(network);
            }
            done.test_accuracy = evaluate(network, data_.test, schedule.on_convergence_failure, warn, schedule.batch_size).accuracy;
            // The compensation scales reads only; removed, the devices evolve on as they would without it.
            if (done.drift_compensated) network.remove_drift_compensation();
            state_.evaluations.push_back(done);
            if (callbacks.on_checkpoint) callbacks.on_checkpoint(state_);
            const auto now = std::chrono::steady_clock::now();
            if (callbacks.on_evaluation) {
                callbacks.on_evaluation(done, row + 1, plan.size(), std::chrono::duration<double>(now - started).count());
            }
            started = now;
        }
    }
    return RunEnd::complete;
}

}  // namespace cimkit::training
