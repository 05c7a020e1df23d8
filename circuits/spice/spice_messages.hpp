#pragma once
// Reading ngspice's text output: which lines are errors, what kind, and which netlist line they name.
#include <string>
#include <vector>

#include "circuits/spice/netlist_text.hpp"

namespace cimkit::spice {

struct NetlistLocation {
    int line = 0;           // 1-based line of the netlist text; 0 when unknown
    std::string line_text;  // that line as the user wrote it
};

// The stderr lines from the first error on, joined with "; ". Empty when there is no error. A warning
// that ngspice ignored a line counts as an error: the circuit would not be the one written.
std::string error_message(const std::vector<std::string>& stderr_lines);

// True when ngspice warned of a singular circuit matrix. Its fall-backs (gmin and source stepping,
// then a "transient op") can still end "successfully" with a node at -1e15 V, which is no solution.
bool reports_singular_matrix(const std::vector<std::string>& stderr_lines);

// True when the text reports a failed Newton iteration or time step rather than bad input.
bool is_convergence_failure(const std::string& message);

// Finds the netlist line an error message refers to: first by the line's text (ngspice quotes the
// offending line), then by ngspice's line number, which counts non-blank lines.
NetlistLocation locate_in_netlist(const std::string& message, const NetlistText& netlist);
// The first half alone: by the quoted text only. For a netlist with includes, whose line numbers in
// ngspice's messages count the expanded deck and so name no line of any one file.
NetlistLocation locate_by_text(const std::string& message, const NetlistText& netlist);

}  // namespace cimkit::spice
