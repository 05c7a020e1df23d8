#include "apps/sweep_command.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "analysis/h5/h5_file.hpp"
#include "apps/exit_status.hpp"
#include "apps/output_claim.hpp"
#include "apps/progress_line.hpp"
#include "apps/stop_on_signal.hpp"
#include "apps/sweep_dry_parse.hpp"
#include "apps/sweep_file.hpp"
#include "apps/sweep_mpi.hpp"
#include "apps/sweep_pool.hpp"
#include "apps/sweep_result.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

namespace fs = std::filesystem;

// The folder beside the result that holds each point's own file and log while the sweep runs.
fs::path points_folder(const fs::path& output) { return output.string() + ".points"; }

std::string point_name(std::size_t index, const char* extension) {
    char name[40];
    std::snprintf(name, sizeof name, "point_%04zu%s", index, extension);
    return name;
}

// The sweep file a points folder belongs to is kept in it: finished points are reused only by the
// same sweep.
constexpr const char* manifest_name = "sweep.toml";

std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void prepare_points_folder(const fs::path& folder, const SweepSpec& spec, bool force) {
    std::error_code ec;
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec)) throw IoError(folder.string(), "exists and is not a folder");
    fs::create_directories(folder, ec);
    if (ec) throw IoError(folder.string(), "cannot create the points folder: " + ec.message());
    const fs::path manifest = folder / manifest_name;
    if (force) {
        for (const auto& entry : fs::directory_iterator(folder)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind("point_", 0) == 0 || name == manifest_name) fs::remove(entry.path());
        }
    } else if (fs::exists(manifest) && file_text(manifest) != spec.text) {
        throw IoError(folder.string(), "holds the points of a different sweep file than " + spec.file.string() +
                                           " (see its " + manifest_name + "); give --force to start over, or another -o");
    }
    std::ofstream out(manifest, std::ios::binary | std::ios::trunc);
    out << spec.text;
    if (!out.flush()) throw IoError(manifest.string(), "cannot write");
}

enum class PointState { missing, finished, interrupted };

// characterize and crossbar write their file once, at the end: a file that exists is complete.
// train rewrites its run file every epoch and on SIGINT/SIGTERM (a killed point), so its file is
// finished only with /training status "complete"; one that holds a checkpoint is continued with
// `train --resume`, which ends as an uninterrupted run would (docs/hdf5-schema.md#training). A file
// HDF5 cannot open, or a train file without a checkpoint, is deleted and the point runs again.
PointState point_state(const std::string& command, const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return PointState::missing;
    try {
        const h5::Reader point(file);
        if (command != "train") return PointState::finished;
        if (point.exists("/training") && point.string_attribute("/training", "status") == "complete") return PointState::finished;
        if (point.exists("/training/checkpoint")) return PointState::interrupted;
    } catch (const Error&) {
    }
    fs::remove(file, ec);
    return PointState::missing;
}

PointLaunch launch_for(const SweepSpec& spec, const fs::path& folder, bool allow_control) {
    PointLaunch launch;
    launch.executable = fs::read_symlink("/proc/self/exe");
    launch.command = spec.command;
    launch.arguments = [&spec, folder, allow_control](std::size_t i) {
        const fs::path file = folder / point_name(i, ".h5");
        std::vector<std::string> args = point_state(spec.command, file) == PointState::interrupted
                                            ? std::vector<std::string>{"--resume", file.string(), "--quiet"}
                                            : point_arguments(spec, sweep_point(spec, i), file);
        // A run file does not record the trust: a resumed point needs the flag again.
        if (allow_control) args.push_back("--allow-control");
        return args;
    };
    launch.log = [folder](std::size_t i) { return folder / point_name(i, ".log"); };
    return launch;
}

// Every point's arguments through the command's own parser before anything runs.
void dry_parse_points(const SweepSpec& spec, const fs::path& folder) {
    for (std::size_t i = 0; i < spec.point_count(); ++i) {
        const SweepPoint p = sweep_point(spec, i);
        try {
            dry_parse_point(spec.command, point_arguments(spec, p, folder / point_name(i, ".h5")));
        } catch (const Error& e) {
            throw UsageError(spec.file.string() + ": point " + std::to_string(i) + " (" + point_description(spec, p) + ") is refused by '" +
                             spec.command + "': " + e.what());
        }
    }
}

