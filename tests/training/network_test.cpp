#include "training/network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>
#include <tuple>

#include "devices/core/errors.hpp"
#include "training/loss.hpp"
#include "training/weight_array.hpp"

namespace cimkit::training {

// Readable names for the parameterised tests' failure messages.
void PrintTo(Activation activation, std::ostream* out) { *out << to_string(activation); }
void PrintTo(Loss loss, std::ostream* out) { *out << to_string(loss); }

namespace {

// The gradient check runs the analytic (float) backprop of the library against central finite
// differences of an independent double-precision re-implementation of the same network and loss.
// Finite differences in float would need h ~ 1e-2 and a loose ~1e-2 relative tolerance (rounding
// error eps/h against truncation error h^2); in double, h = 1e-6 makes both below 1e-9, so the only
// error left is the float rounding of the analytic gradient (~1e-7). The reference also checks that
// the library's forward pass matches it.
struct ReferenceNet {
    std::vector<Eigen::MatrixXd> w;
    std::vector<Eigen::VectorXd> b;
    std::vector<Activation> f;
    Loss loss = Loss::softmax_cross_entropy;
};

double reference_activation(Activation f, double z) {
    switch (f) {
        case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-z));
        case Activation::tanh: return std::tanh(z);
        case Activation::relu: return z > 0 ? z : 0.0;
        case Activation::identity: return z;
        case Activation::sigmoid_mos:
        case Activation::relu_mos: break;  // a circuit: no formula to check against
    }
    ADD_FAILURE() << "no reference for activation " << to_string(f);
    return z;
}

ReferenceNet reference_of(const Network& net) {
    ReferenceNet ref;
    for (int l = 0; l < net.layer_count(); ++l) {
        ref.w.push_back(net.array(l).weights().cast<double>());
        ref.b.push_back(net.bias(l).cast<double>());
        ref.f.push_back(net.activation(l));
    }
    ref.loss = net.loss();
    return ref;
}

// Returns the output pre-activation; collects every hidden pre-activation in `hidden_z`.
Eigen::VectorXd reference_forward(const ReferenceNet& ref, const Eigen::VectorXd& x, std::vector<double>* hidden_z = nullptr) {
    Eigen::VectorXd a = x, z;
    for (std::size_t l = 0; l < ref.w.size(); ++l) {
        z = ref.w[l] * a + ref.b[l];
        if (hidden_z && l + 1 < ref.w.size()) hidden_z->insert(hidden_z->end(), z.data(), z.data() + z.size());
        a = z.unaryExpr([&](double v) { return reference_activation(ref.f[l], v); });
    }
    return z;
}

// MSE: 1/2 sum (sigmoid(z) - onehot)^2; CE: log sum exp z - z_y (small logits here, no shift needed).
double reference_loss(const ReferenceNet& ref, const Eigen::VectorXd& x, int label) {
    const Eigen::VectorXd z = reference_forward(ref, x);
    if (ref.loss == Loss::softmax_cross_entropy) return std::log(z.array().exp().sum()) - z(label);
    double sum = 0;
    for (int k = 0; k < z.size(); ++k) sum += std::pow(reference_activation(Activation::sigmoid, z(k)) - (k == label), 2);
    return 0.5 * sum;
}

// `parameter_in_ref` is an entry of `ref`, nudged by +-h and restored.
double central_difference(const ReferenceNet& ref, double& parameter_in_ref, const Eigen::VectorXd& x, int label) {
    const double h = 1e-6, saved = parameter_in_ref;
    parameter_in_ref = saved + h;
    const double up = reference_loss(ref, x, label);
    parameter_in_ref = saved - h;
    const double down = reference_loss(ref, x, label);
    parameter_in_ref = saved;
    return (up - down) / (2 * h);
}

struct GradientError {
    double max_abs = 0, max_rel = 0;
};

// Compares -dW/lr and -db/lr (lr = 1) from compute_updates with the finite differences of every
// weight and bias; each parameter of `ref` is nudged in place and restored.
GradientError check_gradients(const Network& net, const Eigen::VectorXf& x, int label) {
    ReferenceNet ref = reference_of(net);
    const Eigen::VectorXd xd = x.cast<double>();
    const ForwardPass pass = forward(net, x);
    const LossValue loss = evaluate_loss(net.loss(), pass.output_pre_activation(), label);
    const auto updates = compute_updates(pass, backward(net, pass, loss.gradient_z), 1.0f);
    GradientError error;
    auto compare = [&](double analytic, double& parameter) {
        const double fd = central_difference(ref, parameter, xd, label);
        error.max_abs = std::max(error.max_abs, std::abs(analytic - fd));
        if (std::abs(fd) > 1e-3) error.max_rel = std::max(error.max_rel, std::abs(analytic - fd) / std::abs(fd));
    };
    for (int l = 0; l < net.layer_count(); ++l) {
        const Eigen::MatrixXf grad_w = -updates[l].delta_weights();
        for (int i = 0; i < grad_w.rows(); ++i) {
            for (int j = 0; j < grad_w.cols(); ++j) compare(grad_w(i, j), ref.w[l](i, j));
            compare(-updates[l].delta_bias(i), ref.b[l](i));
        }
    }
    EXPECT_NEAR(loss.loss, reference_loss(ref, xd, label), 1e-5);
    return error;
}

