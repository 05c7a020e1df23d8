#pragma once
// The device registry as text: `cimkit devices` (plain) and docs/devices.md (Markdown), both from
// the parameter tables, so the documentation cannot drift from the code.
#include <string>

#include "devices/registry.hpp"

namespace cimkit::analysis {

std::string device_catalog_text(const Registry& registry);
std::string device_catalog_markdown(const Registry& registry);

}  // namespace cimkit::analysis
