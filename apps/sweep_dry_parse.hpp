#pragma once
// Before a sweep runs anything: would the command accept each point's arguments? Each point's
// command line is parsed by the command's own CLI11 definition and settings code in this process
// (nothing is simulated, read from a dataset or written), so a misspelt key, a value out of its range
// or an option the command does not have is refused before the first point runs.
#include <string>
#include <vector>

namespace cimkit::apps {

// Throws the command's own error (UsageError, ParameterError: exit 2) for arguments it refuses.
void dry_parse_point(const std::string& command, const std::vector<std::string>& arguments);

}  // namespace cimkit::apps