Eigen::VectorXf random_input(int n, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::VectorXf x(n);
    for (int i = 0; i < n; ++i) x(i) = static_cast<float>(2 * rng.uniform() - 1);
    return x;
}

// Every hidden pre-activation must stay clear of ReLU's kink, or a central difference straddles it.
void expect_clear_of_kink(const Network& net, const Eigen::VectorXf& x) {
    std::vector<double> hidden_z;
    reference_forward(reference_of(net), x.cast<double>(), &hidden_z);
    for (const double z : hidden_z) ASSERT_GT(std::abs(z), 1e-4);
}

std::string scientific(double value) {
    std::ostringstream text;
    text << std::scientific << std::setprecision(2) << value;
    return text.str();
}

class BackpropGradient : public ::testing::TestWithParam<std::tuple<Activation, Loss>> {};

TEST_P(BackpropGradient, MatchesFiniteDifferencesOnA3_4_2Network) {
    const auto [hidden, loss] = GetParam();
    GradientError worst;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const Network net(NetworkConfig{{3, 4, 2}, {hidden}, loss, seed});
        const Eigen::VectorXf x = random_input(3, 100 + seed);
        const int label = static_cast<int>(seed % 2);
        expect_clear_of_kink(net, x);
        const GradientError error = check_gradients(net, x, label);
        EXPECT_LT(error.max_abs, 1e-6) << "seed " << seed;
        worst.max_abs = std::max(worst.max_abs, error.max_abs);
        worst.max_rel = std::max(worst.max_rel, error.max_rel);
    }
    RecordProperty("max_abs_error", scientific(worst.max_abs));
    RecordProperty("max_rel_error", scientific(worst.max_rel));
}

INSTANTIATE_TEST_SUITE_P(EveryActivationAndLoss, BackpropGradient,
                         ::testing::Combine(::testing::Values(Activation::sigmoid, Activation::tanh, Activation::relu,
                                                              Activation::identity),
                                            ::testing::Values(Loss::mean_squared_error, Loss::softmax_cross_entropy)),
                         [](const auto& info) {
                             return to_string(std::get<0>(info.param)) + "_" + to_string(std::get<1>(info.param));
                         });

// Three hidden layers with different activations: the recursion through multiply_transposed.
TEST(BackpropGradientDeep, MatchesFiniteDifferencesThroughThreeHiddenLayers) {
    for (const Loss loss : {Loss::mean_squared_error, Loss::softmax_cross_entropy}) {
        const Network net(NetworkConfig{{3, 5, 4, 4, 3}, {Activation::tanh, Activation::sigmoid, Activation::relu}, loss, 7});
        const Eigen::VectorXf x = random_input(3, 11);
        expect_clear_of_kink(net, x);
        const GradientError error = check_gradients(net, x, 2);
        EXPECT_LT(error.max_abs, 1e-6) << to_string(loss);
        RecordProperty("max_abs_error_" + to_string(loss), scientific(error.max_abs));
    }
}

