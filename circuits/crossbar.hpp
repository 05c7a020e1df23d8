#pragma once
// Crossbar read circuits: rows x columns of devices (through their SPICE face), optional wire
// resistance per segment, row drivers and virtual-ground column sense sources.
//
// Topology (the same as circuits/crossbar_network.hpp, which solves it with Eigen):
//   row i:    source vrow_i drives node in_i; in_i -> r_i_0 -> r_i_1 ... through row_wire_ohm each
//   column j: c_0_j -> c_1_j ... -> col_j through column_wire_ohm each; vsense_j holds col_j at 0 V
//   device (i, j) between r_i_j and c_i_j. With 0-ohm wires the nodes merge (r_i_j = in_i,
//   c_i_j = col_j), which keeps the matrix small.
// Column current j = i(vsense_j) (current into the sense node), in A.
//
// The read is a transient: every row rises to its input voltage in `edge_s`, holds for `read_s`,
// and falls; the column currents are read at the middle of the plateau. Read energy is the
// integral of the power the row drivers deliver, sum_i integral V_i(t) I_i(t) dt.
#include <filesystem>
#include <string>
#include <vector>

#include "circuits/device_face.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::circuits {

struct CrossbarGeometry {
    int rows = 0;
    int columns = 0;
    double row_wire_ohm = 0.0;     // per segment; 0: ideal
    double column_wire_ohm = 0.0;  // per segment; 0: ideal
};

struct ReadTiming {
    double edge_s = 1e-9;
    double read_s = 10e-9;
};

// 1T1R: an NMOS select transistor in series with every device (row -> device -> m_i_j -> select
// transistor -> column), all gates on one word line held at v_wordline_V during the read. Its
// on-resistance 1/(kp W/L (V_wl - V_T)) adds to each device's; the defaults (W/L = 50) keep it near
// 80 Ohm, well below device resistances.
struct AccessTransistor {
    double width_m = 10e-6;
    double length_m = 0.2e-6;
    double kp_A_per_V2 = 120e-6;
    double vto_V = 0.4;
    double v_wordline_V = 2.5;
};

// Column read-out: an ideal virtual ground (a 0 V source per column), or the op-amp transimpedance
// amplifier of netlists/peripherals/tia.lib per column, whose output V_j = -I_j rf a0/(1 + a0) is
// turned back into the column current; its input sits at I_j rf/(1 + a0) instead of 0 V.
struct TiaReadout {
    double open_loop_gain = 1e4;
    double feedback_ohm = 10e3;
    std::filesystem::path netlist_dir;  // where peripherals/tia.lib is (CIMKIT_NETLIST_DIR)
};

struct CrossbarCircuitOptions {
    ReadTiming timing;
    bool access_transistor = false;
    AccessTransistor access;
    bool tia_readout = false;
    TiaReadout tia;
};

// Throws ParameterError for sizes outside [1, 100000] per side or more than 10^7 devices, and for
// negative or non-finite wire resistances.
void validate_geometry(const CrossbarGeometry& geometry);

// `states` is row-major, rows x columns; `inputs_V` has one voltage per row.
Netlist build_crossbar_read(const CrossbarGeometry& geometry, const DeviceFace& face,
                            const std::vector<DeviceState>& states, const std::vector<double>& inputs_V,
                            const CrossbarCircuitOptions& options = {});

struct CrossbarReadout {
    std::vector<double> column_current_A;  // at the middle of the read plateau
    std::vector<double> column_output_V;   // TIA outputs (empty with the ideal read-out)
    double read_energy_J = 0.0;            // delivered by the row drivers over the whole transient
    double read_latency_s = 0.0;           // time from the start of the read to the sampled point
};

// Extracts the read-out from the transient plot of a netlist built by build_crossbar_read with the
// same options.
CrossbarReadout read_crossbar(const spice::Plot& tran, const CrossbarGeometry& geometry,
                              const CrossbarCircuitOptions& options = {});

}  // namespace cimkit::circuits
