#include "circuits/crossbar_tile.hpp"

#include <cctype>

#include "circuits/crossbar.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

// No '_' in a prefix: "<prefix>_<i>_<j>" tags then stay unique across tiles ("a1" + "_2_3" can never
// equal another prefix's tag).
void validate_tile(const std::string& prefix, int rows, int columns) {
    bool ok = !prefix.empty() && prefix.size() <= 16 && std::islower(static_cast<unsigned char>(prefix[0]));
    for (char c : prefix) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) throw ParameterError("crossbar tile: prefix '" + prefix + "' must match [a-z][a-z0-9]* (at most 16 characters)");
    validate_geometry(CrossbarGeometry{rows, columns, 0.0, 0.0});
}

std::string indexed(const std::string& kind, const std::string& prefix, int i) { return kind + "_" + prefix + "_" + std::to_string(i); }
std::string device_tag(const std::string& prefix, int i, int j) {
    return prefix + "_" + std::to_string(i) + "_" + std::to_string(j);
}

}  // namespace

void add_read_tile(Netlist& netlist, const std::string& prefix, int rows, int columns, const DeviceFace& face,
                   const TileStates& state) {
    validate_tile(prefix, rows, columns);
    for (int i = 0; i < rows; ++i) {
        netlist.add(Source{Source::Kind::voltage, indexed("row", prefix, i), indexed("in", prefix, i), "0", External{}});
    }
    for (int j = 0; j < columns; ++j) {
        netlist.add(Source{Source::Kind::voltage, indexed("sense", prefix, j), indexed("col", prefix, j), "0", Dc{0.0}});
        netlist.save("i(" + indexed("vsense", prefix, j) + ")");
    }
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            face.add_device(netlist, device_tag(prefix, i, j), indexed("in", prefix, i), indexed("col", prefix, j), state(i, j));
        }
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
