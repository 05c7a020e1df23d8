#pragma once
// The root attributes every cimkit HDF5 file carries
// (docs/architecture.md#output-files-and-provenance): cimkit_version, git_commit, created_utc
// (ISO 8601) and command_line.
#include <string>

#include "analysis/h5/h5_file.hpp"

namespace cimkit::analysis {

void write_provenance(h5::File& file, const std::string& command_line);

// The current UTC time as "2026-11-22T01:23:45Z".
std::string utc_timestamp();

}  // namespace cimkit::analysis
