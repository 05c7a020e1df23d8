#pragma once
// `--timeout` and `--max-memory`: the bounds on a subcommand whose simulation runs in another process
// (simulate's ngspice worker, crossbar's contained child), declared and checked in one place.
#include <CLI/CLI.hpp>
#include <cstddef>

namespace cimkit::apps {

struct RunLimits {
    double timeout_s = 600.0;     // wall clock of the simulation; then the process is killed
    long max_memory_MiB = 8192;   // its address-space limit (RLIMIT_AS)

    std::size_t memory_bytes() const { return static_cast<std::size_t>(max_memory_MiB) << 20; }
};

// Adds both options to `cmd`, showing the defaults already in `limits`.
void add_run_limit_options(CLI::App& cmd, RunLimits& limits);
// UsageError naming the option: timeout in (0, 1e7] s, memory in [64, 16777216] MiB.
void check_run_limits(const RunLimits& limits);

}  // namespace cimkit::apps
