#pragma once
// `cimkit bench CASE [--json] [--repeats N] [--quick] [--quiet]`, and `cimkit bench --list`.
#include <CLI/CLI.hpp>
#include <string>

namespace cimkit::apps {

struct BenchCommandOptions {
    std::string case_name;
    bool json = false;
    bool list = false;
    int repeats = 5;
    bool quick = false;
    bool quiet = false;
};

CLI::App* add_bench_command(CLI::App& app, BenchCommandOptions& options);
int run_bench(const BenchCommandOptions& options);

}  // namespace cimkit::apps
