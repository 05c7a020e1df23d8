#pragma once
// Process exit statuses (docs/architecture.md#exit-statuses) and the one place that turns an
// exception into one.
#include <exception>

namespace cimkit::apps {

enum ExitStatus : int {
    exit_success = 0,
    exit_simulation_failed = 1,  // no convergence, ngspice failed during an analysis
    exit_bad_input = 2,          // bad usage, bad netlist/config/data, unwritable output
    exit_interrupted = 130,      // SIGINT/SIGTERM during a run (128 + SIGINT, the shell's convention)
};

// Prints "cimkit: error: <message>" to stderr and returns the exit status for the exception.
int report_failure(const std::exception_ptr& failure);

}  // namespace cimkit::apps
