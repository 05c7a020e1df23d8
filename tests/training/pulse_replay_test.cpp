// Replaying a write's pulses (training/device_array/pulse_replay.hpp), with stand-in replays whose
// answer is known: the model's own prediction must leave every bit as it was without a replay, the
// states before the write must undo it, and a programming write must not be replayed.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "devices/pcm.hpp"
#include "devices/registry.hpp"
#include "training/device_array.hpp"

namespace cimkit::training {
namespace {

Eigen::VectorXf uniform_vector(int size, float low, float high, Rng& rng) {
    Eigen::VectorXf v(size);
    for (int k = 0; k < size; ++k) v(k) = static_cast<float>(low + (high - low) * rng.uniform());
    return v;
}

// A replay whose circuit "reaches" the history's `answer` state, counting the pulses it was given in `noted`.
PulseReplay stand_in_replay(DeviceState PulseHistory::*answer, std::uint64_t& noted) {
    return [answer, &noted](const std::vector<PulseHistory>& histories) {
        std::vector<DeviceState> reached;
        for (const PulseHistory& h : histories) {
            noted += h.polarities.size();
            reached.push_back(h.*answer);
        }
        return reached;
    };
}

Eigen::MatrixXf initial_weights() {
    Rng rng(4);
    return uniform_vector(7 * 5, -0.8f, 0.8f, rng).reshaped(7, 5);
}

// PCM (noisy pulses and reads, drift, refresh by RESET and programming): a replay that answers with
// the prediction gives the run without a replay, bit for bit, reads included (the read cache follows).
TEST(PulseReplay, ReplayingThePredictionsChangesNothing) {
    const PcmDevice pcm;
    const Eigen::MatrixXf w0 = initial_weights();
    DeviceArrayOptions options;
    DeviceArray plain(pcm, w0, options, Rng(5));
    DeviceArray replayed(pcm, w0, options, Rng(5));
    std::uint64_t noted = 0;
    replayed.set_pulse_replay(stand_in_replay(&PulseHistory::predicted, noted));
    Rng data(6);
    for (int step = 0; step < 40; ++step) {
        const Eigen::VectorXf x = uniform_vector(5, -1.0f, 1.0f, data), d = uniform_vector(7, -1.0f, 1.0f, data);
        plain.apply_outer_product(x, d, 0.3f);
        replayed.apply_outer_product(x, d, 0.3f);
        if (step % 10 == 9) {
            plain.evolve(37.0);
            replayed.evolve(37.0);
        }
        ASSERT_EQ(plain.multiply(x), replayed.multiply(x)) << "step " << step;
    }
    EXPECT_EQ(plain.weights(), replayed.weights());
    EXPECT_GT(replayed.counters().refreshes, 0u);  // refreshes ran: their programming drops notes
    EXPECT_GT(noted, 0u);
    EXPECT_LE(noted, replayed.counters().update_pulses);
}

// A bidirectional table device with no programming in its writes: every pulse is noted once, and a
// replay that answers with the states before the write undoes it, weights and reads alike.
TEST(PulseReplay, ReplayToTheStartUndoesEveryPulse) {
    const auto table = builtin_devices().find("table").make({});
    const Eigen::MatrixXf w0 = initial_weights();
    DeviceArrayOptions options;
    DeviceArray untouched(*table, w0, options, Rng(5));
    DeviceArray undone(*table, w0, options, Rng(5));
    std::uint64_t noted = 0;
    undone.set_pulse_replay(stand_in_replay(&PulseHistory::before, noted));
    Rng data(6);
    for (int step = 0; step < 20; ++step) {
        const Eigen::VectorXf x = uniform_vector(5, -1.0f, 1.0f, data), d = uniform_vector(7, -1.0f, 1.0f, data);
        undone.apply_outer_product(x, d, 0.3f);
        ASSERT_EQ(undone.weights(), untouched.weights()) << "step " << step;
        ASSERT_EQ(undone.conductances_S(), untouched.conductances_S()) << "step " << step;
    }
    EXPECT_EQ(undone.counters().refreshes, 0u);
    EXPECT_GT(noted, 20u);
    EXPECT_EQ(noted, undone.counters().update_pulses);
}

// `exact` updates program every pair (set_level): nothing to replay.
TEST(PulseReplay, ProgrammingWritesAreNotReplayed) {
    const PcmDevice pcm;
    DeviceArrayOptions options;
    options.update_mode = "exact";
    DeviceArray array(pcm, initial_weights(), options, Rng(5));
    int replays = 0;
    array.set_pulse_replay([&](const std::vector<PulseHistory>& histories) {
        ++replays;
        std::vector<DeviceState> reached;
        for (const PulseHistory& h : histories) reached.push_back(h.predicted);
        return reached;
    });
    Rng data(6);
    for (int step = 0; step < 5; ++step) array.apply_outer_product(uniform_vector(5, -1.0f, 1.0f, data), uniform_vector(7, -1.0f, 1.0f, data), 0.3f);
    EXPECT_GT(array.counters().programming_writes, 0u);
    EXPECT_EQ(replays, 0);
}

}  // namespace
}  // namespace cimkit::training
