// The one-shot read's row driver: an ideal voltage source per row with a trapezoidal pulse, its height
// the input (amplitude encoding) or its plateau's length the input (pulse-width encoding).
#include "circuits/crossbar/fixed_stages.hpp"

namespace cimkit::circuits {
namespace {

// Row i: 0 V -> amplitudes_V[i] in edge_s, held for plateaus_s[i], back to 0 V in edge_s.
class PulseRowDriver : public CrossbarStage {
public:
    PulseRowDriver(std::vector<double> amplitudes_V, std::vector<double> plateaus_s, ReadTiming timing)
        : amplitudes_V_(std::move(amplitudes_V)), plateaus_s_(std::move(plateaus_s)), timing_(timing) {}
    StagePlace place() const override { return StagePlace::row_driver; }

    void add_lines(CrossbarBuild& build) const override {
        for (int i = 0; i < build.rows; ++i) {
            const double v = amplitudes_V_[static_cast<std::size_t>(i)];
            const double plateau_s = plateaus_s_[static_cast<std::size_t>(i)];
            const double end_s = 2.0 * timing_.edge_s + plateau_s;
            build.netlist.add(Source{Source::Kind::voltage, build.names.line("row", i), build.names.row_input(i), "0",
                                     PiecewiseLinear{{{0.0, 0.0}, {timing_.edge_s, v}, {timing_.edge_s + plateau_s, v}, {end_s, 0.0}}}});
            build.netlist.save("v(" + build.names.row_input(i) + ")");
            build.netlist.save("i(" + build.names.line("vrow", i) + ")");
        }
    }

private:
    std::vector<double> amplitudes_V_;
    std::vector<double> plateaus_s_;
    ReadTiming timing_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_pulse_row_driver(std::vector<double> inputs_V, ReadTiming timing) {
    std::vector<double> plateaus_s(inputs_V.size(), timing.read_s);
    return std::make_shared<PulseRowDriver>(std::move(inputs_V), std::move(plateaus_s), timing);
}

std::shared_ptr<const CrossbarStage> make_pulse_width_row_driver(std::vector<double> widths_s, double amplitude_V, ReadTiming timing) {
    std::vector<double> amplitudes_V(widths_s.size(), amplitude_V);
    return std::make_shared<PulseRowDriver>(std::move(amplitudes_V), std::move(widths_s), timing);
}

}  // namespace cimkit::circuits