TEST(Forward, MatchesTheDoubleReference) {
    const Network net(NetworkConfig{{4, 6, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 3});
    const Eigen::VectorXf x = random_input(4, 5);
    const Eigen::VectorXd z = reference_forward(reference_of(net), x.cast<double>());
    const ForwardPass pass = forward(net, x);
    ASSERT_EQ(pass.activations.size(), 3u);
    ASSERT_EQ(pass.pre_activations.size(), 2u);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(pass.output_pre_activation()(k), z(k), 1e-6);
    EXPECT_EQ(pass.output(), pass.output_pre_activation());  // cross-entropy: identity output
}

// Reference: CE = -log p_y with p = softmax(z), computed here in double without the max shift.
TEST(Loss, SoftmaxCrossEntropyIsMinusLogProbabilityOfTheLabel) {
    const Eigen::VectorXf z = (Eigen::VectorXf(4) << 0.5f, -1.0f, 2.0f, 0.25f).finished();
    const Eigen::VectorXd e = z.cast<double>().array().exp();
    for (int y = 0; y < 4; ++y) {
        const LossValue v = softmax_cross_entropy(z, y);
        EXPECT_NEAR(v.loss, -std::log(e(y) / e.sum()), 1e-6);
        const Eigen::VectorXf expected = (e / e.sum()).cast<float>() - one_hot(y, 4);
        EXPECT_TRUE(v.gradient_z.isApprox(expected, 1e-6f));
        EXPECT_NEAR(v.gradient_z.sum(), 0.0f, 1e-6f);
    }
}

// log-sum-exp keeps huge logits finite: z = (1000, 0) gives L_0 = log(1 + e^-1000) = 0 and
// L_1 = 1000 + log(1 + e^-1000) = 1000.
TEST(Loss, SoftmaxCrossEntropyIsStableForLargeLogits) {
    const Eigen::VectorXf z = (Eigen::VectorXf(2) << 1000.0f, 0.0f).finished();
    EXPECT_EQ(softmax_cross_entropy(z, 0).loss, 0.0f);
    EXPECT_FLOAT_EQ(softmax_cross_entropy(z, 1).loss, 1000.0f);
    EXPECT_TRUE(softmax_cross_entropy(z, 1).gradient_z.allFinite());
    EXPECT_FLOAT_EQ(log_sum_exp((Eigen::VectorXf(2) << -1000.0f, -1000.0f).finished()), -1000.0f + std::log(2.0f));
}

// Closed form: z = (0, ln 3) gives sigmoid outputs a = (1/2, 3/4); against t = (0, 1),
// L = 1/2 (1/4 + 1/16) = 5/32 and dL/dz = (a - t) a (1 - a) = (1/8, -3/64). ln 3 is rounded to
// float, so the values involving it carry ~1e-7 relative error.
TEST(Loss, MeanSquaredErrorClosedForm) {
    const Eigen::VectorXf z = (Eigen::VectorXf(2) << 0.0f, std::log(3.0f)).finished();
    const LossValue v = mean_squared_error(z, Activation::sigmoid, one_hot(1, 2));
    EXPECT_NEAR(v.loss, 5.0f / 32.0f, 1e-7f);
    EXPECT_EQ(v.gradient_z(0), 1.0f / 8.0f);
    EXPECT_NEAR(v.gradient_z(1), -3.0f / 64.0f, 1e-7f);
    const LossValue identity = mean_squared_error(z, Activation::identity, one_hot(1, 2));
    EXPECT_FLOAT_EQ(identity.loss, 0.5f * (1.0f - std::log(3.0f)) * (1.0f - std::log(3.0f)));
    EXPECT_EQ(evaluate_loss(Loss::mean_squared_error, z, 1).loss, v.loss);
}

TEST(Loss, NamesRoundTripAndUnknownNamesAreRejected) {
    for (const Loss l : {Loss::mean_squared_error, Loss::softmax_cross_entropy}) EXPECT_EQ(parse_loss(to_string(l)), l);
    for (const Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity}) {
        EXPECT_EQ(parse_activation(to_string(a)), a);
    }
    EXPECT_THROW(parse_loss("hinge"), ParameterError);
    EXPECT_THROW(parse_activation("gelu"), ParameterError);
}

Eigen::MatrixXf sample_matrix() {
    return (Eigen::MatrixXf(2, 3) << 0.1f, -0.2f, 0.3f, 0.7f, 0.05f, -0.9f).finished();
}

// The update contract of IdealArray: w_ij - (lr delta_i) x_j, rounded as written, bit for bit.
TEST(IdealArray, OuterProductUpdateIsExact) {
    const Eigen::MatrixXf w = sample_matrix();
    const Eigen::VectorXf x = (Eigen::VectorXf(3) << 0.3f, -1.7f, 0.011f).finished();
    const Eigen::VectorXf delta = (Eigen::VectorXf(2) << 0.123f, -2.5f).finished();
    const float lr = 0.037f;
    IdealArray array(w);
    array.apply_outer_product(x, delta, lr);
    const Eigen::MatrixXf after = array.weights();
    for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 3; ++j) EXPECT_EQ(after(i, j), w(i, j) - (lr * delta(i)) * x(j)) << i << "," << j;
    }
}

