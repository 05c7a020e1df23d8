#pragma once
// The weight-update circuit: one outer-product step x * delta^T through ngspice, applied to devices.
// (The same cells driven by ESSOP's slot trains instead of one step: circuits/slot_trains.hpp.)
//
// Circuit (update_cell of netlists/peripherals/update_outer_product.lib at every crossing):
//   row i:     source vurow_i drives node urow_i with a 0 -> sign(x_i)*1 V PWL trapezoid starting at
//              t = 0 (linear edges of row_edge_s; a triangle when t_row_i <= row_edge_s), whose width
//              at half maximum (= the time spent beyond the cell threshold vth = 0.5 V) is
//                t_row_i = |x_i| * max_row_pulse_s;   x_i = 0: no pulse (0 V).
//              Extra collinear PWL corners at vth +- {0, 2, 5} vsharp (vsharp = 10 mV) make ngspice
//              take small steps where the cells switch, so coarse steps suffice elsewhere.
//   column j:  source vucol_j holds node ucol_j at V_col_j = delta_j * max_column_V (DC).
//   cell i,j:  xupd_i_j = update_cell(urow_i, ucol_j, uout_i_j) with k = cell_gain_A_per_V, its
//              current measured by a 0 V source vucell_i_j from uout_i_j into the storage node
//              st_i_j, where capacitor cst_i_j (storage_F, ic = initial V) holds the state.
//   analysis:  .tran ... uic, to the end of the last row pulse plus one edge.
// The cell is an ideal current source I = -k V_col s(V_row), so each storage node changes by
//   dV_ij = -k * delta_j * max_column_V * sign(x_i) * t_row_i / storage_F
//         = -dV_full * x_i * delta_j,     dV_full = k * max_column_V * max_row_pulse_s / storage_F,
// whatever its initial voltage (the sign convention of the peripheral: -sign(x * delta), SGD).
//
// Read back (read_update_circuit): dV_ij = v(st_i_j) at the end minus at t = 0;
//   latency  = the time at which the last row pulse ends (back at 0 V);
//   energy   = the net energy delivered INTO the storage capacitors, from the waveforms:
//                E = sum_ij integral v(st_ij) i(vucell_ij) dt  (trapezoidal rule),
//              which for a capacitor equals sum_ij storage_F (V_final^2 - V_initial^2) / 2. The
//              update_cell is behavioural and has no supply, so this is the energy the cells put
//              into (positive) or take out of (negative) the storage nodes, not a supply's draw.
//
// Applying the result to devices (apply_update_to_devices), with s_ij = |dV_ij| / dV_full (about
// |x_i delta_j|, in [0, 1]) and polarity sign(dV_ij) (+1 potentiates); cells with s < 1e-9 get no
// pulse:
//   charge-pumped storage node (pulse amplitude in A: mosfet): the cell's own charge
//        Q_ij = storage_F |dV_ij| is delivered as Pulse{Q_ij / t_row_i, t_row_i} (the mean cell
//        current over the overlap time), so the gate moves by Q_ij step_scale / c_gate_F, clipped to
//        [v_g_min_V, v_g_max_V] with the model's own step noise: exactly dV_ij when
//        storage_F = c_gate_F and the device has no C_G spread (the storage node IS the gate; pass
//        the gates' V_G as initial_storage_V so the simulated waveforms are the gates' too).
//   every other device: its nominal pulse of that polarity, amplitude unchanged and WIDTH scaled by
//        full_scale_pulses * s_ij (a full-scale update is full_scale_pulses nominal pulses):
//     domain_wall  J stays at the nominal current density (above the depinning J_c), so the wall
//                  slides for t_nominal full_scale_pulses s (Scaling J instead would stop the wall
//                  for s < J_c/J = 0.2.) Both models round the move to whole pinning sites
//                  (devices/domain_wall.hpp): monotone in s, in steps, and zero while the pulse is
//                  too short to carry the wall over its first barrier.
//     pcm          +1: SET with n_eff = full_scale_pulses s, dG = (g_sat - G)(1 - exp(-n_eff/A)):
//                  monotone in s. -1: PCM cannot depress gradually; the pulse is a RESET, which
//                  melt-quenches to g_min whatever s (right sign, magnitude NOT graded). For graded
//                  signed updates use apply_update_to_differential_pairs (SET on G+ or on G-).
//     gain_cell    the write transistor charges the node towards v_dd (+1) or 0 V (-1) for
//                  t_write full_scale_pulses s: V <- V_w + (V - V_w) exp(-t / (r_write C_S)),
//                  monotone in s. (Its amplitude is the write-line target, so scaling it would
//                  change the direction of the move.)
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "circuits/netlist.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice/plot.hpp"
#include "devices/device_model.hpp"

