#include "apps/device_fit_command.hpp"

#include <cstdio>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

#include "apps/output_claim.hpp"
#include "apps/seed_option.hpp"
#include "devices/core/temporary_file.hpp"
#include "devices/registry.hpp"
#include "devices/table_device_file.hpp"
#include "devices/table_device_pulses.hpp"

namespace cimkit::apps {

namespace {

CLI::App* add_pulses_command(CLI::App& device, DevicePulsesOptions& o) {
    CLI::App* cmd = device.add_subcommand("pulses", "Write the pulse trains of a device model, with its noise, as a pulse CSV for 'device fit'");
    cmd->add_option("--device", o.device, "Device model (see 'cimkit devices'), table:FILE, or spice:FILE:SUBCKT (run through ngspice)");
    cmd->add_option("DEVICE", o.device, "The device model as a positional shorthand for --device");
    cmd->add_option("-o,--output", o.output_path, "Pulse CSV to write")->required();
    add_device_settings_options(*cmd, o.settings, {"--device", "DEVICE"});
    cmd->add_option("--devices", o.plan.devices, "Devices (default 40)")->check(CLI::Range(1, 100000));
    cmd->add_option("--cycles", o.plan.cycles, "Cycles per device (default 3)")->check(CLI::Range(1, 100000));
    cmd->add_option("--up", o.plan.up, "Potentiating pulses per cycle (default 100)")->check(CLI::Range(1, 1000000));
    cmd->add_option("--down", o.plan.down, "Depressing pulses per cycle (default 100)")->check(CLI::Range(1, 1000000));
    cmd->add_flag("--noise-free-reads", o.noise_free_reads, "Read the conductance without the model's read noise");
    add_seed_option(*cmd, o.seed, "Random seed (default 1)");
    cmd->add_flag("--force", o.force, "Replace an existing output file");
    analysis::SpicePulsePlan& s = o.spice;
    const std::string spice_only = " (spice: devices only, default ";
    const std::string declared = " (spice: devices only; default the file's *cimkit: drive, else the VTEAM example's: "
                                 "read 0.01 V, potentiate -0.4 V, depress 0.04 V, 1e-8 s pulses and reads, 1e-10 s edges)";
    cmd->add_option("--spread", o.spreads, "NAME=SIGMA: the subcircuit's .param NAME times exp(SIGMA z) per device, replacing a spread the file declares for NAME (spice: devices only)");
    // Each noted when given: the ones not given come from the file's `*cimkit: drive`, else the defaults.
    const auto drive = [&](const std::string& flag, const std::string& key, double& value, const std::string& what) {
        return cmd->add_option(flag, value, what + declared)->each([&o, key](const std::string&) { o.drive_given.insert(key); });
    };
    drive("--read-voltage-V", "read_voltage_V", s.read_voltage_V, "Read voltage");
    drive("--potentiate-V", "potentiate_V", s.potentiate_V, "Potentiating pulse amplitude, signed");
    drive("--depress-V", "depress_V", s.depress_V, "Depressing pulse amplitude, signed");
    drive("--pulse-width-s", "pulse_width_s", s.pulse_width_s, "Pulse width")->check(CLI::PositiveNumber);
    drive("--read-width-s", "read_width_s", s.read_width_s, "Read width between pulses")->check(CLI::PositiveNumber);
    drive("--edge-s", "edge_s", s.edge_s, "Rise and fall time")->check(CLI::PositiveNumber);
    cmd->add_option("--read-noise", s.read_noise, "Relative sigma of each read" + spice_only + "0)")->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--timeout", s.timeout_s, "Seconds ngspice may take" + spice_only + "600)")->check(CLI::PositiveNumber);
    return cmd;
}

}  // namespace

DeviceCommands add_device_commands(CLI::App& app, DeviceFitOptions& options, DevicePulsesOptions& pulses) {
    CLI::App* device = app.add_subcommand("device", "Bring your own device: pulse data to a table device (docs/own-devices.md)");
    device->require_subcommand(1);
    CLI::App* cmd = device->add_subcommand("fit", "Fit a table device to a pulse CSV (device_id,cycle,pulse,direction,conductance_S[,time_s])");
    cmd->add_option("CSV", options.csv_path, "Pulse data (docs/own-devices.md#the-pulse-csv)")->required();
    cmd->add_option("-o,--output", options.output_path, "Device file to write (TOML); then use --device table:FILE")->required();
    cmd->add_flag("--force", options.force, "Replace an existing output file");
    FitOptions& f = options.fit;
    cmd->add_option("--read-voltage-V", f.read_voltage_V, "Read voltage of the data (default 0.2)")->check(CLI::PositiveNumber);
    cmd->add_option("--potentiate-amplitude-V", f.potentiate_amplitude_V, "Amplitude of the potentiating pulses (default 1)")->check(CLI::PositiveNumber);
    cmd->add_option("--potentiate-width-s", f.potentiate_width_s, "Width of the potentiating pulses (default 1e-7)")->check(CLI::PositiveNumber);
    cmd->add_option("--depress-amplitude-V", f.depress_amplitude_V, "Amplitude of the depressing pulses (default 1)")->check(CLI::PositiveNumber);
    cmd->add_option("--depress-width-s", f.depress_width_s, "Width of the depressing pulses (default 1e-7)")->check(CLI::PositiveNumber);
    cmd->add_option("--drift-t0-s", f.drift_t0_s, "Drift reference time t0 for the time_s column (default 1)")->check(CLI::PositiveNumber);
    cmd->add_option("--steps-per-state", f.steps_per_state, "Least number of steps a state is fitted from (default 40)")->check(CLI::Range(20, 100000));
    cmd->add_option("--max-states", f.max_states, "Most states per direction (default 32)")->check(CLI::Range(2, 4096));
    return {cmd, add_pulses_command(*device, pulses)};
}

