#include "analysis/characterization/experiment.hpp"

#include <algorithm>

#include "analysis/characterization/subcircuit_experiments.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::analysis {

const Figure& ExperimentResult::figure(const std::string& name) const {
    for (const auto& f : figures) {
        if (f.name == name) return f;
    }
    throw Error(device + "/" + experiment + ": no figure '" + name + "'");
}

const Curve& ExperimentResult::curve(const std::string& name) const {
    for (const auto& c : curves) {
        if (c.name == name) return c;
    }
    throw Error(device + "/" + experiment + ": no curve '" + name + "'");
}

const std::vector<std::string>& experiment_names() {
    static const std::vector<std::string> names{"iv", "pulses", "retention", "variability"};
    return names;
}

void check_experiment(const std::string& experiment, const ExperimentOptions& options) {
    if (options.devices < 0 || options.devices > 100000) {
        throw UsageError("--devices " + std::to_string(options.devices) + " is outside [1, 100000]");
    }
    const auto& names = experiment_names();
    if (std::find(names.begin(), names.end(), experiment) == names.end()) {
        throw UsageError("unknown experiment '" + experiment + "' (known: " + text::join(names, ", ") + ", all)");
    }
}

ExperimentResult run_experiment(const std::string& experiment, const DeviceModel& model,
                                const ExperimentOptions& options) {
    check_experiment(experiment, options);
    // A subcircuit's experiments come from the subcircuit in ngspice, not its compact twin.
    if (const auto* subcircuit = dynamic_cast<const SubcircuitDevice*>(&model)) {
        if (experiment == "iv") return run_subcircuit_iv(*subcircuit, options);
        if (experiment == "retention") return run_subcircuit_retention(*subcircuit, options);
        if (experiment == "pulses") return run_subcircuit_pulses(*subcircuit, options);
        return run_subcircuit_variability(*subcircuit, options);
    }
    if (!options.spreads.empty()) throw UsageError("--spread: only for a spice:FILE:SUBCKT device (a model's spreads are its parameters)");
    if (experiment == "iv") return run_iv(model, options);
    if (experiment == "pulses") return run_pulses(model, options);
    if (experiment == "retention") return run_retention(model, options);
    return run_variability(model, options);
}

}  // namespace cimkit::analysis
