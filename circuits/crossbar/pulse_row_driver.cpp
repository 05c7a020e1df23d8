// The one-shot read's row driver: an ideal voltage source per row with a trapezoidal pulse.
#include "circuits/crossbar/fixed_stages.hpp"

namespace cimkit::circuits {
namespace {

class PulseRowDriver : public CrossbarStage {
public:
    PulseRowDriver(std::vector<double> inputs_V, ReadTiming timing) : inputs_V_(std::move(inputs_V)), timing_(timing) {}
    StagePlace place() const override { return StagePlace::row_driver; }

    void add_lines(CrossbarBuild& build) const override {
        const double t_end = 2.0 * timing_.edge_s + timing_.read_s;
        for (int i = 0; i < build.rows; ++i) {
            const double v = inputs_V_[static_cast<std::size_t>(i)];
            build.netlist.add(Source{Source::Kind::voltage, build.names.line("row", i), build.names.row_input(i), "0",
                                     PiecewiseLinear{{{0.0, 0.0}, {timing_.edge_s, v}, {timing_.edge_s + timing_.read_s, v}, {t_end, 0.0}}}});
            build.netlist.save("v(" + build.names.row_input(i) + ")");
            build.netlist.save("i(" + build.names.line("vrow", i) + ")");
        }
    }

private:
    std::vector<double> inputs_V_;
    ReadTiming timing_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_pulse_row_driver(std::vector<double> inputs_V, ReadTiming timing) {
    return std::make_shared<PulseRowDriver>(std::move(inputs_V), timing);
}

}  // namespace cimkit::circuits
