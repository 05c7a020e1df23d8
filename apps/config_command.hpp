#pragma once
// `cimkit config [--markdown]`: every experiment setting with its default, range and description,
// and the combinations refused (training/settings/config_reference.hpp); --markdown is docs/config.md.
#include <CLI/CLI.hpp>

namespace cimkit::apps {

struct ConfigCommandOptions {
    bool markdown = false;
};

CLI::App* add_config_command(CLI::App& app, ConfigCommandOptions& options);
int run_config_command(const ConfigCommandOptions& options);

}  // namespace cimkit::apps
