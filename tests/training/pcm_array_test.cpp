// PCM read noise and global drift compensation in the compact engine's reads
// (training/device_array/read_model.hpp): the spread of every read against the 1/f model written out
// again here from docs/physics-sources.md#phase-change-memory, the streams, and the compensation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "devices/pcm.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {
namespace {

constexpr double t0_s = 20.0, t_read_s = 250e-9, g_max_S = 25e-6;

PcmDevice pcm(const std::vector<std::pair<std::string, std::string>>& keys) {
    std::vector<Setting> settings;
    for (const auto& [key, value] : keys) settings.push_back({key, value, "pcm_array_test"});
    return PcmDevice(settings);
}

Eigen::MatrixXf random_weights(int rows, int cols, float limit, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::MatrixXf w(rows, cols);
    for (int j = 0; j < cols; ++j) {
        for (int i = 0; i < rows; ++i) w(i, j) = static_cast<float>(limit * (2.0 * rng.uniform() - 1.0));
    }
    return w;
}

Eigen::VectorXf positive_vector(int size, std::uint64_t seed) { return random_weights(size, 1, 1.0f, seed).col(0).cwiseAbs(); }

// sigma_read / g of one device from its state: Q_s(g_prog / g_max) sqrt(ln((t + t0 + t_read)/(2 t_read))).
double relative_read_noise(const DeviceState& s) {
    const double g_T = std::max(s.x[PcmDevice::g_prog_S] / g_max_S, 1e-12);
    const double t = s.x[PcmDevice::time_s];
    return std::min(0.0088 / std::pow(g_T, 0.65), 0.2) * std::sqrt(std::log((t + t0_s + t_read_s) / (2.0 * t_read_s)));
}

double conductance(const PcmDevice& model, const DeviceState& s) { return model.conductance_S(s); }

// The spread of output o when line l carries the input u_l: each device conducts g (1 + r N(0,1)) under
// V_l = v_read u_l / u_max, and y = w_max u_max (I+ - I-) / (g_range v_read), so
// sigma_o = (w_max / g_range) sqrt(sum_l u_l^2 ((g+ r+)^2 + (g- r-)^2)), whatever u_max is.
Eigen::VectorXd expected_std(const PcmDevice& model, const DeviceArray& array, const Eigen::VectorXf& input, bool transposed) {
    const int outputs = transposed ? array.cols() : array.rows(), lines = transposed ? array.rows() : array.cols();
    Eigen::VectorXd variance = Eigen::VectorXd::Zero(outputs);
    for (int o = 0; o < outputs; ++o) {
        for (int l = 0; l < lines; ++l) {
            const int row = transposed ? l : o, col = transposed ? o : l;
            const DeviceState& plus = array.device(row, col, PairSide::plus);
            const DeviceState& minus = array.device(row, col, PairSide::minus);
            const double a = conductance(model, plus) * relative_read_noise(plus), b = conductance(model, minus) * relative_read_noise(minus);
            const double u = input(l);
            variance(o) += u * u * (a * a + b * b);
        }
    }
    const double scale = array.options().w_max / array.calibration().g_range_S();
    return variance.cwiseSqrt() * scale;
}

struct Sampled {
    Eigen::VectorXd mean, std;
};

template <typename Read>
Sampled sample(int n, int size, Read read) {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(size), squares = Eigen::VectorXd::Zero(size);
    std::vector<Eigen::VectorXd> reads;
    for (int k = 0; k < n; ++k) {
        const Eigen::VectorXd y = read().template cast<double>();
        sum += y;
        reads.push_back(y);
    }
    const Eigen::VectorXd mean = sum / n;
    for (const auto& y : reads) squares += (y - mean).cwiseAbs2();
    return {mean, (squares / (n - 1)).cwiseSqrt()};
}

void expect_matches(const Sampled& s, const Eigen::VectorXf& noise_free, const Eigen::VectorXd& sigma, int n, const char* what) {
    for (Eigen::Index i = 0; i < sigma.size(); ++i) {
        EXPECT_NEAR(s.mean(i), noise_free(i), 5.0 * sigma(i) / std::sqrt(n)) << what << " output " << i;
        EXPECT_NEAR(s.std(i), sigma(i), 5.0 * sigma(i) / std::sqrt(2.0 * n)) << what << " output " << i;
    }
}

// Every read, forward and transposed, and the spice engine's path (forward_output of the
// noise-free line currents), is a fresh draw whose spread is the devices' 1/f noise summed on the
// line: mean and standard deviation over 20 000 reads within 5 sampling errors of the formula.
// The devices have drifted for an hour after programming, so r includes the t + t0 of the band.
TEST(PcmArrayReadNoise, EveryReadSpreadsAsTheSummedDeviceNoise) {
    const PcmDevice noisy = pcm({});
    const PcmDevice quiet = pcm({{"read_noise", "0"}});
    const Eigen::MatrixXf w = random_weights(3, 5, 0.8f, 1);
    DeviceArray array(noisy, w, DeviceArrayOptions{}, Rng(2));
    DeviceArray twin(quiet, w, DeviceArrayOptions{}, Rng(2));  // the same devices (read_noise draws nothing)
    array.evolve(3600.0);
    twin.evolve(3600.0);
    const int n = 20000;

    const Eigen::VectorXf x = positive_vector(5, 3);
    const Sampled forward = sample(n, 3, [&] { return array.multiply(x); });
    expect_matches(forward, twin.multiply(x), expected_std(noisy, array, x, false), n, "forward");

    const Eigen::VectorXf d = random_weights(3, 1, 1.0f, 4).col(0);
    const Sampled backward = sample(n, 5, [&] { return array.multiply_transposed(d); });
    expect_matches(backward, twin.multiply_transposed(d), expected_std(noisy, array, d, true), n, "transposed");

    // The spice engine's split read: the circuit's noise-free currents, the noise added per read.
    const Eigen::VectorXd volts = twin.forward_drive_V(x);
    Eigen::VectorXd net_A = Eigen::VectorXd::Zero(3);
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 5; ++j) {
            net_A(i) += noisy.current_A(volts(j), array.device(i, j, PairSide::plus)) - noisy.current_A(volts(j), array.device(i, j, PairSide::minus));
        }
    }
    const Sampled spice = sample(n, 3, [&] { return array.forward_output(volts, net_A); });
    expect_matches(spice, twin.forward_output(volts, net_A), expected_std(noisy, array, x, false), n, "spice path");
}

