#pragma once
// The one crossbar builder, for one-shot reads (circuits/crossbar.hpp) and resident tiles
// (circuits/crossbar_tile.hpp) alike: rows x columns of devices through their SPICE face, with the
// peripherals as stages (stage.hpp). The face's shared elements (face.add_shared) and any analysis
// card are the caller's: several tiles share one netlist.
#include <functional>

#include "circuits/crossbar/stage.hpp"
#include "circuits/device_face.hpp"

namespace cimkit::circuits {

using CellStates = std::function<const DeviceState&(int row, int column)>;

// Adds the crossbar: every stage's add_lines (StagePlace order, then list order), then cell by cell
// every stage's add_cell and face.add_device(netlist, names.device_tag(i, j), terminals, state(i, j)).
// Throws ParameterError unless there is exactly one row driver and one column read-out, NetlistError
// when a name is already in the netlist (the same prefix twice). Sizes are the caller's to validate.
void add_crossbar(Netlist& netlist, const CrossbarNames& names, int rows, int columns, const DeviceFace& face,
                  const CellStates& state, const CrossbarStages& stages);

// The column read-out among the stages (there is exactly one; throws ParameterError otherwise).
const ColumnReadout& column_readout(const CrossbarStages& stages);

}  // namespace cimkit::circuits