int run_as_worker(SweepMpi& mpi, const SweepOptions& o) {
    if (!mpi.agree_to_run(false)) return exit_bad_input;  // rank 0 reported why
    const SweepSpec spec = read_sweep_file(o.sweep_path);
    const PointLaunch launch = launch_for(spec, points_folder(o.output_path), o.allow_control);
    // SIGINT/SIGTERM end the running point (its child is sent SIGTERM) and the sweep.
    const StopOnSignal signals;
    mpi.serve([&](std::size_t i) {
        const PointOutcome outcome = wait_point(spawn_point(launch, i), StopOnSignal::requested());
        if (StopOnSignal::requested()) mpi.abort(exit_interrupted);
        return outcome;
    });
    return exit_success;
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options) {
    CLI::App* cmd = app.add_subcommand("sweep", "Run train, characterize or crossbar over a grid of settings and seeds (docs/sweeps.md); under mpirun across ranks");
    cmd->add_option("SWEEP", options.sweep_path, "Sweep file (TOML): command, args, [grid], [monte_carlo]")->required();
    cmd->add_option("-o,--output", options.output_path, "Result file (HDF5); the points run in the folder <output>.points")->required();
    cmd->add_option("--jobs", options.jobs, "Points run at once on this machine (default: the number of cores; under mpirun one per rank)")
        ->check(CLI::Range(1, 1024));
    cmd->add_flag("--force", options.force, "Replace an existing result and run every point again");
    cmd->add_flag("--quiet", options.quiet, "No progress on stderr");
    return cmd;
}

int run_sweep(const SweepOptions& o, const std::string& command_line) {
    SweepMpi mpi;
    if (mpi.rank() > 0) return run_as_worker(mpi, o);

    SweepSpec spec;
    fs::path folder;
    std::unique_ptr<OutputClaim> claim;
    try {
        spec = read_sweep_file(o.sweep_path);
        folder = points_folder(o.output_path);
        dry_parse_points(spec, folder);
        claim = std::make_unique<OutputClaim>(o.output_path, std::vector<NamedInput>{{o.sweep_path, "the sweep file"}}, o.force);
        { h5::File probe(o.output_path); }  // an unusable output path fails now, not after the points ran
        prepare_points_folder(folder, spec, o.force);
    } catch (...) {
        (void)mpi.agree_to_run(false);
        throw;
    }
    (void)mpi.agree_to_run(true);

    const std::size_t n = spec.point_count();
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < n; ++i) {
        if (point_state(spec.command, folder / point_name(i, ".h5")) != PointState::finished) pending.push_back(i);
    }
    const std::size_t jobs = o.jobs > 0 ? static_cast<std::size_t>(o.jobs) : std::max(1u, std::thread::hardware_concurrency());
    const std::size_t local_slots = mpi.size() > 1 ? 1 : jobs;
    if (!o.quiet) {
        std::fprintf(stderr, "cimkit sweep: %s, %zu points (%zu finished earlier), %s %zu at a time -> %s\n", spec.file.c_str(), n,
                     n - pending.size(), spec.command.c_str(), mpi.size() > 1 ? static_cast<std::size_t>(mpi.size()) : local_slots,
                     o.output_path.c_str());
    }
    std::vector<std::optional<PointOutcome>> outcomes(n);
    const PointLaunch launch = launch_for(spec, folder, o.allow_control);
    {
        const auto workers = mpi.workers();
        // SIGINT/SIGTERM end the running points (their children are sent SIGTERM) and the sweep;
        // finished points stay in the points folder for the next run of the same command.
        const StopOnSignal signals;
        ProgressLine progress("sweep " + spec.file.filename().string(), "points", o.quiet);
        if (!run_pool(launch, pending, local_slots, workers.get(), outcomes, n - pending.size(), progress, StopOnSignal::requested())) {
            std::size_t finished = 0;
            for (std::size_t i = 0; i < n; ++i) finished += point_state(spec.command, folder / point_name(i, ".h5")) == PointState::finished ? 1 : 0;
            std::fprintf(stderr, "cimkit sweep: interrupted; %zu of %zu points are finished in %s; run the same command again to continue\n",
                         finished, n, folder.c_str());
            if (mpi.size() > 1) mpi.abort(exit_interrupted);
            return exit_interrupted;
        }
    }
    std::vector<std::optional<fs::path>> files(n);
    std::size_t failed = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const fs::path file = folder / point_name(i, ".h5");
        if (outcomes[i] && outcomes[i]->exit_status != 0) {
            ++failed;
            std::fprintf(stderr, "cimkit sweep: point %zu (%s) failed with exit status %d; see %s\n", i,
                         point_description(spec, sweep_point(spec, i)).c_str(), outcomes[i]->exit_status, launch.log(i).c_str());
        } else if (point_state(spec.command, file) == PointState::finished) {
            files[i] = file;
        }
    }
    write_sweep_result(o.output_path, command_line, spec, files, outcomes);
    std::printf("%zu points: %zu run now, %zu finished earlier, %zu failed\nwrote %s\n", n, pending.size(), n - pending.size(), failed,
                o.output_path.c_str());
    return failed == 0 ? exit_success : exit_simulation_failed;
}

}  // namespace cimkit::apps
