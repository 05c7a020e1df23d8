#include "apps/device_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include <toml++/toml.h>

#include "devices/core/errors.hpp"
#include "devices/table_device_name.hpp"

namespace cimkit::apps {
namespace {

constexpr const char* device_prefix = "device.";

// A TOML value as the text the option or parameter would be given on the command line; numbers
// in their shortest round-trip form, so a parameter reads back as the same double.
std::string value_text(const toml::node& node, const std::string& where) {
    if (const auto* s = node.as_string()) return s->get();
    if (const auto* i = node.as_integer()) return std::to_string(i->get());
    if (const auto* d = node.as_floating_point()) return fmt::format("{}", d->get());
    if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
    throw CLI::ValidationError(where + ": expected a number, a string or true/false");
}

// Options a file may not set: what to do, not which settings (outputs, --force, --config itself), and
// --device, which the file names as [device] model (a TOML key cannot be both a value and a table).
bool settable_from_file(const CLI::Option& option) {
    static const std::vector<std::string> excluded{"--config", "--set",  "--output",      "--force",
                                                   "--help",   "--quiet", "--emit-netlist", "--device"};
    for (const auto& name : excluded) {
        if (option.check_name(name)) return false;
    }
    return !option.get_lnames().empty();
}

std::string file_keys(const CLI::App& cmd) {
    std::string keys;
    for (const CLI::Option* option : cmd.get_options()) {
        if (!settable_from_file(*option)) continue;
        std::string key = option->get_lnames().front();
        for (char& c : key) c = c == '-' ? '_' : c;
        keys += key + ", ";
    }
    return keys + "and a [device] table (its 'model' names the device, every other key is a parameter; or [device.<model>] of parameters)";
}

// Gives `option` the file's value unless the command line gave it one.
void fill_from_file(CLI::Option& option, const std::string& text, const std::string& where) {
    if (option.count() > 0) return;
    try {
        option.add_result(text);
        option.run_callback();
    } catch (const CLI::Error& e) {
        throw CLI::ValidationError(where + ": " + e.what());
    }
}

// The file names the model unless the command line did.
void name_model(CLI::App& cmd, const std::vector<std::string>& device_options, const std::string& model, const std::string& where) {
    for (const auto& option : device_options) {
        if (cmd.get_option(option)->count() > 0) return;
    }
    fill_from_file(*cmd.get_option(device_options.front()), model, where);
}

void read_config(CLI::App& cmd, DeviceSettings& settings, const std::vector<std::string>& device_options) {
    const std::string& path = settings.config_path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw CLI::ValidationError("--config " + path + ": " + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
    }
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        throw CLI::ValidationError(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + std::string(e.description()));
    }
    for (const auto& [key_view, node] : root) {
        const std::string key(key_view.str());
        const std::string where = path + ": " + key;
        if (key == "device") {
            const toml::table* device = node.as_table();
            if (device == nullptr) throw CLI::ValidationError(where + ": expected a table [device] of parameters (and its model)");
            for (const auto& [name_view, value] : *device) {
                const std::string name(name_view.str());
                if (const toml::table* model = value.as_table()) {
                    // [device.pcm]: the model and its parameters, as a file's config_toml holds them.
                    name_model(cmd, device_options, name, where + "." + name);
                    for (const auto& [p, v] : *model) {
                        const std::string parameter(p.str());
                        settings.from_file.push_back({parameter, value_text(v, where + "." + name + "." + parameter), path});
                    }
                } else if (name == "model") {
                    // A device FILE relative to the config file is found beside it (devices/table_device_name.hpp).
                    const std::string model = resolve_device_file_name(value_text(value, where + ".model"), std::filesystem::path(path).parent_path());
                    name_model(cmd, device_options, model, where + ".model");
                } else {
                    settings.from_file.push_back({name, value_text(value, where + "." + name), path});
                }
            }
            continue;
        }
        std::string option_name = "--" + key;
        for (char& c : option_name) c = c == '_' ? '-' : c;
        CLI::Option* option = cmd.get_option_no_throw(option_name);
        if (option == nullptr || !settable_from_file(*option)) {
            throw CLI::ValidationError(where + ": unknown key; " + cmd.get_name() + " takes " + file_keys(cmd));
        }
        fill_from_file(*option, value_text(node, where), where);
    }
}

}  // namespace

void add_device_settings_options(CLI::App& cmd, DeviceSettings& settings, const std::vector<std::string>& device_options) {
    cmd.add_option("--set", settings.set_texts, "Override a device parameter: device.<name>=value (repeatable; see 'cimkit devices')");
    cmd.add_option("--config", settings.config_path,
                   "TOML file of settings: a [device] table (model = \"pcm\" and parameters) and options by long name "
                   "(e.g. seed = 7); the command line wins");
    cmd.callback([&cmd, &settings, device_options] {
        if (!settings.config_path.empty()) read_config(cmd, settings, device_options);
    });
}

std::vector<Setting> device_settings(const DeviceSettings& settings) {
    std::vector<Setting> typed;
    for (const auto& text : settings.set_texts) {
        Setting s = parse_setting(text, "--set");
        if (s.key.rfind(device_prefix, 0) != 0) {
            throw UsageError("--set " + text + ": device parameters are spelled device.<name>, as in train; write device." + s.key);
        }
        s.key.erase(0, std::char_traits<char>::length(device_prefix));
        typed.push_back(std::move(s));
    }
    // A file value that --set replaces is not checked: the command line wins, even over a bad value.
    std::vector<Setting> out;
    for (const auto& s : settings.from_file) {
        const bool replaced = std::any_of(typed.begin(), typed.end(), [&](const Setting& t) { return t.key == s.key; });
        if (!replaced) out.push_back(s);
    }
    out.insert(out.end(), typed.begin(), typed.end());
    return out;
}

std::vector<NamedInput> config_inputs(const DeviceSettings& settings) {
    if (settings.config_path.empty()) return {};
    return {{settings.config_path, "the config file (--config)"}};
}

}  // namespace cimkit::apps
