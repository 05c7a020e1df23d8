#pragma once
// A SPICE netlist as the lines a user wrote, with where they came from.
//
// The lines are kept exactly (blank lines and comments included) so that an error can name the line
// of the original file.
#include <filesystem>
#include <string>
#include <vector>

namespace cimkit::spice {

struct NetlistText {
    std::string origin;               // file path, or a description such as "<generated crossbar>"
    std::filesystem::path directory;  // where relative .include paths resolve; empty for generated text
    std::vector<std::string> lines;

    // Reads a netlist file. Throws IoError when it cannot be read, NetlistError when it is empty or
    // not text.
    static NetlistText from_file(const std::filesystem::path& path);
    static NetlistText from_string(const std::string& text, std::string origin);

    std::string joined() const;
};

}  // namespace cimkit::spice
