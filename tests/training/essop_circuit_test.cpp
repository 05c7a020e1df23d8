// ESSOP's trains driving the spice update circuit (training/spice_array.cpp, circuits/slot_trains.hpp)
// against the compact essop rule, count for count: the coincidences the circuit's storage nodes
// integrate equal those counted from the same bits for every line pattern, and a SpiceArray whose
// updates run through the circuit writes the same devices, bit for bit, as the compact rule from the
// same seed (the same stream gives the same bits, and the pairs get the same pulses).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "circuits/resident_update.hpp"
#include "devices/registry.hpp"
#include "training/spice_array.hpp"
#include "training/update_rules/essop.hpp"

namespace cimkit::training {
namespace {

const std::filesystem::path netlist_dir = CIMKIT_NETLIST_DIR;

// A 6-output x 3-input layer (6 x 3 weights) on the MOSFET synapse of the iris presets, BL 10.
constexpr int outputs = 6, inputs = 3;

Eigen::VectorXf values(int n, float low, float high, std::uint64_t seed) {
    Rng rng(seed);
    Eigen::VectorXf v(n);
    for (int k = 0; k < n; ++k) v(k) = static_cast<float>(low + (high - low) * rng.uniform());
    return v;
}

DeviceArrayOptions essop(EssopLines lines) {
    DeviceArrayOptions o;
    o.update_mode = "essop";
    o.essop_lines = lines;
    o.stochastic_bit_length = 10;
    return o;
}

// A learning rate at which the largest pair expects 4 coincidences (BL p q = lr x_max d_max / dw_pulse).
float busy_learning_rate(const Eigen::VectorXf& x, const Eigen::VectorXf& delta, double dw_pulse) {
    return static_cast<float>(4.0 * dw_pulse / (x.cwiseAbs().maxCoeff() * delta.cwiseAbs().maxCoeff()));
}

// For each pattern, three updates' trains drawn by EssopTrains from one stream drive one resident
// circuit; slot_counts (|dV| / dV_slot, within 5 % of a whole slot or refused) equals
// coincidence_counts (the compact rule's n_ij, from the bits) for all 18 cells, and the trains are
// busy enough to mean something (dozens of coincidences, some cells without any).
TEST(EssopCircuit, IntegratedCoincidencesEqualTheCompactCountsForEveryLinePattern) {
    const auto model = builtin_devices().find("mosfet").make({});
    const circuits::UpdateEncoding encoding;
    circuits::ResidentUpdateCircuit circuit(inputs, outputs, encoding, netlist_dir);
    const double dw_pulse = 0.01;  // only scales the probabilities; the lr below makes them large
    for (const EssopLines lines : {EssopLines::shared, EssopLines::rotated, EssopLines::independent}) {
        Rng rng(11);
        int total = 0, empty = 0;
        for (int update = 0; update < 3; ++update) {
            const Eigen::VectorXf x = values(inputs, -1.0f, 1.0f, 100 + update);
            const Eigen::VectorXf delta = values(outputs, -0.5f, 0.5f, 200 + update);
            EssopTrains trains;
            ASSERT_TRUE(trains.prepare(x, delta, busy_learning_rate(x, delta, dw_pulse), essop(lines), dw_pulse));
            trains.draw(rng);
            const circuits::SlotTrains slots = essop_slot_trains(trains, x, delta);
            circuit.start_slots(slots);
            const std::vector<int> integrated = circuits::slot_counts(circuit.finish(), slots, encoding);
            const std::vector<int> counted = trains.coincidence_counts();
            EXPECT_EQ(integrated, counted) << to_string(lines) << " update " << update;
            total += std::accumulate(counted.begin(), counted.end(), 0);
            empty += static_cast<int>(std::count(counted.begin(), counted.end(), 0));
        }
        EXPECT_GT(total, 20) << to_string(lines);
        EXPECT_GT(empty, 0) << to_string(lines);
    }
}

// The whole path: a SpiceArray whose essop updates run through the circuit and a compact DeviceArray,
// same devices, weights, options and seed (MOSFET with its step noise: the pulses draw from the same
// stream, after all the bits in both). After five updates of changing sign the conductances are
// identical, as are the pulses and random numbers counted; the circuit's energy is counted.
TEST(EssopCircuit, SpiceArrayWritesTheSameDevicesAsTheCompactRule) {
    const auto model = builtin_devices().find("mosfet").make({});
    SpiceOptions spice;
    spice.update_circuit_max_devices = 1000;
    SpiceSession session(*model, spice);
    const DeviceArrayOptions options = essop(EssopLines::rotated);
    const Rng rng(3);
    Rng c = rng.stream(99);
    const DeviceCalibration calibration = calibrate_device(*model, 64, c);
    Eigen::MatrixXf w0(outputs, inputs);
    for (int j = 0; j < inputs; ++j) w0.col(j) = values(outputs, -0.5f, 0.5f, 300 + j);
    SpiceArray circuit(session, *model, calibration, w0, options, rng);
    DeviceArray compact(*model, calibration, w0, options, rng);
    ASSERT_TRUE(circuit.uses_update_circuit());
    for (int update = 0; update < 5; ++update) {
        const Eigen::VectorXf x = values(inputs, 0.0f, 1.0f, 400 + update);
        const Eigen::VectorXf delta = values(outputs, -0.5f, 0.5f, 500 + update);
        const float lr = busy_learning_rate(x, delta, compact.pulse_weight_step());
        circuit.apply_outer_product(x, delta, lr);
        circuit.finish_updates();
        compact.apply_outer_product(x, delta, lr);
    }
    EXPECT_GT(compact.counters().update_pulses, 20u);
    EXPECT_EQ(circuit.devices().counters().update_pulses, compact.counters().update_pulses);
    EXPECT_EQ(circuit.devices().counters().update_random_numbers, compact.counters().update_random_numbers);
    for (const PairSide side : {PairSide::plus, PairSide::minus}) {
        EXPECT_EQ(circuit.devices().conductances_S(side), compact.conductances_S(side));
    }
    EXPECT_GT(circuit.activity().update_circuit_energy_J, 0.0);
}

}  // namespace
}  // namespace cimkit::training
