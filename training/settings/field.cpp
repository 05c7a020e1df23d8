#include "training/settings/field.hpp"

#include <cstdio>
#include <cstdlib>

#include "devices/core/text.hpp"

namespace cimkit::training::settings {
namespace {

// The fewest significant digits (1 .. max_digits) whose text reads back as `value` through `same`.
template <class Same>
std::string fewest_digits(double value, int max_digits, Same same) {
    char buffer[40];
    for (int digits = 1; digits < max_digits; ++digits) {
        std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
        if (same(std::strtod(buffer, nullptr))) return buffer;
    }
    std::snprintf(buffer, sizeof buffer, "%.*g", max_digits, value);
    return buffer;
}

}  // namespace

std::string shortest_text(double value) {
    return fewest_digits(value, 17, [value](double back) { return back == value; });
}

std::string shortest_text(float value) {
    return fewest_digits(static_cast<double>(value), 9, [value](double back) { return static_cast<float>(back) == value; });
}

std::string list_text(const std::vector<int>& values) {
    std::string out = "[";
    for (std::size_t k = 0; k < values.size(); ++k) out += (k ? ", " : "") + std::to_string(values[k]);
    return out + "]";
}

std::string list_text(const std::vector<double>& values) {
    if (values.size() == 1) return shortest_text(values.front());
    std::string out = "[";
    for (std::size_t k = 0; k < values.size(); ++k) out += (k ? ", " : "") + shortest_text(values[k]);
    return out + "]";
}

bool increasing_within(const std::vector<double>& values, const Range& range) {
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (!range.contains(values[k]) || (k > 0 && !(values[k] > values[k - 1]))) return false;
    }
    return !values.empty();
}

std::string refusal(const ConfigKey& key, const std::string& value) {
    std::string rule;
    switch (key.type) {
        case ConfigKey::Type::text: {
            rule = "is not one of:";
            for (std::size_t k = 0; k < key.choices.size(); ++k) rule += (k ? ", " : " ") + key.choices[k];
            break;
        }
        case ConfigKey::Type::integer_list: rule = "has an element outside " + key.range.text(); break;
        case ConfigKey::Type::number_list:
            rule = "is not a strictly increasing list of one or more values in " + key.range.text() +
                   (key.unit == Unit::dimensionless ? "" : std::string(" ") + symbol(key.unit));
            break;
        case ConfigKey::Type::boolean_or_text: rule = "is not one of: true, false, " + text::join(key.choices, ", "); break;
        default: rule = "is outside " + key.range.text() + (key.unit == Unit::dimensionless ? "" : std::string(" ") + symbol(key.unit));
    }
    return key.name + " = " + (value.empty() ? "''" : value) + " " + rule;
}

}  // namespace cimkit::training::settings
