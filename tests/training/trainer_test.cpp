#include "training/trainer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "devices/core/errors.hpp"
#include "training/feature_scaling.hpp"

namespace cimkit::training {
namespace {

Dataset xor_dataset() {
    return Dataset{"xor", 2, 2, {0, 0, 0, 1, 1, 0, 1, 1}, {0, 1, 1, 0}};
}

// Iris as every training test uses it: stratified 80/20 split (120 / 30), features scaled to
// [-1, 1] on the training set's range.
Split scaled_iris(std::uint64_t seed) {
    Split split = stratified_split(load_iris_csv(CIMKIT_DATA_DIR "/iris.csv"), 0.2, seed);
    scale_features(split, -1.0f, 1.0f);
    return split;
}

Network iris_network(std::uint64_t seed) {
    return Network(NetworkConfig{{4, 8, 3}, {Activation::tanh}, Loss::softmax_cross_entropy, seed});
}

// 2-4-2, tanh hidden. Measured with seed 1: cross-entropy (lr 0.1) classifies all four points from
// epoch 62 on, MSE (lr 0.2) from epoch 144 on; over seeds 1..10 the latest were epochs 188 and 364.
// 1000 epochs leave a wide margin and take a few ms.
TEST(Xor, IdealEngineLearnsXorWithEitherLoss) {
    const Dataset data = xor_dataset();
    for (const auto& [loss, lr] : {std::pair{Loss::softmax_cross_entropy, 0.1f}, std::pair{Loss::mean_squared_error, 0.2f}}) {
        Network net(NetworkConfig{{2, 4, 2}, {Activation::tanh}, loss, 1});
        const auto history = train(net, data, data, TrainingConfig{1000, lr, 1});
        EXPECT_EQ(history.back().test_accuracy, 1.0) << to_string(loss);
        EXPECT_EQ(history.back().train_accuracy, 1.0) << to_string(loss);
        EXPECT_LT(history.back().loss, history.front().loss) << to_string(loss);
    }
}

// {4, 8, 3}, tanh hidden, cross-entropy, lr 0.02, 50 epochs; seed s drives the split, the
// initialisation and the shuffle. Measured test accuracy after 50 epochs: seed 1 28/30 (93.3 %;
// margin 0 samples: its split holds two versicolor/virginica points this network always misses,
// and it has stayed at 28/30 from epoch 11 on), seeds 2 and 3 30/30 (margin 2 samples, from epochs
// 2 and 3 on). Mean 97.8 %. The threshold 0.93 is issue 5's Iris target. Over seeds 1..10 the mean
// is 95.0 %, but the splits of seeds 7 and 10 end at 26/30 and 27/30: with 30 test samples one
// split's hard points move the figure by 3.3 points each, so a fixed seed list is asserted here.
TEST(Iris, IdealEngineReaches93PercentFor3Seeds) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const Split split = scaled_iris(seed);
        Network net = iris_network(seed);
        const auto history = train(net, split.train, split.test, TrainingConfig{50, 0.02f, seed});
        ASSERT_EQ(history.size(), 50u);
        EXPECT_GE(history.back().test_accuracy, 0.93) << "seed " << seed;
        EXPECT_GE(history.back().train_accuracy, 0.95) << "seed " << seed;
        RecordProperty("test_accuracy_seed" + std::to_string(seed), std::to_string(history.back().test_accuracy));
    }
}

std::vector<Eigen::MatrixXf> trained_weights(std::uint64_t seed, std::vector<EpochMetrics>* history = nullptr) {
    const Split split = scaled_iris(seed);
    Network net = iris_network(seed);
    const auto metrics = train(net, split.train, split.test, TrainingConfig{5, 0.02f, seed});
    if (history) *history = metrics;
    return net.weights();
}

