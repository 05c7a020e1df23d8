// "integrator": the op-amp charge integrator of netlists/peripherals/integrator.lib on every column,
// the read-out of pulse-width inputs (circuits/crossbar.hpp): each column's reading is the charge its
// devices delivered over the whole read, taken from the output after the last input pulse.
#include <filesystem>

#include "circuits/crossbar/amplifier_readout.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

class IntegratorColumnReadout : public ColumnReadout {
public:
    IntegratorColumnReadout(IntegratorReadout integrator, double read_s, std::filesystem::path netlist_dir)
        : integrator_(integrator), read_s_(read_s), netlist_dir_(std::move(netlist_dir)) {}
    std::string label() const override { return "integrator read-out"; }
    // The feedback capacitors start empty (ic=0 in the library), which ngspice honours only with uic;
    // with resets, the switch empties them through the operating point instead.
    bool needs_initial_conditions() const override { return !resets(); }
    bool integrates_charge() const override { return true; }

    void add_lines(CrossbarBuild& build) const override {
        const std::vector<std::pair<std::string, double>> parameters{{"a0", integrator_.open_loop_gain}, {"cf", integrator_.feedback_farad}};
        if (!resets()) {
            add_column_amplifiers(build, netlist_dir_, "integrator.lib", "int", "integrator", parameters);
            return;
        }
        // One reset control per crossbar, high (1 V, well above the switch's 0.5 V threshold) for
        // [k T, k T + reset_s) and low between, every column's switch on it.
        const std::string control = build.names.line("rst", 0);
        const double period_s = integrator_.reset_period_s, edge_s = integrator_.reset_edge_s;
        build.netlist.add(Source{Source::Kind::voltage, control, control, "0",
                                 PulseWave{1.0, 0.0, integrator_.reset_s, edge_s, edge_s, period_s - integrator_.reset_s - 2.0 * edge_s, period_s}});
        auto with_switch = parameters;
        with_switch.emplace_back("ron", integrator_.reset_ohm);
        add_column_amplifiers(build, netlist_dir_, "integrator.lib", "int", "integrator_rst", with_switch, {control});
    }
    std::string column_vector(const CrossbarNames& names, int column) const override { return names.line("out", column); }
    // V_out = -Q a0/((1 + a0) cf)  =>  Q = -V_out cf (1 + a0)/a0, reported as the mean current over the read window.
    double column_current_A(double v) const override {
        const double a0 = integrator_.open_loop_gain;
        return -v * integrator_.feedback_farad * (1.0 + a0) / a0 / read_s_;
    }
    bool reads_output_voltage() const override { return true; }
    // The op-amp (a VCVS) holds `out` at V_out and feeds cf the current cf d(V_out - V_in)/dt with
    // V_in = -V_out/a0: over the read it delivers cf (1 + 1/a0) V_out^2/2, from V_out = 0 at the start.
    double delivered_energy_J(const std::vector<double>&, const std::vector<double>& values) const override {
        const double v = values.empty() ? 0.0 : values.back();
        return 0.5 * integrator_.feedback_farad * (1.0 + 1.0 / integrator_.open_loop_gain) * v * v;
    }
    // Nothing is dissipated during the read (an ideal capacitor); cf then holds cf (V_in - V_out)^2/2
    // = cf (1 + 1/a0)^2 V_out^2/2, which the reset before the next read dissipates: the read's cost.
    // (It exceeds what the op-amp delivered by the charge the column brought in at V_in.)
    double dissipated_energy_J(const std::vector<double>&, const std::vector<double>& values) const override {
        const double v = values.empty() ? 0.0 : values.back();
        const double gain = 1.0 + 1.0 / integrator_.open_loop_gain;
        return 0.5 * integrator_.feedback_farad * gain * gain * v * v;
    }

private:
    bool resets() const { return integrator_.reset_period_s > 0.0; }
    IntegratorReadout integrator_;
    double read_s_;
    std::filesystem::path netlist_dir_;
};

}  // namespace

std::shared_ptr<const CrossbarStage> make_integrator_readout(const StageSettings& settings, const ReadTiming& timing) {
    if (!(settings.integrator.feedback_farad > 0.0) || !(settings.integrator.open_loop_gain > 0.0)) {
        throw ParameterError("integrator read-out: the feedback capacitance and the open-loop gain must be > 0");
    }
    const IntegratorReadout& i = settings.integrator;
    if (i.reset_period_s > 0.0 && !(i.reset_s > 0.0 && i.reset_edge_s > 0.0 && i.reset_ohm > 0.0 && i.reset_s + 2.0 * i.reset_edge_s < i.reset_period_s)) {
        throw ParameterError("integrator read-out: a reset needs reset_s, reset_edge_s and reset_ohm > 0 and reset_s + 2 reset_edge_s < reset_period_s");
    }
    return std::make_shared<IntegratorColumnReadout>(settings.integrator, timing.read_s, settings.netlist_dir);
}

}  // namespace cimkit::circuits
