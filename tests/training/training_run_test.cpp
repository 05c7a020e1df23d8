// The evaluations after training of a TrainingRun (training/training_run.hpp): a series of times
// (evaluate.after_s), without and with the global drift compensation (evaluate.drift_compensation),
// and a resumed run continuing them. Iris on PCM in the compact engine, 2 epochs: well under a second
// per run. PCM's evolution draws no random numbers, so the devices at each time are fixed by the
// trained state; the reads (1/f read noise) are what the random streams decide.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "training/experiment.hpp"
#include "training/training_run.hpp"

namespace cimkit::training {
namespace {

const char* const times_s = "[1, 3600, 86400, 2592000, 31536000]";

struct Finished {
    RunDescription description;
    std::vector<RunSnapshot> snapshots;  // every one on_checkpoint received
    std::vector<DriftEvaluation> evaluations;
    std::size_t evaluations_reported = 0;
};

ConfigValues iris_pcm(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<Setting> settings{{"run.engine", "compact", "test"},      {"array.device", "pcm", "test"},
                                  {"dataset.name", "iris", "test"},      {"training.epochs", "2", "test"},
                                  {"training.learning_rate", "0.1", "test"}, {"array.w_max", "2", "test"},
                                  {"training.sample_period_s", "1e-3", "test"}};
    for (const auto& [key, value] : overrides) settings.push_back({key, value, "test"});
    return resolve_experiment_config(settings);
}

Finished run_to_end(const ConfigValues& config, const ResumeState* from = nullptr) {
    const Split data = load_experiment_data(config);
    TrainingRun run(config, data);
    if (from != nullptr) run.resume(*from);
    Finished out;
    RunCallbacks callbacks;
    callbacks.on_checkpoint = [&](const RunSnapshot& s) { out.snapshots.push_back(s); };
    callbacks.on_evaluation = [&](const DriftEvaluation&, std::size_t, std::size_t, double) { ++out.evaluations_reported; };
    EXPECT_EQ(run.run(callbacks), RunEnd::complete);
    out.description = run.description();
    out.evaluations = run.progress().evaluations;
    return out;
}

std::vector<DriftEvaluation> rows_with(const std::vector<DriftEvaluation>& rows, bool compensated) {
    std::vector<DriftEvaluation> out;
    for (const auto& r : rows) {
        if (r.drift_compensated == compensated) out.push_back(r);
    }
    return out;
}

// The scalar form and a list of one time are one configuration: the same description, rows and
// snapshots (the file writer sees nothing else).
TEST(TrainingRunEvaluation, AListOfOneTimeIsTheScalarForm) {
    const Finished scalar = run_to_end(iris_pcm({{"evaluate.after_s", "86400"}, {"evaluate.drift_compensation", "true"}}));
    const Finished list = run_to_end(iris_pcm({{"evaluate.after_s", "[86400]"}, {"evaluate.drift_compensation", "true"}}));
    ASSERT_EQ(scalar.evaluations.size(), 1u);
    EXPECT_EQ(scalar.evaluations, list.evaluations);
    EXPECT_EQ(scalar.evaluations.front().after_s, 86400.0);
    EXPECT_TRUE(scalar.evaluations.front().drift_compensated);
    EXPECT_EQ(scalar.description.evaluate_after_s, list.description.evaluate_after_s);
    ASSERT_EQ(scalar.snapshots.size(), list.snapshots.size());
    EXPECT_EQ(scalar.snapshots.back().weights, list.snapshots.back().weights);
    EXPECT_EQ(scalar.snapshots.back().status, "complete");
}

// Under both, every uncompensated row is the row of a run without compensation, and every
// compensated row the row of a run with it (same seed): the compensation changes nothing but the
// reads it scales, and is removed before the devices evolve on.
TEST(TrainingRunEvaluation, BothIsTheRunsWithoutAndWithCompensation) {
    const Finished both = run_to_end(iris_pcm({{"evaluate.after_s", times_s}, {"evaluate.drift_compensation", "both"}}));
    const Finished off = run_to_end(iris_pcm({{"evaluate.after_s", times_s}, {"evaluate.drift_compensation", "false"}}));
    const Finished on = run_to_end(iris_pcm({{"evaluate.after_s", times_s}, {"evaluate.drift_compensation", "true"}}));
    ASSERT_EQ(both.evaluations.size(), 10u);
    EXPECT_EQ(both.evaluations_reported, 10u);
    for (std::size_t k = 0; k < both.evaluations.size(); ++k) {
        EXPECT_EQ(both.evaluations[k].drift_compensated, k % 2 == 1) << "at each time without, then with";
    }
    EXPECT_EQ(rows_with(both.evaluations, false), off.evaluations);
    EXPECT_EQ(rows_with(both.evaluations, true), on.evaluations);
    // The file keeps the trained network: the snapshots' weights do not follow the drift.
    EXPECT_EQ(both.snapshots.back().weights, off.snapshots.back().weights);
}

// kill -9 during the evaluations: the run file holds the trained checkpoint and the rows done. A
// resumed run adds exactly the missing rows, equal to the uninterrupted run's; a finished run
// resumed evaluates nothing and keeps its rows.
TEST(TrainingRunEvaluation, ResumeAddsOnlyTheMissingRows) {
    const ConfigValues config = iris_pcm({{"evaluate.after_s", times_s}, {"evaluate.drift_compensation", "both"}});
    const Finished whole = run_to_end(config);
    ASSERT_EQ(whole.evaluations.size(), 10u);
    for (const std::size_t done : {std::size_t{0}, std::size_t{3}, std::size_t{6}, std::size_t{10}}) {
        // The snapshot written after row `done` (the one after the last epoch for 0).
        const RunSnapshot& file = whole.snapshots.at(whole.snapshots.size() - 1 - (10 - done));
        ASSERT_EQ(file.evaluations.size(), done);
        ResumeState from;
        from.history = file.history;
        from.clock = file.clock;
        from.position = file.position;
        from.checkpoint = file.checkpoint;
        from.evaluations = file.evaluations;
        const Finished resumed = run_to_end(config, &from);
        EXPECT_EQ(resumed.evaluations, whole.evaluations) << "resumed after " << done << " rows";
        EXPECT_EQ(resumed.evaluations_reported, 10 - done) << "resumed after " << done << " rows";
    }
}

TEST(TrainingRunEvaluation, RowsThatAreNotThePlannedOnesAreRefused) {
    const ConfigValues config = iris_pcm({{"evaluate.after_s", "[1, 3600]"}, {"evaluate.drift_compensation", "false"}});
    const Split data = load_experiment_data(config);
    TrainingRun run(config, data);
    ResumeState from;
    from.checkpoint = run.fresh_checkpoint();
    from.evaluations = {{3600.0, false, 0.5}};
    EXPECT_THROW(run.resume(from), ParameterError);
}

}  // namespace
}  // namespace cimkit::training
