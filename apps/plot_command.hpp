#pragma once
// `cimkit plot FILE.h5 [-o DIR] [--format png,svg,pdf] [--vectors v(out),i(v1)] [--describe]`: the
// figures of any cimkit file (training curves, crossbar comparison and heatmaps, waveforms, device
// experiments; docs/plots.md), drawn by analysis/plot/cimkit_plot.py with Debian's matplotlib and
// h5py. The figures are renamed into place only after all of them were drawn; existing figures are
// replaced only with --force.
#include <CLI/CLI.hpp>
#include <string>

namespace cimkit::apps {

struct PlotOptions {
    std::string input_path;
    std::string output_dir;
    std::string formats = "png";   // comma list of png, svg, pdf
    std::string vectors;           // comma list of waveform vectors to draw; empty: all
    bool describe = false;         // print a JSON description of the figures instead of "wrote" lines
    bool force = false;
};

CLI::App* add_plot_command(CLI::App& app, PlotOptions& options);
int run_plot(const PlotOptions& options);

}  // namespace cimkit::apps