// The noise comes from the array's own read stream: same seed, bit-identical reads; read_noise = 0
// reads exactly the noise-free twin; a checkpoint taken between reads resumes the same draws.
TEST(PcmArrayReadNoise, ReadStreamIsSeededSwitchableAndCheckpointed) {
    const PcmDevice noisy = pcm({});
    const PcmDevice quiet = pcm({{"read_noise", "0"}});
    const Eigen::MatrixXf w = random_weights(4, 6, 0.6f, 5);
    const Eigen::VectorXf x = positive_vector(6, 6);
    DeviceArray a(noisy, w, DeviceArrayOptions{}, Rng(7)), b(noisy, w, DeviceArrayOptions{}, Rng(7));
    DeviceArray off(quiet, w, DeviceArrayOptions{}, Rng(7));
    const Eigen::VectorXf first = a.multiply(x);
    EXPECT_EQ(first, b.multiply(x));
    EXPECT_NE(first, a.multiply(x)) << "a fresh draw per read";
    EXPECT_EQ(off.multiply(x), off.multiply(x));

    const ArrayCheckpoint saved = a.checkpoint();
    const Eigen::VectorXf next = a.multiply(x), after = a.multiply_transposed(positive_vector(4, 8));
    DeviceArray resumed(noisy, w, DeviceArrayOptions{}, Rng(7));  // its read stream would give `first` again
    resumed.restore(saved);
    EXPECT_EQ(resumed.multiply(x), next);
    EXPECT_EQ(resumed.multiply_transposed(positive_vector(4, 8)), after);
}

