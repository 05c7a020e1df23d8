// The read cache (training/device_array/read_cache.hpp): the compact engine reads an ohmic model's
// devices from dense copies of their conductances and read noise, and must give the bits the read
// through the states gives. Reference (second method): the same PCM physics behind a model that does
// not declare itself ohmic, which the array reads device by device through current_A and
// read_noise_relative; the two arrays draw the same devices, pulses, drift and read noise, so every
// read must agree bit for bit, noise included, after pulses, refreshes, drift and a restore.
// A non-ohmic model (the gain cell's cubic read) gets no cache; its read is checked against (2) of
// training/device_array/read_model.hpp summed here in the same order, bit for bit.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "devices/forwarding_device.hpp"
#include "devices/gain_cell.hpp"
#include "devices/pcm.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {
namespace {

// PCM behind every virtual call, except that it does not promise an ohmic read: an array reads it
// through the states.
class PerDevicePcm final : public ForwardingDevice<PcmDevice> {
public:
    explicit PerDevicePcm(std::shared_ptr<const PcmDevice> pcm) : ForwardingDevice(std::move(pcm)) {}
    bool ohmic_read() const override { return false; }
};

Eigen::VectorXf uniform_vector(int size, float low, float high, Rng& rng) {
    Eigen::VectorXf v(size);
    for (int k = 0; k < size; ++k) v(k) = static_cast<float>(low + (high - low) * rng.uniform());
    return v;
}

// The same experiment on two arrays: pulse updates large enough to refresh pairs, drift steps, reads
// forward and transposed with signed inputs (some clipped, some exactly 0), compared bit for bit.
void expect_reads_agree(const DeviceArrayOptions& options) {
    const auto shared_pcm = std::make_shared<const PcmDevice>();  // IBM defaults: programming, step and read noise, drift, d2d spread
    const PcmDevice& pcm = *shared_pcm;
    const PerDevicePcm per_device(shared_pcm);
    Rng calibration_rng(3);
    const DeviceCalibration calibration = calibrate_device(pcm, 256, calibration_rng);
    Rng weight_rng(4);
    const Eigen::MatrixXf w0 = uniform_vector(12 * 9, -0.8f, 0.8f, weight_rng).reshaped(12, 9);
    DeviceArray cached(pcm, calibration, w0, options, Rng(5));
    DeviceArray reference(per_device, calibration, w0, options, Rng(5));
    Rng data(6);
    for (int step = 0; step < 40; ++step) {
        Eigen::VectorXf x = uniform_vector(9, -1.3f, 1.3f, data);
        x(step % 9) = 0.0f;
        const Eigen::VectorXf d = uniform_vector(12, -1.0f, 1.0f, data);
        ASSERT_EQ(cached.multiply(x), reference.multiply(x)) << "step " << step;
        ASSERT_EQ(cached.multiply_transposed(d), reference.multiply_transposed(d)) << "step " << step;
        cached.apply_outer_product(x, d, 0.3f);
        reference.apply_outer_product(x, d, 0.3f);
        if (step % 10 == 9) {
            cached.evolve(37.0);
            reference.evolve(37.0);
        }
    }
    EXPECT_GT(cached.counters().refreshes, 0u);  // the refresh path's writes were exercised
    EXPECT_EQ(cached.counters().read_energy_J, reference.counters().read_energy_J);
    EXPECT_EQ(cached.counters().clipped_inputs, reference.counters().clipped_inputs);
    // A restore writes the states directly: the cache must follow. Restore an early checkpoint into
    // the cached array and read both against the reference restored the same way.
    const ArrayCheckpoint early = reference.checkpoint();
    const Eigen::VectorXf x = uniform_vector(9, -1.0f, 1.0f, data);
    reference.evolve(1e4);
    cached.evolve(1e4);
    cached.restore(early);
    reference.restore(early);
    EXPECT_EQ(cached.multiply(x), reference.multiply(x));
}

TEST(ReadCache, CachedPcmReadEqualsTheReadThroughTheStates) {
    DeviceArrayOptions options;
    options.update_mode = "pulse";
    options.refresh_threshold = 0.3;
    expect_reads_agree(options);
}

// Two-phase reads and pulse-width inputs take the other branches of the line current.
TEST(ReadCache, CachedPcmReadEqualsTheReadThroughTheStatesForEveryEncoding) {
    DeviceArrayOptions options;
    options.refresh_threshold = 0.3;
    options.two_phase_read = true;
    expect_reads_agree(options);
    options.input_encoding = InputEncoding::pulse_width;
    expect_reads_agree(options);
    options.two_phase_read = false;
    expect_reads_agree(options);
}

// Reference: (2) for a device without noise, y_i = s (sum_j I(V_j, G+_ij) - sum_j I(V_j, G-_ij)),
// s = w_max x_max / ((G_high - G_low) v_read), each sum in j order as the read adds its lines.
TEST(ReadCache, NonOhmicGainCellIsReadThroughItsOwnCurrents) {
    const GainCell cell;
    DeviceArrayOptions options;
    options.update_mode = "exact";
    Rng weight_rng(7);
    const Eigen::MatrixXf w0 = uniform_vector(5 * 8, -0.9f, 0.9f, weight_rng).reshaped(5, 8);
    const DeviceArray array(cell, w0, options, Rng(8));
    Rng data(9);
    const Eigen::VectorXf x = uniform_vector(8, -1.0f, 1.0f, data);
    const double v_read = cell.read_voltage_V();
    Eigen::VectorXd plus_A = Eigen::VectorXd::Zero(5), minus_A = Eigen::VectorXd::Zero(5);
    for (int j = 0; j < 8; ++j) {
        const double v = v_read * (x(j) / options.x_max);
        for (int i = 0; i < 5; ++i) {
            plus_A(i) += cell.current_A(v, array.device(i, j, PairSide::plus));
            minus_A(i) += cell.current_A(v, array.device(i, j, PairSide::minus));
        }
    }
    const double scale = 1.0 * options.w_max * options.x_max / (array.calibration().g_range_S() * v_read);
    const Eigen::VectorXf expected = ((plus_A - minus_A) * scale).cast<float>();
    EXPECT_EQ(array.multiply(x), expected);
    // Not a constant-conductance read: halving the input does not halve the output.
    EXPECT_GT((array.multiply(0.5f * x) - 0.5f * expected).cwiseAbs().maxCoeff(), 1e-3f * expected.cwiseAbs().maxCoeff());
}

}  // namespace
}  // namespace cimkit::training
