#pragma once
// `cimkit sweep SWEEP.toml -o sweep.h5 [--jobs N] [--force] [--quiet]` (docs/sweeps.md): runs a
// command over a grid of settings and Monte-Carlo seeds, each point a child process, and writes the
// sweep table and every point's result into one HDF5 file.
#include <CLI/CLI.hpp>
#include <string>

namespace cimkit::apps {

struct SweepOptions {
    std::string sweep_path;
    std::string output_path;
    int jobs = 0;  // 0: the number of cores
    bool force = false;
    bool quiet = false;
};

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);
int run_sweep(const SweepOptions& options, const std::string& command_line);

}  // namespace cimkit::apps
