#pragma once
// The root attributes every cimkit HDF5 file carries
// (docs/architecture.md#output-files-and-provenance): cimkit_version, git_commit, created_utc
// (ISO 8601), command_line, and ngspice_version (what the embedded library reports); a resumed
// run adds command_line_history (docs/hdf5-schema.md).
#include <filesystem>
#include <string>

#include "analysis/h5/h5_file.hpp"

namespace cimkit::analysis {

// `command_line` is the command that created the file; `command_line_history`, when not empty, the
// commands that continued it (--resume), one per line, oldest first.
void write_provenance(h5::File& file, const std::string& command_line, const std::string& command_line_history = "");

// The embedded ngspice's version and build as its start-up banner reports them ("ngspice-46 shared
// library, Creation Date: ..."; "unknown (why)" if it cannot be loaded). Asked once per process, in
// a child process (one engine per process): call it first while the process has one thread, as
// main() does, since fork() copies only the calling thread.
const std::string& ngspice_version();

// The current UTC time as "2026-11-22T01:23:45Z".
std::string utc_timestamp();

struct CommandLines {
    std::string command_line;  // the command that created the file
    std::string history;       // command_line_history ("" when the file was never resumed)
};
// The command lines a file's root holds. Throws IoError when the file has no command_line.
CommandLines read_command_lines(const std::filesystem::path& path);

}  // namespace cimkit::analysis
