#pragma once
// `cimkit devices` and `cimkit characterize --device D --experiment EXP -o FILE.h5 [--config F.toml] [--set device.k=v]`.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "apps/device_settings.hpp"

namespace cimkit::apps {

struct DevicesOptions {
    bool markdown = false;
};

struct CharacterizeOptions {
    std::string device;
    std::string experiment;
    std::string output_path;
    DeviceSettings settings;  // --set device.<name>=value, --config
    int devices = 0;
    std::uint64_t seed = 1;
    std::vector<std::string> spreads;  // --spread NAME=SIGMA (spice:FILE:SUBCKT devices)
    bool force = false;
    bool quiet = false;
};

CLI::App* add_devices_command(CLI::App& app, DevicesOptions& options);
int run_devices(const DevicesOptions& options);

CLI::App* add_characterize_command(CLI::App& app, CharacterizeOptions& options);
int run_characterize(const CharacterizeOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
