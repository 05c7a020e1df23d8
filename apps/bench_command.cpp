#include "apps/bench_command.hpp"

#include <cstdio>

#include "apps/exit_status.hpp"
#include "apps/progress_line.hpp"
#include "bench/harness.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {

CLI::App* add_bench_command(CLI::App& app, BenchCommandOptions& options) {
    CLI::App* cmd = app.add_subcommand("bench", "run one benchmark case (bench/run_all runs them all into docs/performance.md)");
    cmd->add_option("case", options.case_name, "the case to run (--list shows them)");
    cmd->add_flag("--json", options.json, "print the result as one JSON object on stdout");
    cmd->add_flag("--list", options.list, "list the cases");
    cmd->add_option("--repeats", options.repeats, "measured runs; the median is reported")->check(CLI::Range(1, 1000));
    cmd->add_flag("--quick", options.quick, "smaller workloads: checks that a case runs, not how fast");
    cmd->add_flag("--quiet", options.quiet, "no progress on stderr");
    return cmd;
}

int run_bench(const BenchCommandOptions& options) {
    const auto& cases = bench::cases();
    std::string known;
    for (const auto& c : cases) known += (known.empty() ? "" : ", ") + c.name;
    if (options.list) {
        for (const auto& c : cases) std::printf("%-18s %s\n", c.name.c_str(), c.summary.c_str());
        return exit_success;
    }
    for (const auto& c : cases) {
        if (c.name != options.case_name) continue;
        bench::BenchOptions bench_options;
        bench_options.repeats = options.repeats;
        bench_options.quick = options.quick;
        // Each measurement's runs (warm-up and repeats), with the time the case has taken so far.
        ProgressLine progress("bench " + c.name, "runs", options.quiet);
        int measurement = 0;
        bench_options.on_run = [&](int run, int runs) {
            if (run == 0) ++measurement;
            progress.update(static_cast<std::size_t>(run), static_cast<std::size_t>(runs), "measurement " + std::to_string(measurement));
        };
        progress.step("setting up");
        const bench::CaseReport report = c.run(bench_options);
        progress.close();
        std::printf("%s\n", (options.json ? bench::to_json(report) : bench::to_text(report)).c_str());
        return exit_success;
    }
    throw UsageError("bench: unknown case '" + options.case_name + "'; expected one of: " + known);
}

}  // namespace cimkit::apps
