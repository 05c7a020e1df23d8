#include "devices/core/config_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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
    // ERANGE also flags a subnormal result, which is exact enough and is what a subnormal written
    // back with 17 digits reads as; only overflow and underflow to zero are refused.
    const bool out_of_range = errno == ERANGE && (out == 0.0 || std::isinf(out));
    return !t.empty() && end == t.c_str() + t.size() && !out_of_range && !std::isnan(out);
}

bool parse_long(const std::string& text, long& out) {
    const std::string t = text::trim(text);
    char* end = nullptr;
    errno = 0;
    out = std::strtol(t.c_str(), &end, 10);
    return !t.empty() && end == t.c_str() + t.size() && errno != ERANGE;
}

// A name TOML writes as it is (a bare key, or dotted bare keys): parameter names are snake_case, and
// a name with spaces, quotes or control characters would need quoting that toml++ 3.3 does not
// always get right.
bool bare_key(const std::string& name) {
    if (name.empty()) return false;
    for (const auto& part : text::split(name, '.')) {
        if (part.empty()) return false;
        for (const char c : part) {
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
        }
    }
    return true;
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
                if (!text::is_utf8(s.value)) refuse(s, "is not valid UTF-8 text");
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
            case ConfigKey::Type::number_list: {
                // "86400" (one number) or "[1, 3600]" (as typed in --set, and as the TOML reader passes a list).
                std::string items = text::trim(s.value);
                if (items.size() >= 2 && items.front() == '[' && items.back() == ']') items = text::trim(items.substr(1, items.size() - 2));
                if (items.empty()) refuse(s, "is an empty list (a number or a list of at least one)");
                std::vector<double> list;
                for (const auto& item : text::split(items, ',')) {
                    double v = 0;
                    if (!parse_double(item, v)) refuse(s, "is not a number or a list of numbers");
                    if (!key.range.contains(v)) refuse(s, "has an element that " + range_rule(key));
                    if (!list.empty() && !(v > list.back())) refuse(s, "is not strictly increasing");
                    list.push_back(v);
                }
                values.number_lists_[key.name] = list;
                break;
            }
            case ConfigKey::Type::boolean_or_text:
                if (s.value != "true" && s.value != "false" && std::find(key.choices.begin(), key.choices.end(), s.value) == key.choices.end()) {
                    refuse(s, "is not one of: true, false, " + text::join(key.choices, ", "));
                }
                values.texts_[key.name] = s.value;
                break;
        }
    };
    for (const auto& key : schema) apply(key, Setting{key.name, key.default_value, "default of " + key.name});
    for (const auto& s : settings) {
        if (!pass_through_prefix.empty() && text::starts_with(s.key, pass_through_prefix)) {
            if (!bare_key(s.key.substr(pass_through_prefix.size()))) {
                throw ParameterError(s.origin + ": '" + s.key + "' is not a parameter name (letters, digits, '_' and '-', parts joined by '.')");
            }
            if (!text::is_utf8(s.value)) refuse(s, "is not valid UTF-8 text");
            Setting passed{s.key.substr(pass_through_prefix.size()), s.value, s.origin};
            auto& list = values.passed_through_;
            const auto same = std::find_if(list.begin(), list.end(), [&](const Setting& p) { return p.key == passed.key; });
            if (same != list.end()) {
                *same = passed;
            } else {
                list.push_back(passed);
            }
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

const std::vector<double>& ConfigValues::number_list(const std::string& key) const {
    const auto it = number_lists_.find(key);
    if (it == number_lists_.end()) throw Error("config: no number list '" + key + "'");
    return it->second;
}

bool operator==(const ConfigValues& a, const ConfigValues& b) {
    const auto same_schema = [](const std::vector<ConfigKey>& x, const std::vector<ConfigKey>& y) {
        if (x.size() != y.size()) return false;
        for (std::size_t k = 0; k < x.size(); ++k) {
            if (x[k].name != y[k].name || x[k].type != y[k].type) return false;
        }
        return true;
    };
    const auto same_value = [](const std::string& x, const std::string& y) {
        double u = 0, v = 0;
        if (parse_double(x, u) && parse_double(y, v)) return u == v;
        return x == y;
    };
    const auto as_map = [](const std::vector<Setting>& settings) {
        std::map<std::string, std::string> out;
        for (const auto& s : settings) out[s.key] = s.value;
        return out;
    };
    if (!same_schema(a.schema_, b.schema_) || a.numbers_ != b.numbers_ || a.texts_ != b.texts_ || a.lists_ != b.lists_ ||
        a.number_lists_ != b.number_lists_) return false;
    const auto pa = as_map(a.passed_through_), pb = as_map(b.passed_through_);
    if (pa.size() != pb.size()) return false;
    for (auto x = pa.begin(), y = pb.begin(); x != pa.end(); ++x, ++y) {
        if (x->first != y->first || !same_value(x->second, y->second)) return false;
    }
    return true;
}

}  // namespace cimkit
