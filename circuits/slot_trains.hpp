#pragma once
// Slot trains through the outer-product update circuit (update_circuit.hpp): the waveforms with which
// ESSOP's stochastic bit streams (training/update_rules/essop.hpp) drive the same update_cell array
// instead of one pulse-width x amplitude step, and the read-back of the coincidences they leave.
//
// An update is `slots` time slots of slot_period_s = slot_pulse_s + 3 e each (e = the row edge,
// pulse_edge_s(slot_pulse_s)). In slot t, starting at t0 = t slot_period_s:
//   column i   ramps (over e, from t0) to sign_i max_column_V if its bit fires, else to 0 V, and holds;
//   row j      carries, iff its bit fires, the trapezoid of update_circuit.hpp with polarity sign_j
//              and width at half maximum slot_pulse_s, starting at t0 + e: it is back at 0 V at
//              t0 + slot_pulse_s + 2 e, so every column moves only while all rows are at 0 V, and the
//              last e of the slot is a guard.
// A cell conducts I = -k V_col s(V_row) only while its row is beyond the threshold and its column is
// not at 0 V: in a slot where both fire, the storage node moves by
//   -sign_i sign_j dV_slot,   dV_slot = k max_column_V slot_pulse_s / storage_F   (slot_update_V),
// and by nothing in any other slot. So after the update dV_ij = -sign_i sign_j dV_slot n_ij with n_ij
// the coincidences of row j and column i; slot_counts reads n_ij back.
#include <vector>

#include "circuits/update_circuit.hpp"

namespace cimkit::circuits {

struct SlotTrains {
    int slots = 0;
    std::vector<double> row_sign;             // per row: +1 or -1
    std::vector<double> column_sign;          // per column: +1 or -1
    std::vector<unsigned char> row_fires;     // slot-major: slots x rows, 1 where the row fires
    std::vector<unsigned char> column_fires;  // slot-major: slots x columns
};

// Throws ParameterError when the sizes do not fit rows x columns or slots < 1, or a sign is not +-1.
void check_slot_trains(const SlotTrains& trains, int rows, int columns);

double slot_period_s(const UpdateEncoding& encoding);
// k max_column_V slot_pulse_s / storage_F: one coincidence's |dV|, in V.
double slot_update_V(const UpdateEncoding& encoding);
// The transient's stop time: all slots.
double slot_window_s(int slots, const UpdateEncoding& encoding);

struct Waveform {
    std::vector<double> times_s;
    std::vector<double> values_V;
};
// Row `row`'s waveform, and (appended to breakpoints_s) the times its fired pulses cross the cells'
// switching window, which ngspice cannot see in an EXTERNAL source.
Waveform slot_row_waveform(const SlotTrains& trains, int row, const UpdateEncoding& encoding, std::vector<double>& breakpoints_s);
Waveform slot_column_waveform(const SlotTrains& trains, int column, const UpdateEncoding& encoding);

// How far from a whole number of slots a cell may end (in slots): 5 %. The resident circuit meets
// its closed form within 0.13 % (resident_update.hpp), so more is a circuit fault, not rounding.
inline constexpr double slot_count_tolerance = 0.05;

// n_ij = round(|dV_ij| / dV_slot) of every cell (row-major, as result.delta_storage_V). Throws Error
// naming the cell when |dV_ij| / dV_slot is more than slot_count_tolerance from a whole number, or
// when a cell with n_ij > 0 moved against -row_sign column_sign.
std::vector<int> slot_counts(const UpdateResult& result, const SlotTrains& trains, const UpdateEncoding& encoding);

}  // namespace cimkit::circuits
