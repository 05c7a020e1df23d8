#pragma once
// The outer-product update circuit of update_circuit.hpp, loaded once in its own ngspice worker
// process and driven through EXTERNAL sources, for training loops that run it after every sample.
//
// Building, parsing and loading the update netlist for every sample (run_update_circuit) cost about
// as much as the transient itself, and a read netlist in the same engine had to be loaded again after
// it. Here the cells stay loaded: each update sets the row waveforms and column levels and runs one
// transient. Because the update runs in a spice::Worker, the training process's own engine keeps the
// read netlist, and the updates of several layers solve at the same time (start, then finish).
//
// Same cells, same row pulses (the trapezoids of build_update_circuit), same dV_ij; what differs:
//   - every storage node starts at 0 V: the ideal cell is a current source, so dV_ij does not depend
//     on the initial voltage (the read-out is a difference);
//   - a leak resistor of leak_time_constants * t_window / storage_F from each storage node to ground
//     gives the node a DC path, so the transient starts from an operating point instead of `uic`;
//     it changes dV by less than t_window / (2 * leak_time_constants * t_window) = 5e-7 relative;
//   - ngspice cannot see an EXTERNAL source's corners, so the transient gets breakpoints where each
//     row crosses vth -+ 2 vsharp, the only places the cell current changes quickly (at the ramp ends
//     the gate function is already saturated). Measured at 8 rows: 138 time points against 319 for
//     the PWL netlist's corners, dV within 0.13 % of -dV_full x delta (the PWL netlist: 3e-4 %);
//   - the cells' current is not measured by 0 V sources (they doubled the solver's work): the energy
//     into each storage capacitor is C (V_end^2 - V_0^2) / 2, which is exactly what the trapezoidal
//     integral of v(st) i_cell gives for a capacitor fed by the cell.
#include <filesystem>
#include <string>
#include <vector>

#include "circuits/slot_trains.hpp"
#include "circuits/spice/worker.hpp"
#include "circuits/update_circuit.hpp"

namespace cimkit::circuits {

class ResidentUpdateCircuit {
public:
    // Forks the worker and loads the rows x columns cells. Must be constructed while no in-process
    // spice::Engine exists (Worker). Throws ParameterError for sizes < 1 or a bad encoding, IoError
    // when the update-cell library is missing.
    ResidentUpdateCircuit(int rows, int columns, const UpdateEncoding& encoding, const std::filesystem::path& netlist_dir);

    // Starts the update for x (rows) and delta (columns), |x|, |delta| <= 1, and returns at once.
    // Throws ParameterError for wrong sizes or values, UsageError if an update is still running.
    void start(const std::vector<double>& x, const std::vector<double>& delta);
    // Starts an update driven by slot trains instead (slot_trains.hpp: rows and columns switch slot by
    // slot); finish() then returns the same kind of result, its latency the trains' window and its
    // row_pulse_s each row's total time beyond threshold (slot_pulse_s per firing slot). Throws
    // ParameterError for trains that do not fit, UsageError if an update is still running.
    void start_slots(const SlotTrains& trains);
    // Waits for the started update and returns what read_update_circuit would (energy as above).
    // Throws the worker's errors (ConvergenceError, WorkerCrashed, ...). After a crash the circuit is
    // gone: a new worker cannot be forked while the training process's own engine lives (Worker), so
    // later updates throw too and a training run stops at its last checkpoint.
    UpdateResult finish();
    bool running() const { return running_; }

    int rows() const { return rows_; }
    int columns() const { return columns_; }

private:
    int rows_, columns_;
    UpdateEncoding encoding_;
    spice::Worker worker_;
    std::vector<std::string> storage_vectors_;
    std::vector<double> x_;  // of the running update (empty: slot trains)
    SlotTrains trains_;      // of the running slot-train update
    bool running_ = false;
};

}  // namespace cimkit::circuits
