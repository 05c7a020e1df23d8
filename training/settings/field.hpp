#pragma once
// One row of a settings table: a config key bound to a member of an options struct
// (docs/architecture.md#settings). The row holds the key's type, unit, range or choices and
// description; its default is read from a default-constructed struct, so the struct's member
// initialiser is the only place a default is written, and a C++ caller that default-constructs the
// struct gets what a config that omits the key gets. From the rows come the ConfigKey schema
// (devices/core/config_schema.hpp, which --set, the TOML reader and writer use), the reading of
// resolved values into the struct, and the range check of a struct a C++ caller filled in.
#include <algorithm>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "devices/core/config_schema.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::training::settings {

template <class S>
struct Field {
    ConfigKey key;
    std::function<void(const ConfigValues&, S&)> read;  // the resolved value into the member
    std::function<std::string(const S&)> text;          // the member as config text ("0.05", "pulse", "[8]")
    std::function<bool(const S&)> allowed;              // the member within the key's range or choices
};

// The shortest decimal that reads back as the same value ("0.05" for 0.05f, "1e-08" for 1e-8).
std::string shortest_text(double value);
std::string shortest_text(float value);
std::string list_text(const std::vector<int>& values);  // "[8, 3]"
// "86400" for one value (as a number key writes it), "[1, 3600]" for several.
std::string list_text(const std::vector<double>& values);
// Not empty, strictly increasing, every value within `range`.
bool increasing_within(const std::vector<double>& values, const Range& range);

// "array.w_max = -1 is outside (0, inf)": the message of a value a Field does not allow.
std::string refusal(const ConfigKey& key, const std::string& value);

namespace detail {

template <class S, class T>
Field<S> make(ConfigKey key, T S::*member, std::function<void(const ConfigValues&, T&)> read,
              std::function<std::string(const T&)> text, std::function<bool(const T&)> allowed) {
    key.default_value = text(S{}.*member);
    return {std::move(key), [member, read](const ConfigValues& c, S& s) { read(c, s.*member); },
            [member, text](const S& s) { return text(s.*member); }, [member, allowed](const S& s) { return allowed(s.*member); }};
}

}  // namespace detail

// A real number (double or float member).
template <class S, class T>
Field<S> number(std::string name, T S::*member, Unit unit, Range range, std::string description) {
    static_assert(std::is_floating_point<T>::value, "number settings bind double or float members");
    const std::string key_name = name;
    return detail::make<S, T>(
        ConfigKey::number_key(std::move(name), "", unit, range, std::move(description)), member,
        [key_name](const ConfigValues& c, T& v) { v = static_cast<T>(c.number(key_name)); },
        [](const T& v) { return shortest_text(v); }, [range](const T& v) { return range.contains(static_cast<double>(v)); });
}

// A whole number (int, long or std::uint64_t member).
template <class S, class T>
Field<S> integer(std::string name, T S::*member, Range range, std::string description) {
    static_assert(std::is_integral<T>::value && !std::is_same<T, bool>::value, "integer settings bind whole-number members");
    const std::string key_name = name;
    return detail::make<S, T>(
        ConfigKey::integer_key(std::move(name), "", range, std::move(description)), member,
        [key_name](const ConfigValues& c, T& v) { v = static_cast<T>(c.integer(key_name)); },
        [](const T& v) { return std::to_string(v); }, [range](const T& v) { return range.contains(static_cast<double>(v)); });
}

template <class S>
Field<S> boolean(std::string name, bool S::*member, std::string description) {
    const std::string key_name = name;
    return detail::make<S, bool>(
        ConfigKey::boolean_key(std::move(name), "", std::move(description)), member,
        [key_name](const ConfigValues& c, bool& v) { v = c.boolean(key_name); },
        [](const bool& v) { return std::string(v ? "true" : "false"); }, [](const bool&) { return true; });
}

// Text; `choices` empty: any text.
template <class S>
Field<S> text(std::string name, std::string S::*member, std::vector<std::string> choices, std::string description) {
    const std::string key_name = name;
    const auto allowed = [choices](const std::string& v) {
        return choices.empty() || std::find(choices.begin(), choices.end(), v) != choices.end();
    };
    return detail::make<S, std::string>(
        ConfigKey::text_key(std::move(name), "", choices, std::move(description)), member,
        [key_name](const ConfigValues& c, std::string& v) { v = c.text(key_name); },
        [](const std::string& v) { return v; }, allowed);
}

