// The row drivers of reads in a transient: an ideal voltage source per row with a trapezoidal pulse,
// its height the input (amplitude encoding) or its plateau's length the input (pulse-width encoding);
// or, for many pulse-width reads in one transient, a train of such pulses, one per sample.
#include "circuits/crossbar/fixed_stages.hpp"

#include <algorithm>

#include "devices/core/errors.hpp"

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

// Row i: one trapezoid per sample that has a pulse (RowPulseTrains), 0 V between them.
class PulseTrainRowDriver : public CrossbarStage {
public:
    explicit PulseTrainRowDriver(RowPulseTrains trains) : trains_(std::move(trains)) {}
    StagePlace place() const override { return StagePlace::row_driver; }

    void add_lines(CrossbarBuild& build) const override {
        const auto samples = static_cast<std::size_t>(trains_.samples);
        for (int i = 0; i < build.rows; ++i) {
            PiecewiseLinear wave{{{0.0, 0.0}}};
            for (std::size_t k = 0; k < samples; ++k) {
                const std::size_t at = static_cast<std::size_t>(i) * samples + k;
                const double v = trains_.level_V[at], width_s = trains_.width_s[at];
                if (v == 0.0 || !(width_s > 0.0)) continue;
                const double e = std::min(trains_.edge_s, width_s), rise_s = static_cast<double>(k) * trains_.period_s + trains_.start_s;
                wave.points.push_back({rise_s - e / 2.0, 0.0});
                wave.points.push_back({rise_s + e / 2.0, v});
                // A pulse as wide as its edge has no plateau: its top is one point.
                if (width_s > e) wave.points.push_back({rise_s + width_s - e / 2.0, v});
                wave.points.push_back({rise_s + width_s + e / 2.0, 0.0});
            }
            build.netlist.add(Source{Source::Kind::voltage, build.names.line("row", i), build.names.row_input(i), "0", std::move(wave)});
            build.netlist.save("v(" + build.names.row_input(i) + ")");
            build.netlist.save("i(" + build.names.line("vrow", i) + ")");
        }
    }

private:
    RowPulseTrains trains_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_pulse_train_row_driver(RowPulseTrains trains) {
    const std::size_t size = trains.level_V.size();
    if (trains.samples < 1 || size % static_cast<std::size_t>(trains.samples) != 0 || trains.width_s.size() != size ||
        !(trains.edge_s > 0.0) || !(trains.start_s >= trains.edge_s / 2.0) || !(trains.period_s > trains.start_s)) {
        throw ParameterError("pulse-train row driver: rows x samples levels and widths, edge_s > 0, start_s >= edge_s/2 and period_s > start_s");
    }
    for (const double w : trains.width_s) {
        if (!(w >= 0.0) || trains.start_s + w + trains.edge_s / 2.0 > trains.period_s) {
            throw ParameterError("pulse-train row driver: every width must be >= 0 and its pulse must end inside its sample's window");
        }
    }
    return std::make_shared<PulseTrainRowDriver>(std::move(trains));
}

std::shared_ptr<const CrossbarStage> make_pulse_row_driver(std::vector<double> inputs_V, ReadTiming timing) {
    std::vector<double> plateaus_s(inputs_V.size(), timing.read_s);
    return std::make_shared<PulseRowDriver>(std::move(inputs_V), std::move(plateaus_s), timing);
}

std::shared_ptr<const CrossbarStage> make_pulse_width_row_driver(std::vector<double> widths_s, double amplitude_V, ReadTiming timing) {
    std::vector<double> amplitudes_V(widths_s.size(), amplitude_V);
    return std::make_shared<PulseRowDriver>(std::move(amplitudes_V), std::move(widths_s), timing);
}

}  // namespace cimkit::circuits
