#include "apps/crossbar_command.hpp"

#include <cmath>
#include <cstdio>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "analysis/characterization/parameters_toml.hpp"
#include "analysis/crossbar_experiment.hpp"
#include "analysis/layouts/crossbar_layout.hpp"
#include "analysis/provenance.hpp"
#include "apps/contained_run.hpp"
#include "apps/device_settings.hpp"
#include "apps/output_claim.hpp"
#include "apps/progress_line.hpp"
#include "apps/seed_option.hpp"
#include "circuits/crossbar/stage_factory.hpp"
#include "circuits/crossbar_settling.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/temporary_file.hpp"
#include "devices/registry.hpp"

namespace cimkit::apps {
namespace {

// Written under a temporary name beside the target and renamed onto it, like every cimkit output; on
// any failure the temporary is removed and an earlier file at `path` is left as it was.
void write_text_atomically(const std::string& path, const std::string& text) {
    TemporaryFile file(path);
    file.write_all_and_close(text.data(), text.size());
    file.move_into_place();
}

// The run's settings beside its result, as the file records them (analysis/layouts/crossbar_layout.hpp).
analysis::CrossbarRecord crossbar_record(const CrossbarOptions& o, analysis::CrossbarResult result) {
    return {o.device, o.scheme, o.readout, o.input_encoding, o.readout == "integrator" ? o.integrator_farad : 0.0, o.access_transistor, o.wire_ohm, o.wire_farad, o.driver_ohm, o.adc_bits, o.rows, o.columns, std::move(result)};
}

}  // namespace

CLI::App* add_crossbar_command(CLI::App& app, CrossbarOptions& options) {
    CLI::App* cmd = app.add_subcommand("crossbar", "One MVM through an ngspice crossbar and the compact model, compared");
    cmd->add_option("--device", options.device, "Device model (see 'cimkit devices')");
    cmd->add_option("--rows", options.rows, "Rows (inputs), default 16");
    cmd->add_option("--cols", options.columns, "Columns (outputs), default 8");
    cmd->add_option("--wire-ohm", options.wire_ohm, "Wire resistance per segment, rows and columns (Ohm), default 0");
    cmd->add_option("--wire-farad", options.wire_farad,
                    "Wire capacitance to ground per segment node, rows and columns (F), default 0; needs --wire-ohm > 0");
    cmd->add_option("--driver-ohm", options.driver_ohm, "Each row driver's output resistance, in series before the row (Ohm), default 0");
    cmd->add_option("--adc-bits", options.adc_bits, "Column ADC resolution: the latency is settling to 1/2 LSB (1 to 24), default 8");
    cmd->add_option("--scheme", options.scheme, "Weight mapping: single, differential or reference (default single)");
    cmd->add_flag("--1t1r", options.access_transistor, "Add a select transistor in series with every device");
    cmd->add_option("--readout", options.readout, "Column read-out: " + circuits::crossbar_stage_help(circuits::StagePlace::column_readout))
        ->check(CLI::IsMember(circuits::crossbar_stage_names(circuits::StagePlace::column_readout)));
    cmd->add_option("--input-encoding", options.input_encoding,
                    "amplitude (each row at its input voltage for the read) or pulse_width (each row at the device's read "
                    "voltage for a share of the read window; needs --readout integrator), default amplitude")
        ->check(CLI::IsMember({"amplitude", "pulse_width"}));
    cmd->add_option("--integrator-farad", options.integrator_farad,
                    "The integrator read-out's feedback capacitance (F), default 10e-12: size it so the outputs stay near a volt");
    cmd->add_option("--face", options.face, "SPICE face variant: 'transistor' (gain cell), 'cosim' (pcm, domain_wall, mosfet; EXTERNAL sources) or 'osdi' (pcm, domain_wall; cimkit's compiled OSDI element); the last two not runnable in ngspice -b");
    add_seed_option(*cmd, options.seed, "Random seed for weights, states and inputs (default 1)");
    cmd->add_option("--emit-netlist", options.netlist_path,
                    "Write the SPICE netlist: runs as it is in ngspice -b and cimkit simulate, which print each column's "
                    "current (.meas column_<j>_A); without -o only the netlist is written, nothing is simulated. "
                    "Refused with --face cosim or osdi");
    cmd->add_option("-o,--output", options.output_path, "HDF5 file to write (run the read); -o, --emit-netlist or both");
    add_device_settings_options(*cmd, options.settings, {"--device"});
    cmd->add_flag("--force", options.force, "Replace existing output files (-o and --emit-netlist)");
    cmd->add_flag("--quiet", options.quiet, "No progress on stderr");
    add_run_limit_options(*cmd, options.limits);
    return cmd;
}

int run_crossbar_command(const CrossbarOptions& o, const std::string& command_line) {
    if (o.device.empty()) throw UsageError("crossbar: no device; give --device NAME (see 'cimkit devices') or [device] model in --config");
    const auto model = builtin_devices().find(o.device).make(device_settings(o.settings));
    analysis::CrossbarRun run;
    // Named here by its option: validate_geometry's message speaks of the geometry, not the flag.
    if (!std::isfinite(o.driver_ohm) || o.driver_ohm < 0.0) {
        throw UsageError(fmt::format("crossbar: --driver-ohm = {} Ohm: expected a finite resistance >= 0 Ohm", o.driver_ohm));
    }
    run.geometry = {o.rows, o.columns, o.wire_ohm, o.wire_ohm, o.wire_farad, o.wire_farad, o.driver_ohm};
    run.adc_bits = o.adc_bits;
    run.scheme = circuits::parse_weight_scheme(o.scheme);
    if (o.access_transistor) run.peripherals.stages.emplace_back("1t1r");
    run.peripherals.stages.push_back(o.readout);
    // The two options that only work together are named here; the circuit's own check speaks of the circuit.
    const bool pulse_width = o.input_encoding == "pulse_width";
    if (pulse_width != (o.readout == "integrator")) {
        throw UsageError("crossbar: --input-encoding " + o.input_encoding + " with --readout " + o.readout +
                         ": pulse-width inputs are read by the charge integrator and the integrator reads only pulse-width inputs; "
                         "give --input-encoding pulse_width --readout integrator, or neither");
    }
    if (!std::isfinite(o.integrator_farad) || o.integrator_farad <= 0.0) {
        throw UsageError(fmt::format("crossbar: --integrator-farad = {} F: expected a finite capacitance > 0 F", o.integrator_farad));
    }
    if (pulse_width && (o.wire_ohm > 0.0 || o.driver_ohm > 0.0)) {
        throw UsageError("crossbar: --input-encoding pulse_width with --wire-ohm or --driver-ohm: the IR drop is solved under line "
                         "voltages, not pulse widths; give --wire-ohm 0 --driver-ohm 0, or amplitude inputs");
    }
    run.pulse_width_inputs = pulse_width;
    run.peripherals.settings.integrator.feedback_farad = o.integrator_farad;
    run.face_variant = o.face;
    run.seed = o.seed;
    circuits::validate_geometry(run.geometry);
    circuits::validate_adc_bits(run.adc_bits);
    if (o.output_path.empty() && o.netlist_path.empty()) {
        throw UsageError("crossbar: nothing to write: give -o FILE.h5 (simulate the read and store it), --emit-netlist FILE.cir "
                         "(write the netlist only), or both");
    }
    // Unusable output paths fail before the simulation.
    std::unique_ptr<OutputClaim> claim, netlist_claim;
    std::vector<std::filesystem::path> outputs;
    if (!o.output_path.empty()) {
        claim = std::make_unique<OutputClaim>(o.output_path, config_inputs(o.settings), o.force);
        outputs.emplace_back(o.output_path);
    }
    if (!o.netlist_path.empty()) {
        std::vector<NamedInput> inputs = config_inputs(o.settings);
        if (!o.output_path.empty()) inputs.push_back({o.output_path, "the HDF5 output (-o)"});
        netlist_claim = std::make_unique<OutputClaim>(o.netlist_path, inputs, o.force);
        outputs.emplace_back(o.netlist_path);
    }
    analysis::CrossbarCircuit circuit = analysis::prepare_crossbar(*model, run);
    // Built (and a cosim face refused) before anything runs.
    const std::string netlist_text = o.netlist_path.empty() ? "" : analysis::emitted_crossbar_netlist(circuit, run, command_line);
    if (o.output_path.empty()) {
        write_text_atomically(o.netlist_path, netlist_text);
        std::printf("wrote %s (netlist only; nothing simulated without -o)\n", o.netlist_path.c_str());
        return 0;
    }
    // ngspice runs in-process in a child: a crash or a runaway array ends the child (contained_run.hpp).
    return run_contained(
        [&] {
            h5::File file(o.output_path);
            // One ngspice solve and the compact model: no count inside, the elapsed time.
            ProgressLine progress("crossbar " + std::to_string(o.rows) + "x" + std::to_string(o.columns) + " " + o.device, "", o.quiet);
            progress.step("the read in ngspice and in the compact model");
            const analysis::CrossbarRecord record = crossbar_record(o, analysis::simulate_crossbar(*model, run, circuit));
            progress.close();
            const analysis::CrossbarResult& result = record.result;
            if (!o.netlist_path.empty()) write_text_atomically(o.netlist_path, netlist_text);
            analysis::write_provenance(file, command_line);
            file.set_integer_attribute("/", "seed", o.seed);
            file.set_attribute("/", "config_toml", analysis::parameters_toml(*model));
            if (const std::string table = device_definition_toml(o.device); !table.empty()) file.set_attribute("/", "device_definition_toml", table);
            analysis::write_crossbar_record(file, record);
            file.commit();
            std::printf("%s\nwrote %s\n", analysis::crossbar_summary(o.device, run, result).c_str(), o.output_path.c_str());
            return 0;
        },
        "crossbar " + std::to_string(o.rows) + "x" + std::to_string(o.columns) + " " + o.device, outputs, o.limits);
}

}  // namespace cimkit::apps
