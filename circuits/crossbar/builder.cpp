#include "circuits/crossbar/builder.hpp"

#include <algorithm>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

std::size_t count_at(const CrossbarStages& stages, StagePlace place) {
    return static_cast<std::size_t>(std::count_if(stages.begin(), stages.end(), [&](const auto& s) { return s->place() == place; }));
}

}  // namespace

const ColumnReadout& column_readout(const CrossbarStages& stages) {
    if (count_at(stages, StagePlace::column_readout) != 1) throw ParameterError("crossbar: expected exactly one column read-out stage");
    for (const auto& stage : stages) {
        if (stage->place() == StagePlace::column_readout) return static_cast<const ColumnReadout&>(*stage);
    }
    throw ParameterError("crossbar: no column read-out stage");  // unreachable after the count
}

void add_crossbar(Netlist& netlist, const CrossbarNames& names, int rows, int columns, const DeviceFace& face,
                  const CellStates& state, const CrossbarStages& stages) {
    if (count_at(stages, StagePlace::row_driver) != 1) throw ParameterError("crossbar: expected exactly one row driver stage");
    column_readout(stages);
    CrossbarStages ordered = stages;
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a->place() < b->place(); });
    CrossbarBuild build{netlist, names, rows, columns};
    for (const auto& stage : ordered) stage->add_lines(build);
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            CellTerminals terminals{names.row_input(i), names.column_output(j)};
            for (const auto& stage : ordered) stage->add_cell(build, i, j, terminals);
            face.add_device(netlist, names.device_tag(i, j), terminals.row, terminals.column, state(i, j));
        }
    }
}

std::string plot_vector_name(const std::string& ngspice_vector) {
    const std::string branch = "#branch";
    if (ngspice_vector.size() > branch.size() &&
        ngspice_vector.compare(ngspice_vector.size() - branch.size(), branch.size(), branch) == 0) {
        return "i(" + ngspice_vector.substr(0, ngspice_vector.size() - branch.size()) + ")";
    }
    return "v(" + ngspice_vector + ")";
}

}  // namespace cimkit::circuits
