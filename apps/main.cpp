// The cimkit executable: parses the command line and hands over to one subcommand.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>

#include "analysis/provenance.hpp"
#include "analysis/subcircuit_trust.hpp"
#include "analysis/subcircuit_twin.hpp"
#include "apps/allow_control_flag.hpp"
#include "apps/attention_command.hpp"
#include "apps/attention_train_command.hpp"
#include "apps/bench_command.hpp"
#include "apps/config_command.hpp"
#include "apps/crossbar_command.hpp"
#include "apps/device_commands.hpp"
#include "apps/device_fit_command.hpp"
#include "apps/exit_status.hpp"
#include "apps/plot_command.hpp"
#include "apps/simulate_command.hpp"
#include "apps/sweep_command.hpp"
#include "apps/sweep_point_parent.hpp"
#include "apps/train_command.hpp"
#include "devices/core/build_info.hpp"
#include "devices/core/cleanup_on_signal.hpp"

namespace {

// An argument holding a control character (a newline, a tab) as bash's $'...' with escapes, so that
// a command line is always one line (a resumed run keeps its history one command per line).
std::string ansi_c_quoted(const std::string& arg) {
    std::string out = "$'";
    for (const char c : arg) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '\'') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "'";
}

// The command line as it would be typed, recorded in every output file.
std::string quoted_command_line(int argc, char** argv) {
    std::string out;
    for (int i = 0; i < argc; ++i) {
        std::string arg = argv[i];
        const bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`()*?;&|<>") == std::string::npos;
        const bool control = std::any_of(arg.begin(), arg.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
        if (control) {
            arg = ansi_c_quoted(arg);
        } else if (!plain) {
            std::string escaped = "'";
            for (char c : arg) escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
            arg = escaped + "'";
        }
        out += (i ? " " : "") + arg;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace cimkit::apps;
    cimkit::analysis::install_subcircuit_devices();  // spice:FILE:SUBCKT wherever a device name is accepted
    CLI::App app{"cimkit: analog in-memory-computing hardware simulated with ngspice in the loop"};
    app.set_version_flag("--version", std::string("cimkit ") + cimkit::build_info::version + " (" +
                                          cimkit::build_info::git_commit + ")");
    app.require_subcommand(1);

    SimulateOptions simulate;
    CLI::App* simulate_cmd = add_simulate_command(app, simulate);
    DevicesOptions devices;
    CLI::App* devices_cmd = add_devices_command(app, devices);
    CharacterizeOptions characterize;
    CLI::App* characterize_cmd = add_characterize_command(app, characterize);
    PlotOptions plot;
    CLI::App* plot_cmd = add_plot_command(app, plot);
    CrossbarOptions crossbar;
    CLI::App* crossbar_cmd = add_crossbar_command(app, crossbar);
    ConfigCommandOptions config;
    CLI::App* config_cmd = add_config_command(app, config);
    TrainOptions train;
    CLI::App* train_cmd = add_train_command(app, train);
    BenchCommandOptions bench;
    CLI::App* bench_cmd = add_bench_command(app, bench);
    SweepOptions sweep;
    CLI::App* sweep_cmd = add_sweep_command(app, sweep);
    DeviceFitOptions device_fit;
    DevicePulsesOptions device_pulses;
    const DeviceCommands device_cmds = add_device_commands(app, device_fit, device_pulses);
    // One flag for the commands that accept a spice:FILE:SUBCKT device, and for sweep, which passes it
    // to every point; only the parsed one sets it.
    bool allow_subcircuit_control = false;
    for (CLI::App* cmd : {characterize_cmd, crossbar_cmd, train_cmd, device_cmds.pulses, sweep_cmd}) {
        add_allow_control_flag(*cmd, allow_subcircuit_control);
    }
    AttentionOptions attention;
    CLI::App* attention_cmd = add_attention_command(app, attention);
    AttentionTrainOptions attention_train;
    CLI::App* attention_train_cmd = add_attention_train_command(app, attention_train);

    // CLI11 reports an unknown subcommand only as "a subcommand is required"; name it instead.
    const auto subcommands = app.get_subcommands([](CLI::App*) { return true; });
    const bool known = argc > 1 && std::any_of(subcommands.begin(), subcommands.end(),
                                               [&](CLI::App* cmd) { return cmd->check_name(argv[1]); });
    if (argc > 1 && argv[1][0] != '-' && !known) {
        std::fprintf(stderr, "cimkit: error: unknown subcommand '%s'\nRun 'cimkit --help' for usage.\n", argv[1]);
        return exit_bad_input;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "cimkit: error: %s\nRun 'cimkit --help' for usage.\n", e.what());
        return exit_bad_input;
    }

    // SIGINT/SIGTERM delete the temporaries and lock files of outputs being written (train replaces
    // these handlers while it trains, to stop between two samples and keep a checkpoint).
    cimkit::cleanup_on_signal::install();
    if (allow_subcircuit_control) cimkit::analysis::trust_subcircuit_files();
    sweep.allow_control = allow_subcircuit_control;
    // Past a file size limit (ulimit -f) a write then fails with EFBIG and is reported like a full
    // disk, with the file named and its temporary deleted; SIGXFSZ's default action would kill the
    // process and leave the temporary behind.
    std::signal(SIGXFSZ, SIG_IGN);
    follow_sweep_parent();  // after the handlers: a point whose sweep died stops as on Ctrl-C
    const std::string command_line = quoted_command_line(argc, argv);
    // Every HDF5 file records the ngspice version (analysis/provenance.hpp); it is asked in a child
    // process, so now, while this process has one thread.
    if (simulate_cmd->parsed() || characterize_cmd->parsed() || crossbar_cmd->parsed() || train_cmd->parsed() ||
        sweep_cmd->parsed() || attention_cmd->parsed() || attention_train_cmd->parsed()) {
        (void)cimkit::analysis::ngspice_version();
    }
    try {
        if (simulate_cmd->parsed()) return run_simulate(simulate, command_line);
        if (devices_cmd->parsed()) return run_devices(devices);
        if (characterize_cmd->parsed()) return run_characterize(characterize, command_line);
        if (plot_cmd->parsed()) return run_plot(plot);
        if (crossbar_cmd->parsed()) return run_crossbar_command(crossbar, command_line);
        if (config_cmd->parsed()) return run_config_command(config);
        if (train_cmd->parsed()) return run_train(train, command_line);
        if (bench_cmd->parsed()) return run_bench(bench);
        if (sweep_cmd->parsed()) return run_sweep(sweep, command_line);
        if (device_cmds.fit->parsed()) return run_device_fit(device_fit);
        if (device_cmds.pulses->parsed()) return run_device_pulses(device_pulses);
        if (attention_cmd->parsed()) return run_attention_command(attention, command_line);
        if (attention_train_cmd->parsed()) return run_attention_train_command(attention_train, command_line);
    } catch (...) {
        return report_failure(std::current_exception());
    }
    return exit_bad_input;
}
