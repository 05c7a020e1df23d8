#pragma once
// `--config mnist_pcm`: a name (no slash, no .toml) is a preset, data/experiments/<name>.toml in the
// data folder (training::data_dir(): CIMKIT_DATA_DIR, the installed copy or the source tree), found from any current
// folder; anything else is a path, relative to the current folder.
#include <filesystem>
#include <string>

namespace cimkit::apps {

// The file `--config TEXT` names. A preset name that does not exist is a UsageError listing the
// presets there are.
std::filesystem::path config_file_path(const std::string& text);

// The presets in data/experiments/, sorted, comma-separated.
std::string preset_names();

}  // namespace cimkit::apps
