#pragma once
// One-shot crossbar reads (`cimkit crossbar`): rows x columns of devices (through their SPICE face),
// optional wire resistance per segment, row drivers and a column read-out, built by the one crossbar
// builder (circuits/crossbar/builder.hpp) that also builds the resident tiles of crossbar_tile.hpp.
//
// Topology (the same as circuits/crossbar_network.hpp, which solves it with Eigen):
//   row i:    source vrow_i drives node in_i; in_i -> r_i_0 -> r_i_1 ... through row_wire_ohm each
//   column j: c_0_j -> c_1_j ... -> col_j through column_wire_ohm each; vsense_j holds col_j at 0 V
//   device (i, j) between r_i_j and c_i_j. With 0-ohm wires the nodes merge (r_i_j = in_i,
//   c_i_j = col_j), which keeps the matrix small.
// Column current j = i(vsense_j) (current into the sense node), in A. Pulse-width inputs with an
// integrating read-out are described at CrossbarCircuitOptions below.
//
// The read is a transient: every row rises to its input voltage in `edge_s`, holds for `read_s`
// (stretched when the wires' RC needs it: circuits/crossbar_settling.hpp), and falls; the column
// currents are read at the end of the plateau, the settled point. The latency is the time until the
// slowest column settles within 1/2 LSB of the column ADC (crossbar_settling.hpp). Read energy is the
// integral of the power the row drivers deliver, sum_i integral V_i(t) I_i(t) dt, plus that of the
// read supplies the devices draw from (add_read_supply in circuits/device_face.hpp: the gain cell);
// circuits/crossbar_energy.hpp splits the energy of the read into its parts.
#include <string>
#include <vector>

#include "circuits/crossbar/fixed_stages.hpp"
#include "circuits/crossbar/stage_settings.hpp"
#include "circuits/device_face.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/plot.hpp"

namespace cimkit::circuits {

struct CrossbarGeometry {
    int rows = 0;
    int columns = 0;
    double row_wire_ohm = 0.0;     // per segment; 0: ideal
    double column_wire_ohm = 0.0;  // per segment; 0: ideal
    // Capacitance to ground of each segment's cell node (r_i_j on rows, c_i_j on columns); 0: none.
    // It needs the line's resistance: on an ideal line every node is the driven (or sensed) end.
    double row_wire_farad = 0.0;
    double column_wire_farad = 0.0;
    // Each row driver's output resistance, in series before the row's first cell; 0: ideal sources.
    double driver_ohm = 0.0;
};

// Whether the read draws line resistors (wire segments or driver resistors): the wire stage's work,
// and the line nodes the energy meters read.
inline bool has_line_resistors(const CrossbarGeometry& g) { return g.row_wire_ohm > 0.0 || g.column_wire_ohm > 0.0 || g.driver_ohm > 0.0; }

// Peripherals are stages (circuits/crossbar/stage.hpp): the row driver here is the trapezoidal
// source; wires come from the geometry; the select device and the read-out are chosen by name in
// `peripherals` ("1t1r"; "ideal" virtual ground or "tia").
// Pulse-width inputs: every row is driven at one amplitude, pulse_width_read_V, for a time that
// carries its input, read_s x inputs_V[i] / pulse_width_read_V (so each input lies in [0, that
// amplitude]); the "integrator" read-out collects each column's charge, read after the last pulse and
// reported as its mean current over read_s (for ohmic devices, the amplitude read of the same inputs
// plus the edges' charge). They belong together: either without the other is refused (ParameterError),
// and so are wires and driver resistance, whose IR drop is solved under line voltages.
struct CrossbarCircuitOptions {
    ReadTiming timing;
    CrossbarPeripherals peripherals;
    int adc_bits = 8;  // the column ADC's resolution: settling to 1/2 LSB (circuits/crossbar_settling.hpp)
    double pulse_width_read_V = 0.0;  // > 0: pulse-width inputs at this amplitude; 0: amplitude inputs
};

// The plateau of row i's pulse under pulse-width inputs: timing.read_s x input_V / amplitude_V, the
// input clamped to [0, amplitude_V].
double pulse_width_s(double input_V, double amplitude_V, const ReadTiming& timing);

// Throws ParameterError for sizes outside [1, 100000] per side or more than 10^7 devices, for
// negative or non-finite wire resistances or capacitances, and for a line capacitance without that
// line's resistance (refused rather than lumped onto the line's end: give the wires a resistance,
// or no capacitance).
void validate_geometry(const CrossbarGeometry& geometry);

// `states` is row-major, rows x columns; `inputs_V` has one voltage per row.
Netlist build_crossbar_read(const CrossbarGeometry& geometry, const DeviceFace& face,
                            const std::vector<DeviceState>& states, const std::vector<double>& inputs_V,
                            const CrossbarCircuitOptions& options = {});

// `.meas tran` cards that make a standalone `ngspice -b` print what read_crossbar extracts: every
// column's current at the end of the read plateau as column_<j>_A; a voltage read-out (TIA) is
// measured as column_<j>_V and converted by its (linear) law. Written into emitted netlists only.
std::vector<std::string> crossbar_measurements(const CrossbarGeometry& geometry, const CrossbarCircuitOptions& options = {});

struct CrossbarReadout {
    std::vector<double> column_current_A;  // at the end of the read plateau (settled)
    std::vector<double> column_output_V;   // TIA outputs (empty with the ideal read-out)
    double read_energy_J = 0.0;            // delivered by the row drivers and read supplies over the transient
    double read_latency_s = 0.0;           // start of the rising edge -> slowest column within 1/2 LSB
    double adc_full_scale_A = 0.0;         // the ADC range the LSB comes from: max_j |column current|
    double settled_time_s = 0.0;           // where column_current_A is sampled: the end of the plateau
                                           // (its last time point, crossbar_settling.hpp)
};

// Extracts the read-out from the transient plot of a netlist built by build_crossbar_read with the
// same options.
CrossbarReadout read_crossbar(const spice::Plot& tran, const CrossbarGeometry& geometry,
                              const CrossbarCircuitOptions& options = {});

}  // namespace cimkit::circuits
