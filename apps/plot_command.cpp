#include "apps/plot_command.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <vector>

#include "apps/output_lock.hpp"
#include "devices/core/errors.hpp"

extern char** environ;

namespace cimkit::apps {
namespace {

// Debian's h5py and matplotlib install for /usr/bin/python3; another python3 may come first on PATH.
std::string python() { return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

}  // namespace

CLI::App* add_plot_command(CLI::App& app, PlotOptions& options) {
    CLI::App* cmd = app.add_subcommand("plot", "Draw PNG figures of a cimkit HDF5 file");
    cmd->add_option("file", options.input_path, "HDF5 file written by cimkit")->required();
    cmd->add_option("-o,--output-dir", options.output_dir, "Folder for the PNGs (default: beside the file)");
    cmd->add_flag("--force", options.force, "Replace existing PNGs");
    return cmd;
}

int run_plot(const PlotOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.input_path, ec)) throw IoError(options.input_path, "no such file");
    std::string dir = options.output_dir;
    if (dir.empty()) dir = std::filesystem::path(options.input_path).parent_path().string();
    if (dir.empty()) dir = ".";
    if (!std::filesystem::is_directory(dir, ec)) throw IoError(dir, "output folder does not exist");
    // Every figure is named "<stem>_<what>.png": one lock for them all, held until the script ends.
    const OutputLock lock(std::filesystem::path(dir) / (std::filesystem::path(options.input_path).stem().string() + ".png"));
    std::vector<std::string> args{python(), CIMKIT_PLOT_SCRIPT, options.input_path, dir};
    if (options.force) args.push_back("--force");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
        throw IoError(args[0], "cannot start the plotting script");
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status)) return 1;
    return WEXITSTATUS(status);  // the script exits 2 for a file it cannot read
}

}  // namespace cimkit::apps
