#include "apps/simulate_command.hpp"

#include <cstdio>
#include <map>

#include "analysis/analysis_runs.hpp"
#include "analysis/provenance.hpp"
#include "analysis/waveform_export.hpp"
#include "apps/output_claim.hpp"
#include "apps/progress_line.hpp"
#include "circuits/netlist_guard.hpp"
#include "circuits/spice/netlist_cards.hpp"
#include "circuits/spice/spice_messages.hpp"
#include "circuits/spice/worker.hpp"
#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::apps {
namespace {

// ngspice runs in a worker process: a crash, an abort, a hang or a runaway allocation ends the
// worker, not cimkit. Without --allow-control the worker is sandboxed to the netlist's folder.
spice::WorkerOptions simulate_worker_options(const SimulateOptions& options, const spice::NetlistText& netlist) {
    check_run_limits(options.limits);
    spice::WorkerOptions worker;
    worker.solve_timeout_s = options.limits.timeout_s;
    worker.memory_limit_bytes = options.limits.memory_bytes();
    std::error_code ec;
    worker.sandbox.folder = std::filesystem::canonical(netlist.directory, ec);
    worker.sandbox.enabled = !options.allow_control;
    worker.die_with_parent = true;  // created on the main thread, which lives as long as the command
    if (worker.sandbox.enabled) spice::warn_when_landlock_is_missing();
    return worker;
}

// A load error of a netlist with includes, placed at the line ngspice echoed, in whichever file holds
// it: ngspice's line numbers then count the expanded deck and would name a wrong line of the netlist.
[[noreturn]] void throw_located(const SpiceError& error, const spice::NetlistText& netlist,
                                const std::vector<std::filesystem::path>& included_files) {
    const std::string& message = error.spice_message();
    if (const auto where = spice::locate_by_text(message, netlist); where.line > 0) {
        throw SpiceError(error.stage(), netlist.origin, where.line, where.line_text, message);
    }
    for (const auto& path : included_files) {
        try {
            const auto included = spice::NetlistText::from_file(path);
            if (const auto where = spice::locate_by_text(message, included); where.line > 0) {
                throw SpiceError(error.stage(), included.origin, where.line, where.line_text, message);
            }
        } catch (const NetlistError&) {
            // an empty included file holds no line
        }
    }
    throw SpiceError(error.stage(), netlist.origin, 0, "", message);
}

// Each analysis card in its own load (analysis/analysis_runs.hpp), unless the cards are not all
// cimkit's to see: a .control block (--allow-control) runs its own analyses, and cards in included
// files cannot be commented out in the netlist's text.
bool runs_card_by_card(const std::vector<spice::NetlistCard>& cards, const std::vector<spice::NetlistCard>& analyses,
                       const std::vector<std::filesystem::path>& included_files) {
    if (analyses.empty()) return false;
    for (const auto& card : cards) {
        if (card.keyword == ".control") return false;
    }
    for (const auto& path : included_files) {
        try {
            if (!analysis::analysis_cards(spice::NetlistText::from_file(path)).empty()) return false;
        } catch (const NetlistError&) {
            // an empty included file holds no card
        }
    }
    return true;
}

void print_output(const SimulateOptions& options, const std::vector<std::string>& output) {
    if (!options.verbose) return;
    for (const auto& line : output) std::fprintf(stderr, "ngspice: %s\n", line.c_str());
}

// --vectors: keeps the requested vectors of every group (and each scale).
void select_vectors(std::vector<analysis::AnalysisGroup>& groups, const std::vector<std::string>& wanted) {
    std::vector<spice::Plot> plots;
    for (const auto& g : groups) plots.push_back(g.plot);
    plots = analysis::select_vectors(plots, wanted);
    for (std::size_t i = 0; i < groups.size(); ++i) groups[i].plot = std::move(plots[i]);
}

}  // namespace

