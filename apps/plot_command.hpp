#pragma once
// `cimkit plot FILE.h5 [-o DIR]`: PNG figures of every characterisation experiment and waveform in
// the file, drawn by analysis/plot/cimkit_plot.py with Debian's matplotlib and h5py.
#include <CLI/CLI.hpp>
#include <string>

namespace cimkit::apps {

struct PlotOptions {
    std::string input_path;
    std::string output_dir;
};

CLI::App* add_plot_command(CLI::App& app, PlotOptions& options);
int run_plot(const PlotOptions& options);

}  // namespace cimkit::apps