// An enumeration written as text: the choices are `name_of` of each of `values`, read by `parse`
// (the enumeration's own to_string and parse_... functions).
template <class S, class E, class NameOf, class Parse>
Field<S> choice(std::string name, E S::*member, std::vector<E> values, NameOf name_of, Parse parse, std::string description) {
    std::vector<std::string> choices;
    for (const E v : values) choices.push_back(name_of(v));
    const std::string key_name = name;
    return detail::make<S, E>(
        ConfigKey::text_key(std::move(name), "", choices, std::move(description)), member,
        [key_name, parse](const ConfigValues& c, E& v) { v = parse(c.text(key_name)); },
        [name_of](const E& v) { return std::string(name_of(v)); },
        [values](const E& v) { return std::find(values.begin(), values.end(), v) != values.end(); });
}

// A list of whole numbers, each within `range`.
template <class S>
Field<S> integer_list(std::string name, std::vector<int> S::*member, Range range, std::string description) {
    const std::string key_name = name;
    return detail::make<S, std::vector<int>>(
        ConfigKey::integer_list_key(std::move(name), "", range, std::move(description)), member,
        [key_name](const ConfigValues& c, std::vector<int>& v) {
            v.clear();
            for (const long item : c.integer_list(key_name)) v.push_back(static_cast<int>(item));
        },
        [](const std::vector<int>& v) { return list_text(v); },
        [range](const std::vector<int>& v) {
            return std::all_of(v.begin(), v.end(), [&](int item) { return range.contains(static_cast<double>(item)); });
        });
}

// One number or a strictly increasing list of them, each within `range` (times of a series).
template <class S>
Field<S> number_list(std::string name, std::vector<double> S::*member, Unit unit, Range range, std::string description) {
    const std::string key_name = name;
    return detail::make<S, std::vector<double>>(
        ConfigKey::number_list_key(std::move(name), "", unit, range, std::move(description)), member,
        [key_name](const ConfigValues& c, std::vector<double>& v) { v = c.number_list(key_name); },
        [](const std::vector<double>& v) { return list_text(v); },
        [range](const std::vector<double>& v) { return increasing_within(v, range); });
}

// An enumeration written as true, false or a word (a switch with further settings): the names of
// `values` (name_of) are "true", "false" and the words, read by `parse`.
template <class S, class E, class NameOf, class Parse>
Field<S> switch_choice(std::string name, E S::*member, std::vector<E> values, NameOf name_of, Parse parse, std::string description) {
    std::vector<std::string> words;
    for (const E v : values) {
        const std::string n = name_of(v);
        if (n != "true" && n != "false") words.push_back(n);
    }
    const std::string key_name = name;
    return detail::make<S, E>(
        ConfigKey::boolean_or_text_key(std::move(name), "", words, std::move(description)), member,
        [key_name, parse](const ConfigValues& c, E& v) { v = parse(c.text(key_name)); },
        [name_of](const E& v) { return std::string(name_of(v)); },
        [values](const E& v) { return std::find(values.begin(), values.end(), v) != values.end(); });
}

// The rows of a member struct's table as rows of the struct that holds it.
template <class Outer, class Inner>
std::vector<Field<Outer>> lift(Inner Outer::*member, const std::vector<Field<Inner>>& fields) {
    std::vector<Field<Outer>> out;
    for (const auto& f : fields) {
        out.push_back({f.key, [member, read = f.read](const ConfigValues& c, Outer& o) { read(c, o.*member); },
                       [member, text = f.text](const Outer& o) { return text(o.*member); },
                       [member, allowed = f.allowed](const Outer& o) { return allowed(o.*member); }});
    }
    return out;
}

template <class S>
std::vector<ConfigKey> schema_of(const std::vector<Field<S>>& fields) {
    std::vector<ConfigKey> keys;
    for (const auto& f : fields) keys.push_back(f.key);
    return keys;
}

// Every bound member of `s` from resolved values (members without a row keep their value).
template <class S>
void read_fields(const std::vector<Field<S>>& fields, const ConfigValues& config, S& s) {
    for (const auto& f : fields) f.read(config, s);
}

// Throws ParameterError naming the key, the value and the range of the first member out of range.
template <class S>
void check_fields(const std::vector<Field<S>>& fields, const S& s) {
    for (const auto& f : fields) {
        if (!f.allowed(s)) throw ParameterError(refusal(f.key, f.text(s)));
    }
}

// The row of `name` (ParameterError if the table has none: a rule naming an unknown key is a bug).
template <class S>
const Field<S>& field_named(const std::vector<Field<S>>& fields, const std::string& name) {
    for (const auto& f : fields) {
        if (f.key.name == name) return f;
    }
    throw ParameterError("settings: no key '" + name + "' in the table");
}

}  // namespace cimkit::training::settings
