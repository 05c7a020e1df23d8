#include "apps/plot_command.hpp"

#include <cstdio>
#include <filesystem>
#include <vector>

#include "apps/env_seconds.hpp"
#include "apps/output_lock.hpp"
#include "apps/plot_process.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/resource_dirs.hpp"

namespace cimkit::apps {
namespace {

// Debian's h5py and matplotlib install for /usr/bin/python3; another python3 may come first on PATH.
std::string python() { return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

// How long the plotting script may take to start and read the file (apps/plot_process.hpp). A sound
// file is read in about a second (most of it importing matplotlib), so 30 s, as for the trial read
// of `train --resume`, leaves a wide margin for a loaded machine or a network disk, while a corrupt
// file on which libhdf5 spins is refused after half a minute instead of never. The variable lets the
// bad-input tests use a few seconds.
double read_timeout_s() { return seconds_from_environment("CIMKIT_PLOT_READ_TIMEOUT_S", 30.0); }

// Deletes the temporaries ".<stem>_<what>.<format>.part-XXXXXX.<format>" of a script killed while
// drawing (its own clean-up never ran). The lock on "<stem>.png" is held, so no other plot is writing
// them.
void remove_temporaries(const std::filesystem::path& dir, const std::string& stem) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const std::string prefix = "." + stem + "_";
        const bool figure_part = name.find(".png.part-") != std::string::npos || name.find(".svg.part-") != std::string::npos ||
                                 name.find(".pdf.part-") != std::string::npos;
        if (name.compare(0, prefix.size(), prefix) == 0 && figure_part) {
            std::filesystem::remove(entry.path(), ec);
        }
    }
}

}  // namespace

CLI::App* add_plot_command(CLI::App& app, PlotOptions& options) {
    CLI::App* cmd = app.add_subcommand("plot", "Draw the figures of a cimkit HDF5 file (train, crossbar, simulate, characterize; docs/plots.md)");
    cmd->add_option("file", options.input_path, "HDF5 file written by cimkit")->required();
    cmd->add_option("-o,--output-dir", options.output_dir, "Folder for the figures (default: beside the file)");
    cmd->add_option("--format", options.formats, "png, svg or pdf, or a comma list of them (default png)")
        ->check(CLI::Validator(
            [](const std::string& text) {
                std::size_t start = 0;
                for (;;) {
                    const std::size_t comma = text.find(',', start);
                    const std::string format = text.substr(start, comma - start);
                    if (format != "png" && format != "svg" && format != "pdf") {
                        return "got '" + format + "'; expected png, svg or pdf, or a comma list of them";
                    }
                    if (comma == std::string::npos) return std::string();
                    start = comma + 1;
                }
            },
            "FORMATS"));
    cmd->add_option("--vectors", options.vectors, "Waveform vectors to draw, as ngspice prints them: v(out),i(v1) (default: all)");
    cmd->add_flag("--describe", options.describe, "Print a JSON description of each figure (files, axes, curves, legends) instead of the 'wrote' lines");
    cmd->add_flag("--force", options.force, "Replace existing figures");
    return cmd;
}

int run_plot(const PlotOptions& options) {
    const std::string& input = options.input_path;
    const double timeout_s = read_timeout_s();
    std::error_code ec;
    if (!std::filesystem::exists(input, ec)) throw IoError(input, "no such file; expected an HDF5 file written by cimkit");
    // A FIFO or a device would block or never end the read, before any time limit could help.
    if (!std::filesystem::is_regular_file(input, ec)) {
        throw IoError(input, "is not a regular file (a folder, FIFO or device); expected an HDF5 file written by cimkit");
    }
    std::string dir = options.output_dir;
    if (dir.empty()) dir = std::filesystem::path(input).parent_path().string();
    if (dir.empty()) dir = ".";
    if (!std::filesystem::is_directory(dir, ec)) throw IoError(dir, "output folder does not exist");
    // Every figure is named "<stem>_<what>.png": one lock for them all, held until the script ends.
    const std::string stem = std::filesystem::path(input).stem().string();
    const OutputLock lock(std::filesystem::path(dir) / (stem + ".png"));
    std::vector<std::string> args{python(), (resource_dir(Resource::plot) / "cimkit_plot.py").string(), input, dir};
    if (options.force) args.push_back("--force");
    if (options.describe) args.push_back("--describe");
    args.insert(args.end(), {"--format", options.formats});
    if (!options.vectors.empty()) args.insert(args.end(), {"--vectors", options.vectors});
    const PlotScriptEnd end = run_plot_script(args, input, timeout_s);
    if (!end.killed_by.empty()) {
        remove_temporaries(dir, stem);
        std::fprintf(stderr, "cimkit: error: '%s': the plotting process was killed (%s) while drawing; no figure written\n",
                     input.c_str(), end.killed_by.c_str());
    }
    return end.exit_status;  // the script's: 0, 1 (drawing failed), 2 (bad input, its message printed), 130
}

}  // namespace cimkit::apps
