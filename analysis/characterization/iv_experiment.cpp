// I-V sweeps of one device at five states across its programmable range.
#include "analysis/characterization/shared_results.hpp"

namespace cimkit::analysis {

ExperimentResult iv_result(const std::string& device, const std::vector<double>& voltage_V, const std::vector<double>& levels,
                           const std::vector<double>& current_A, const std::vector<double>& conductance_S, double read_voltage_V) {
    ExperimentResult r{device, "iv", {}, {}};
    r.curves = {
        {"voltage_V", voltage_V, {voltage_V.size()}, "V", "voltage across the device"},
        {"level", levels, {levels.size()}, "1", "state as a fraction of the programmable range"},
        {"current_A", current_A, {levels.size(), voltage_V.size()}, "A", "device current, one row per level"},
        {"conductance_S", conductance_S, {levels.size()}, "S", "read conductance at each level"},
    };
    r.figures = {
        {"g_low_S", conductance_S.front(), "S", "read conductance at level 0"},
        {"g_high_S", conductance_S.back(), "S", "read conductance at level 1"},
        {"read_voltage_V", read_voltage_V, "V", "read voltage"},
    };
    if (conductance_S.front() > 0.0) {
        r.figures.push_back({"on_off_ratio", conductance_S.back() / conductance_S.front(), "1", "G(level 1) / G(level 0)"});
    }
    return r;
}

ExperimentResult run_iv(const DeviceModel& model, const ExperimentOptions& options) {
    const std::vector<double> levels{0.0, 0.25, 0.5, 0.75, 1.0};
    const int points = 201;
    const double limit_V = model.iv_sweep_limit_V();
    Rng rng = Rng(options.seed).stream(0);
    DeviceState state = model.make_device(rng);

    std::vector<double> voltage_V, current_A, conductance_S;
    for (int k = 0; k < points; ++k) voltage_V.push_back(-limit_V + 2.0 * limit_V * k / (points - 1));
    for (double level : levels) {
        model.set_level(state, level, rng);
        for (double v : voltage_V) current_A.push_back(model.current_A(v, state));
        conductance_S.push_back(model.conductance_S(state));
    }
    return iv_result(model.name(), voltage_V, levels, current_A, conductance_S, model.read_voltage_V());
}

}  // namespace cimkit::analysis
