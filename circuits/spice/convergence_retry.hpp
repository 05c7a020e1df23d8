#pragma once
// The bounded retry policy for an `op` or `tran` that did not converge (docs/engine.md).
//
// ngspice 46 already tries plain Newton, dynamic and true gmin stepping, source stepping and a short
// transient ("optran") inside one `op`. What is left to try is more of the same with larger budgets
// (more Newton iterations, finer fixed gmin or source steps) and, for a transient, a smaller maximum
// time step with more iterations per step. Each retry is one more run of the analysis, so the policy
// is a short fixed list: a circuit with no solution fails after at most 1 + 3 runs of the analysis.
#include <string>
#include <utility>
#include <vector>

namespace cimkit::spice {

struct RetryAttempt {
    std::string name;                                         // for messages: "gmin stepping"
    std::vector<std::pair<std::string, std::string>> options; // ngspice `option` assignments
    std::string analysis;                                      // the command to run
};

// The retries for `analysis` ("op", "tran ..." or "run", the netlist's own cards; empty for anything
// else), in order.
std::vector<RetryAttempt> convergence_retries(const std::string& analysis);

// Every ngspice option a retry may change, so their values can be saved and restored.
const std::vector<std::string>& retry_option_names();

// The values the `option` command printed ("stdout itl1 (DC iterations) = 100"), for `names` only;
// a name it did not print is left out.
std::vector<std::pair<std::string, std::string>> printed_option_values(const std::vector<std::string>& output_lines,
                                                                       const std::vector<std::string>& names);

// A SPICE number with an optional scale suffix (f p n u m k meg g t, mil) and trailing unit letters:
// "1u" -> 1e-6, "2.5megohm" -> 2.5e6. Throws UsageError when it is not a number.
double spice_value(const std::string& token);

// "tran tstep tstop [tstart [tmax]] [uic]" with its maximum step divided by `divisor`: a given tmax,
// or ngspice's default min(tstep, (tstop - tstart) / 50).
std::string tran_with_smaller_max_step(const std::string& tran, double divisor);

}  // namespace cimkit::spice