CLI::App* add_simulate_command(CLI::App& app, SimulateOptions& options) {
    CLI::App* cmd = app.add_subcommand("simulate", "Run every analysis of a SPICE netlist in ngspice and export "
                                                   "all vectors, .meas and .four results to HDF5");
    cmd->add_option("netlist", options.netlist_path, "SPICE netlist file (.cir)")->required();
    cmd->add_option("-o,--output", options.output_path, "HDF5 file to write")->required();
    cmd->add_option("--vectors", options.vectors, "Export only these vectors, e.g. v(out),i(v1) (scales are kept)")
        ->delimiter(',');
    cmd->add_flag("--allow-control", options.allow_control,
                  "Accept .control blocks, *ng_script, .pre_osdi and includes outside the netlist's folder "
                  "(only for netlists you trust)");
    cmd->add_flag("-v,--verbose", options.verbose, "Print ngspice's own output to stderr");
    add_run_limit_options(*cmd, options.limits);
    cmd->add_option("--max-points", options.max_points,
                    "Refuse an analysis card asking for more points (sweep points, or tstop/tstep of a .tran)")
        ->capture_default_str();
    cmd->add_flag("--force", options.force, "Replace an existing output file");
    cmd->add_flag("--quiet", options.quiet, "No progress on stderr");
    return cmd;
}

int run_simulate(const SimulateOptions& options, const std::string& command_line) {
    const auto netlist = spice::NetlistText::from_file(options.netlist_path);
    if (!(options.max_points >= 1.0 && options.max_points <= 1e12)) {
        throw UsageError("--max-points must be in [1, 1e12], got " + std::to_string(options.max_points));
    }
    const auto reads =
        circuits::check_untrusted_netlist(netlist, circuits::NetlistPolicy{options.allow_control, options.max_points});
    // Fail on an unusable output path before spending time in the simulator.
    std::vector<NamedInput> inputs = {{options.netlist_path, "the netlist"}};
    for (const auto& path : reads.included_files) inputs.push_back({path.string(), "a file the netlist includes"});
    const OutputClaim claim(options.output_path, inputs, options.force);
    h5::File file(options.output_path);

    const auto cards = spice::dot_cards(netlist);
    const auto analyses = analysis::analysis_cards(netlist);
    spice::Worker worker(simulate_worker_options(options, netlist));
    std::vector<analysis::AnalysisGroup> groups;
    ProgressLine progress("simulate " + options.netlist_path, "analysis cards", options.quiet);
    try {
        if (runs_card_by_card(cards, analyses, reads.included_files)) {
            std::map<std::string, std::size_t> ordinals;
            for (std::size_t i = 0; i < analyses.size(); ++i) {
                progress.update(i, analyses.size(), analyses[i].text);
                worker.load(analysis::with_only_analysis(netlist, analyses, i).joined(), netlist.origin);
                auto all = worker.run_all();
                print_output(options, all.output);
                auto run = analysis::groups_of_run(analyses[i], ++ordinals[spice::analysis_kind(analyses[i])],
                                                   std::move(all.plots), all.output, cards);
                for (auto& g : run) groups.push_back(std::move(g));
            }
        } else {
            progress.step("ngspice runs the netlist as a whole");
            worker.load(netlist.joined(), netlist.origin);
            auto all = worker.run_all();
            print_output(options, all.output);
            groups = analysis::groups_of_whole_run(std::move(all.plots), all.output, cards);
        }
    } catch (const SpiceError& error) {
        if (reads.included_files.empty() || error.stage() != SpiceError::Stage::load) throw;
        throw_located(error, netlist, reads.included_files);
    } catch (const spice::WorkerTimeout& timeout) {
        throw spice::WorkerTimeout(netlist.origin + ": ngspice did not finish within --timeout: " + timeout.what());
    } catch (const spice::WorkerCrashed& crash) {
        throw spice::WorkerCrashed(netlist.origin + ": ngspice crashed (or ran out of --max-memory): " + crash.what());
    }
    progress.close();
    select_vectors(groups, options.vectors);
    if (groups.empty()) {
        throw NetlistError(netlist.origin, 0, "", "produced no results; expected at least one of .op, .dc, .tran, .ac");
    }

    analysis::write_provenance(file, command_line);
    file.set_attribute("/", "netlist", netlist.joined());
    analysis::write_analysis_groups(file, groups, analysis::unmatched_measurements(groups, cards));
    file.commit();
    for (const auto& g : groups) std::printf("%s\n", analysis::summary_line(g.plot).c_str());
    std::printf("wrote %s\n", options.output_path.c_str());
    return 0;
}

}  // namespace cimkit::apps
