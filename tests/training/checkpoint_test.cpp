// Resuming from an epoch-boundary checkpoint continues bit-identically (issue 5: kill and resume
// gives identical final weights). The CLI's kill -9 test (tests/apps/train_resume.sh) covers the
// file round trip; this covers the arrays' state and the per-epoch random streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "training/device_array.hpp"
#include "training/device_array/checkpoint.hpp"
#include "training/feature_scaling.hpp"
#include "training/trainer.hpp"

namespace cimkit::training {
namespace {

struct Case {
    std::string device;
    std::string mode;  // update_mode
    double sample_period_s;  // PCM: drift draws between samples
    int batch_size = 1;
};

Split scaled_iris() {
    Split split = stratified_split(load_iris_csv(std::string(CIMKIT_DATA_DIR) + "/iris.csv"), 0.2, 3);
    scale_features(split, 0.0f, 1.0f);
    return split;
}

std::unique_ptr<Network> make_network(const DeviceModel& model, const std::string& mode) {
    DeviceArrayOptions options;
    options.update_mode = mode;
    return std::make_unique<Network>(NetworkConfig{{4, 6, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 7},
                                     make_device_array_factory(model, options, 7));
}

TEST(Checkpoint, ResumingAtAnEpochBoundaryGivesBitIdenticalWeights) {
    const Split split = scaled_iris();
    for (const Case& c : {Case{"pcm", "pulse", 1e-3}, Case{"domain_wall", "stochastic", 0.0},
                          Case{"gain_cell", "pulse", 1e-5}}) {
        const auto model = builtin_devices().find(c.device).make({});
        TrainingConfig config{4, 0.1f, 11, c.sample_period_s, 3};

        auto uninterrupted = make_network(*model, c.mode);
        const auto full = train(*uninterrupted, split.train, split.test, config);

        // Two epochs, then "the process dies": only the checkpoint survives.
        auto first = make_network(*model, c.mode);
        TrainingConfig two = config;
        two.epochs = 2;
        train(*first, split.train, split.test, two);
        std::vector<ArrayCheckpoint> arrays;
        std::vector<Eigen::VectorXf> biases;
        for (int l = 0; l < first->layer_count(); ++l) {
            arrays.push_back(first->array(l).checkpoint());
            biases.push_back(first->bias(l));
        }
        first.reset();

        auto resumed = make_network(*model, c.mode);  // programs fresh initial weights, then overwritten
        for (int l = 0; l < resumed->layer_count(); ++l) {
            resumed->array(l).restore(arrays[static_cast<std::size_t>(l)]);
            resumed->set_bias(l, biases[static_cast<std::size_t>(l)]);
        }
        const auto rest = train(*resumed, split.train, split.test, config, 3, RunClock{}, TrainingHooks{});

        ASSERT_EQ(rest.size(), 2u);
        EXPECT_EQ(rest.back().test_accuracy, full.back().test_accuracy) << c.device;
        EXPECT_EQ(rest.back().update_pulses, full.back().update_pulses) << c.device;
        for (int l = 0; l < resumed->layer_count(); ++l) {
            EXPECT_EQ(resumed->array(l).weights(), uninterrupted->array(l).weights()) << c.device << " layer " << l;
            EXPECT_EQ(resumed->bias(l), uninterrupted->bias(l)) << c.device << " layer " << l;
        }
    }
}

// SIGINT/SIGTERM mid-epoch: the trainer stops between two samples and says where (Interrupted's
// position); a checkpoint taken then (device states, counters and the arrays' random streams) plus
// that position resumes to the same final weights and metrics as an uninterrupted run. Epoch 2 stops
// after 37 samples: inside an evolve_every group of 3, so the evolve schedule is crossed too. With
// mini-batches of 8 it stops between two batches, after 40.
TEST(Checkpoint, ResumingInsideAnEpochGivesBitIdenticalWeightsAndMetrics) {
    const Split split = scaled_iris();
    for (const Case& c : {Case{"pcm", "pulse", 1e-3}, Case{"domain_wall", "stochastic", 0.0},
                          Case{"gain_cell", "pulse", 1e-5}, Case{"pcm", "pulse", 1e-3, 8}}) {
        const auto model = builtin_devices().find(c.device).make({});
        TrainingConfig config{4, 0.1f, 11, c.sample_period_s, 3};
        config.batch_size = c.batch_size;
        const std::uint64_t stops_at = c.batch_size == 1 ? 37 : 40;
        auto uninterrupted = make_network(*model, c.mode);
        const auto full = train(*uninterrupted, split.train, split.test, config);

        auto first = make_network(*model, c.mode);
        std::atomic<bool> stop{false};
        RunClock clock_at_epoch_1;
        TrainingHooks hooks;
        hooks.stop = &stop;
        hooks.progress_every = 1;
        hooks.on_progress = [&](const Progress& p) { stop = p.epoch == 2 && p.done >= 37; };
        hooks.on_epoch = [&](const EpochMetrics&, const RunClock& clock) { clock_at_epoch_1 = clock; };
        EpochPosition position;
        try {
            train(*first, split.train, split.test, config, 1, RunClock{}, hooks);
            FAIL() << "not interrupted";
        } catch (const Interrupted& e) {
            position = e.position;
        }
        EXPECT_EQ(position.epoch, 2);
        EXPECT_EQ(position.done, stops_at) << c.device << " batch " << c.batch_size;
        const NetworkCheckpoint saved = take_checkpoint(*first);
        first.reset();

        auto resumed = make_network(*model, c.mode);
        restore_checkpoint(*resumed, saved);
        const auto rest = train(*resumed, split.train, split.test, config, 2, clock_at_epoch_1, TrainingHooks{}, position);

        ASSERT_EQ(rest.size(), 3u);
        for (std::size_t e = 0; e < rest.size(); ++e) {
            const EpochMetrics& a = rest[e];
            const EpochMetrics& b = full[e + 1];
            EXPECT_EQ(a.epoch, b.epoch);
            EXPECT_EQ(a.train_accuracy, b.train_accuracy) << c.device << " epoch " << a.epoch;
            EXPECT_EQ(a.loss, b.loss) << c.device << " epoch " << a.epoch;
            EXPECT_EQ(a.test_accuracy, b.test_accuracy) << c.device << " epoch " << a.epoch;
            EXPECT_EQ(a.update_pulses, b.update_pulses) << c.device << " epoch " << a.epoch;
            EXPECT_EQ(a.simulated_time_s, b.simulated_time_s) << c.device << " epoch " << a.epoch;
        }
        for (int l = 0; l < resumed->layer_count(); ++l) {
            EXPECT_EQ(resumed->array(l).weights(), uninterrupted->array(l).weights()) << c.device << " layer " << l;
            EXPECT_EQ(resumed->bias(l), uninterrupted->bias(l)) << c.device << " layer " << l;
        }
    }
}

// Without the random streams (a checkpoint from before they were saved), the same resume draws
// different numbers from the middle of the epoch on: the streams are what makes it exact.
TEST(Checkpoint, ResumingInsideAnEpochNeedsTheRandomStreams) {
    const Split split = scaled_iris();
    const auto model = builtin_devices().find("domain_wall").make({});
    const TrainingConfig config{2, 0.1f, 11, 0.0, 1};
    auto uninterrupted = make_network(*model, "stochastic");
    train(*uninterrupted, split.train, split.test, config);
    auto first = make_network(*model, "stochastic");
    std::atomic<bool> stop{false};
    TrainingHooks hooks;
    hooks.stop = &stop;
    hooks.progress_every = 1;
    hooks.on_progress = [&](const Progress& p) { stop = p.epoch == 1 && p.done == 50; };
    EpochPosition position;
    try {
        train(*first, split.train, split.test, config, 1, RunClock{}, hooks);
    } catch (const Interrupted& e) {
        position = e.position;
    }
    NetworkCheckpoint saved = take_checkpoint(*first);
    for (auto& array : saved.arrays) array.erase("rng");
    auto resumed = make_network(*model, "stochastic");
    restore_checkpoint(*resumed, saved);
    train(*resumed, split.train, split.test, config, 1, RunClock{}, TrainingHooks{}, position);
    EXPECT_NE(resumed->array(0).weights(), uninterrupted->array(0).weights());
}

TEST(Checkpoint, AResumePositionThatDoesNotFitIsRefused) {
    const Split split = scaled_iris();
    const auto model = builtin_devices().find("pcm").make({});
    auto network = make_network(*model, "pulse");
    const TrainingConfig config{3, 0.1f, 11};
    EXPECT_THROW(train(*network, split.train, split.test, config, 2, RunClock{}, TrainingHooks{}, EpochPosition{3, 5}), ParameterError);
    EXPECT_THROW(train(*network, split.train, split.test, config, 2, RunClock{}, TrainingHooks{}, EpochPosition{2, 121}), ParameterError);
}

TEST(Checkpoint, AMismatchedCheckpointNamesTheBlock) {
    const auto model = builtin_devices().find("domain_wall").make({});
    auto network = make_network(*model, "pulse");
    ArrayCheckpoint c = network->array(0).checkpoint();
    c["plus"].pop_back();
    try {
        network->array(0).restore(c);
        FAIL() << "a short block must be refused";
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("'plus'"), std::string::npos) << e.what();
    }
    c.erase("minus");
    EXPECT_THROW(network->array(0).restore(c), ParameterError);
}

// The typed checkpoint names what the run file's blocks hold. An array with every optional block
// (residual, level-refresh clock) read into it and written back gives the same blocks, value for
// value, so the file format is unchanged; its fields are the array's own counters, states and
// clock (25 us of evolve() at a 10 us refresh interval leaves 5 us on the clock). Refilling an
// earlier checkpoint (checkpoint_into) gives what a fresh one gives.
TEST(Checkpoint, TheTypedCheckpointHoldsTheArrayAndRoundTripsItsBlocks) {
    const auto model = builtin_devices().find("gain_cell").make({});
    DeviceArrayOptions options;
    options.update_mode = "exact";
    options.weight_levels = 16;
    options.refresh_interval_s = 10e-6;
    options.accumulate_residual = true;
    const Eigen::MatrixXf w0 = (Eigen::MatrixXf(2, 3) << 0.5f, -0.25f, 0.1f, 0.0f, 0.7f, -0.6f).finished();
    DeviceArray array(*model, w0, options, Rng(3));
    const Eigen::VectorXf x = (Eigen::VectorXf(3) << 1.0f, -0.5f, 0.25f).finished(), delta = (Eigen::VectorXf(2) << 0.1f, -0.07f).finished();
    array.apply_outer_product(x, delta, 0.5f);
    array.evolve(25e-6);
    const ArrayCheckpoint blocks = array.checkpoint();

    const std::size_t devices = 6;
    const DeviceArrayCheckpoint typed = read_blocks(blocks, {devices, true, true});
    EXPECT_EQ(typed.counters.refreshes, array.counters().refreshes);
    EXPECT_EQ(typed.counters.refreshes, 2u * devices);
    EXPECT_EQ(typed.counters.programming_writes, array.counters().programming_writes);
    EXPECT_EQ(typed.counters.read_energy_J, array.counters().read_energy_J);
    ASSERT_TRUE(typed.since_refresh_s && typed.residual && typed.streams);
    EXPECT_NEAR(*typed.since_refresh_s, 5e-6, 1e-18);
    EXPECT_EQ(typed.residual->size(), devices);
    std::vector<DeviceState> minus(devices);
    unflatten_states(typed.minus_states, minus);
    for (std::size_t k = 0; k < devices; ++k) EXPECT_EQ(minus[k].x, array.states(PairSide::minus)[k].x) << k;

    ArrayCheckpoint again;
    write_blocks(DeviceArrayCheckpoint(typed), again);
    EXPECT_EQ(again, blocks);

    ArrayCheckpoint reused = blocks;
    array.apply_outer_product(x, -delta, 0.5f);
    array.checkpoint_into(reused);
    EXPECT_EQ(reused, array.checkpoint());
}

TEST(Checkpoint, ACounterThatIsNotACountIsRefused) {
    const auto model = builtin_devices().find("domain_wall").make({});
    auto network = make_network(*model, "pulse");
    ArrayCheckpoint c = network->array(0).checkpoint();
    c["counters"][0] = -1.0;
    try {
        network->array(0).restore(c);
        FAIL() << "a negative count must be refused";
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("'counters'"), std::string::npos) << e.what();
    }
}

// Float weights that record the simulated time they are given.
class ClockedArray final : public WeightArray {
public:
    ClockedArray(const Eigen::MatrixXf& w, std::vector<double>& steps) : ideal_(w), steps_(steps) {}
    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override { return ideal_.multiply(x); }
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override { return ideal_.multiply_transposed(d); }
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& d, float lr) override { ideal_.apply_outer_product(x, d, lr); }
    Eigen::MatrixXf weights() const override { return ideal_.weights(); }
    ArrayCheckpoint checkpoint() const override { return ideal_.checkpoint(); }
    void restore(const ArrayCheckpoint& c) override { ideal_.restore(c); }
    void evolve(double dt_s) override { steps_.push_back(dt_s); }

private:
    IdealArray ideal_;
    std::vector<double>& steps_;
};