namespace cimkit::circuits {

struct UpdateEncoding {
    double max_row_pulse_s = 10e-9;   // |x| = 1 -> row pulse of this width (at half maximum)
    double max_column_V = 1.0;        // |delta| = 1 -> column level of this amplitude
    double cell_gain_A_per_V = 1e-6;  // update_cell k
    double storage_F = 100e-15;       // the capacitor the cells charge (mosfet: set it to c_gate_F)
    double row_edge_s = 0.5e-9;       // rise and fall of the row pulses
    double full_scale_pulses = 1.0;   // nominal-pulse devices: |dV| = dV_full -> this many nominal widths
    double slot_pulse_s = 1e-9;       // slot trains (circuits/slot_trains.hpp): a firing row's pulse, at half maximum
};

// Throws ParameterError naming the field when a value is not finite and > 0.
void validate_encoding(const UpdateEncoding& encoding);

// k * max_column_V * max_row_pulse_s / storage_F: |dV| of a cell with |x delta| = 1, in V.
double full_scale_update_V(const UpdateEncoding& encoding);

// The row pulse width at half maximum, |x| * max_row_pulse_s, per row.
std::vector<double> row_pulse_widths_s(const std::vector<double>& x, const UpdateEncoding& encoding);

// Throws ParameterError naming the entry when x or delta is empty, not finite or outside [-1, 1].
void check_update_signals(const std::vector<double>& x, const std::vector<double>& delta);

// Pieces shared with the resident circuit (resident_update.hpp), so both draw the same cells and pulses:
// the cell library (IoError if missing); cell (row, column), its third port on `storage_side`; the
// instance names of row and column sources and of the storage nodes.
std::filesystem::path update_library(const std::filesystem::path& netlist_dir);
Instance update_cell(std::size_t row, std::size_t column, const std::string& storage_side, const UpdateEncoding& encoding);
std::string update_row_source(std::size_t row);
std::string update_column_source(std::size_t column);
std::string update_storage_node(std::size_t row, std::size_t column);
// The row pulse for x as (time, voltage) corners from t = 0 (none for x = 0), and the four times at
// which it crosses the cells' switching window vth -+ 2 vsharp.
std::vector<std::pair<double, double>> row_pulse_corners(double x, const UpdateEncoding& encoding);
std::vector<double> row_switching_times_s(double x, const UpdateEncoding& encoding);
// The same for a pulse of polarity `sign` (+-1) and width at half maximum width_s > 0, from t = 0.
std::vector<std::pair<double, double>> pulse_corners(double width_s, double sign, const UpdateEncoding& encoding);
std::vector<double> pulse_switching_times_s(double width_s, const UpdateEncoding& encoding);
// The rise (= fall) of a pulse of width width_s: row_edge_s, or width_s for a pulse too short for a
// plateau (a triangle, whose width at half maximum is still width_s).
double pulse_edge_s(double width_s, const UpdateEncoding& encoding);
// The transient's stop time: the end of the last row pulse plus one edge.
double update_window_s(const std::vector<double>& x, const UpdateEncoding& encoding);

// The update netlist for x (rows), delta (columns) and the storage nodes' initial voltages
// (row-major, rows x columns). `netlist_dir` is the netlists/ folder (peripherals/ inside it).
// Throws ParameterError for empty or mismatched sizes, non-finite values, |x| > 1 or |delta| > 1, and
// IoError when the update-cell library is missing.
Netlist build_update_circuit(const std::vector<double>& x, const std::vector<double>& delta,
                             const std::vector<double>& initial_storage_V, const UpdateEncoding& encoding,
                             const std::filesystem::path& netlist_dir);

struct UpdateResult {
    int rows = 0;
    int columns = 0;
    std::vector<double> delta_storage_V;  // row-major: final minus initial storage voltage per cell
    std::vector<double> cell_energy_J;    // row-major: integral v(st) i_cell dt per cell
    std::vector<double> row_pulse_s;      // per row: t_row_i, the overlap time of its cells
    double energy_J = 0.0;                // sum of cell_energy_J (net, into the storage capacitors)
    double latency_s = 0.0;               // end of the last row pulse
};

// An UpdateResult for x with its sizes, row pulses and latency filled in, no cells yet.
UpdateResult empty_update_result(const std::vector<double>& x, int columns, const UpdateEncoding& encoding);

// Extracts the result from the transient plot of a netlist built by build_update_circuit with the same
// x, number of columns and encoding.
UpdateResult read_update_circuit(const spice::Plot& tran, const std::vector<double>& x, int columns,
                                 const UpdateEncoding& encoding);

// Builds the netlist, loads and runs it in `engine`, and reads the result.
UpdateResult run_update_circuit(spice::Engine& engine, const std::vector<double>& x, const std::vector<double>& delta,
                                const std::vector<double>& initial_storage_V, const UpdateEncoding& encoding,
                                const std::filesystem::path& netlist_dir);

// Applies each cell's update to the device at the same place (states row-major, rows x columns), by
// the per-device mapping in this header's comment. Noise, where the model has it, comes from `rng`,
// drawn cell by cell in row-major order. Throws ParameterError when the sizes disagree.
void apply_update_to_devices(const DeviceModel& model, std::vector<DeviceState>& states, const UpdateResult& result,
                             const UpdateEncoding& encoding, Rng& rng);

// A weight as G+ - G- from two devices per cell: a cell with dV > 0 gets a potentiating (+1) pulse
// of strength s on `plus`, one with dV < 0 the same pulse on `minus`, mapped as in
// apply_update_to_devices. For devices that only potentiate gradually (PCM). Refresh is the caller's.
void apply_update_to_differential_pairs(const DeviceModel& model, std::vector<DeviceState>& plus,
                                        std::vector<DeviceState>& minus, const UpdateResult& result,
                                        const UpdateEncoding& encoding, Rng& rng);

}  // namespace cimkit::circuits