TEST(Reproducibility, SameSeedGivesBitIdenticalWeightsAndMetrics) {
    std::vector<EpochMetrics> first, second;
    const auto a = trained_weights(4, &first);
    const auto b = trained_weights(4, &second);
    const auto c = trained_weights(5);
    for (std::size_t l = 0; l < a.size(); ++l) {
        EXPECT_EQ(a[l], b[l]) << "layer " << l;  // bit for bit: operator== compares every float exactly
        EXPECT_NE(a[l], c[l]) << "layer " << l;
    }
    for (std::size_t e = 0; e < first.size(); ++e) EXPECT_EQ(first[e].loss, second[e].loss);
}

// The shuffle alone: the same network and data, two shuffle seeds, two different results.
TEST(Reproducibility, TheShuffleSeedChangesTheResult) {
    const Split split = scaled_iris(1);
    Network a = iris_network(1), b = iris_network(1);
    train(a, split.train, split.test, TrainingConfig{1, 0.02f, 1});
    train(b, split.train, split.test, TrainingConfig{1, 0.02f, 2});
    EXPECT_NE(a.weights()[0], b.weights()[0]);
}

// Property: each permutation of 3 items comes out 6000/6 = 1000 times on average; the count is
// binomial with sd sqrt(6000 * 1/6 * 5/6) = 28.9, so +-150 is more than 5 sd.
TEST(Shuffle, FisherYatesIsAUniformPermutation) {
    Rng rng(12);
    std::map<std::vector<std::size_t>, int> counts;
    for (int k = 0; k < 6000; ++k) ++counts[shuffled_order(3, rng)];
    ASSERT_EQ(counts.size(), 6u);
    for (const auto& [order, count] : counts) EXPECT_NEAR(count, 1000, 150);
    Rng once(3);
    auto order = shuffled_order(150, once);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
    EXPECT_TRUE(shuffled_order(0, once).empty());
}

TEST(Trainer, ReportsEveryEpochInOrder) {
    const Dataset data = xor_dataset();
    Network net(NetworkConfig{{2, 4, 2}, {Activation::tanh}, Loss::softmax_cross_entropy, 1});
    std::vector<int> seen;
    const auto history = train(net, data, data, TrainingConfig{3, 0.1f, 1}, [&](const EpochMetrics& m) { seen.push_back(m.epoch); });
    EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(history.size(), 3u);
}

