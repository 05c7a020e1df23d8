#include "circuits/crossbar_tile.hpp"

#include "circuits/crossbar.hpp"
#include "circuits/crossbar/builder.hpp"
#include "circuits/crossbar/fixed_stages.hpp"
#include "circuits/crossbar/stage_factory.hpp"

namespace cimkit::circuits {
namespace {

CrossbarNames validate_tile(const std::string& prefix, int rows, int columns, const TileWires& wires = {}) {
    CrossbarNames names(prefix);
    CrossbarGeometry geometry{rows, columns, wires.row_ohm, wires.column_ohm};
    geometry.driver_ohm = wires.driver_ohm;
    validate_geometry(geometry);
    return names;
}

}  // namespace

void add_read_tile(Netlist& netlist, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                   const TileStates& state, const TileWires& wires, const CrossbarPeripherals& peripherals,
                   std::shared_ptr<const CrossbarStage> row_driver, const ReadTiming& timing) {
    const CrossbarNames names = validate_tile(prefix, rows, columns, wires);
    CrossbarStages stages = make_peripheral_stages(peripherals, timing);
    stages.push_back(row_driver ? std::move(row_driver) : make_external_row_driver());
    if (wires.row_ohm > 0.0 || wires.column_ohm > 0.0 || wires.driver_ohm > 0.0) {
        stages.push_back(make_segment_wires(wires.row_ohm, wires.column_ohm, 0.0, 0.0, wires.driver_ohm));
    }
    add_crossbar(netlist, names, rows, columns, face, state, stages);
}

void add_differential_equivalent_tile(Netlist& netlist, const std::string& prefix, int rows, int pairs, const TileConductances& g_plus_S,
                                      const TileConductances& g_minus_S) {
    const CrossbarNames names = validate_tile(prefix, rows, pairs);
    // The drivers and read-out of add_read_tile, with the pairs' elements in place of the devices.
    CrossbarBuild build{netlist, names, rows, pairs};
    make_external_row_driver()->add_lines(build);
    make_crossbar_stage("ideal", {})->add_lines(build);
    for (int i = 0; i < rows; ++i) {
        const std::string row = names.row_input(i);
        double row_load_S = 0.0;
        for (int b = 0; b < pairs; ++b) {
            const double g_plus = g_plus_S(i, b), g_minus = g_minus_S(i, b);
            row_load_S += g_plus + g_minus;
            // From ground through the source into the sense line: the pair's net current.
            if (g_plus != g_minus) netlist.add(Vccs{"dev_" + names.device_tag(i, b), "0", names.column_output(b), row, "0", g_plus - g_minus});
        }
        if (row_load_S > 0.0) netlist.add(Resistor{names.line("load", i), row, "0", 1.0 / row_load_S});
    }
}

void bind_read_tile(spice::Engine& engine, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                    const TileStates& state) {
    const CrossbarNames names = validate_tile(prefix, rows, columns);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) face.bind_device(engine, names.device_tag(i, j), &state(i, j));
    }
}

std::string tile_row_source(const std::string& prefix, int row) { return CrossbarNames(prefix).line("vrow", row); }

std::string tile_column_current_vector(const std::string& prefix, int column) {
    return column_readout({make_crossbar_stage("ideal", {})}).column_vector(CrossbarNames(prefix), column);
}

}  // namespace cimkit::circuits
