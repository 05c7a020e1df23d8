#pragma once
// The device registry: every built-in model in one explicit list (register_builtin_devices), chosen
// by name from the command line or a config (docs/architecture.md#device-registry).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "devices/device_model.hpp"
#include "devices/physical_effect.hpp"

namespace cimkit {

struct DeviceEntry {
    std::string name;     // "pcm"
    std::string summary;  // one line for `cimkit devices`
    std::string source;   // the paper(s) the model follows
    const ParameterTable* table;
    const std::vector<PhysicalEffect>* effects;  // what the model implements, for docs/devices.md
    // Builds a model from settings (all-or-nothing validated). Throws ParameterError.
    std::function<std::unique_ptr<DeviceModel>(const std::vector<Setting>&)> make;
};

class Registry {
public:
    void add(DeviceEntry entry);
    // Throws UsageError naming the known devices when `name` is not one of them.
    const DeviceEntry& find(const std::string& name) const;
    const std::vector<DeviceEntry>& entries() const { return entries_; }

private:
    std::vector<DeviceEntry> entries_;
};

void register_builtin_devices(Registry& registry);

// What a device name alone does not say: for "table:FILE", the table the file holds now (as
// `cimkit device fit` writes it, without its fit summary), so that an output file records the device
// it was made with and a resumed run can tell that the file changed; for "spice:FILE:SUBCKT", the
// content of FILE; "" for a built-in model.
// Throws as Registry::find does for a bad file.
std::string device_definition_toml(const std::string& name);

// The registry with every built-in device.
const Registry& builtin_devices();

}  // namespace cimkit