TEST(IdealArray, ReadsAreMatrixVectorProducts) {
    const IdealArray array(sample_matrix());
    const Eigen::VectorXf x = (Eigen::VectorXf(3) << 1.0f, 2.0f, -1.0f).finished();
    const Eigen::VectorXf d = (Eigen::VectorXf(2) << 0.5f, -1.0f).finished();
    EXPECT_TRUE(array.multiply(x).isApprox(sample_matrix() * x));
    EXPECT_TRUE(array.multiply_transposed(d).isApprox(sample_matrix().transpose() * d));
}

// apply_to_array goes through the array and moves the weights by exactly delta_weights().
TEST(TrainingStep, ApplyToArrayAddsTheComputedUpdates) {
    Network net(NetworkConfig{{3, 4, 2}, {Activation::tanh}, Loss::softmax_cross_entropy, 9});
    const auto before = net.weights();
    const Eigen::VectorXf b0 = net.bias(0);
    const ForwardPass pass = forward(net, random_input(3, 1));
    const auto updates = compute_updates(pass, backward(net, pass, evaluate_loss(net.loss(), pass.output_pre_activation(), 1).gradient_z), 0.1f);
    apply_to_array(net, updates);
    for (int l = 0; l < 2; ++l) EXPECT_TRUE(net.weights()[l].isApprox(before[l] + updates[l].delta_weights(), 1e-6f));
    EXPECT_TRUE(net.bias(0).isApprox(b0 + updates[0].delta_bias, 1e-6f));
}

// Glorot & Bengio (2010): U(-s, s) with s = sqrt(6 / (n + m)); for 784 -> 100, s = 0.0824.
TEST(Initialisation, XavierUniformIsBoundedCentredAndSeeded) {
    Rng rng(4);
    const Eigen::MatrixXf w = xavier_uniform(100, 784, rng);
    const float s = std::sqrt(6.0f / 884.0f);
    EXPECT_LE(w.cwiseAbs().maxCoeff(), s);
    EXPECT_GT(w.cwiseAbs().maxCoeff(), 0.99f * s);
    EXPECT_NEAR(w.mean(), 0.0f, 0.01f * s);  // 78 400 draws: the mean's sd is s / sqrt(3 * 78400) = 0.002 s
    const Network a(NetworkConfig{{4, 8, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 1});
    const Network b(NetworkConfig{{4, 8, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 1});
    const Network c(NetworkConfig{{4, 8, 3}, {Activation::sigmoid}, Loss::softmax_cross_entropy, 2});
    EXPECT_EQ(a.weights()[1], b.weights()[1]);
    EXPECT_NE(a.weights()[1], c.weights()[1]);
    EXPECT_TRUE(a.bias(0).isZero());
}

// The output activation follows the loss; hidden ones follow the config.
TEST(NetworkConfig, OutputActivationIsSetByTheLoss) {
    const Network mse(NetworkConfig{{2, 3, 2}, {Activation::relu}, Loss::mean_squared_error, 0});
    EXPECT_EQ(mse.activation(0), Activation::relu);
    EXPECT_EQ(mse.activation(1), Activation::sigmoid);
    const Network ce(NetworkConfig{{2, 2}, {}, Loss::softmax_cross_entropy, 0});
    EXPECT_EQ(ce.activation(0), Activation::identity);
}

std::string config_error(const NetworkConfig& config) {
    try {
        validate(config);
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "";
}

TEST(NetworkConfig, ErrorsNameTheFieldValueAndRule) {
    EXPECT_NE(config_error({{4}, {}, Loss::mean_squared_error, 0}).find("at least the inputs and the outputs"), std::string::npos);
    EXPECT_NE(config_error({{4, 0, 3}, {Activation::tanh}, Loss::mean_squared_error, 0}).find("layer_sizes[1] = 0 is outside [1, 100000]"),
              std::string::npos);
    EXPECT_NE(config_error({{4, 8, 3}, {}, Loss::mean_squared_error, 0}).find("hidden_activations has 0 entries"), std::string::npos);
    EXPECT_EQ(config_error({{4, 8, 3}, {Activation::tanh}, Loss::mean_squared_error, 0}), "");
}

// Engines plug in through the factory; each layer receives its index and initial weights.
TEST(NetworkConfig, EveryLayerIsBuiltByTheFactory) {
    std::vector<int> seen;
    const ArrayFactory factory = [&](int layer, const Eigen::MatrixXf& w) {
        seen.push_back(layer);
        return make_ideal_array(layer, w);
    };
    const Network net(NetworkConfig{{5, 4, 3, 2}, {Activation::tanh, Activation::tanh}, Loss::softmax_cross_entropy, 0}, factory);
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(net.weights()[1].rows(), 3);
    EXPECT_EQ(net.weights()[1].cols(), 4);
}

}  // namespace
}  // namespace cimkit::training
