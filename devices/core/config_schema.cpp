#include "devices/core/config_schema.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit {
namespace {

[[noreturn]] void refuse(const Setting& s, const std::string& rule) {
    throw ParameterError(s.origin + ": " + s.key + " = " + (s.value.empty() ? "''" : s.value) + " " + rule);
}

bool parse_double(const std::string& text, double& out) {
    const std::string t = text::trim(text);
    char* end = nullptr;
    errno = 0;
    out = std::strtod(t.c_str(), &end);
    return !t.empty() && end == t.c_str() + t.size() && errno != ERANGE && !std::isnan(out);
}

bool parse_long(const std::string& text, long& out) {
    const std::string t = text::trim(text);
    char* end = nullptr;
    errno = 0;
    out = std::strtol(t.c_str(), &end, 10);
    return !t.empty() && end == t.c_str() + t.size() && errno != ERANGE;
}

std::string range_rule(const ConfigKey& key) {
    const std::string unit = key.unit == Unit::dimensionless ? "" : std::string(" ") + symbol(key.unit);
    return "is outside " + key.range.text() + unit;
}

std::string known_keys(const std::vector<ConfigKey>& schema) {
    std::vector<std::string> names;
    for (const auto& k : schema) names.push_back(k.name);
    return text::join(names, ", ");
}

}  // namespace

ConfigValues resolve_config(const std::vector<ConfigKey>& schema, const std::vector<Setting>& settings,
                            const std::string& pass_through_prefix) {
    ConfigValues values;
    values.schema_ = schema;
    auto apply = [&](const ConfigKey& key, const Setting& s) {
        switch (key.type) {
            case ConfigKey::Type::number: {
                double v = 0;
                if (!parse_double(s.value, v)) refuse(s, "is not a number" + std::string(key.unit == Unit::dimensionless ? "" : std::string(" (in ") + symbol(key.unit) + ")"));
                if (!key.range.contains(v)) refuse(s, range_rule(key));
                values.numbers_[key.name] = v;
                break;
            }
            case ConfigKey::Type::integer: {
                long v = 0;
                if (!parse_long(s.value, v)) refuse(s, "is not a whole number");
                if (!key.range.contains(static_cast<double>(v))) refuse(s, range_rule(key));
                values.numbers_[key.name] = static_cast<double>(v);
                break;
            }
            case ConfigKey::Type::boolean:
                if (s.value != "true" && s.value != "false") refuse(s, "is not true or false");
                values.numbers_[key.name] = s.value == "true" ? 1.0 : 0.0;
                break;
            case ConfigKey::Type::text:
                if (!key.choices.empty() && std::find(key.choices.begin(), key.choices.end(), s.value) == key.choices.end()) {
                    refuse(s, "is not one of: " + text::join(key.choices, ", "));
                }
                values.texts_[key.name] = s.value;
                break;
            case ConfigKey::Type::integer_list: {
                // "8,3", "[8, 3]" (as typed in --set) or "" / "[]" (no elements).
                std::string items = text::trim(s.value);
                if (items.size() >= 2 && items.front() == '[' && items.back() == ']') items = text::trim(items.substr(1, items.size() - 2));
                std::vector<long> list;
                for (const auto& item : items.empty() ? std::vector<std::string>{} : text::split(items, ',')) {
                    long v = 0;
                    if (!parse_long(item, v)) refuse(s, "is not a list of whole numbers");
                    if (!key.range.contains(static_cast<double>(v))) refuse(s, "has an element that " + range_rule(key));
                    list.push_back(v);
                }
                values.lists_[key.name] = list;
                break;
            }
        }
    };
    for (const auto& key : schema) apply(key, Setting{key.name, key.default_value, "default of " + key.name});
    for (const auto& s : settings) {
        if (!pass_through_prefix.empty() && text::starts_with(s.key, pass_through_prefix)) {
            values.passed_through_.push_back(Setting{s.key.substr(pass_through_prefix.size()), s.value, s.origin});
            continue;
        }
        const auto it = std::find_if(schema.begin(), schema.end(), [&](const ConfigKey& k) { return k.name == s.key; });
        if (it == schema.end()) throw ParameterError(s.origin + ": unknown key '" + s.key + "' (known: " + known_keys(schema) + ")");
        apply(*it, s);
    }
    return values;
}

double ConfigValues::number(const std::string& key) const {
    const auto it = numbers_.find(key);
    if (it == numbers_.end()) throw Error("config: no number '" + key + "'");
    return it->second;
}

long ConfigValues::integer(const std::string& key) const { return static_cast<long>(number(key)); }

bool ConfigValues::boolean(const std::string& key) const { return number(key) != 0.0; }

const std::string& ConfigValues::text(const std::string& key) const {
    const auto it = texts_.find(key);
    if (it == texts_.end()) throw Error("config: no text '" + key + "'");
    return it->second;
}

const std::vector<long>& ConfigValues::integer_list(const std::string& key) const {
    const auto it = lists_.find(key);
    if (it == lists_.end()) throw Error("config: no list '" + key + "'");
    return it->second;
}

std::string ConfigValues::to_toml() const {
    std::map<std::string, std::vector<std::string>> sections;
    for (const auto& key : schema_) {
        const auto dot = key.name.rfind('.');
        const std::string section = dot == std::string::npos ? "" : key.name.substr(0, dot);
        const std::string name = dot == std::string::npos ? key.name : key.name.substr(dot + 1);
        std::ostringstream line;
        line.precision(17);
        line << name << " = ";
        switch (key.type) {
            case ConfigKey::Type::number: line << number(key.name); break;
            case ConfigKey::Type::integer: line << integer(key.name); break;
            case ConfigKey::Type::boolean: line << (boolean(key.name) ? "true" : "false"); break;
            case ConfigKey::Type::text: line << '"' << text(key.name) << '"'; break;
            case ConfigKey::Type::integer_list: {
                std::vector<std::string> items;
                for (long v : integer_list(key.name)) items.push_back(std::to_string(v));
                line << "[" << text::join(items, ", ") << "]";
                break;
            }
        }
        if (key.unit != Unit::dimensionless) line << "  # " << symbol(key.unit);
        sections[section].push_back(line.str());
    }
    std::ostringstream out;
    for (const auto& [section, lines] : sections) {
        if (!section.empty()) out << "[" << section << "]\n";
        for (const auto& line : lines) out << line << "\n";
    }
    if (!passed_through_.empty()) {
        out << "[device]\n";
        for (const auto& s : passed_through_) out << s.key << " = " << s.value << "\n";
    }
    return out.str();
}

}  // namespace cimkit
