// The hardware time of one training sample (training/sample_latency.hpp) against its parts' closed
// forms: read windows, SAR conversions, Elmore settling of wired lines, and each update scheme.
#include "training/sample_latency.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "circuits/update_circuit.hpp"
#include "devices/registry.hpp"
#include "training/update_rules/registry.hpp"

namespace cimkit::training {
namespace {

ExperimentSettings compact_mosfet() {
    ExperimentSettings s;
    s.engine = "compact";
    s.array.update_mode = "pulse";
    return s;
}

ExperimentSettings compact_mosfet_with_wires(double wire_ohm) {
    ExperimentSettings s = compact_mosfet();
    s.array.wire_ohm = wire_ohm;
    s.array.wire_farad = wire_ohm > 0.0 ? 1e-15 : 0.0;
    return s;
}

double pulse_s(const DeviceModel& model) { return std::max(model.nominal_pulse(+1).width_s, model.nominal_pulse(-1).width_s); }

// 4-8-3 without wires or converters: two forward reads of read_time_s each, one backward read (two
// windows for the MOSFET, whose I-V is not odd: its pairs are read backward in two phases; one for
// PCM), and the pulse update's two phases of max_pulses_per_update nominal pulses.
TEST(SampleLatency, ReadsAndPulseUpdatesAddUp) {
    const auto model = builtin_devices().find("mosfet").make({});
    const ExperimentSettings s = compact_mosfet();
    const SampleLatency l = sample_latency(s, {4, 8, 3}, model.get());
    EXPECT_DOUBLE_EQ(l.inference_s, 2 * s.array.read_time_s);
    EXPECT_DOUBLE_EQ(l.training_s, 4 * s.array.read_time_s + 2.0 * s.array.max_pulses_per_update * pulse_s(*model));
    const auto pcm = builtin_devices().find("pcm").make({});
    EXPECT_DOUBLE_EQ(sample_latency(s, {4, 8, 3}, pcm.get()).training_s,
                     3 * s.array.read_time_s + 2.0 * s.array.max_pulses_per_update * pulse_s(*pcm));
}

// A neuron circuit between the layers settles once per hidden layer before the next read.
TEST(SampleLatency, NeuronsSettleBeforeTheNextRead) {
    const auto model = builtin_devices().find("mosfet").make({});
    const ExperimentSettings s = compact_mosfet();
    const SampleLatency formula = sample_latency(s, {4, 8, 6, 3}, model.get());
    const SampleLatency circuit = sample_latency(s, {4, 8, 6, 3}, model.get(), 3e-9);
    EXPECT_NEAR(circuit.inference_s - formula.inference_s, 2 * 3e-9, 1e-21);
    EXPECT_NEAR(circuit.training_s - formula.training_s, 2 * 3e-9, 1e-21);
}

// An 8-bit SAR converter on every line adds 8 bits x t_bit to each of the three reads, the MOSFET's
// two-phase backward read converting twice.
TEST(SampleLatency, ConvertersAddTheirBitsToEveryRead) {
    const auto model = builtin_devices().find("mosfet").make({});
    ExperimentSettings s = compact_mosfet();
    const SampleLatency without = sample_latency(s, {4, 8, 3}, model.get());
    s.array.adc_bits = 8;
    s.array.adc_time_per_bit_s = 1.5e-9;
    const SampleLatency with = sample_latency(s, {4, 8, 3}, model.get());
    EXPECT_NEAR(with.training_s - without.training_s, 4 * 8 * 1.5e-9, 1e-21);
    EXPECT_NEAR(with.inference_s - without.inference_s, 2 * 8 * 1.5e-9, 1e-21);
}

// Input DACs convert before every read, forward and backward (each phase of the MOSFET's two-phase
// backward read drives its lines again): dac_time_s more per read, and nothing with analog drivers.
TEST(SampleLatency, InputDacsConvertBeforeEveryRead) {
    const auto model = builtin_devices().find("mosfet").make({});
    ExperimentSettings s = compact_mosfet();
    s.array.dac_time_s = 2.5e-9;
    const SampleLatency analog = sample_latency(s, {4, 8, 3}, model.get());
    EXPECT_DOUBLE_EQ(analog.training_s, sample_latency(compact_mosfet(), {4, 8, 3}, model.get()).training_s);
    s.array.dac_bits = 6;
    const SampleLatency with = sample_latency(s, {4, 8, 3}, model.get());
    EXPECT_NEAR(with.training_s - analog.training_s, 4 * 2.5e-9, 1e-21);
    EXPECT_NEAR(with.inference_s - analog.inference_s, 2 * 2.5e-9, 1e-21);
}

// Wires of R and C per segment on a 784 x (2 x 100) array: the slowest row-plus-column path's
// Elmore delay R C (200 x 201 / 2 + 784 x 785 / 2), settled to 1/2 LSB of 8 bits (ln 2^9 time
// constants), sets the window when it exceeds read_time_s.
TEST(SampleLatency, WiredLinesSetTheWindowByTheirElmoreDelay) {
    const auto model = builtin_devices().find("pcm").make({});
    ExperimentSettings s = compact_mosfet();
    s.array.wire_ohm = 100.0;
    s.array.wire_farad = 1e-15;
    const SampleLatency l = sample_latency(s, {784, 100}, model.get());
    const double elmore_s = 100.0 * 1e-15 * (200.0 * 201.0 / 2.0 + 784.0 * 785.0 / 2.0);
    const double window_s = elmore_s * std::log(512.0);
    ASSERT_GT(window_s, s.array.read_time_s);
    EXPECT_NEAR(l.inference_s, window_s, 1e-9 * window_s);
}

// Every update rule declares its update time: the latency asks the rule, never its name.
TEST(SampleLatency, EveryUpdateRuleDeclaresItsTime) {
    for (const UpdateRuleInfo& rule : update_rules()) EXPECT_NE(rule.update_time_s, nullptr) << rule.name;
}

// The spice engine's update circuit takes its window for |x| = 1, or under essop its trains' BL
// slots of slot_pulse_s + 3 row edges (BL 10: 10 x 2.5 ns = 25 ns against the 11 ns pulse window);
// exact updates program-and-verify.
TEST(SampleLatency, EachUpdateSchemeTakesItsOwnTime) {
    const auto model = builtin_devices().find("mosfet").make({});
    ExperimentSettings s = compact_mosfet();
    s.engine = "spice";
    s.spice.update_circuit_max_devices = 128;
    const double circuit_s = circuits::update_window_s({1.0}, s.spice.update_encoding);
    EXPECT_DOUBLE_EQ(sample_latency(s, {4, 8, 3}, model.get()).training_s, 4 * s.array.read_time_s + circuit_s);
    s.array.update_mode = "essop";
    const double trains_s = s.array.stochastic_bit_length * (s.spice.update_encoding.slot_pulse_s + 3 * s.spice.update_encoding.row_edge_s);
    EXPECT_NEAR(trains_s, 25e-9, 1e-20);
    EXPECT_DOUBLE_EQ(sample_latency(s, {4, 8, 3}, model.get()).training_s, 4 * s.array.read_time_s + trains_s);
    s.engine = "compact";
    s.array.update_mode = "exact";
    EXPECT_DOUBLE_EQ(sample_latency(s, {4, 8, 3}, model.get()).training_s,
                     4 * s.array.read_time_s + s.array.program_verify_iterations * (pulse_s(*model) + s.array.read_time_s));
    s.engine = "ideal";
    EXPECT_EQ(sample_latency(s, {4, 8, 3}, nullptr).training_s, 0.0);
}

// Direct feedback alignment (training.rule = dfa): the backward reads of the hidden layers come
// from their feedback arrays (10 weight rows over each hidden layer's 100 lines), which need only the
// output error and run in one parallel step. On 784-100-100-100-10 backprop reads three 100 x 100
// arrays one after the other; dfa one window: 1/3 of the time without wires, less with wires (the
// feedback arrays' lines are shorter). The issue asks for at most 1/2.5.
TEST(SampleLatency, DirectFeedbackReadsEveryHiddenLayerAtOnce) {
    const auto model = builtin_devices().find("mosfet").make({});  // two-phase backward reads
    const std::vector<int> sizes{784, 100, 100, 100, 10};
    for (const double wire_ohm : {0.0, 2.0}) {
        ExperimentSettings s = compact_mosfet_with_wires(wire_ohm);
        const SampleLatency backprop = sample_latency(s, sizes, model.get());
        s.training.rule = LearningRule::dfa;
        const SampleLatency dfa = sample_latency(s, sizes, model.get());
        const double hidden_read_s = sample_latency(compact_mosfet_with_wires(wire_ohm), {100, 100}, model.get()).inference_s;
        const double feedback_read_s = sample_latency(compact_mosfet_with_wires(wire_ohm), {100, 10}, model.get()).inference_s;
        EXPECT_NEAR(backprop.backward_s, 2 * 3 * hidden_read_s, 1e-12 * backprop.backward_s) << wire_ohm;
        EXPECT_NEAR(dfa.backward_s, 2 * feedback_read_s, 1e-12 * dfa.backward_s) << wire_ohm;
        EXPECT_LE(dfa.backward_s, backprop.backward_s / 2.5) << wire_ohm;
        EXPECT_DOUBLE_EQ(dfa.inference_s, backprop.inference_s);
        EXPECT_NEAR(backprop.training_s - dfa.training_s, backprop.backward_s - dfa.backward_s, 1e-12 * backprop.training_s);
    }
}

}  // namespace
}  // namespace cimkit::training
