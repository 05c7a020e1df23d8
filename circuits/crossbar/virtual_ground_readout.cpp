// "ideal": a 0 V source per column holds the column at virtual ground; its current is the reading.
// With StageSettings::external_sense_sources the source is EXTERNAL (0 V unless C++ drives it).
#include "circuits/crossbar/stage_factory.hpp"

namespace cimkit::circuits {
namespace {

class VirtualGroundReadout : public ColumnReadout {
public:
    explicit VirtualGroundReadout(bool external) : external_(external) {}

    void add_lines(CrossbarBuild& build) const override {
        for (int j = 0; j < build.columns; ++j) {
            Source sense{Source::Kind::voltage, build.names.line("sense", j), build.names.column_output(j), "0", Dc{0.0}};
            if (external_) sense.waveform = External{};
            build.netlist.add(sense);
            // Once a netlist has any .save, ngspice keeps only saved vectors, which keeps each plot small.
            build.netlist.save(plot_vector_name(column_vector(build.names, j)));
        }
    }
    // ngspice's branch current of vsense flows from its + terminal (the column node) through the
    // source to ground: the current into the column from its devices.
    std::string column_vector(const CrossbarNames& names, int column) const override { return names.line("vsense", column) + "#branch"; }
    double column_current_A(double value) const override { return value; }
    bool reads_output_voltage() const override { return false; }
    std::string column_drive_source(const CrossbarNames& names, int column) const override {
        return external_ ? names.line("vsense", column) : "";
    }

private:
    bool external_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_virtual_ground_readout(const StageSettings& settings, const ReadTiming&) {
    return std::make_shared<VirtualGroundReadout>(settings.external_sense_sources);
}

}  // namespace cimkit::circuits
