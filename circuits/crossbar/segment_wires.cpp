// Line resistance and capacitance: one resistor per segment between neighbouring cells of a row or
// a column, optionally one capacitor to ground on each segment's cell node, and optionally the row
// drivers' output resistance in series before each row's first cell. The capacitors live
// in this stage rather than a sibling one because they sit on the nodes this stage creates (r_i_j,
// c_i_j), which exist only when the line has resistance (validate_geometry refuses capacitance
// without it).
#include "circuits/crossbar/fixed_stages.hpp"

namespace cimkit::circuits {
namespace {

class SegmentWires : public CrossbarStage {
public:
    SegmentWires(double row_ohm, double column_ohm, double row_farad, double column_farad, double driver_ohm)
        : row_ohm_(row_ohm), column_ohm_(column_ohm), row_farad_(row_farad), column_farad_(column_farad), driver_ohm_(driver_ohm) {}
    StagePlace place() const override { return StagePlace::wires; }

    void add_lines(CrossbarBuild& build) const override {
        const CrossbarNames& n = build.names;
        // The drivers' output resistance first, so that a netlist without it keeps its text.
        for (int i = 0; i < build.rows && driver_ohm_ > 0.0; ++i) {
            build.netlist.add(Resistor{n.line("drv", i), n.row_input(i), n.line("drv", i), driver_ohm_});
        }
        for (int i = 0; i < build.rows && row_ohm_ > 0.0; ++i) {
            for (int j = 0; j < build.columns; ++j) {
                const std::string from = j == 0 ? driven_end(n, i) : row_node(n, i, j - 1);
                build.netlist.add(Resistor{n.cell("wr", i, j), from, row_node(n, i, j), row_ohm_});
            }
        }
        // Segment wc_i_j joins the cells of rows i - 1 and i; wc_<rows>_j the last cell and col_j.
        for (int j = 0; j < build.columns && column_ohm_ > 0.0; ++j) {
            for (int i = 1; i <= build.rows; ++i) {
                const std::string to = i == build.rows ? n.column_output(j) : column_node(n, i, j);
                build.netlist.add(Resistor{n.cell("wc", i, j), column_node(n, i - 1, j), to, column_ohm_});
            }
        }
        // After every resistor, so that a netlist without capacitance keeps its text.
        for (int i = 0; i < build.rows && row_farad_ > 0.0; ++i) {
            for (int j = 0; j < build.columns; ++j) build.netlist.add(Capacitor{n.cell("wr", i, j), row_node(n, i, j), "0", row_farad_});
        }
        for (int j = 0; j < build.columns && column_farad_ > 0.0; ++j) {
            for (int i = 0; i < build.rows; ++i) build.netlist.add(Capacitor{n.cell("wc", i, j), column_node(n, i, j), "0", column_farad_});
        }
    }

    void add_cell(CrossbarBuild& build, int i, int j, CellTerminals& terminals) const override {
        terminals.row = row_node(build.names, i, j);
        terminals.column = column_node(build.names, i, j);
    }

private:
    // Where row i's line starts: its driver's output, behind the output resistance if there is one.
    std::string driven_end(const CrossbarNames& n, int i) const { return driver_ohm_ > 0.0 ? n.line("drv", i) : n.row_input(i); }
    // Node of cell (i, j) on its row and on its column; with an ideal line they merge into the line's end.
    std::string row_node(const CrossbarNames& n, int i, int j) const { return row_ohm_ > 0.0 ? n.cell("r", i, j) : driven_end(n, i); }
    std::string column_node(const CrossbarNames& n, int i, int j) const {
        return column_ohm_ > 0.0 ? n.cell("c", i, j) : n.column_output(j);
    }

    double row_ohm_, column_ohm_, row_farad_, column_farad_, driver_ohm_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_segment_wires(double row_ohm, double column_ohm, double row_farad, double column_farad,
                                                        double driver_ohm) {
    return std::make_shared<SegmentWires>(row_ohm, column_ohm, row_farad, column_farad, driver_ohm);
}

}  // namespace cimkit::circuits
