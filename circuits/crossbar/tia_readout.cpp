// "tia": the op-amp transimpedance amplifier of netlists/peripherals/tia.lib on every column.
#include <filesystem>

#include "circuits/crossbar/amplifier_readout.hpp"
#include "circuits/crossbar/stage_factory.hpp"

namespace cimkit::circuits {
namespace {

class TiaColumnReadout : public ColumnReadout {
public:
    TiaColumnReadout(TiaReadout tia, std::filesystem::path netlist_dir) : tia_(tia), netlist_dir_(std::move(netlist_dir)) {}
    std::string label() const override { return "TIA read-out"; }

    void add_lines(CrossbarBuild& build) const override {
        add_column_amplifiers(build, netlist_dir_, "tia.lib", "tia", "tia", {{"a0", tia_.open_loop_gain}, {"rf", tia_.feedback_ohm}});
    }
    std::string column_vector(const CrossbarNames& names, int column) const override { return names.line("out", column); }
    // The input sits at V_out / (-a0) = I rf / (1 + a0).
    double input_ohm() const override { return tia_.feedback_ohm / (1.0 + tia_.open_loop_gain); }
    // V_out = -I rf a0/(1 + a0)  =>  I = -V_out (1 + a0)/(a0 rf)
    double column_current_A(double v) const override {
        const double a0 = tia_.open_loop_gain;
        return -v * (1.0 + a0) / (a0 * tia_.feedback_ohm);
    }
    bool reads_output_voltage() const override { return true; }
    // The op-amp (a VCVS) holds `out` at V_out and sinks rf's current, (V_in - V_out)/rf with
    // V_in = -V_out/a0: it delivers V_out^2 (1 + 1/a0)/rf; rf dissipates V_out^2 (1 + 1/a0)^2/rf,
    // the difference being what the column delivers into the input at V_in.
    double delivered_power_W(double v) const override {
        return v * v * (1.0 + 1.0 / tia_.open_loop_gain) / tia_.feedback_ohm;
    }
    double dissipated_power_W(double v) const override {
        const double gain = 1.0 + 1.0 / tia_.open_loop_gain;
        return v * v * gain * gain / tia_.feedback_ohm;
    }

private:
    TiaReadout tia_;
    std::filesystem::path netlist_dir_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_tia_readout(const StageSettings& settings, const ReadTiming&) {
    return std::make_shared<TiaColumnReadout>(settings.tia, settings.netlist_dir);
}

}  // namespace cimkit::circuits
