#pragma once
// How a table device is named where a device name is accepted: "table:FILE" (devices/table_device.hpp).
// Header-only, so that the config reader (training/config_file.cpp, also built alone into its fuzz
// target) resolves the name without linking the device models.
#include <filesystem>
#include <string>

namespace cimkit {

inline constexpr const char* table_device_prefix = "table:";

// "table:REL" named in a file inside `folder` becomes "table:folder/REL"; any other name, and an
// absolute path, is returned as it is.
inline std::string resolve_table_device_name(const std::string& device, const std::filesystem::path& folder) {
    const std::string prefix = table_device_prefix;
    if (device.compare(0, prefix.size(), prefix) != 0) return device;
    const std::filesystem::path file = device.substr(prefix.size());
    if (file.empty() || file.is_absolute()) return device;
    return prefix + (folder / file).lexically_normal().string();
}

}  // namespace cimkit
