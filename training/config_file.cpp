#include "training/config_file.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/input_file.hpp"

namespace cimkit::training {
namespace {

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

    void expect(const toml::node& node, const std::string& key, ConfigKey::Type found) const {
        const ConfigKey* k = find(key);
        if (!k || k->type == found) return;  // unknown keys are reported by resolve_config
        const bool number_ok = k->type == ConfigKey::Type::number && found == ConfigKey::Type::integer;
        if (number_ok) return;
        static const char* names[] = {"a number", "a whole number", "a string", "true or false", "a list of whole numbers"};
        wrong(node, key, std::string("has the wrong type: expected ") + names[static_cast<int>(k->type)] + ", found " +
                             names[static_cast<int>(found)]);
    }

    void value(const std::string& key, const toml::node& node) {
        std::string text;
        if (const auto* v = node.as_integer()) {
            expect(node, key, ConfigKey::Type::integer);
            text = std::to_string(v->get());
        } else if (const auto* v = node.as_floating_point()) {
            expect(node, key, ConfigKey::Type::number);
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", v->get());
            text = buffer;
        } else if (const auto* v = node.as_boolean()) {
            expect(node, key, ConfigKey::Type::boolean);
            text = v->get() ? "true" : "false";
        } else if (const auto* v = node.as_string()) {
            expect(node, key, ConfigKey::Type::text);
            text = v->get();
        } else if (const auto* a = node.as_array()) {
            expect(node, key, ConfigKey::Type::integer_list);
            for (const auto& item : *a) {
                if (!item.is_integer()) wrong(node, key, "must be a list of whole numbers");
                text += (text.empty() ? "" : ",") + std::to_string(item.as_integer()->get());
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
    return read_config_text(text.str(), path.string(), schema);
}

}  // namespace cimkit::training