// Simulated time: every evolve_every samples each array evolves over evolve_every sample periods,
// the samples after the last whole group over theirs, and the clock is the sum (120 samples, groups
// of 7: 17 groups of 7 s and one of 1 s per layer and epoch).
TEST(SimulatedTime, ArraysEvolveBetweenSamplesAndTheClockAddsUp) {
    const Split split = scaled_iris();
    ASSERT_EQ(split.train.size(), 120u);
    std::vector<double> steps;
    Network network(NetworkConfig{{4, 6, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 7},
                    [&](int, const Eigen::MatrixXf& w) { return std::make_unique<ClockedArray>(w, steps); });
    const auto history = train(network, split.train, split.test, TrainingConfig{2, 0.1f, 2, 1.0, 7}, 1, RunClock{5.0, 0.0}, TrainingHooks{});
    EXPECT_DOUBLE_EQ(history[0].simulated_time_s, 5.0 + 120.0);
    EXPECT_DOUBLE_EQ(history[1].simulated_time_s, 5.0 + 240.0);
    ASSERT_EQ(steps.size(), 2u * 2u * 18u);  // epochs x layers x (17 groups + leftover)
    double total = 0.0;
    for (double dt : steps) total += dt;
    EXPECT_DOUBLE_EQ(total, 2.0 * 2.0 * 120.0);
    EXPECT_EQ(std::count(steps.begin(), steps.end(), 7.0), 2 * 2 * 17);
}

}  // namespace
}  // namespace cimkit::training
