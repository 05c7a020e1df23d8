#pragma once
// `cimkit simulate NETLIST -o FILE.h5`: runs every analysis of a netlist in ngspice and exports all
// vectors (or those given with --vectors) to HDF5.
#include <CLI/CLI.hpp>

#include "apps/run_limits.hpp"
#include <string>
#include <vector>

namespace cimkit::apps {

struct SimulateOptions {
    std::string netlist_path;
    std::string output_path;
    std::vector<std::string> vectors;
    bool allow_control = false;
    bool verbose = false;
    bool force = false;
    bool quiet = false;
    RunLimits limits{600.0, 8192};  // of the ngspice worker: the load and the run, and its memory
    double max_points = 1e7;     // the netlist guard's limit on one analysis' points
};

CLI::App* add_simulate_command(CLI::App& app, SimulateOptions& options);
int run_simulate(const SimulateOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
