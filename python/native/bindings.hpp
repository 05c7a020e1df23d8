#pragma once
// The parts of the native module, one file each (python/native/*.cpp).
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "devices/core/parameters.hpp"

namespace cimkit::python {

void add_devices(pybind11::module_& module);   // devices(), Device
void add_training(pybind11::module_& module);  // train()

// {"key": value} as settings with the given origin; a value is written as Python's str() of it
// (numbers as repr, so a float round-trips), booleans as true/false.
std::vector<Setting> settings_from_dict(const pybind11::dict& values, const std::string& origin);

}  // namespace cimkit::python
