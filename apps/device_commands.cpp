#include "apps/device_commands.hpp"

#include <cstdio>

#include "analysis/characterization/characterization_export.hpp"
#include "analysis/characterization/parameters_toml.hpp"
#include "analysis/device_catalog.hpp"
#include "analysis/provenance.hpp"
#include "analysis/spice_pulse_trains.hpp"
#include "apps/device_settings.hpp"
#include "apps/output_claim.hpp"
#include "apps/progress_line.hpp"
#include "apps/seed_option.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::apps {

CLI::App* add_devices_command(CLI::App& app, DevicesOptions& options) {
    CLI::App* cmd = app.add_subcommand("devices", "List the device models and their parameter tables");
    cmd->add_flag("--markdown", options.markdown, "Print docs/devices.md (Markdown) instead of plain text");
    return cmd;
}

int run_devices(const DevicesOptions& options) {
    const auto& registry = builtin_devices();
    const std::string text = options.markdown ? analysis::device_catalog_markdown(registry)
                                              : analysis::device_catalog_text(registry);
    std::fputs(text.c_str(), stdout);
    return 0;
}

CLI::App* add_characterize_command(CLI::App& app, CharacterizeOptions& options) {
    CLI::App* cmd = app.add_subcommand("characterize", "Characterise a device model: I-V, pulses, retention, variability");
    cmd->add_option("--device", options.device, "Device model (see 'cimkit devices')");
    cmd->add_option("DEVICE", options.device, "The device model as a positional shorthand for --device");
    cmd->add_option("-e,--experiment", options.experiment, "iv, pulses, retention, variability, or all");
    cmd->add_option("-o,--output", options.output_path, "HDF5 file to write")->required();
    add_device_settings_options(*cmd, options.settings, {"--device", "DEVICE"});
    cmd->add_option("--devices", options.devices, "Number of devices (default: per experiment)");
    add_seed_option(*cmd, options.seed, "Random seed (default 1)");
    cmd->add_option("--spread", options.spreads,
                    "NAME=SIGMA: a spice:FILE:SUBCKT device's .param NAME times exp(SIGMA z) per device in pulses and variability, "
                    "replacing a spread the file declares for NAME");
    cmd->add_flag("--force", options.force, "Replace an existing output file");
    cmd->add_flag("--quiet", options.quiet, "No progress on stderr");
    return cmd;
}

int run_characterize(const CharacterizeOptions& options, const std::string& command_line) {
    if (options.device.empty()) throw UsageError("characterize: no device; give --device NAME (see 'cimkit devices') or [device] model in --config");
    if (options.experiment.empty()) throw UsageError("characterize: no experiment; give --experiment iv, pulses, retention, variability or all");
    const DeviceEntry& entry = builtin_devices().find(options.device);
    const auto model = entry.make(device_settings(options.settings));
    std::vector<std::string> experiments{options.experiment};
    if (options.experiment == "all") experiments = analysis::experiment_names();
    const analysis::ExperimentOptions experiment_options{options.devices, options.seed, analysis::parse_spread_options(options.spreads)};
    if (!options.spreads.empty() && !analysis::is_spice_device_name(options.device)) {
        throw UsageError("--spread: only for a spice:FILE:SUBCKT device (a model's spreads are its parameters, --set device.NAME=VALUE)");
    }
    for (const auto& name : experiments) analysis::check_experiment(name, experiment_options);  // before any work or file
    const OutputClaim claim(options.output_path, config_inputs(options.settings), options.force);
    h5::File file(options.output_path);
    analysis::write_provenance(file, command_line);
    file.set_integer_attribute("/", "seed", options.seed);
    file.set_attribute("/", "config_toml", analysis::parameters_toml(*model));
    if (const std::string table = device_definition_toml(options.device); !table.empty()) file.set_attribute("/", "device_definition_toml", table);
    // Per experiment: the experiments have no progress hooks inside (a device or pulse batch).
    ProgressLine progress("characterize " + options.device, "experiments", options.quiet);
    for (std::size_t i = 0; i < experiments.size(); ++i) {
        const std::string& name = experiments[i];
        progress.update(i, experiments.size(), name);
        const auto result = analysis::run_experiment(name, *model, experiment_options);
        progress.close();
        analysis::write_characterisation(file, result);
        std::fputs(analysis::figures_table(result).c_str(), stdout);
        if (name == "variability" && result.source == "ngspice" && result.figure("spread_parameters").value == 0.0) {
            std::fprintf(stderr, "note: %s declares no spread (*cimkit: spread NAME=SIGMA) and no --spread was given: every device is the "
                                 "nominal subcircuit, its spreads are 0 to ngspice's rounding\n", options.device.c_str());
        }
    }
    file.commit();
    std::printf("wrote %s\n", options.output_path.c_str());
    return 0;
}

}  // namespace cimkit::apps