std::string training_error(const Dataset& data, const TrainingConfig& config) {
    Network net(NetworkConfig{{2, 4, 2}, {Activation::tanh}, Loss::softmax_cross_entropy, 1});
    try {
        train(net, data, data, config);
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

TEST(Trainer, RejectsBadConfigsAndMismatchedData) {
    const Dataset data = xor_dataset();
    EXPECT_NE(training_error(data, {0, 0.1f, 1}).find("training.epochs = 0 is outside [1, 100000]"), std::string::npos);
    EXPECT_NE(training_error(data, {1, -0.1f, 1}).find("training.learning_rate = -0.1 is outside (0, 100]"), std::string::npos);
    Dataset three = data;
    three.classes = 3;
    EXPECT_NE(training_error(three, {1, 0.1f, 1}).find("2 features and 3 classes, but the network has 2 inputs and 2 outputs"),
              std::string::npos);
}

// ---- training.on_convergence_failure

// Which calls of one layer's array fail, counted from 0 over the whole run.
struct Faults {
    std::set<int> failing_multiplies, failing_updates;
    int multiplies = 0, updates = 0;
};

// Float weights whose reads and updates throw ConvergenceError on chosen calls, as a solve that
// does not converge would.
class FlakyArray final : public WeightArray {
public:
    FlakyArray(const Eigen::MatrixXf& w, Faults& faults) : ideal_(w), faults_(faults) {}
    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override {
        if (faults_.failing_multiplies.count(faults_.multiplies++)) throw ConvergenceError("injected: read did not converge");
        return ideal_.multiply(x);
    }
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override { return ideal_.multiply_transposed(d); }
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& d, float lr) override {
        if (faults_.failing_updates.count(faults_.updates++)) throw ConvergenceError("injected: update did not converge");
        ideal_.apply_outer_product(x, d, lr);
    }
    Eigen::MatrixXf weights() const override { return ideal_.weights(); }
    ArrayCheckpoint checkpoint() const override { return ideal_.checkpoint(); }
    void restore(const ArrayCheckpoint& c) override { ideal_.restore(c); }

private:
    IdealArray ideal_;
    Faults& faults_;
};

// Iris 4-8-3 whose layer l fails as faults[l] says. One epoch makes 120 training steps (one layer-0
// and one layer-1 read, one update per layer each), then 30 test reads per layer.
Network flaky_iris_network(std::vector<Faults>& faults) {
    return Network(NetworkConfig{{4, 8, 3}, {Activation::tanh}, Loss::softmax_cross_entropy, 1},
                   [&](int l, const Eigen::MatrixXf& w) { return std::make_unique<FlakyArray>(w, faults.at(static_cast<std::size_t>(l))); });
}

// Layer 0's reads fail at the steps in positions 5 and 17 of the epoch's order; layer 1's update
// fails at its 41st update (position 42: positions 5 and 17 made no update), after layer 0's update
// of that step went in; one test read fails (layer 0's read 125: test sample 5).
std::vector<Faults> injected_faults() {
    std::vector<Faults> faults(2);
    faults[0].failing_multiplies = {5, 17, 125};
    faults[1].failing_updates = {40};
    return faults;
}

TEST(ConvergenceFailure, SkipLeavesOutTheFailingSamplesAndTrainsTheRest) {
    const Split split = scaled_iris(1);
    TrainingConfig config{1, 0.02f, 1};
    config.on_convergence_failure = OnConvergenceFailure::skip;
    std::vector<Faults> faults = injected_faults();
    Network flaky = flaky_iris_network(faults);
    std::vector<SkippedSample> skipped;
    TrainingHooks hooks;
    hooks.on_skip = [&](const SkippedSample& k) { skipped.push_back(k); };
    const auto history = train(flaky, split.train, split.test, config, 1, RunClock{}, hooks);

    Rng rng = Rng(config.seed).stream(1);
    const std::vector<std::size_t> order = shuffled_order(split.train.size(), rng);
    ASSERT_EQ(skipped.size(), 4u);
    const std::size_t positions[] = {5, 17, 42};
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_TRUE(skipped[k].training);
        EXPECT_EQ(skipped[k].epoch, 1);
        EXPECT_EQ(skipped[k].index, order[positions[k]]) << k;
        EXPECT_NE(skipped[k].error.find("injected"), std::string::npos);
    }
    EXPECT_FALSE(skipped[3].training);
    EXPECT_EQ(skipped[3].index, 5u);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].skipped_samples, 3u);
    EXPECT_EQ(history[0].skipped_test_samples, 1u);
    EXPECT_EQ(faults[1].updates, 118);  // every step that passed its reads reached layer 1's update

    // The reference: the same epoch with the three samples left out, on plain float weights. Bit
    // for bit equal, so the step whose layer-1 update failed left no trace of its layer-0 update.
    Network reference = iris_network(1);
    std::size_t correct = 0;
    double loss = 0.0;
    for (std::size_t p = 0; p < order.size(); ++p) {
        if (p == 5 || p == 17 || p == 42) continue;
        const std::size_t i = order[p];
        const StepResult step = train_step(reference, sample_features(split.train, i), split.train.y[i], 0.02f);
        correct += step.correct;
        loss += step.loss;
    }
    for (int l = 0; l < 2; ++l) {
        EXPECT_EQ(flaky.weights()[static_cast<std::size_t>(l)], reference.weights()[static_cast<std::size_t>(l)]) << "layer " << l;
        EXPECT_EQ(flaky.bias(l), reference.bias(l)) << "layer " << l;
    }
    EXPECT_EQ(history[0].train_accuracy, static_cast<double>(correct) / 117.0);
    EXPECT_EQ(history[0].loss, loss / 117.0);
    // The failed test sample counts as misclassified; the other 29 as the reference classifies them.
    std::size_t test_correct = 0;
    for (std::size_t i = 0; i < split.test.size(); ++i) {
        if (i != 5) test_correct += predict(reference, sample_features(split.test, i)) == split.test.y[i];
    }
    EXPECT_EQ(history[0].test_accuracy, static_cast<double>(test_correct) / 30.0);
}

