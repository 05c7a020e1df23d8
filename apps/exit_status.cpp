#include "apps/exit_status.hpp"

#include <cstdio>
#include <new>

#include "circuits/spice/worker.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::apps {
namespace {

int print(const char* kind, const std::exception& e, int status) {
    std::fprintf(stderr, "cimkit: %s: %s\n", kind, e.what());
    return status;
}

}  // namespace

int report_failure(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const ConvergenceError& e) {
        return print("simulation failed", e, exit_simulation_failed);
    } catch (const spice::WorkerCrashed& e) {
        // ngspice crashed, hung or ran out of memory in its worker process: a failed simulation.
        return print("simulation failed", e, exit_simulation_failed);
    } catch (const SpiceError& e) {
        // A netlist ngspice cannot parse is bad input; an error during an analysis is a failed run.
        if (e.stage() == SpiceError::Stage::load) return print("error", e, exit_bad_input);
        return print("simulation failed", e, exit_simulation_failed);
    } catch (const UsageError& e) {
        return print("error", e, exit_bad_input);
    } catch (const ParameterError& e) {
        return print("error", e, exit_bad_input);
    } catch (const NetlistError& e) {
        return print("error", e, exit_bad_input);
    } catch (const IoError& e) {
        return print("error", e, exit_bad_input);
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "cimkit: error: out of memory: the run needs more memory than this machine (or "
                             "--max-memory, where the command has it) allows; try a smaller problem\n");
        return exit_simulation_failed;
    } catch (const std::exception& e) {
        return print("internal error", e, exit_simulation_failed);
    }
}

}  // namespace cimkit::apps
