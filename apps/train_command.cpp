#include "apps/train_command.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "analysis/h5/h5_file.hpp"
#include "analysis/layouts/training_layout.hpp"
#include "analysis/provenance.hpp"
#include "apps/config_toml.hpp"
#include "apps/exit_status.hpp"
#include "apps/output_claim.hpp"
#include "apps/preset_path.hpp"
#include "apps/progress_line.hpp"
#include "apps/stop_on_signal.hpp"
#include "apps/resume_check.hpp"
#include "apps/run_device_name.hpp"
#include "apps/seed_option.hpp"
#include "apps/train_settings.hpp"
#include "apps/training_inputs.hpp"
#include "circuits/spice/worker.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/isolated_call.hpp"
#include "devices/registry.hpp"
#include "devices/table_device_name.hpp"
#include "training/config_file.hpp"
#include "training/experiment.hpp"
#include "training/training_run.hpp"

namespace cimkit::apps {
namespace {

using analysis::ResumePoint;
using analysis::TrainingRecord;
using training::EpochMetrics;

// How long the trial read of a --resume file (run_isolated_check) may take. A sound run file reads in
// well under a second (an MNIST checkpoint is some tens of MB of contiguous datasets), so 30 s leaves
// a wide margin for a loaded machine, a network disk or a sanitizer build, while a corrupt file on
// which libhdf5 spins is refused after half a minute instead of never. The environment variable
// exists for the bad-input test, which should not wait that long on each such file.
double resume_check_timeout_s() {
    constexpr double default_s = 30.0;
    const char* text = std::getenv("CIMKIT_RESUME_CHECK_TIMEOUT_S");
    if (text == nullptr || *text == '\0') return default_s;
    char* end = nullptr;
    const double s = std::strtod(text, &end);
    if (*end != '\0' || !std::isfinite(s) || !(s > 0.0 && s <= 1e6)) {
        throw UsageError(std::string("CIMKIT_RESUME_CHECK_TIMEOUT_S must be a number of seconds in (0, 1e6], got '") + text + "'");
    }
    return s;
}

// A simulated time in the unit a reader thinks in: 1 s, 20 min, 1 h, 1 d, 30 d, 1 yr (365 d).
std::string human_time(double s) {
    struct Unit {
        double seconds;
        const char* name;
    };
    static const Unit units[] = {{365.0 * 86400.0, "yr"}, {86400.0, "d"}, {3600.0, "h"}, {60.0, "min"}};
    char text[48];
    for (const Unit& u : units) {
        if (s >= u.seconds) {
            std::snprintf(text, sizeof text, "%.3g %s", s / u.seconds, u.name);
            return text;
        }
    }
    std::snprintf(text, sizeof text, "%.3g s", s);
    return text;
}

// "after 1 d (86400 s), with drift compensation"; "after 1 s, without drift compensation"
std::string evaluation_label(const training::DriftEvaluation& e) {
    char seconds[40];
    std::snprintf(seconds, sizeof seconds, "%.15g s", e.after_s);
    const std::string human = human_time(e.after_s);
    return "after " + human + (e.after_s < 60.0 ? "" : std::string(" (") + seconds + ")") + ", " +
           (e.drift_compensated ? "with" : "without") + " drift compensation";
}

// What the run file holds after the run ended early.
std::string kept(const std::filesystem::path& output, const training::RunSnapshot& state) {
    std::string where;
    if (state.position.epoch != 0) {
        where = "epoch " + std::to_string(state.position.epoch) + " after " + std::to_string(state.position.done) + " samples";
    } else if (!state.history.empty()) {
        where = "the end of epoch " + std::to_string(state.history.back().epoch);
    } else {
        return "the first epoch did not end, so nothing was written";
    }
    if (!state.evaluations.empty()) where += " and " + std::to_string(state.evaluations.size()) + " evaluations after training";
    return output.string() + " holds the run up to " + where + ". Continue with: cimkit train --resume " + output.string();
}

// The run's stored training.epochs, after checking that `extend_to` (0: not asked) does not shorten
// the run below what it has done.
int epochs_to_extend(const std::filesystem::path& file, const ResumePoint& resumed, int extend_to) {
    const auto& schema = training::experiment_schema();
    const ConfigValues stored = training::resolve_experiment_config(training::read_config_text(resumed.config_toml, file.string() + " (config_toml)", schema));
    const int stored_epochs = static_cast<int>(stored.integer("training.epochs"));
    const int done = resumed.history.empty() ? 0 : resumed.history.back().epoch;
    const int reached = std::max(done, resumed.position.epoch);
    if (extend_to > 0 && extend_to < reached) {
        throw UsageError("--epochs " + std::to_string(extend_to) + ": " + file.string() + " has already reached epoch " + std::to_string(reached) +
                         " (of " + std::to_string(stored_epochs) + " planned); a run can be extended, not shortened");
    }
    return stored_epochs;
}

}  // namespace

std::string default_training_preset() { return (training::data_dir() / "experiments" / "iris_mosfet_spice.toml").string(); }

CLI::App* add_train_command(CLI::App& app, TrainOptions& options) {
    CLI::App* cmd = app.add_subcommand("train", "On-chip training of a fully connected network (default: Iris on MOSFET synapses, ngspice in the loop)");
    cmd->add_option("--config", options.config_path,
                    "Experiment: a preset by name (" + preset_names() + "; data/experiments/) or a TOML path; default iris_mosfet_spice");
    cmd->add_option("--set", options.settings, "Override a config key: section.key=value (repeatable; 'cimkit config' lists them)");
    add_seed_option(*cmd, options.seed, "Random seed (= --set run.seed=N)");
    cmd->add_option("--epochs", options.epochs, "Epochs (= --set training.epochs=N); with --resume, extends a run to N epochs")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("-o,--output", options.output_path, "Run file (HDF5), rewritten atomically every epoch; default run.h5");
    cmd->add_option("--resume", options.resume_path, "Continue the run in this file from its last completed epoch");
    cmd->add_flag("--quiet", options.quiet, "No progress on stderr");
    cmd->add_flag("--force", options.force, "Replace an existing output file (--resume rewrites its own file without it)");
    return cmd;
}

int run_train(const TrainOptions& o, const std::string& command_line) {
    ResumePoint resumed;
    if (!o.resume_path.empty()) {
        (void)gather_train_settings(o, "");  // refuses what --resume cannot change before the file is read
        const double check_timeout_s = resume_check_timeout_s();
        try {
            // libhdf5 can hang or crash on a corrupt file: read it once in a child process first.
            // No engine, worker or thread exists yet, so the fork copies nothing that could misbehave.
            run_isolated_check([&] { (void)analysis::read_resume_point(o.resume_path); }, o.resume_path, "the HDF5 library", check_timeout_s);
            resumed = analysis::read_resume_point(o.resume_path);
        } catch (const Error& e) {
            throw IoError(o.resume_path, std::string("cannot resume: ") + e.what());
        }
    }
    const TrainSettings s = gather_train_settings(o, resumed.config_toml);
    const ConfigValues config = training::resolve_experiment_config(s.settings);
    const int stored_epochs = o.resume_path.empty() ? 0 : epochs_to_extend(o.resume_path, resumed, s.epochs);
    const std::filesystem::path output = !o.output_path.empty() ? o.output_path : !o.resume_path.empty() ? o.resume_path : "run.h5";
    // Held until the run ends: no other cimkit process writes this file meanwhile. Resuming in place
    // rewrites the run file on purpose; any other existing file is replaced only with --force.
    const bool resumes_in_place = !o.resume_path.empty() && same_file(output, o.resume_path);
    const OutputClaim claim(output, training_inputs(s.config_file, config), o.force || resumes_in_place);
    { h5::File probe(output); }  // an unusable output path fails now, not after the first epoch

    const training::Split data = training::load_experiment_data(config);
    training::TrainingRun run(config, data);
    const training::RunDescription& described = run.description();
    if (!o.resume_path.empty()) {
        check_resume_point(o.resume_path, resumed,
                           {described.engine, described.device, described.seed, stored_epochs, data.train.size(),
                            data.test.size(), run.fresh_checkpoint()});
        // Extended: the evaluations after training belong to the old end of training; they run again at the new one.
        if (described.epochs_planned != stored_epochs) resumed.evaluations.clear();
        run.resume(resumed);
    }
    const std::string device_name = run_device_name(described, config);
    TrainingRecord record{command_line, config_toml(config), described, {}, "", device_definition_toml(device_name)};
    // A table or subcircuit device is a file: resuming with a changed file would continue the run on another device.
    if (!o.resume_path.empty() && !resumed.device_definition.empty() && resumed.device_definition != record.device_definition) {
        const bool table = device_name.rfind(table_device_prefix, 0) == 0;
        throw IoError(o.resume_path, std::string("the run was trained on the device ") + (table ? "table " : "") + device_name +
                                         " (the run file keeps the " + (table ? "table" : "subcircuit file") +
                                         " it started with, /training device_definition_toml), and that file has changed since; "
                                         "restore it to resume, or start a new run");
    }
    if (!o.resume_path.empty()) {
        // The run keeps the command that started it; each resume adds its own line to the history.
        const analysis::CommandLines earlier = analysis::read_command_lines(o.resume_path);
        record.command_line = earlier.command_line;
        record.command_line_history = earlier.history.empty() ? command_line : earlier.history + "\n" + command_line;
    }

    if (!o.quiet) {
        std::fprintf(stderr, "cimkit train: %s, engine %s%s%s, %zu training / %zu test samples, epochs %d..%d -> %s\n",
                     s.origin.c_str(), described.engine.c_str(), described.device.empty() ? "" : ", device ", described.device.c_str(),
                     data.train.size(), data.test.size(), run.first_epoch(), described.epochs_planned, output.c_str());
    }
    // Progress over the whole run (its remaining epochs); an epoch's result and each evaluation
    // after training as a line of their own.
    ProgressLine progress("train", "samples", o.quiet, false);  // updated every 2 % of an epoch
    const std::size_t per_epoch = data.train.size();
    const int first = run.first_epoch(), epochs = described.epochs_planned;
    const auto epoch_line = [&](const EpochMetrics& m, double epoch_wall_s) {
        char text[256];
        std::snprintf(text, sizeof text, "epoch %d/%d  train %.2f %%  test %.2f %%  loss %.4f  pulses %llu  %.1f s (%.0f samples/s)", m.epoch,
                      epochs, 100.0 * m.train_accuracy, 100.0 * m.test_accuracy, m.loss, static_cast<unsigned long long>(m.update_pulses),
                      epoch_wall_s, epoch_wall_s > 0 ? static_cast<double>(per_epoch) / epoch_wall_s : 0.0);
        return std::string(text);
    };
    // SIGINT/SIGTERM end the run between two samples; the file keeps the last completed epoch.
    const StopOnSignal signals;
    training::RunCallbacks callbacks;
    callbacks.stop = &StopOnSignal::requested();
    callbacks.progress_every = std::max<std::size_t>(1, per_epoch / 50);
    callbacks.on_progress = [&](const training::Progress& p) {
        char note[96];
        std::snprintf(note, sizeof note, "epoch %d/%d, running accuracy %.1f %%", p.epoch, epochs, 100.0 * p.running_accuracy);
        progress.update(static_cast<std::size_t>(p.epoch - first) * per_epoch + p.done,
                        static_cast<std::size_t>(epochs - first + 1) * per_epoch, note);
    };
    // Shown even with --quiet: a skipped sample changes what the run measured.
    callbacks.on_skip = [&](const training::SkippedSample& k) {
        progress.print("cimkit train: warning: epoch " + std::to_string(k.epoch) + ", " + (k.training ? "training" : "test") + " sample " +
                           std::to_string(k.index) + " skipped (training.on_convergence_failure = skip): " + k.error,
                       true);
    };
    callbacks.on_checkpoint = [&](const training::RunSnapshot& state) {
        record.state = state;
        analysis::write_training_file(output, record);
    };
    callbacks.on_epoch = [&](const EpochMetrics& m, double epoch_wall_s) { progress.print(epoch_line(m, epoch_wall_s)); };
    // One line per evaluation after training as it ends: with a long list of times, the progress.
    callbacks.on_evaluation = [&](const training::DriftEvaluation& e, std::size_t number, std::size_t planned, double wall_s) {
        char text[64];
        std::snprintf(text, sizeof text, ": test %.2f %%  %.1f s", 100.0 * e.test_accuracy, wall_s);
        progress.print("evaluation " + std::to_string(number) + "/" + std::to_string(planned) + "  " + evaluation_label(e) + text);
    };
    try {
        if (run.run(callbacks) == training::RunEnd::interrupted) {
            progress.print("cimkit train: interrupted; " + kept(output, run.progress()), true);
            return exit_interrupted;
        }
    } catch (const ConvergenceError& e) {
        // Exit 1 with the error and what the file holds.
        const bool stop_policy = run.schedule().on_convergence_failure == training::OnConvergenceFailure::stop;
        throw ConvergenceError(std::string(e.what()) + "; " + kept(output, run.progress()) +
                               (stop_policy ? " (training.on_convergence_failure = stop; skip would leave such samples out)" : ""));
    } catch (const spice::WorkerCrashed& e) {
        // An ngspice worker died (killed, out of memory, a crash) or hung: exit 1 with what the file holds.
        throw spice::WorkerCrashed(std::string(e.what()) + "; " + kept(output, run.progress()));
    }
    const EpochMetrics& last = run.progress().history.back();
    std::printf("test accuracy %.2f %% after %d epochs (train %.2f %%)\n", 100.0 * last.test_accuracy, last.epoch,
                100.0 * last.train_accuracy);
    for (const auto& e : run.progress().evaluations) std::printf("test accuracy %.2f %% %s\n", 100.0 * e.test_accuracy, evaluation_label(e).c_str());
    std::printf("wrote %s\n", output.c_str());
    return 0;
}

}  // namespace cimkit::apps
