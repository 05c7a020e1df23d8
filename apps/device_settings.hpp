#pragma once
// The settings of the commands that build one device model (characterize, crossbar), spelled as
// train spells them: device parameters as `device.<name>` (`--set device.g_max_S=2e-5`), and
// `--config FILE.toml` holding the same keys: a [device] table of parameters (its `model` names
// the device, as --device does; or [device.<model>], as a file's config_toml holds them) and the command's options by their long name, dashes as
// underscores (`rows = 64`, `wire_ohm = 1.0`, `seed = 7`). The command line wins over the file.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "apps/output_claim.hpp"
#include "devices/core/parameters.hpp"

namespace cimkit::apps {

struct DeviceSettings {
    std::vector<std::string> set_texts;  // --set device.<name>=value
    std::string config_path;             // --config
    std::vector<Setting> from_file;      // the [device] parameters of --config, filled while parsing
};

// Adds --set and --config to `cmd`. Once the command line is parsed, --config's keys fill the
// options not given on it (through CLI11, so each option's own checks apply) and its [device]
// parameters go to `settings.from_file`. `device_options` are the options that name the model
// (e.g. "--device" and a positional "device"). A key the command does not take is refused naming
// the file and the key.
void add_device_settings_options(CLI::App& cmd, DeviceSettings& settings, const std::vector<std::string>& device_options);

// The device parameters: the file's, then --set's (--set replaces the file's value of a key). A --set key without the
// `device.` prefix is refused with the spelling to use.
std::vector<Setting> device_settings(const DeviceSettings& settings);

// The --config file, as an input an output must not replace (empty without --config).
std::vector<NamedInput> config_inputs(const DeviceSettings& settings);

}  // namespace cimkit::apps
