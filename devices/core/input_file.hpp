#pragma once
// The check every input file from a user passes before it is read: it exists and is a regular file.
// A FIFO would block the read forever, /dev/zero would never end it, and a folder gives a confusing
// stream error; each gets its own message instead.
#include <filesystem>
#include <string>

namespace cimkit {

// Throws IoError naming `path`: "no such <what>", "is a folder, expected <what>", or "is not a
// regular file (a device, FIFO or socket); expected <what>". `what` is e.g. "netlist file".
void require_regular_file(const std::filesystem::path& path, const std::string& what);

}  // namespace cimkit
