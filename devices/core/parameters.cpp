#include "devices/core/parameters.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit {
namespace {

std::string number(double value) {
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    std::ostringstream out;
    out.precision(6);
    out << value;
    return out.str();
}

std::string known_names(const ParameterTable& table) {
    std::vector<std::string> names;
    for (const auto& spec : table.specs) names.push_back(spec.name);
    return text::join(names, ", ");
}

// Strict: the whole text must be a finite number ("inf" only where the range allows it).
bool parse_number(const std::string& text, double& out) {
    const std::string trimmed = text::trim(text);
    if (trimmed.empty()) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtod(trimmed.c_str(), &end);
    return end == trimmed.c_str() + trimmed.size() && errno != ERANGE && !std::isnan(out);
}

}  // namespace

bool Range::contains(double value) const {
    if (std::isnan(value)) return false;
    const bool above_low = low_open ? value > low : value >= low;
    const bool below_high = high_open ? value < high : value <= high;
    return above_low && below_high;
}

std::string Range::text() const {
    return std::string(low_open ? "(" : "[") + number(low) + ", " + number(high) + (high_open ? ")" : "]");
}

const ParameterSpec* ParameterTable::find(const std::string& name) const {
    for (const auto& spec : specs) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

Setting parse_setting(const std::string& text, const std::string& origin) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw ParameterError(origin + ": '" + text + "' is not of the form key=value");
    }
    return Setting{text::trim(text.substr(0, equals)), text::trim(text.substr(equals + 1)), origin};
}

Parameters::Parameters(const ParameterTable& table) : table_(&table) {
    for (const auto& spec : table.specs) values_.push_back(spec.default_value);
}

double Parameters::operator[](const std::string& name) const {
    for (std::size_t i = 0; i < table_->specs.size(); ++i) {
        if (table_->specs[i].name == name) return values_[i];
    }
    throw ParameterError("device '" + table_->device + "': unknown parameter '" + name + "' (known: " +
                         known_names(*table_) + ")");
}

void Parameters::apply(const std::vector<Setting>& settings,
                       const std::function<void(const Parameters&)>& cross_rules) {
    Parameters candidate = *this;
    for (const auto& setting : settings) {
        const std::string where = "device '" + table_->device + "' (" + setting.origin + "): ";
        std::size_t index = 0;
        while (index < table_->specs.size() && table_->specs[index].name != setting.key) ++index;
        if (index == table_->specs.size()) {
            for (const RetiredParameter& r : table_->retired) {
                if (r.name == setting.key) throw ParameterError(where + r.name + " " + r.why);
            }
            throw ParameterError(where + "unknown parameter '" + setting.key + "' (known: " + known_names(*table_) + ")");
        }
        const ParameterSpec& spec = table_->specs[index];
        const std::string unit = symbol(spec.unit);
        double value = 0.0;
        if (!parse_number(setting.value, value)) {
            throw ParameterError(where + spec.name + " = '" + setting.value + "' is not a number; expected a value in " +
                                 unit + " within " + spec.range.text() + " " + unit);
        }
        if (!spec.range.contains(value)) {
            throw ParameterError(where + spec.name + " = " + number(value) + " " + unit + " is outside " +
                                 spec.range.text() + " " + unit);
        }
        candidate.values_[index] = value;
    }
    if (cross_rules) cross_rules(candidate);
    values_ = std::move(candidate.values_);
}

void Parameters::fail(const std::string& rule) const {
    throw ParameterError("device '" + table_->device + "': " + rule);
}

}  // namespace cimkit
