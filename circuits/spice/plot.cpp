#include "circuits/spice/plot.hpp"

#include <array>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::spice {

const Vector* Plot::scale() const {
    for (const auto& v : vectors) {
        if (v.is_scale) return &v;
    }
    return nullptr;
}

const Vector& Plot::vector(std::string_view wanted) const {
    std::vector<std::string> names;
    for (const auto& v : vectors) {
        if (v.name == wanted || v.ngspice_name == wanted) return v;
        names.push_back(v.name);
    }
    throw Error("plot '" + name + "' has no vector '" + std::string(wanted) + "' (it has: " +
                text::join(names, ", ") + ")");
}

std::size_t Plot::points() const { return vectors.empty() ? 0 : vectors.front().size(); }

std::string unit_of_vector_type(int ngspice_type) {
    // Index = ngspice's enum simulation_types (src/include/ngspice/sim.h), SV_NOTYPE = 0.
    static const std::array<const char*, 23> units = {
        "",          // SV_NOTYPE
        "s",         // SV_TIME
        "Hz",        // SV_FREQUENCY
        "V",         // SV_VOLTAGE
        "A",         // SV_CURRENT
        "V/sqrt(Hz)",  // SV_VOLTAGE_DENSITY
        "A/sqrt(Hz)",  // SV_CURRENT_DENSITY
        "V^2/Hz",    // SV_SQR_VOLTAGE_DENSITY
        "A^2/Hz",    // SV_SQR_CURRENT_DENSITY
        "V^2",       // SV_SQR_VOLTAGE
        "A^2",       // SV_SQR_CURRENT
        "",          // SV_POLE
        "",          // SV_ZERO
        "",          // SV_SPARAM
        "degC",      // SV_TEMP
        "Ohm",       // SV_RES
        "Ohm",       // SV_IMPEDANCE
        "S",         // SV_ADMITTANCE
        "W",         // SV_POWER
        "rad",       // SV_PHASE
        "dB",        // SV_DB
        "F",         // SV_CAPACITANCE
        "C",         // SV_CHARGE
    };
    if (ngspice_type < 0 || ngspice_type >= static_cast<int>(units.size())) return "";
    return units[static_cast<std::size_t>(ngspice_type)];
}

std::string exported_vector_name(const std::string& ngspice_name, int ngspice_type, bool is_scale) {
    constexpr std::string_view branch = "#branch";
    if (is_scale) return ngspice_name;
    if (ngspice_name.size() > branch.size() &&
        ngspice_name.compare(ngspice_name.size() - branch.size(), branch.size(), branch) == 0) {
        return "i(" + ngspice_name.substr(0, ngspice_name.size() - branch.size()) + ")";
    }
    constexpr int sv_voltage = 3;
    const bool plain_node = ngspice_name.find_first_of("()@[]#") == std::string::npos;
    if (ngspice_type == sv_voltage && plain_node) return "v(" + ngspice_name + ")";
    return ngspice_name;
}

}  // namespace cimkit::spice
