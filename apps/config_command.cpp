#include "apps/config_command.hpp"

#include <cstdio>
#include <string>

#include "training/settings/config_reference.hpp"

namespace cimkit::apps {

CLI::App* add_config_command(CLI::App& app, ConfigCommandOptions& options) {
    CLI::App* cmd = app.add_subcommand("config", "List the experiment settings (cimkit train), their defaults and the combinations refused");
    cmd->add_flag("--markdown", options.markdown, "Print docs/config.md (Markdown) instead of plain text");
    return cmd;
}

int run_config_command(const ConfigCommandOptions& options) {
    const std::string text = options.markdown ? training::settings::config_reference_markdown()
                                              : training::settings::config_reference_text();
    std::fputs(text.c_str(), stdout);
    return 0;
}

}  // namespace cimkit::apps
