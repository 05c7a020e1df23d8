#pragma once
// What the gain cell's transistor-level face (circuits/faces/gain_cell_faces.cpp) draws that the
// compact model does not describe, for tests that check that face against its transistor.
#include "circuits/netlist.hpp"

namespace cimkit::circuits {

// The read transistor of the transistor-level gain cell (level 1, no body effect).
struct GainCellReadTransistor {
    static constexpr double kp_A_per_V2 = 120e-6;
    static constexpr double vto_V = 0.3;
    static constexpr double width_m = 1e-6;
    static constexpr double length_m = 1e-6;
};

// The read transistors' model card (`ngc`) and the write lines held low (every write transistor off
// during a read): what a netlist with transistor-level gain cells adds once. Also used by the
// attention tile's transistor cells (attention/gain_cell_tile.hpp).
void add_gain_cell_transistor_shared(Netlist& netlist);

}  // namespace cimkit::circuits
