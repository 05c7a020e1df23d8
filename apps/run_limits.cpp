#include "apps/run_limits.hpp"

#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::apps {

void add_run_limit_options(CLI::App& cmd, RunLimits& limits) {
    cmd.add_option("--timeout", limits.timeout_s, "Wall-clock limit on the simulation, s")->capture_default_str();
    cmd.add_option("--max-memory", limits.max_memory_MiB, "Memory limit of the simulating process, MiB")->capture_default_str();
}

void check_run_limits(const RunLimits& limits) {
    // 1e7 s (four months) keeps the deadline far inside the steady clock's range.
    if (!(limits.timeout_s > 0.0 && limits.timeout_s <= 1e7)) {
        throw UsageError("--timeout must be in (0, 1e7] s, got " + std::to_string(limits.timeout_s));
    }
    // Below 64 MiB ngspice cannot even be mapped into the process.
    if (!(limits.max_memory_MiB >= 64 && limits.max_memory_MiB <= (1L << 24))) {
        throw UsageError("--max-memory must be in [64, 16777216] MiB, got " + std::to_string(limits.max_memory_MiB));
    }
}

}  // namespace cimkit::apps
