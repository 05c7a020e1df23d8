// Direct feedback alignment (training.rule = dfa; training/network.hpp): the feedback matrices are
// drawn from the seed as documented and live in arrays of their own, the hidden errors are
// (B_l^T e) .* f'(z_l) computed through those arrays, and a checkpoint carries them bit for bit.
// (The whole training against an independent numpy DFA: ctest dfa_matches_numpy_reference_*.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "devices/core/errors.hpp"
#include "training/network.hpp"

namespace cimkit::training {
namespace {

NetworkConfig three_hidden(LearningRule rule, std::uint64_t seed = 5) {
    return NetworkConfig{{6, 5, 4, 3, 2}, {Activation::sigmoid, Activation::tanh, Activation::relu}, Loss::softmax_cross_entropy, seed, rule};
}

// B_l = xavier_uniform(outputs, m_l) from Rng(seed).stream(feedback_stream + l), after the weights;
// the weights are the same draw as under backprop (the goldens' runs do not move), and the factory
// builds the feedback arrays as layers feedback_layer_base + l.
TEST(DirectFeedback, FeedbackMatricesAreDrawnFromTheSeedAfterTheWeights) {
    std::vector<int> built;
    const ArrayFactory factory = [&](int layer, const Eigen::MatrixXf& w) {
        built.push_back(layer);
        return make_ideal_array(layer, w);
    };
    const Network dfa(three_hidden(LearningRule::dfa), factory);
    const Network backprop(three_hidden(LearningRule::backprop));
    EXPECT_EQ(built, (std::vector<int>{0, 1, 2, 3, feedback_layer_base, feedback_layer_base + 1, feedback_layer_base + 2}));
    for (int l = 0; l < dfa.layer_count(); ++l) EXPECT_EQ(dfa.array(l).weights(), backprop.array(l).weights()) << l;
    for (int l = 0; l + 1 < dfa.layer_count(); ++l) {
        Rng rng = Rng(5).stream(feedback_stream + static_cast<std::uint64_t>(l));
        const Eigen::MatrixXf expected = xavier_uniform(2, dfa.layer_sizes()[l + 1], rng);
        EXPECT_EQ(dfa.feedback(l).weights(), expected) << l;
    }
    EXPECT_NE(dfa.feedback(0).weights(), Network(three_hidden(LearningRule::dfa, 6)).feedback(0).weights());
}

// delta_{L-1} = e (the loss gradient); delta_l = (B_l^T e) .* f_l'(z_l) for every hidden layer,
// against a double computation from the arrays' matrices; the weights above play no part.
TEST(DirectFeedback, HiddenErrorsAreTheOutputErrorThroughTheFeedbackArrays) {
    Network net(three_hidden(LearningRule::dfa));
    Eigen::VectorXf x(6);
    x << 0.3f, -0.2f, 0.9f, 0.1f, -0.7f, 0.5f;
    const ForwardPass pass = forward(net, x);
    const Eigen::VectorXf e = (Eigen::VectorXf(2) << 0.4f, -0.4f).finished();
    const std::vector<Eigen::VectorXf> deltas = backward(net, pass, e);
    EXPECT_EQ(deltas.back(), e);
    for (int l = 0; l + 1 < net.layer_count(); ++l) {
        const Eigen::VectorXd back = net.feedback(l).weights().cast<double>().transpose() * e.cast<double>();
        const Eigen::VectorXf slope = net.neuron(l).derivative(pass.pre_activations[l], pass.activations[l + 1]);
        const Eigen::VectorXd expected = back.cwiseProduct(slope.cast<double>());
        EXPECT_LT((deltas[l].cast<double>() - expected).cwiseAbs().maxCoeff(), 1e-6) << l;
    }
    // Changing a weight layer above leaves the hidden errors below it as they were.
    net.array(2).apply_outer_product(Eigen::VectorXf::Ones(4), Eigen::VectorXf::Ones(3), 0.5f);
    const std::vector<Eigen::VectorXf> again = backward(net, pass, e);
    EXPECT_EQ(again[1], deltas[1]);
}

// The checkpoint holds each hidden layer's feedback blocks ("feedback_weights" on the ideal engine);
// restoring it onto a network of another seed gives back the same B_l bit for bit.
TEST(DirectFeedback, CheckpointCarriesTheFeedbackArrays) {
    const Network original(three_hidden(LearningRule::dfa, 5));
    const NetworkCheckpoint c = take_checkpoint(original);
    for (int l = 0; l < 3; ++l) EXPECT_EQ(c.arrays[static_cast<std::size_t>(l)].count("feedback_weights"), 1u) << l;
    EXPECT_EQ(c.arrays[3].count("feedback_weights"), 0u);  // the output layer has none
    Network other(three_hidden(LearningRule::dfa, 9));
    restore_checkpoint(other, c);
    for (int l = 0; l < 3; ++l) EXPECT_EQ(other.feedback(l).weights(), original.feedback(l).weights()) << l;
    NetworkCheckpoint missing = c;
    missing.arrays[1].erase("feedback_weights");
    try {
        restore_checkpoint(other, missing);
        ADD_FAILURE() << "a checkpoint without layer 1's feedback array was accepted";
    } catch (const ParameterError& error) {
        EXPECT_NE(std::string(error.what()).find("layer 1: feedback array"), std::string::npos) << error.what();
    }
}

TEST(DirectFeedback, ANetworkWithoutHiddenLayersIsRefused) {
    const NetworkConfig flat{{4, 3}, {}, Loss::softmax_cross_entropy, 1, LearningRule::dfa};
    try {
        (void)Network(flat);
        ADD_FAILURE() << "dfa without hidden layers was accepted";
    } catch (const ParameterError& error) {
        EXPECT_NE(std::string(error.what()).find("training.rule = dfa"), std::string::npos) << error.what();
    }
    EXPECT_EQ(parse_learning_rule(to_string(LearningRule::dfa)), LearningRule::dfa);
    EXPECT_THROW(parse_learning_rule("feedback"), ParameterError);
}

}  // namespace
}  // namespace cimkit::training
