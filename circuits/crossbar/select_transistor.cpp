// "1t1r": an NMOS select transistor in series with every device, gates on one word line.
#include "circuits/crossbar/stage_factory.hpp"

namespace cimkit::circuits {
namespace {

class SelectTransistor : public CrossbarStage {
public:
    explicit SelectTransistor(AccessTransistor access) : access_(access) {}
    StagePlace place() const override { return StagePlace::select_device; }
    std::string label() const override { return "1T1R"; }

    void add_lines(CrossbarBuild& build) const override {
        build.netlist.add_model(ModelCard{build.names.shared("nsel"), "nmos",
                                          {{"level", 1}, {"kp", access_.kp_A_per_V2}, {"vto", access_.vto_V}, {"gamma", 0.0}, {"is", 1e-30}}});
        build.netlist.add(Source{Source::Kind::voltage, build.names.shared("wl"), build.names.shared("wl"), "0", Dc{access_.v_wordline_V}});
    }

    // row -> device -> m_i_j -> transistor (bulk tied to its source) -> column
    void add_cell(CrossbarBuild& build, int i, int j, CellTerminals& terminals) const override {
        const std::string between = build.names.cell("m", i, j);
        build.netlist.add(Mosfet{build.names.cell("sel", i, j), between, build.names.shared("wl"), terminals.column, terminals.column,
                                 build.names.shared("nsel"), access_.width_m, access_.length_m});
        terminals.column = between;
    }

private:
    AccessTransistor access_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_select_transistor(const StageSettings& settings, const ReadTiming&) {
    return std::make_shared<SelectTransistor>(settings.access);
}

}  // namespace cimkit::circuits
