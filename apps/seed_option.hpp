#pragma once
// A --seed option that takes only a whole number in [0, 2^64 - 1]. CLI11 2.1 converts "-1" into an
// unsigned option as 2^64 - 1 without a word; a seed that silently differs from the one typed makes
// a run that cannot be reproduced from its command line.
#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace cimkit::apps {

// Parses `text` as a seed; throws UsageError naming `option` and the text otherwise.
std::uint64_t parse_seed(const std::string& text, const std::string& option);

CLI::Option* add_seed_option(CLI::App& cmd, std::uint64_t& seed, const std::string& description);
// The same, for a command where no --seed means "the config's seed".
CLI::Option* add_seed_option(CLI::App& cmd, std::optional<std::uint64_t>& seed, const std::string& description);

}  // namespace cimkit::apps
