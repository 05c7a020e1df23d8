#pragma once
// `cimkit crossbar --device D --rows R --cols C [--wire-ohm X [--wire-farad C]] [--driver-ohm R] [--readout R] [--input-encoding E] [--integrator-farad C] [--adc-bits B] [--seed S] [--config F.toml] [--set device.k=v] [--emit-netlist FILE.cir] [-o FILE.h5]`
// (at least one of the two outputs; with --emit-netlist alone nothing is simulated)
#include <CLI/CLI.hpp>

#include "apps/device_settings.hpp"
#include "apps/run_limits.hpp"
#include <cstdint>
#include <string>
#include <vector>

namespace cimkit::apps {

struct CrossbarOptions {
    std::string device;
    int rows = 16;
    int columns = 8;
    double wire_ohm = 0.0;
    double wire_farad = 0.0;
    double driver_ohm = 0.0;  // each row driver's output resistance
    int adc_bits = 8;
    std::string scheme = "single";
    bool access_transistor = false;
    std::string face;
    std::string readout = "ideal";
    std::string input_encoding = "amplitude";
    double integrator_farad = 10e-12;  // the integrator read-out's feedback capacitance
    std::uint64_t seed = 1;
    std::string netlist_path;
    std::string output_path;
    DeviceSettings settings;  // --set device.<name>=value, --config
    bool force = false;
    bool quiet = false;
    RunLimits limits{3600.0, 8192};  // of the child that simulates (apps/contained_run.hpp)
};

CLI::App* add_crossbar_command(CLI::App& app, CrossbarOptions& options);
int run_crossbar_command(const CrossbarOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
