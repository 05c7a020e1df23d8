#pragma once
// One physical effect a device model implements, as docs/devices.md lists it: what it is, its
// equation, the parameters that set it, where they come from, and the test that checks it. Each
// device declares its effects in devices/effects/<device>.cpp; `cimkit devices --markdown` renders
// them, and tests/devices/check_effect_tests.py fails when a named test does not exist.
#include <string>
#include <vector>

namespace cimkit {

struct PhysicalEffect {
    std::string effect;      // "conductance drift"
    std::string equation;    // "g(t) = g_prog (t/t0)^(-nu)"
    std::string parameters;  // the parameter names that set it, comma-separated ("" for none)
    std::string source;      // the paper the equation or the parameter values come from
    std::string test;        // the GoogleTest that checks it: "Suite.Name"
};

const std::vector<PhysicalEffect>& mosfet_physical_effects();
const std::vector<PhysicalEffect>& domain_wall_physical_effects();
const std::vector<PhysicalEffect>& pcm_physical_effects();
const std::vector<PhysicalEffect>& gain_cell_physical_effects();
const std::vector<PhysicalEffect>& table_device_physical_effects();

}  // namespace cimkit
