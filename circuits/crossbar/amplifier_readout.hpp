#pragma once
// What the op-amp read-outs (tia_readout.cpp, integrator_readout.cpp) draw alike: their library from
// netlist_dir/peripherals, and one instance per column from the column's node to out_j.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "circuits/crossbar/stage.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {

// Instance `<kind>_j` of `subcircuit` (ports: in, out, then `shared_ports`, the same nodes for every
// column) on column j, its output out_j saved. Throws IoError when the library is missing.
inline void add_column_amplifiers(CrossbarBuild& build, const std::filesystem::path& netlist_dir, const std::string& library,
                                  const std::string& kind, const std::string& subcircuit,
                                  const std::vector<std::pair<std::string, double>>& parameters,
                                  const std::vector<std::string>& shared_ports = {}) {
    const auto path = std::filesystem::absolute(netlist_dir / "peripherals" / library);
    if (!std::filesystem::exists(path)) throw IoError(path.string(), subcircuit + " subcircuit not found");
    build.netlist.include(path);
    for (int j = 0; j < build.columns; ++j) {
        std::vector<std::string> ports{build.names.column_output(j), build.names.line("out", j)};
        ports.insert(ports.end(), shared_ports.begin(), shared_ports.end());
        build.netlist.add(Instance{build.names.line(kind, j), ports, subcircuit, parameters});
        build.netlist.save(plot_vector_name(build.names.line("out", j)));
    }
}

}  // namespace cimkit::circuits
