#pragma once
// Reads a TOML run configuration (toml++) into settings "section.key = value", each with its origin
// "file:line", and checks each value's TOML type against the schema (a quoted "0.5" where a number
// is expected is an error, not a conversion). Range and choice rules are then applied by
// resolve_config (devices/core/config_schema.hpp), after any --set overrides.
#include <filesystem>
#include <string>
#include <vector>

#include "devices/core/config_schema.hpp"

namespace cimkit::training {

// Throws IoError when the file cannot be read, ParameterError naming file:line:column for a TOML
// syntax error, and file:line and the key for a value of the wrong type or an unsupported kind.
std::vector<Setting> read_config_file(const std::filesystem::path& path, const std::vector<ConfigKey>& schema);

// The same from text (for tests and fuzzing); `origin` stands in for the file name.
std::vector<Setting> read_config_text(const std::string& toml, const std::string& origin,
                                      const std::vector<ConfigKey>& schema);

}  // namespace cimkit::training
