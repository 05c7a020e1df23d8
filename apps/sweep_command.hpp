#pragma once
// `cimkit sweep SWEEP.toml -o sweep.h5 [--jobs N] [--force] [--quiet] [--allow-control]`
// (docs/sweeps.md): runs a command over a grid of settings and Monte-Carlo seeds, each point a child
// process, and writes the sweep table and every point's result into one HDF5 file.
//
// --allow-control (apps/allow_control_flag.hpp) is the user's trust in the spice:FILE:SUBCKT files of
// the points: the sweep itself trusts them (its dry parse) and passes the flag to every point, a
// resumed one included. Only from the sweep's own command line: a sweep file holding the flag is
// refused (apps/sweep_file.hpp), as it may come from someone else.
#include <CLI/CLI.hpp>
#include <string>

namespace cimkit::apps {

struct SweepOptions {
    std::string sweep_path;
    std::string output_path;
    int jobs = 0;  // 0: the number of cores
    bool force = false;
    bool quiet = false;
    bool allow_control = false;  // set by main() from the command line's --allow-control
};

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);
int run_sweep(const SweepOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
