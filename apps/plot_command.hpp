#pragma once
// `cimkit plot FILE.h5 [-o DIR]`: PNG figures of every characterisation experiment and waveform in
// the file, drawn by analysis/plot/cimkit_plot.py with Debian's matplotlib and h5py. The figures are
// renamed into place only after all of them were drawn; existing PNGs are replaced only with --force.
#include <CLI/CLI.hpp>
#include <string>

namespace cimkit::apps {

struct PlotOptions {
    std::string input_path;
    std::string output_dir;
    bool force = false;
};

CLI::App* add_plot_command(CLI::App& app, PlotOptions& options);
int run_plot(const PlotOptions& options);

}  // namespace cimkit::apps
