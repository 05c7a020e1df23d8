// Slot trains through the resident update circuit (circuits/slot_trains.hpp): one coincidence moves a
// storage node by the closed form dV_slot = k max_column_V slot_pulse_s / storage_F, a row or a
// column firing alone moves nothing, the energy into the capacitors is C (n dV_slot)^2 / 2 per cell,
// and a read-back that is not a whole number of slots (or has the wrong sign) is refused.
#include "circuits/resident_update.hpp"
#include "circuits/slot_trains.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

const std::filesystem::path netlist_dir = CIMKIT_NETLIST_DIR;

// 2 rows x 2 columns, 4 slots: slot 0 row 0 with column 0; slot 1 row 1 alone; slot 2 every line;
// slot 3 column 1 alone. Coincidences: cell (0,0) 2, (0,1), (1,0), (1,1) one each (slot 2), so the
// lines that fire alone in slots 1 and 3 must leave nothing.
SlotTrains small_trains() {
    SlotTrains t;
    t.slots = 4;
    t.row_sign = {1.0, -1.0};
    t.column_sign = {-1.0, 1.0};
    t.row_fires = {1, 0,   // slot 0
                   0, 1,   // slot 1
                   1, 1,   // slot 2
                   0, 0};  // slot 3
    t.column_fires = {1, 0,   // slot 0
                      0, 0,   // slot 1
                      1, 1,   // slot 2
                      0, 1};  // slot 3
    return t;
}

// Coincidences counted from the bits: the second method for the circuit's integration.
std::vector<int> counted(const SlotTrains& t) {
    const std::size_t rows = t.row_sign.size(), columns = t.column_sign.size();
    std::vector<int> n(rows * columns, 0);
    for (std::size_t s = 0; s < static_cast<std::size_t>(t.slots); ++s) {
        for (std::size_t i = 0; i < rows; ++i) {
            for (std::size_t j = 0; j < columns; ++j) n[i * columns + j] += t.row_fires[s * rows + i] && t.column_fires[s * columns + j];
        }
    }
    return n;
}

// One slot in which the one row and the one column both fire, both positive.
SlotTrains one_coincidence() {
    SlotTrains t;
    t.slots = 1;
    t.row_sign = {1.0};
    t.column_sign = {1.0};
    t.row_fires = {1};
    t.column_fires = {1};
    return t;
}

// small_trains() through a resident 2 x 2 circuit, and its coincidences counted from the bits.
struct SmallRun {
    SlotTrains trains;
    UpdateResult result;
    std::vector<int> counts;
};
SmallRun run_small_trains(const UpdateEncoding& e) {
    SmallRun run{small_trains(), {}, {}};
    ResidentUpdateCircuit circuit(2, 2, e, netlist_dir);
    circuit.start_slots(run.trains);
    run.result = circuit.finish();
    run.counts = counted(run.trains);
    return run;
}

// Each cell ends at -sign_row sign_column n dV_slot within 1 % of a slot, n = 2, 1, 1, 1 counted from
// the bits, and the read-back gives n exactly.
TEST(SlotTrains, EachCoincidenceMovesTheStorageNodeByOneSlot) {
    const UpdateEncoding e;
    const auto [t, result, n] = run_small_trains(e);
    const double dv_slot_V = slot_update_V(e);
    EXPECT_NEAR(dv_slot_V, 1e-6 * 1.0 * 1e-9 / 100e-15, 1e-15);  // 10 mV with the defaults
    for (std::size_t cell = 0; cell < 4; ++cell) {
        const double expected_V = -t.row_sign[cell / 2] * t.column_sign[cell % 2] * n[cell] * dv_slot_V;
        EXPECT_NEAR(result.delta_storage_V[cell], expected_V, 0.01 * dv_slot_V) << "cell " << cell << ", n " << n[cell];
    }
    EXPECT_EQ(slot_counts(result, t, e), n);
    EXPECT_EQ(n, (std::vector<int>{2, 1, 1, 1}));
    EXPECT_NEAR(result.latency_s, 4 * (e.slot_pulse_s + 3 * e.row_edge_s), 1e-18);
}

// One slot, one cell: dV within 1 % of the closed form at three slot pulses (the trapezoid's width at
// half maximum is the time beyond threshold), and for a triangle shorter than the edge.
TEST(SlotTrains, OneSlotMatchesTheClosedForm) {
    for (const double pulse_s : {0.3e-9, 1e-9, 2e-9, 5e-9}) {
        UpdateEncoding e;
        e.slot_pulse_s = pulse_s;
        const SlotTrains t = one_coincidence();
        ResidentUpdateCircuit circuit(1, 1, e, netlist_dir);
        circuit.start_slots(t);
        const UpdateResult result = circuit.finish();
        const double expected_V = -e.cell_gain_A_per_V * e.max_column_V * pulse_s / e.storage_F;
        EXPECT_NEAR(result.delta_storage_V[0], expected_V, 0.01 * std::abs(expected_V)) << pulse_s;
    }
}

// The energy into the capacitors from 0 V: per cell C (n dV_slot)^2 / 2 with n counted from the bits,
// within 2 % (1 % in dV), and the total is their sum.
TEST(SlotTrains, EnergyIsTheCapacitorsChargeFromTheCountedCoincidences) {
    const UpdateEncoding e;
    const auto [t, result, n] = run_small_trains(e);
    double expected_J = 0.0;
    for (std::size_t cell = 0; cell < 4; ++cell) {
        const double dv_V = n[cell] * slot_update_V(e);
        expected_J += 0.5 * e.storage_F * dv_V * dv_V;
    }
    ASSERT_GT(expected_J, 0.0);
    EXPECT_NEAR(result.energy_J, expected_J, 0.02 * expected_J);
}

// A cell that ends between whole slots, or moves against its lines' polarity, is a circuit fault.
TEST(SlotTrains, ReadBackRefusesPartSlotsAndTheWrongSign) {
    const UpdateEncoding e;
    SlotTrains t = one_coincidence();
    UpdateResult r;
    r.rows = 1;
    r.columns = 1;
    r.delta_storage_V = {-1.02 * slot_update_V(e)};
    EXPECT_EQ(slot_counts(r, t, e), std::vector<int>{1});
    r.delta_storage_V = {-1.5 * slot_update_V(e)};
    try {
        slot_counts(r, t, e);
        FAIL() << "1.5 slots must be refused";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("cell (0, 0)"), std::string::npos) << error.what();
    }
    r.delta_storage_V = {+1.0 * slot_update_V(e)};  // sign(x) sign(delta) = +1 must move the node down
    EXPECT_THROW(slot_counts(r, t, e), Error);
    t.row_sign = {0.5};
    EXPECT_THROW(check_slot_trains(t, 1, 1), ParameterError);
    EXPECT_THROW(check_slot_trains(small_trains(), 3, 2), ParameterError);
}

}  // namespace
}  // namespace cimkit::circuits
