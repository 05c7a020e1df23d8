#pragma once
// How a device read from a file is named where a device name is accepted: "table:FILE" (a fitted
// table, devices/table_device.hpp) and "spice:FILE:SUBCKT" (a user subcircuit,
// devices/subcircuit_device.hpp). Header-only, so that the config reader (training/config_file.cpp,
// also built alone into its fuzz target) resolves the name without linking the device models.
#include <filesystem>
#include <string>

namespace cimkit {

inline constexpr const char* table_device_prefix = "table:";
inline constexpr const char* spice_device_prefix = "spice:";

// The FILE of "table:FILE" or of "spice:FILE:SUBCKT" made absolute: a relative FILE named in a file
// inside `folder` (a config or sweep file; the current folder for the command line) becomes
// folder/FILE, made absolute. Absolute, so that a run file's recorded config names the same file
// whichever folder `--resume` is run from (a path relative to the folder the run started in would
// not). Any other name, an absolute FILE, and a name without its FILE are returned as they are.
inline std::string resolve_device_file_name(const std::string& device, const std::filesystem::path& folder) {
    for (const std::string prefix : {table_device_prefix, spice_device_prefix}) {
        if (device.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string rest = device.substr(prefix.size());
        const bool spice = prefix == spice_device_prefix;
        const std::size_t end = spice ? rest.rfind(':') : rest.size();
        if (end == std::string::npos) return device;
        const std::filesystem::path file = rest.substr(0, end);
        if (file.empty() || file.is_absolute()) return device;
        return prefix + std::filesystem::absolute(folder / file).lexically_normal().string() + rest.substr(end);
    }
    return device;
}

}  // namespace cimkit
