#pragma once
// One gain-cell tile of the attention block in ngspice, for one query token (docs/attention.md#the-ngspice-tile).
//
// Phase 1 (the first array, keys): row d is the word line of query dimension d, driven by a 0.9 V
// pulse of width q_d T_max; column n holds key n: cell (n, d) stores the key's voltage at read time,
// and its read transistor, while the word line is high, sources read_scale_A f(0.9 V, V_store - 0.45 V)
// (the published law, devices/gain_cell_read.hpp) from the +0.9 V read supply into the column, or
// sinks it into -0.9 V when f < 0 (a transconductance from the word line). Each column integrates
// its charge on C_int = score_saturation read_scale_A T_max / 0.9 V, so 0.9 V on it is a score of 1.
// Charge-to-pulse (the HardSigmoid): after phase 1 a ramp rises from 0 to 0.9 V over T_max; a
// comparator per column holds its output at 0.9 V while the column voltage is above the ramp, so
// the pulse lasts clamp(score, 0, 1) T_max.
// Phase 2 (the second array, values): those pulses drive the rows of the value cells, built like the
// key cells, and each output line d integrates on C_out = output_saturation read_scale_A T_max / 0.9 V.
// The ADC (quantisation) and the digital sum over tiles are the caller's.
//
// What is behavioural: the read transistor (the law is a fitted polynomial, not a device model
// ngspice has, as in the gain cell's SPICE face; with the storage node constant during a read it
// is a transconductance per cell), the comparator (a tanh of width comparator_width_V) and the ramp
// (a PWL source). The word lines, supplies and integrators are elements. The leakage of the stored
// voltages is applied before the read (the caller passes the decayed voltage); within the ~35 ns of
// one token it is negligible (1e-7 of the 5 ms retention).
#include <vector>

#include "attention/cell_law.hpp"
#include "attention/head_inputs.hpp"
#include "attention/head_settings.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/engine.hpp"

namespace cimkit::attention {

struct TileCircuit {
    // behavioural: each cell carries the published law (above). transistor: each cell is a storage
    // capacitor C_S holding V_store, a write transistor held off, and a level-1 read transistor
    // (gate: the storage node; drain: the row; source: the line, held at 0 V and mirrored into its
    // integrator), so the row's pulse supplies the current and the cell's law is the transistor's
    // (transistor_cell_law); the comparator and ramp stay behavioural.
    enum class Cells { behavioural, transistor };
    Cells cells = Cells::behavioural;
    double c_store_F = 10e-15;          // transistor cells: the gain cell's storage capacitance C_S
    double t_max_s = 15e-9;             // a full query pulse: Leroux et al.'s T_max at V_in = 0.9 V
    double edge_s = 20e-12;             // word-line rise and fall time
    double read_scale_A = 1e-6;         // the gain cell's read_scale_A (an assumption: the paper states no unit)
    double comparator_width_V = 1e-3;   // the comparator's tanh width: its output swings within +-2 mV of the ramp
    double max_step_s = 20e-12;         // ngspice's largest time step
};

// One query token's read of one tile: the keys of the tile that are in the window.
struct TileQuery {
    std::vector<double> query;  // D pulse widths as fractions of T_max (quantised)
    Matrix key_V;               // keys x D stored voltages at read time (quantised, decayed)
    Matrix value_V;             // keys x D
};

struct TileRead {
    std::vector<double> scores;   // per key: column charge / (read_scale_A T_max score_saturation)
    std::vector<double> pulses;   // per key: the comparator's output integrated, over 0.9 V T_max
    std::vector<double> outputs;  // per output line: charge / read_scale_A T_max (before the read-out)
    double energy_scores_J = 0;   // first stage: the key array's read supplies (transistor cells: the word lines)
    double energy_outputs_J = 0;  // second stage: the value array's read supplies (transistor cells: the rows' pulses)
    double latency_s = 0;         // from the first word-line edge until the last second-stage pulse ends
};

// The transistor cell's law, measured in ngspice: its drain current at 0.9 V on the row, the line at
// 0 V, over stored voltages 0 .. 0.9 V in 1 mV steps, over read_scale_A; what the compact block needs
// to compute what the transistor tile computes.
CellLaw transistor_cell_law(spice::Engine& engine, const TileCircuit& circuit);

circuits::Netlist build_tile_netlist(const TileQuery& query, const HeadSettings& settings, const TileCircuit& circuit);
TileRead run_tile(spice::Engine& engine, const TileQuery& query, const HeadSettings& settings, const TileCircuit& circuit);

}  // namespace cimkit::attention
