#include "apps/sweep_dry_parse.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "analysis/characterization/experiment.hpp"
#include "analysis/spice_pulse_trains.hpp"
#include "apps/crossbar_command.hpp"
#include "apps/device_commands.hpp"
#include "apps/train_command.hpp"
#include "apps/train_settings.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "training/experiment.hpp"

namespace cimkit::apps {
namespace {

void parse_command_line(CLI::App& app, const std::string& command, const std::vector<std::string>& arguments) {
    std::vector<std::string> reversed{command};  // CLI11 takes the arguments last first
    reversed.insert(reversed.end(), arguments.begin(), arguments.end());
    std::reverse(reversed.begin(), reversed.end());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        throw UsageError(command + ": " + e.what());
    }
}

}  // namespace

void dry_parse_point(const std::string& command, const std::vector<std::string>& arguments) {
    CLI::App app;
    if (command == "train") {
        TrainOptions o;
        add_train_command(app, o);
        parse_command_line(app, command, arguments);
        const ConfigValues config = training::resolve_experiment_config(gather_train_settings(o, "").settings);
        // A subcircuit file passes the netlist guard now (or, with the sweep's --allow-control, is
        // noted once on its stderr), not in every point; train makes its device only when it runs.
        const std::string& device = config.text("array.device");
        if (analysis::is_spice_device_name(device)) (void)analysis::check_spice_device(analysis::parse_spice_device_name(device));
    } else if (command == "characterize") {
        CharacterizeOptions o;
        add_characterize_command(app, o);
        parse_command_line(app, command, arguments);
        if (o.device.empty()) throw UsageError("characterize: no device; give --device NAME in args");
        if (o.experiment.empty()) throw UsageError("characterize: no experiment; give --experiment in args");
        (void)builtin_devices().find(o.device).make(device_settings(o.settings));
        const analysis::ExperimentOptions options{o.devices, o.seed};
        if (o.experiment == "all") {
            for (const auto& name : analysis::experiment_names()) analysis::check_experiment(name, options);
        } else {
            analysis::check_experiment(o.experiment, options);
        }
    } else if (command == "crossbar") {
        CrossbarOptions o;
        add_crossbar_command(app, o);
        parse_command_line(app, command, arguments);
        if (o.device.empty()) throw UsageError("crossbar: no device; give --device NAME in args");
        (void)builtin_devices().find(o.device).make(device_settings(o.settings));
    } else {
        throw UsageError("sweep: unknown command '" + command + "'");
    }
}

}  // namespace cimkit::apps
