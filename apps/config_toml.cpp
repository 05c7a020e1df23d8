#include "apps/config_toml.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::apps {
namespace {

// The table that holds key `dotted` ("training.epochs" -> [training]), created as needed, and the
// last part of the key.
std::pair<toml::table*, std::string> place(toml::table& root, const std::string& dotted) {
    const auto parts = text::split(dotted, '.');
    toml::table* table = &root;
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
        auto [it, inserted] = table->insert(parts[k], toml::table{});
        (void)inserted;
        table = it->second.as_table();
        if (table == nullptr) throw Error("config_toml: key '" + dotted + "' is both a value and a table");
    }
    return {table, parts.back()};
}

// A pass-through value as the TOML node that reads back as the same number or text.
void insert_passed_through(toml::table& table, const std::string& key, const std::string& value) {
    const std::string t = text::trim(value);
    char* end = nullptr;
    errno = 0;
    const long long whole = std::strtoll(t.c_str(), &end, 10);
    if (!t.empty() && end == t.c_str() + t.size() && errno == 0) {
        table.insert_or_assign(key, static_cast<std::int64_t>(whole));
        return;
    }
    errno = 0;
    const double number = std::strtod(t.c_str(), &end);
    // NaN stays text: TOML would write "nan" for any spelling of it, and "NaN" must read back as "NaN".
    if (!t.empty() && end == t.c_str() + t.size() && errno != ERANGE && !std::isnan(number)) {
        table.insert_or_assign(key, number);
        return;
    }
    table.insert_or_assign(key, value);
}

}  // namespace

std::string config_toml(const ConfigValues& config) {
    toml::table root;
    for (const auto& key : config.schema()) {
        auto [table, name] = place(root, key.name);
        switch (key.type) {
            case ConfigKey::Type::number: table->insert_or_assign(name, config.number(key.name)); break;
            case ConfigKey::Type::integer: table->insert_or_assign(name, static_cast<std::int64_t>(config.integer(key.name))); break;
            case ConfigKey::Type::boolean: table->insert_or_assign(name, config.boolean(key.name)); break;
            case ConfigKey::Type::text: table->insert_or_assign(name, config.text(key.name)); break;
            case ConfigKey::Type::integer_list: {
                toml::array items;
                for (const long v : config.integer_list(key.name)) items.push_back(static_cast<std::int64_t>(v));
                table->insert_or_assign(name, std::move(items));
                break;
            }
            case ConfigKey::Type::number_list: {
                // One number is written as one, as a number key would be: a config of one time reads as before.
                const std::vector<double>& values = config.number_list(key.name);
                if (values.size() == 1) {
                    table->insert_or_assign(name, values.front());
                } else {
                    toml::array items;
                    for (const double v : values) items.push_back(v);
                    table->insert_or_assign(name, std::move(items));
                }
                break;
            }
            case ConfigKey::Type::boolean_or_text: {
                const std::string& value = config.text(key.name);
                if (value == "true" || value == "false") {
                    table->insert_or_assign(name, value == "true");
                } else {
                    table->insert_or_assign(name, value);
                }
                break;
            }
        }
    }
    if (!config.passed_through().empty()) {
        auto [it, inserted] = root.insert("device", toml::table{});
        (void)inserted;
        toml::table* device = it->second.as_table();
        if (device == nullptr) throw Error("config_toml: 'device' is both a value and a table");
        for (const auto& s : config.passed_through()) insert_passed_through(*device, s.key, s.value);
    }
    // Only basic strings ("..." with escapes). toml++ 3.3 writes a string that starts with a newline
    // as """ plus that newline, which TOML drops; and without multi-line strings it writes one with a
    // newline as a '...' literal string, where TOML forbids newlines (both found by the round-trip test).
    constexpr auto flags = toml::toml_formatter::default_flags & ~toml::format_flags::allow_multi_line_strings &
                           ~toml::format_flags::allow_literal_strings;
    std::ostringstream out;
    out << toml::toml_formatter(root, flags) << "\n";
    return out.str();
}

}  // namespace cimkit::apps
