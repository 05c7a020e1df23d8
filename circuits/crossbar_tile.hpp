#pragma once
// A read tile: a crossbar (built by circuits/crossbar/builder.hpp with an EXTERNAL row driver,
// optional segment wires and, unless `peripherals` choose others, the "ideal" read-out) meant to stay loaded in ngspice and be read many times (one
// forward pass per solve), several tiles side by side in one netlist (a layer split over tiles, or
// several layers). Inputs arrive through EXTERNAL row sources and device states through the face's
// EXTERNAL sources, so nothing is re-parsed between reads (docs/ngspice-facts.md#per-command-leak:
// parsing is slow and every ngspice command leaks).
//
// Tile `p`, all names prefixed so tiles coexist:
//   row i:    EXTERNAL source vrow_p_i drives node in_p_i
//   column j: vsense_p_j holds node col_p_j at 0 V (ideal virtual ground; ideal wires)
//   device (i, j) between in_p_i and col_p_j, added by the face with tag "p_i_j"
//
//   Netlist netlist("layer 0");
//   face.add_shared(netlist);                        // once per netlist, not per tile
//   add_read_tile(netlist, "l0t0", 784, 20, face, state_of);
//   bind_read_tile(engine, "l0t0", 784, 20, face, state_of);
//   for (int i = 0; i < 784; ++i) engine.set_external_voltage(tile_row_source("l0t0", i), input_of(i));
//   engine.load(spice::NetlistText::from_string(to_spice(netlist), "layer 0"));
//   auto currents = engine.run_and_read("op", {tile_column_current_vector("l0t0", 0), ...});
#include <functional>
#include <memory>
#include <string>

#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/stage_settings.hpp"
#include "circuits/device_face.hpp"
#include "circuits/netlist.hpp"
#include "circuits/spice/engine.hpp"

namespace cimkit::circuits {

using TileStates = CellStates;

// Wire resistance per segment between neighbouring cells (0: ideal wires, the nodes of a line merge
// and the matrix stays small); names as in circuits/crossbar/fixed_stages.hpp with the tile's prefix.
struct TileWires {
    double row_ohm = 0.0;
    double column_ohm = 0.0;
    double driver_ohm = 0.0;  // each row driver's output resistance (resistor rdrv_i before the row)
};

// Adds tile `prefix` ([a-z][a-z0-9]*, at most 16 characters, e.g. "l0t1"): `rows` row lines, each
// driven by the EXTERNAL voltage source tile_row_source(prefix, i); `columns` column lines, each held
// at 0 V by a sense source; device (i, j) = face.add_device(netlist, "<prefix>_<i>_<j>", row node,
// column node, state(i, j)). The caller adds face.add_shared(netlist) once per netlist, however many
// tiles share it. No analysis card: analyses come from Engine::run_and_read. The column currents are
// `.save`d: once a netlist has any .save, ngspice keeps only saved vectors, which keeps each solve's
// plot small; a caller that reads other vectors must .save them too.
// Throws ParameterError for a bad prefix or size (sizes as validate_geometry), NetlistError when a
// name is already in the netlist (the same prefix twice).
//
// `peripherals` chooses the select device and read-out stages as for a one-shot read (default: the
// "ideal" read-out, whose column currents tile_column_current_vector names); with another read-out,
// column j is column_readout(make_peripheral_stages(peripherals)).column_vector(CrossbarNames(prefix), j).
//
// `row_driver` replaces the EXTERNAL row sources (e.g. make_pulse_train_row_driver, which keeps their
// names); `timing` is the read window of a read-out whose reading depends on it (the integrator's).
void add_read_tile(Netlist& netlist, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                   const TileStates& state, const TileWires& wires = {}, const CrossbarPeripherals& peripherals = {},
                   std::shared_ptr<const CrossbarStage> row_driver = nullptr, const ReadTiming& timing = {});

// A tile of differential pairs of ohmic devices (weight b = G+ on one column line, G- on the next)
// with ideal wires, drawn as its exact equivalent with a smaller solve (a transformation;
// docs/performance-notes.md). Both lines of a pair sit at 0 V on their sense sources, so device
// (i, line) carries g V_i into its line whatever the other devices do, and the pair's net current
// I+ - I- is sum_i (g+_ib - g-_ib) V_i. Here each pair is ONE sense line (the pair with complementary
// row drive, +V into G+ and -V into G-, sums the same net current on one column) and each pair on a
// row ONE VCCS of gain g+ - g- from the row voltage into it (two matrix entries, no coupling back
// into the row); each row gets one resistor to ground of conductance sum_b (g+_ib + g-_ib), which
// draws from the row source exactly the current the devices would. The net currents and every row
// driver current equal add_read_tile's (net = its line 2b minus line 2b + 1). A pair with
// g+ == g- carries no net current: no VCCS.
// Row sources as add_read_tile; sense source b's current is tile_column_current_vector(prefix, b),
// .saved. Throws as add_read_tile.
using TileConductances = std::function<double(int row, int column)>;
void add_differential_equivalent_tile(Netlist& netlist, const std::string& prefix, int rows, int pairs, const TileConductances& g_plus_S,
                                      const TileConductances& g_minus_S);

// Registers the EXTERNAL sources of the tile's devices (face.bind_device with the tags and the state
// references add_read_tile used; they must outlive the engine's use). Row sources are NOT bound
// here: the caller registers tile_row_source(prefix, i) with Engine::set_external_voltage.
void bind_read_tile(spice::Engine& engine, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                    const TileStates& state);

// Instance name of row i's source, for Engine::set_external_voltage: "vrow_<prefix>_<i>".
std::string tile_row_source(const std::string& prefix, int row);
// ngspice vector name of column j's current, for Engine::run_and_read: "vsense_<prefix>_<j>#branch".
// Its value is the current flowing INTO the column from its devices, in A (positive for positive row
// voltages and positive conductance): ngspice's branch current of vsense flows from its + terminal
// (the column node) through the source to ground.
std::string tile_column_current_vector(const std::string& prefix, int column);

}  // namespace cimkit::circuits
