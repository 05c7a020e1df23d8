// Mini-batch training (TrainingConfig::batch_size > 1): a batch is read at fixed weights and its
// per-sample updates are summed and written once.
#include "training/trainer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"
#include "training/feature_scaling.hpp"

namespace cimkit::training {
namespace {

Split scaled_iris() {
    Split split = stratified_split(load_iris_csv(CIMKIT_DATA_DIR "/iris.csv"), 0.2, 1);
    scale_features(split, -1.0f, 1.0f);
    return split;
}

Dataset first_samples(const Dataset& data, std::size_t n) {
    Dataset out = data;
    out.x.resize(n * static_cast<std::size_t>(data.features));
    out.y.resize(n);
    return out;
}

Network iris_network() { return Network(NetworkConfig{{4, 8, 3}, {Activation::tanh}, Loss::softmax_cross_entropy, 3}); }

// One epoch of Iris as ONE batch of all 120 samples: the weights after it are the initial weights
// plus the sum of the 120 per-sample updates, each computed (forward, backward) at the initial
// weights; the epoch's loss and running accuracy are those of the initial network. The reference
// sums in double, the trainer in float: they agree to float rounding.
TEST(MiniBatch, OneBatchAddsTheSumOfThePerSampleUpdatesAtFixedWeights) {
    const Split split = scaled_iris();
    Network trained = iris_network();
    const Network initial = iris_network();
    TrainingConfig config{1, 0.01f, 5};
    config.batch_size = 1000;  // larger than the set: one batch of 120
    const auto history = train(trained, split.train, split.test, config);

    std::vector<Eigen::MatrixXd> expected;
    for (const auto& w : initial.weights()) expected.push_back(w.cast<double>());
    std::vector<Eigen::VectorXd> expected_bias{initial.bias(0).cast<double>(), initial.bias(1).cast<double>()};
    double loss = 0.0;
    int correct = 0;
    for (std::size_t i = 0; i < split.train.size(); ++i) {
        const ForwardPass pass = forward(initial, sample_features(split.train, i));
        const LossValue value = evaluate_loss(initial.loss(), pass.output_pre_activation(), split.train.y[i]);
        const auto updates = compute_updates(pass, backward(initial, pass, value.gradient_z), config.learning_rate);
        for (std::size_t l = 0; l < updates.size(); ++l) {
            expected[l] += updates[l].delta_weights().cast<double>();
            expected_bias[l] += updates[l].delta_bias.cast<double>();
        }
        loss += value.loss;
        Eigen::Index predicted = 0;
        pass.output().maxCoeff(&predicted);
        correct += predicted == split.train.y[i];
    }
    for (int l = 0; l < 2; ++l) {
        const Eigen::MatrixXd change = expected[static_cast<std::size_t>(l)] - initial.weights()[static_cast<std::size_t>(l)].cast<double>();
        ASSERT_GT(change.cwiseAbs().maxCoeff(), 1e-3) << "the batch must move the weights";
        const double error = (trained.weights()[static_cast<std::size_t>(l)].cast<double>() - expected[static_cast<std::size_t>(l)]).cwiseAbs().maxCoeff();
        EXPECT_LT(error, 1e-5) << "layer " << l;
        EXPECT_LT((trained.bias(l).cast<double>() - expected_bias[static_cast<std::size_t>(l)]).cwiseAbs().maxCoeff(), 1e-5) << "layer " << l;
    }
    ASSERT_EQ(history.size(), 1u);
    EXPECT_NEAR(history[0].loss, loss / 120.0, 1e-6);
    EXPECT_EQ(history[0].train_accuracy, correct / 120.0);
}

// Records what the trainer asks of an array: the batch sizes read and the simulated time evolved.
class RecordingArray final : public WeightArray {
public:
    RecordingArray(const Eigen::MatrixXf& w, std::vector<long>& batches, double& evolved_s) : ideal_(w), batches_(batches), evolved_s_(evolved_s) {}
    Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override { return ideal_.multiply(x); }
    Eigen::MatrixXf multiply_batch(const Eigen::MatrixXf& x) const override {
        batches_.push_back(x.cols());
        return WeightArray::multiply_batch(x);
    }
    Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override { return ideal_.multiply_transposed(d); }
    void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& d, float lr) override { ideal_.apply_outer_product(x, d, lr); }
    void apply_weight_changes(const Eigen::MatrixXf& dw) override { ideal_.apply_weight_changes(dw); }
    void evolve(double dt_s) override { evolved_s_ += dt_s; }
    Eigen::MatrixXf weights() const override { return ideal_.weights(); }
    ArrayCheckpoint checkpoint() const override { return ideal_.checkpoint(); }
    void restore(const ArrayCheckpoint& c) override { ideal_.restore(c); }

private:
    IdealArray ideal_;
    std::vector<long>& batches_;
    double& evolved_s_;
};

// 10 samples in batches of 4: reads of 4, 4 and a last, short batch of 2; with evolve_every 3 the
// arrays evolve over every whole group of 3 samples passed, then over the leftover: 10 sample
// periods in all, as with per-sample steps. The test set (30) is read in batches of 4 too.
TEST(MiniBatch, TheLastBatchIsShortAndEverySamplePeriodIsEvolved) {
    Split split = scaled_iris();
    split.train = first_samples(split.train, 10);
    std::vector<long> batches;
    double evolved_s = 0.0;
    Network network(NetworkConfig{{4, 3}, {}, Loss::softmax_cross_entropy, 1},
                    [&](int, const Eigen::MatrixXf& w) { return std::make_unique<RecordingArray>(w, batches, evolved_s); });
    TrainingConfig config{1, 0.01f, 5, 0.25, 3};
    config.batch_size = 4;
    const auto history = train(network, split.train, split.test, config);
    const std::vector<long> expected{4, 4, 2, 4, 4, 4, 4, 4, 4, 4, 2};
    EXPECT_EQ(batches, expected);
    EXPECT_DOUBLE_EQ(evolved_s, 10 * 0.25);
    EXPECT_DOUBLE_EQ(history.at(0).simulated_time_s, 10 * 0.25);
}

TEST(MiniBatch, BatchedEvaluationEqualsPerSampleEvaluation) {
    const Split split = scaled_iris();
    Network network = iris_network();
    train(network, split.train, split.test, TrainingConfig{3, 0.05f, 2});
    const double per_sample = evaluate(network, split.test, OnConvergenceFailure::stop).accuracy;
    for (int batch : {2, 7, 30, 100}) EXPECT_EQ(evaluate(network, split.test, OnConvergenceFailure::stop, {}, batch).accuracy, per_sample) << batch;
}

// An array with no dense write (the default WeightArray::apply_weight_changes) refuses a batch,
// naming the key to change; batch_size < 1 is refused by validate.
TEST(MiniBatch, ArraysWithoutADenseWriteAndBadBatchSizesAreRefused) {
    struct RankOneOnly final : public WeightArray {
        explicit RankOneOnly(const Eigen::MatrixXf& w) : ideal(w) {}
        Eigen::VectorXf multiply(const Eigen::VectorXf& x) const override { return ideal.multiply(x); }
        Eigen::VectorXf multiply_transposed(const Eigen::VectorXf& d) const override { return ideal.multiply_transposed(d); }
        void apply_outer_product(const Eigen::VectorXf& x, const Eigen::VectorXf& d, float lr) override { ideal.apply_outer_product(x, d, lr); }
        Eigen::MatrixXf weights() const override { return ideal.weights(); }
        ArrayCheckpoint checkpoint() const override { return ideal.checkpoint(); }
        void restore(const ArrayCheckpoint& c) override { ideal.restore(c); }
        IdealArray ideal;
    };
    const Split split = scaled_iris();
    Network network(NetworkConfig{{4, 3}, {}, Loss::softmax_cross_entropy, 1},
                    [](int, const Eigen::MatrixXf& w) { return std::make_unique<RankOneOnly>(w); });
    TrainingConfig config{1, 0.01f, 5};
    config.batch_size = 8;
    try {
        train(network, split.train, split.test, config);
        FAIL() << "a rank-1-only array must refuse a batch";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("training.batch_size"), std::string::npos) << e.what();
    }
    config.batch_size = 0;
    EXPECT_THROW(validate(config), ParameterError);
}

}  // namespace
}  // namespace cimkit::training