// A checkpoint written before the cached drift slots existed holds 0 there. Restored, the model
// recomputes them from g_prog, nu and the time since programming, so every device conducts exactly
// what it conducted when the checkpoint was taken (not 0 S).
TEST(PcmArrayCheckpoint, CachedDriftSlotsAreRecomputedOnRestore) {
    const PcmDevice model = pcm({{"read_noise", "0"}});
    DeviceArray array(model, random_weights(3, 4, 0.6f, 9), DeviceArrayOptions{}, Rng(10));
    array.evolve(3600.0);
    ArrayCheckpoint old_file = array.checkpoint();
    for (const char* side : {"plus", "minus"}) {
        std::vector<double>& states = old_file.at(side);
        for (std::size_t k = 0; k < states.size(); k += 8) {
            states[k + PcmDevice::drift_factor] = 0.0;
            states[k + PcmDevice::read_noise_rel] = 0.0;
        }
    }
    DeviceArray resumed(model, Eigen::MatrixXf::Zero(3, 4), DeviceArrayOptions{}, Rng(10));  // the same calibration
    resumed.restore(old_file);
    for (const PairSide side : {PairSide::plus, PairSide::minus}) {
        EXPECT_EQ(resumed.conductances_S(side), array.conductances_S(side));
    }
    EXPECT_EQ(resumed.multiply(positive_vector(4, 12)), array.multiply(positive_vector(4, 12)));
}

// Global drift compensation, closed form. Programming and read noise off; every device drifts by
// its own f = ((t + t0)/t0)^-nu. The calibration read sum_ij |g+ f+ - g- f-| taken at programming
// time and again a day later sets one gain; the mean output magnitude over the outputs then matches
// the undrifted one within the relative spread of f across the devices (the part of nu's spread a
// single gain cannot undo), while uncompensated it is off by about 1 - E f (nu ~ 0.05-0.1: 34-57 %).
TEST(PcmArrayDriftCompensation, MeanOutputMatchesUndriftedWithinTheSpreadOfNu) {
    const PcmDevice model = pcm({{"prog_noise_scale", "0"}, {"read_noise", "0"}, {"g_max_spread_d2d", "0"}});
    const Eigen::MatrixXf w = random_weights(40, 60, 0.8f, 9);
    DeviceArray array(model, w, DeviceArrayOptions{}, Rng(10));
    const Eigen::VectorXf x = positive_vector(60, 11);
    const Eigen::VectorXf fresh = array.multiply(x);
    array.record_drift_reference();
    const double day_s = 86400.0;
    array.evolve(day_s);
    const Eigen::VectorXf drifted = array.multiply(x);
    array.compensate_drift();
    const Eigen::VectorXf compensated = array.multiply(x);

    std::vector<double> factors;
    for (int i = 0; i < 40; ++i) {
        for (int j = 0; j < 60; ++j) {
            for (PairSide side : {PairSide::plus, PairSide::minus}) {
                factors.push_back(std::pow((day_s + t0_s) / t0_s, -array.device(i, j, side).x[PcmDevice::nu]));
            }
        }
    }
    double sum = 0.0, squares = 0.0;
    for (double f : factors) sum += f;
    const double mean_f = sum / static_cast<double>(factors.size());
    for (double f : factors) squares += (f - mean_f) * (f - mean_f);
    const double relative_spread = std::sqrt(squares / static_cast<double>(factors.size() - 1)) / mean_f;

    const double scale = fresh.cwiseAbs().mean();
    const double drifted_error = std::abs(drifted.cwiseAbs().mean() - scale) / scale;
    const double compensated_error = std::abs(compensated.cwiseAbs().mean() - scale) / scale;
    std::printf("mean |y| %.4f; its relative error: drifted %.4f, compensated %.4f; spread of f %.4f; 1 - E f %.4f\n", scale,
                drifted_error, compensated_error, relative_spread, 1.0 - mean_f);
    EXPECT_LT(compensated_error, relative_spread);
    const double per_output_rms = (compensated - fresh).norm() / fresh.norm();
    EXPECT_LT(per_output_rms, 2.0 * relative_spread) << "each output, not only the mean";
    EXPECT_GT(drifted_error, 0.5 * (1.0 - mean_f)) << "a day of drift must show";
}

