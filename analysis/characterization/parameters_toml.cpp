#include "analysis/characterization/parameters_toml.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "devices/core/errors.hpp"

namespace cimkit::analysis {

std::string parameters_toml(const DeviceModel& model) { return parameters_toml(model.name(), model.parameters()); }

std::string parameters_toml(const std::string& device, const Parameters& parameters) {
    toml::table values;
    for (const auto& spec : parameters.table().specs) {
        const double value = parameters[spec.name];
        if (std::isnan(value)) throw Error("device '" + device + "': parameter " + spec.name + " is NaN");
        values.insert_or_assign(spec.name, value);
    }
    toml::table devices;
    devices.insert_or_assign(device, std::move(values));
    toml::table root;
    root.insert_or_assign("device", std::move(devices));
    std::ostringstream out;
    out << toml::toml_formatter(root) << "\n";
    return out.str();
}

}  // namespace cimkit::analysis
