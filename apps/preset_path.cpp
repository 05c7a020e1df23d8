#include "apps/preset_path.hpp"

#include <algorithm>
#include <vector>

#include "devices/core/errors.hpp"
#include "training/experiment.hpp"

namespace cimkit::apps {
namespace {

std::filesystem::path presets_dir() { return training::data_dir() / "experiments"; }

bool is_preset_name(const std::string& text) {
    const bool toml_suffix = text.size() >= 5 && text.compare(text.size() - 5, 5, ".toml") == 0;
    return !text.empty() && text.find('/') == std::string::npos && !toml_suffix;
}

}  // namespace

std::string preset_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(presets_dir(), ec)) {
        if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::filesystem::path config_file_path(const std::string& text) {
    if (!is_preset_name(text)) return text;
    const std::filesystem::path preset = presets_dir() / (text + ".toml");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(preset, ec)) {
        throw UsageError("--config " + text + ": no preset of that name in " + presets_dir().string() + "; presets: " + preset_names() +
                         " (a file is given by a path with a slash or ending in .toml)");
    }
    return preset;
}

}  // namespace cimkit::apps
