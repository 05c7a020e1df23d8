#pragma once
// Before a sweep runs anything: would the command accept each point's arguments? Each point's
// command line is parsed by the command's own CLI11 definition and settings code in this process
// (nothing is read from a dataset or written; a spice:FILE:SUBCKT device of characterize or crossbar
// is characterised, train's only checked by the netlist guard), so a misspelt key, a value out of its
// range, an option the command does not have or a subcircuit file the guard refuses is refused before
// the first point runs. The arguments are the sweep file's: without `--allow-control`, which the
// sweep adds to every point from its own command line (apps/sweep_command.hpp).
#include <string>
#include <vector>

namespace cimkit::apps {

// Throws the command's own error (UsageError, ParameterError: exit 2) for arguments it refuses.
void dry_parse_point(const std::string& command, const std::vector<std::string>& arguments);

}  // namespace cimkit::apps