// Drift is a function of the time since programming, g(t) = g_prog ((t + t0)/t0)^-nu
// (docs/physics-sources.md#phase-change-memory): evolving through the times of a series (1 s, 1 h,
// 1 d, 30 d, 1 yr) in steps leaves every device where one evolve to the same time does, and at each
// time where the closed form puts it. The steps are whole seconds from a freshly programmed array, so
// the summed time is exact and the two agree bit for bit.
TEST(PcmArrayDrift, StepwiseEvolutionIsOneEvolveAndTheClosedForm) {
    const PcmDevice model = pcm({{"read_noise", "0"}});
    const Eigen::MatrixXf w = random_weights(6, 7, 0.8f, 21);
    DeviceArray stepwise(model, w, DeviceArrayOptions{}, Rng(22));
    DeviceArray at_once(model, w, DeviceArrayOptions{}, Rng(22));
    const std::vector<double> times = {1.0, 3600.0, 86400.0, 2592000.0, 31536000.0};
    double elapsed_s = 0.0;
    for (const double t : times) {
        stepwise.evolve(t - elapsed_s);
        elapsed_s = t;
        for (int i = 0; i < 6; ++i) {
            for (int j = 0; j < 7; ++j) {
                for (const PairSide side : {PairSide::plus, PairSide::minus}) {
                    const DeviceState& d = stepwise.device(i, j, side);
                    const double t_device = d.x[PcmDevice::time_s];
                    const double closed = d.x[PcmDevice::g_prog_S] * std::pow((t_device + t0_s) / t0_s, -d.x[PcmDevice::nu]);
                    EXPECT_NEAR(model.conductance_S(d), closed, 1e-12 * g_max_S) << "t = " << t;
                    EXPECT_EQ(t_device, t) << "every device counts the time since it was programmed";
                }
            }
        }
    }
    at_once.evolve(times.back());
    for (const PairSide side : {PairSide::plus, PairSide::minus}) EXPECT_EQ(stepwise.conductances_S(side), at_once.conductances_S(side));
}

// The compensation scales reads only: removed, the array reads as one never compensated, and a later
// compensate_drift() compares with the reference recorded at programming (not with the last gain).
TEST(PcmArrayDriftCompensation, RemovedCompensationLeavesTheDevicesAndTheReference) {
    const PcmDevice model = pcm({{"read_noise", "0"}});
    const Eigen::MatrixXf w = random_weights(8, 9, 0.8f, 31);
    const Eigen::VectorXf x = positive_vector(9, 32);
    DeviceArray compensated(model, w, DeviceArrayOptions{}, Rng(33));
    DeviceArray never(model, w, DeviceArrayOptions{}, Rng(33));
    DeviceArray once(model, w, DeviceArrayOptions{}, Rng(33));
    compensated.record_drift_reference();
    once.record_drift_reference();
    compensated.evolve(3600.0);
    never.evolve(3600.0);
    EXPECT_EQ(compensated.multiply(x), never.multiply(x));
    compensated.compensate_drift();
    EXPECT_NE(compensated.multiply(x), never.multiply(x)) << "an hour of drift is compensated";
    compensated.remove_drift_compensation();
    EXPECT_EQ(compensated.multiply(x), never.multiply(x));
    compensated.evolve(86400.0 - 3600.0);
    never.evolve(86400.0 - 3600.0);
    once.evolve(86400.0);
    for (const PairSide side : {PairSide::plus, PairSide::minus}) EXPECT_EQ(compensated.conductances_S(side), never.conductances_S(side));
    EXPECT_EQ(compensated.multiply(x), never.multiply(x));
    compensated.compensate_drift();
    once.compensate_drift();
    EXPECT_EQ(compensated.multiply(x), once.multiply(x));
}

}  // namespace
}  // namespace cimkit::training
