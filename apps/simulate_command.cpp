#include "apps/simulate_command.hpp"

#include <cstdio>

#include "analysis/provenance.hpp"
#include "analysis/waveform_export.hpp"
#include "apps/output_claim.hpp"
#include "circuits/netlist_guard.hpp"
#include "circuits/spice/engine.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::apps {

CLI::App* add_simulate_command(CLI::App& app, SimulateOptions& options) {
    CLI::App* cmd = app.add_subcommand("simulate", "Run every analysis of a SPICE netlist in ngspice and export "
                                                   "all vectors to HDF5");
    cmd->add_option("netlist", options.netlist_path, "SPICE netlist file (.cir)")->required();
    cmd->add_option("-o,--output", options.output_path, "HDF5 file to write")->required();
    cmd->add_option("--vectors", options.vectors, "Export only these vectors, e.g. v(out),i(v1) (scales are kept)")
        ->delimiter(',');
    cmd->add_flag("--allow-control", options.allow_control,
                  "Accept .control blocks, *ng_script, .pre_osdi and includes outside the netlist's folder "
                  "(only for netlists you trust)");
    cmd->add_flag("-v,--verbose", options.verbose, "Print ngspice's own output to stderr");
    cmd->add_flag("--force", options.force, "Replace an existing output file");
    return cmd;
}

int run_simulate(const SimulateOptions& options, const std::string& command_line) {
    const auto netlist = spice::NetlistText::from_file(options.netlist_path);
    circuits::check_untrusted_netlist(netlist, circuits::NetlistPolicy{options.allow_control});
    // Fail on an unusable output path before spending time in the simulator.
    const OutputClaim claim(options.output_path, {{options.netlist_path, "the netlist"}}, options.force);
    h5::File file(options.output_path);

    spice::Engine engine;
    auto echo = [&] {
        if (!options.verbose) return;
        for (const auto& line : engine.output()) std::fprintf(stderr, "ngspice: %s\n", line.c_str());
    };
    try {
        engine.load(netlist);
        // With --allow-control a .control block may already have run its own analyses.
        if (engine.plots().empty()) engine.run();
    } catch (...) {
        echo();
        throw;
    }
    echo();
    const auto plots = analysis::select_vectors(engine.plots(), options.vectors);
    if (plots.empty()) {
        throw NetlistError(netlist.origin, 0, "", "produced no results; expected at least one of .op, .dc, .tran, .ac");
    }

    analysis::write_provenance(file, command_line);
    file.set_attribute("/", "netlist", netlist.joined());
    analysis::write_waveforms(file, plots);
    file.commit();
    for (const auto& plot : plots) std::printf("%s\n", analysis::summary_line(plot).c_str());
    std::printf("wrote %s\n", options.output_path.c_str());
    return 0;
}

}  // namespace cimkit::apps
