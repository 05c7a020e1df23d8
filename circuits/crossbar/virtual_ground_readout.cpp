// "ideal": a 0 V source per column holds the column at virtual ground; its current is the reading.
#include "circuits/crossbar/stage_factory.hpp"

namespace cimkit::circuits {
namespace {

class VirtualGroundReadout : public ColumnReadout {
public:
    void add_lines(CrossbarBuild& build) const override {
        for (int j = 0; j < build.columns; ++j) {
            build.netlist.add(Source{Source::Kind::voltage, build.names.line("sense", j), build.names.column_output(j), "0", Dc{0.0}});
            // Once a netlist has any .save, ngspice keeps only saved vectors, which keeps each plot small.
            build.netlist.save(plot_vector_name(column_vector(build.names, j)));
        }
    }
    // ngspice's branch current of vsense flows from its + terminal (the column node) through the
    // source to ground: the current into the column from its devices.
    std::string column_vector(const CrossbarNames& names, int column) const override { return names.line("vsense", column) + "#branch"; }
    double column_current_A(double value) const override { return value; }
    bool reads_output_voltage() const override { return false; }
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_virtual_ground_readout(const StageSettings&, const ReadTiming&) { return std::make_shared<VirtualGroundReadout>(); }

}  // namespace cimkit::circuits
