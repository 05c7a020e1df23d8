#pragma once
// `cimkit device fit PULSES.csv -o DEVICE.toml [--force]`: fits a table device to measured pulse
// data (devices/table_device_fit.hpp) and writes its file (devices/table_device_file.hpp), which is
// then a device everywhere a device name is accepted: `--device table:DEVICE.toml`.
// `cimkit device pulses DEVICE -o PULSES.csv`: the pulse trains of any device model, with its noise,
// as that CSV (the worked example of docs/own-devices.md fits the built-in PCM this way).
// `cimkit device pulses spice:FILE:SUBCKT -o PULSES.csv`: the same pulse trains run through ngspice on
// a user's subcircuit (analysis/spice_pulse_trains.hpp), with --spread NAME=SIGMA device-to-device on top of the
// spreads the file declares (analysis/subcircuit_spreads.hpp).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "analysis/spice_pulse_trains.hpp"
#include "apps/device_settings.hpp"
#include "devices/table_device_fit.hpp"

namespace cimkit::apps {

struct DeviceFitOptions {
    std::string csv_path;
    std::string output_path;
    FitOptions fit;
    bool force = false;
};

struct DevicePulsesOptions {
    std::string device;
    std::string output_path;
    DeviceSettings settings;
    PulseTrainPlan plan;
    bool noise_free_reads = false;
    std::uint64_t seed = 1;
    bool force = false;
    // spice:FILE:SUBCKT only (the counts come from `plan`)
    analysis::SpicePulsePlan spice;
    std::set<std::string> drive_given;  // the drive keys (analysis::drive_keys) given on the command line
    std::vector<std::string> spreads;   // NAME=SIGMA
};

struct DeviceCommands {
    CLI::App* fit;
    CLI::App* pulses;
};

// Adds `device` with its `fit` and `pulses` subcommands.
DeviceCommands add_device_commands(CLI::App& app, DeviceFitOptions& fit, DevicePulsesOptions& pulses);
int run_device_fit(const DeviceFitOptions& options);
int run_device_pulses(const DevicePulsesOptions& options);

}  // namespace cimkit::apps
