#pragma once
// The stages not chosen by name: the row driver, which the kind of read fixes, and the wires, which
// the geometry fixes (docs/architecture.md#crossbar-builder).
#include <memory>
#include <vector>

#include "circuits/crossbar/stage.hpp"
#include "circuits/crossbar/stage_settings.hpp"

namespace cimkit::circuits {

// One-shot read (pulse_row_driver.cpp): source vrow_i drives in_i with a trapezoid, 0 V -> inputs_V[i]
// in edge_s, held for read_s, back to 0 V in edge_s; v(in_i) and i(vrow_i) are saved (read energy).
std::shared_ptr<const CrossbarStage> make_pulse_row_driver(std::vector<double> inputs_V, ReadTiming timing);
// The same with pulse-width inputs: every row rises to amplitude_V and holds it for widths_s[i] (each
// in [0, read_s]) before it falls, so the last pulse ends by 2 edge_s + read_s.
std::shared_ptr<const CrossbarStage> make_pulse_width_row_driver(std::vector<double> widths_s, double amplitude_V, ReadTiming timing);

// Many pulse-width reads in one transient (the spice engine's batched pulse-width read): sample k
// owns the window [k period_s, (k + 1) period_s), and row i's pulse of sample k has the height
// level_V[i samples + k] (signed; 0: no pulse) and the full width at half maximum width_s[i samples + k],
// centred on its edges: it rises from k period_s + start_s - e/2 to + e/2 and falls likewise around
// k period_s + start_s + width, with e = min(edge_s, width). So an ohmic device passes exactly
// G level width of charge, the compact engine's pulse-width read, whatever the edges. Saved as the
// one-shot read's driver.
struct RowPulseTrains {
    int samples = 0;
    double period_s = 0.0, start_s = 0.0, edge_s = 0.0;
    std::vector<double> level_V, width_s;  // rows x samples, row-major
};
std::shared_ptr<const CrossbarStage> make_pulse_train_row_driver(RowPulseTrains trains);

// Resident tile (external_row_driver.cpp): source vrow[_p]_i drives in[_p]_i with an EXTERNAL value
// that C++ sets at every time point (Engine::set_external_voltage), so inputs change without a reload.
std::shared_ptr<const CrossbarStage> make_external_row_driver();

// Wire resistance per segment between neighbouring cells (segment_wires.cpp; 0: ideal, the nodes of
// a line merge and the matrix stays small). With wires, device (i, j) sits between r[_p]_i_j on its
// row and c[_p]_i_j on its column; row i's line starts at in[_p]_i (wr[_p]_i_0 is its first segment)
// and column j's ends at col[_p]_j (wc[_p]_<rows>_j is its last). Both zero: no stage is needed.
// A capacitance (F, > 0 only on a line with resistance) puts capacitor cwr[_p]_i_j from r[_p]_i_j,
// or cwc[_p]_i_j from c[_p]_i_j, to ground on every cell node of that line. A driver output
// resistance (ohm, > 0) puts resistor rdrv[_p]_i from in[_p]_i to a node drv[_p]_i, where the row's
// first segment (or, on an ideal row, every device of the row) starts instead.
std::shared_ptr<const CrossbarStage> make_segment_wires(double row_ohm, double column_ohm, double row_farad = 0.0,
                                                        double column_farad = 0.0, double driver_ohm = 0.0);

}  // namespace cimkit::circuits
