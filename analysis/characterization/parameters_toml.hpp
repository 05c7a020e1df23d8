#pragma once
// The resolved device parameters as TOML: the `config_toml` attribute of characterize and crossbar
// files. One table [device.<name>] with one float per parameter (toml++ sorts them by name):
//   [device.pcm]
//   g_max_S = 2.5e-05
// toml++ writes it, so that any TOML reader gets back the same keys and every value bit for bit
// (17 significant digits, inf and -inf as TOML's inf; tests/analysis/parameters_toml_test.cpp).
// TOML has no units and toml++ writes no comments: a parameter's unit is the suffix of its name
// (g_max_S in S, none for a ratio), and `cimkit devices` lists each one.
#include <string>

#include "devices/core/parameters.hpp"
#include "devices/device_model.hpp"

namespace cimkit::analysis {

std::string parameters_toml(const DeviceModel& model);

// Throws Error for a NaN value: Parameters::apply refuses NaN, so one here is a table's bug, and
// TOML's nan would not keep its sign and payload.
std::string parameters_toml(const std::string& device, const Parameters& parameters);

}  // namespace cimkit::analysis