TEST(ConvergenceFailure, StopRethrowsNamingEpochAndSample) {
    const Split split = scaled_iris(1);
    std::vector<Faults> faults = injected_faults();
    Network flaky = flaky_iris_network(faults);
    int epochs_done = 0;
    Rng rng = Rng(1).stream(1);
    const std::size_t failing = shuffled_order(split.train.size(), rng)[5];
    try {
        train(flaky, split.train, split.test, TrainingConfig{2, 0.02f, 1}, [&](const EpochMetrics&) { ++epochs_done; });
        FAIL() << "stop must rethrow";
    } catch (const ConvergenceError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("epoch 1, training sample " + std::to_string(failing) + ": injected: read did not converge"),
                  std::string::npos)
            << message;
    }
    EXPECT_EQ(epochs_done, 0);
    EXPECT_EQ(faults[0].multiplies, 6);  // nothing ran after the failing read
}

TEST(ConvergenceFailure, StopDuringEvaluationNamesTheTestSample) {
    const Split split = scaled_iris(1);
    std::vector<Faults> faults(2);
    faults[0].failing_multiplies = {123};  // the 4th test read of epoch 1
    Network flaky = flaky_iris_network(faults);
    try {
        train(flaky, split.train, split.test, TrainingConfig{1, 0.02f, 1});
        FAIL() << "stop must rethrow";
    } catch (const ConvergenceError& e) {
        EXPECT_NE(std::string(e.what()).find("epoch 1, evaluation of test sample 3 of '"), std::string::npos) << e.what();
    }
}

TEST(ConvergenceFailure, PolicyParsesStopAndSkipOnly) {
    EXPECT_EQ(parse_on_convergence_failure("stop"), OnConvergenceFailure::stop);
    EXPECT_EQ(parse_on_convergence_failure("skip"), OnConvergenceFailure::skip);
    EXPECT_THROW(parse_on_convergence_failure("ignore"), ParameterError);
}

// Reference: x' = lo + (x - min)(hi - lo)/(max - min) with the TRAIN set's min and max.
TEST(FeatureScaling, MapsTheTrainingRangeOntoLoHi) {
    Split split;
    split.train = Dataset{"train", 2, 2, {1.0f, 5.0f, 3.0f, 5.0f, 2.0f, 5.0f}, {0, 1, 0}};
    split.test = Dataset{"test", 2, 2, {4.0f, 7.0f}, {1}};
    scale_features(split, -0.5f, 0.5f);
    EXPECT_EQ(split.train.x, (std::vector<float>{-0.5f, 0.0f, 0.5f, 0.0f, 0.0f, 0.0f}));  // constant feature -> midpoint
    EXPECT_EQ(split.test.x[0], 1.0f);  // beyond the training range: mapped linearly, not clamped
    EXPECT_EQ(split.test.x[1], 0.0f);
}

TEST(FeatureScaling, IrisTrainingFeaturesSpanLoHiExactly) {
    const Split split = scaled_iris(1);
    EXPECT_EQ(*std::min_element(split.train.x.begin(), split.train.x.end()), -1.0f);
    EXPECT_EQ(*std::max_element(split.train.x.begin(), split.train.x.end()), 1.0f);
}

TEST(FeatureScaling, RejectsAnEmptyRangeAndMismatchedFeatures) {
    Dataset data = xor_dataset();
    const FeatureRange range = fit_feature_range(data);
    EXPECT_THROW(scale_features(data, range, 1.0f, 1.0f), ParameterError);
    EXPECT_THROW(scale_features(data, FeatureRange{{0.0f}, {1.0f}}, 0.0f, 1.0f), ParameterError);
    EXPECT_THROW(fit_feature_range(Dataset{"empty", 2, 2, {}, {}}), ParameterError);
    EXPECT_EQ(data.x, xor_dataset().x);  // a rejected call changes nothing
}

}  // namespace
}  // namespace cimkit::training
