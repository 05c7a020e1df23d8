#include "circuits/crossbar_tile.hpp"

#include <cctype>

#include "circuits/crossbar.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

// No '_' in a prefix: "<prefix>_<i>_<j>" tags then stay unique across tiles ("a1" + "_2_3" can never
// equal another prefix's tag).
void validate_tile(const std::string& prefix, int rows, int columns, const TileWires& wires = {}) {
    bool ok = !prefix.empty() && prefix.size() <= 16 && std::islower(static_cast<unsigned char>(prefix[0]));
    for (char c : prefix) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) throw ParameterError("crossbar tile: prefix '" + prefix + "' must match [a-z][a-z0-9]* (at most 16 characters)");
    validate_geometry(CrossbarGeometry{rows, columns, wires.row_ohm, wires.column_ohm});
}

std::string indexed(const std::string& kind, const std::string& prefix, int i) { return kind + "_" + prefix + "_" + std::to_string(i); }
std::string device_tag(const std::string& prefix, int i, int j) {
    return prefix + "_" + std::to_string(i) + "_" + std::to_string(j);
}

std::string row_node(const std::string& prefix, const TileWires& w, int i, int j) {
    return w.row_ohm > 0.0 ? device_tag("r_" + prefix, i, j) : indexed("in", prefix, i);
}
std::string column_node(const std::string& prefix, const TileWires& w, int i, int j) {
    return w.column_ohm > 0.0 ? device_tag("c_" + prefix, i, j) : indexed("col", prefix, j);
}

void add_wires(Netlist& netlist, const std::string& prefix, int rows, int columns, const TileWires& w) {
    for (int i = 0; i < rows && w.row_ohm > 0.0; ++i) {
        for (int j = 0; j < columns; ++j) {
            const std::string from = j == 0 ? indexed("in", prefix, i) : row_node(prefix, w, i, j - 1);
            netlist.add(Resistor{device_tag("wr_" + prefix, i, j), from, row_node(prefix, w, i, j), w.row_ohm});
        }
    }
    for (int j = 0; j < columns && w.column_ohm > 0.0; ++j) {
        for (int i = 0; i < rows; ++i) {
            const std::string to = i + 1 == rows ? indexed("col", prefix, j) : column_node(prefix, w, i + 1, j);
            netlist.add(Resistor{device_tag("wc_" + prefix, i, j), column_node(prefix, w, i, j), to, w.column_ohm});
        }
    }
}

}  // namespace

void add_read_tile(Netlist& netlist, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                   const TileStates& state, const TileWires& wires) {
    validate_tile(prefix, rows, columns, wires);
    for (int i = 0; i < rows; ++i) {
        netlist.add(Source{Source::Kind::voltage, indexed("row", prefix, i), indexed("in", prefix, i), "0", External{}});
    }
    for (int j = 0; j < columns; ++j) {
        netlist.add(Source{Source::Kind::voltage, indexed("sense", prefix, j), indexed("col", prefix, j), "0", Dc{0.0}});
        netlist.save("i(" + indexed("vsense", prefix, j) + ")");
    }
    add_wires(netlist, prefix, rows, columns, wires);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            face.add_device(netlist, device_tag(prefix, i, j), row_node(prefix, wires, i, j), column_node(prefix, wires, i, j),
                            state(i, j));
        }
    }
}

void add_differential_equivalent_tile(Netlist& netlist, const std::string& prefix, int rows, int pairs, const TileConductances& g_plus_S,
                                      const TileConductances& g_minus_S) {
    validate_tile(prefix, rows, pairs);
    for (int i = 0; i < rows; ++i) {
        netlist.add(Source{Source::Kind::voltage, indexed("row", prefix, i), indexed("in", prefix, i), "0", External{}});
    }
    for (int b = 0; b < pairs; ++b) {
        netlist.add(Source{Source::Kind::voltage, indexed("sense", prefix, b), indexed("col", prefix, b), "0", Dc{0.0}});
        netlist.save("i(" + indexed("vsense", prefix, b) + ")");
    }
    for (int i = 0; i < rows; ++i) {
        const std::string row = indexed("in", prefix, i);
        double row_load_S = 0.0;
        for (int b = 0; b < pairs; ++b) {
            const double g_plus = g_plus_S(i, b), g_minus = g_minus_S(i, b);
            row_load_S += g_plus + g_minus;
            // From ground through the source into the sense line: the pair's net current.
            if (g_plus != g_minus) netlist.add(Vccs{"dev_" + device_tag(prefix, i, b), "0", indexed("col", prefix, b), row, "0", g_plus - g_minus});
        }
        if (row_load_S > 0.0) netlist.add(Resistor{indexed("load", prefix, i), row, "0", 1.0 / row_load_S});
    }
}

void bind_read_tile(spice::Engine& engine, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                    const TileStates& state) {
    validate_tile(prefix, rows, columns);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) face.bind_device(engine, device_tag(prefix, i, j), &state(i, j));
    }
}

std::string tile_row_source(const std::string& prefix, int row) { return indexed("vrow", prefix, row); }

std::string tile_column_current_vector(const std::string& prefix, int column) {
    return indexed("vsense", prefix, column) + "#branch";
}

}  // namespace cimkit::circuits
