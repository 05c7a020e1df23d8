#pragma once
// Fuzz inputs for loaders that read files: the bytes go to a scratch file first.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace cimkit::fuzz {

inline std::filesystem::path write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size) {
    const auto path = std::filesystem::temp_directory_path() / ("cimkit_fuzz_" + std::to_string(::getpid()) + "_" + name);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

}  // namespace cimkit::fuzz
