#pragma once
// Small string helpers shared by the netlist, CLI and engine code.
#include <string>
#include <string_view>
#include <vector>

namespace cimkit::text {

std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool iequals(std::string_view a, std::string_view b);
// Splits on `separator`; empty fields are kept.
std::vector<std::string> split(std::string_view s, char separator);
// The words of a line: the runs of characters between any of `separators`; no empty words.
std::vector<std::string> words(std::string_view s, std::string_view separators);
// Splits text into lines, dropping the '\n' (and a '\r' before it).
std::vector<std::string> lines(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). Text that is
// stored as UTF-8 (HDF5 attributes, TOML) must be checked first: a stray byte would be re-encoded
// as another character and no longer read back as itself.
bool is_utf8(std::string_view s);

}  // namespace cimkit::text
