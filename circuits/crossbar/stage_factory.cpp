#include "circuits/crossbar/stage_factory.hpp"

#include <algorithm>

#include "circuits/crossbar/builder.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {

// Each stage lives in its own file and is registered here, once.
using StageMaker = std::shared_ptr<const CrossbarStage>(const StageSettings&, const ReadTiming&);
StageMaker make_virtual_ground_readout;  // virtual_ground_readout.cpp
StageMaker make_tia_readout;             // tia_readout.cpp
StageMaker make_integrator_readout;      // integrator_readout.cpp
StageMaker make_select_transistor;       // select_transistor.cpp

namespace {

struct Registration {
    std::string name;
    StagePlace place;
    std::string description;
    StageMaker* make;
};

const std::vector<Registration>& registry() {
    static const std::vector<Registration> stages = {
        {"ideal", StagePlace::column_readout, "virtual ground", make_virtual_ground_readout},
        {"tia", StagePlace::column_readout, "op-amp TIA, netlists/peripherals/tia.lib", make_tia_readout},
        {"integrator", StagePlace::column_readout, "op-amp charge integrator for pulse-width inputs, netlists/peripherals/integrator.lib",
         make_integrator_readout},
        {"1t1r", StagePlace::select_device, "select transistor in series with every device", make_select_transistor},
    };
    return stages;
}

}  // namespace

std::shared_ptr<const CrossbarStage> make_crossbar_stage(const std::string& name, const StageSettings& settings,
                                                         const ReadTiming& timing) {
    for (const auto& stage : registry()) {
        if (stage.name == name) return stage.make(settings, timing);
    }
    std::string known;
    for (const auto& stage : registry()) known += (known.empty() ? "" : ", ") + stage.name;
    throw UsageError("crossbar: unknown stage '" + name + "' (known: " + known + ")");
}

CrossbarStages make_peripheral_stages(const CrossbarPeripherals& peripherals, const ReadTiming& timing) {
    CrossbarStages stages;
    for (const auto& name : peripherals.stages) stages.push_back(make_crossbar_stage(name, peripherals.settings, timing));
    const bool has_readout = std::any_of(stages.begin(), stages.end(), [](const auto& s) { return s->place() == StagePlace::column_readout; });
    if (!has_readout) stages.push_back(make_crossbar_stage("ideal", peripherals.settings, timing));
    return stages;
}

std::vector<std::string> crossbar_stage_names(StagePlace place) {
    std::vector<std::string> names;
    for (const auto& stage : registry()) {
        if (stage.place == place) names.push_back(stage.name);
    }
    return names;
}

std::string crossbar_stage_help(StagePlace place) {
    std::string help;
    for (const auto& stage : registry()) {
        if (stage.place == place) help += (help.empty() ? "" : ", ") + stage.name + " (" + stage.description + ")";
    }
    return help;
}

double readout_input_ohm(const CrossbarPeripherals& peripherals) {
    return column_readout(make_peripheral_stages(peripherals)).input_ohm();
}

}  // namespace cimkit::circuits
