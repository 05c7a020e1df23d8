#include "training/config_file.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"
#include "devices/table_device_name.hpp"

namespace cimkit::training {
namespace {

// A TOML float as text that reads back to the same double.
std::string number_text(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

struct Flattener {
    std::string origin;
    const std::vector<ConfigKey>& schema;
    std::vector<Setting> out;

    std::string where(const toml::node& node) const {
        return origin + ":" + std::to_string(node.source().begin.line);
    }

    const ConfigKey* find(const std::string& key) const {
        for (const auto& k : schema) {
            if (k.name == key) return &k;
        }
        return nullptr;
    }

    [[noreturn]] void wrong(const toml::node& node, const std::string& key, const std::string& what) const {
        throw ParameterError(where(node) + ": " + key + " " + what);
    }

    // Whether a key of type `wanted` takes a TOML value that reads as `found`: a number takes a whole
    // number; a number list takes one number; a boolean_or_text key takes true, false or a string.
    static bool takes(ConfigKey::Type wanted, ConfigKey::Type found) {
        using T = ConfigKey::Type;
        if (wanted == found) return true;
        switch (wanted) {
            case T::number: return found == T::integer;
            case T::number_list: return found == T::integer || found == T::number;
            case T::boolean_or_text: return found == T::boolean || found == T::text;
            default: return false;
        }
    }

    static const char* type_name(ConfigKey::Type type) {
        switch (type) {
            case ConfigKey::Type::number: return "a number";
            case ConfigKey::Type::integer: return "a whole number";
            case ConfigKey::Type::text: return "a string";
            case ConfigKey::Type::boolean: return "true or false";
            case ConfigKey::Type::integer_list: return "a list of whole numbers";
            case ConfigKey::Type::number_list: return "a number or an increasing list of numbers";
            case ConfigKey::Type::boolean_or_text: return "true, false or a string";
        }
        return "?";
    }

    void expect(const toml::node& node, const std::string& key, ConfigKey::Type found) const {
        const ConfigKey* k = find(key);
        if (!k || takes(k->type, found)) return;  // unknown keys are reported by resolve_config
        wrong(node, key, std::string("has the wrong type: expected ") + type_name(k->type) + ", found " + type_name(found));
    }

    void value(const std::string& key, const toml::node& node) {
        std::string text;
        if (const auto* v = node.as_integer()) {
            expect(node, key, ConfigKey::Type::integer);
            text = std::to_string(v->get());
        } else if (const auto* v = node.as_floating_point()) {
            expect(node, key, ConfigKey::Type::number);
            text = number_text(v->get());
        } else if (const auto* v = node.as_boolean()) {
            expect(node, key, ConfigKey::Type::boolean);
            text = v->get() ? "true" : "false";
        } else if (const auto* v = node.as_string()) {
            expect(node, key, ConfigKey::Type::text);
            text = v->get();
        } else if (const auto* a = node.as_array()) {
            const ConfigKey* k = find(key);
            if (k && k->type == ConfigKey::Type::number_list) {
                // Written as --set takes it, so that a refusal shows the list as the file has it.
                for (const auto& item : *a) {
                    if (!item.is_number()) wrong(node, key, "must be a number or a list of numbers");
                    text += (text.empty() ? "[" : ", ") + number_text(item.value_or(0.0));
                }
                text += text.empty() ? "[]" : "]";
            } else {
                expect(node, key, ConfigKey::Type::integer_list);
                for (const auto& item : *a) {
                    if (!item.is_integer()) wrong(node, key, "must be a list of whole numbers");
                    text += (text.empty() ? "" : ",") + std::to_string(item.as_integer()->get());
                }
            }
        } else {
            wrong(node, key, "has a kind of value cimkit does not use (dates, times, arrays of tables)");
        }
        out.push_back(Setting{key, text, where(node)});
    }

    void table(const toml::table& t, const std::string& prefix) {
        for (const auto& [name, node] : t) {
            const std::string key = prefix + std::string(name.str());
            if (const auto* sub = node.as_table()) {
                table(*sub, key + ".");
            } else {
                value(key, node);
            }
        }
    }
};

}  // namespace

std::vector<Setting> read_config_text(const std::string& toml_text, const std::string& origin,
                                      const std::vector<ConfigKey>& schema) {
    toml::table root;
    try {
        root = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw ParameterError(origin + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                             ": not valid TOML: " + std::string(e.description()));
    }
    Flattener flat{origin, schema, {}};
    flat.table(root, "");
    return flat.out;
}

std::vector<Setting> read_config_file(const std::filesystem::path& path, const std::vector<ConfigKey>& schema) {
    require_regular_file(path, "config file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "cannot open the config file");
    std::ostringstream text;
    text << in.rdbuf();
    std::vector<Setting> settings = read_config_text(text.str(), path.string(), schema);
    // A device file named relative to the config is found beside it, wherever cimkit runs.
    for (Setting& s : settings) {
        if (s.key == "array.device") s.value = resolve_device_file_name(s.value, path.parent_path());
    }
    return settings;
}

}  // namespace cimkit::training