int run_device_fit(const DeviceFitOptions& o) {
    // Refused before any work: an existing output without --force, an output that is the CSV.
    const OutputClaim claim(o.output_path, {{o.csv_path, "the pulse CSV"}}, o.force);
    const PulseData pulses = read_pulse_csv(o.csv_path);
    const TableFit fit = fit_table_device(pulses, o.fit);
    write_table_device_file(o.output_path, fit.data, fit.summary());
    if (!pulses.ignored_columns.empty()) {
        std::printf("ignored columns (not device_id, cycle, pulse, direction, conductance_S or time_s): %s\n", text::join(pulses.ignored_columns, ", ").c_str());
    }
    std::printf("fitted %s\n%swrote %s (use it as --device table:%s)\n", o.csv_path.c_str(), fit.report().c_str(), o.output_path.c_str(),
                o.output_path.c_str());
    return 0;
}

namespace {

int run_spice_pulses(const DevicePulsesOptions& o) {
    const analysis::SpiceDeviceName device = analysis::parse_spice_device_name(o.device);
    if (!o.settings.set_texts.empty() || !o.settings.from_file.empty()) {
        throw UsageError("device pulses " + o.device + ": --set device.* and [device] parameters are for cimkit's models; a subcircuit's "
                         "parameters are its .subckt defaults (vary them with --spread NAME=SIGMA)");
    }
    // A bad file, subcircuit name or declaration exits 2 before the output is claimed.
    const analysis::SubcircuitInterface subcircuit = analysis::check_spice_device(device);
    analysis::SpicePulsePlan plan = o.spice;
    analysis::SpicePulsePlan declared = analysis::declared_pulse_plan(subcircuit);
    for (const std::string& key : analysis::drive_keys) {
        if (!o.drive_given.count(key)) analysis::drive_value(plan, key) = analysis::drive_value(declared, key);
    }
    plan.devices = o.plan.devices;
    plan.cycles = o.plan.cycles;
    plan.up = o.plan.up;
    plan.down = o.plan.down;
    plan.spreads = analysis::parse_spread_options(o.spreads);
    const OutputClaim claim(o.output_path, {{device.file.string(), "the subcircuit file"}}, o.force);
    const std::string csv = pulse_csv(analysis::spice_pulse_trains(device, plan, o.seed));
    TemporaryFile file(o.output_path);
    file.write_all_and_close(csv.data(), csv.size());
    file.move_into_place();
    std::printf("wrote %s: %d devices x %d cycles of %d potentiating (%g V) and %d depressing (%g V) pulses of %g s through ngspice on %s, "
                "spreads: %s\n",
                o.output_path.c_str(), plan.devices, plan.cycles, plan.up, plan.potentiate_V, plan.down, plan.depress_V, plan.pulse_width_s,
                o.device.c_str(), analysis::spreads_text(analysis::merge_spreads(subcircuit.declared_spreads, plan.spreads)).c_str());
    return 0;
}

}  // namespace

int run_device_pulses(const DevicePulsesOptions& o) {
    if (o.device.empty()) throw UsageError("device pulses: no device; give --device NAME (see 'cimkit devices'), table:FILE or spice:FILE:SUBCKT");
    if (static_cast<double>(o.plan.devices) * o.plan.cycles * (o.plan.up + o.plan.down + 1) > PulseLimits{}.max_rows) {
        throw UsageError("device pulses: --devices x --cycles x (--up + --down + 1) is above the " + std::to_string(PulseLimits{}.max_rows) +
                         " rows 'device fit' reads");
    }
    if (analysis::is_spice_device_name(o.device)) return run_spice_pulses(o);
    if (!o.spreads.empty()) throw UsageError("--spread: only for a spice:FILE:SUBCKT device");
    const auto model = builtin_devices().find(o.device).make(device_settings(o.settings));
    const OutputClaim claim(o.output_path, config_inputs(o.settings), o.force);
    PulseTrainPlan plan = o.plan;
    plan.read_noise = !o.noise_free_reads;
    const std::string csv = pulse_csv(pulse_trains(*model, plan, o.seed));
    TemporaryFile file(o.output_path);
    file.write_all_and_close(csv.data(), csv.size());
    file.move_into_place();
    std::printf("wrote %s: %d devices x %d cycles of %d potentiating and %d depressing pulses of %s\n", o.output_path.c_str(), plan.devices,
                plan.cycles, plan.up, plan.down, o.device.c_str());
    return 0;
}

}  // namespace cimkit::apps
