#pragma once
// The SPICE faces of the devices, found by device name and variant
// (docs/architecture.md#device-faces). Each device's faces live in one file of circuits/faces/,
// which defines a register function; circuits/faces/builtin_faces.cpp is the explicit list of those
// functions (a list, not self-registering objects: the linker drops an object file of a static
// library that nothing references, and with it any registration in it).
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "circuits/device_face.hpp"
#include "devices/device_model.hpp"

namespace cimkit::circuits {

struct FaceEntry {
    std::string device;   // DeviceModel::name() of the models it draws: "mosfet"
    std::string variant;  // "" for the device's default face; "cosim", "shared_gate", "transistor"
    // Builds the face for `model`, a model named `device`; the face keeps a reference to it.
    std::function<std::unique_ptr<DeviceFace>(const DeviceModel& model)> make;
};

class FaceRegistry {
public:
    // Throws std::logic_error when (device, variant) is registered already: two faces under one name
    // would make which one is found depend on the order of the list.
    void add(FaceEntry entry);
    // Null when the pair has no face.
    const FaceEntry* find(const std::string& device, const std::string& variant) const;
    // The face of `model` (found by its name) and `variant`. Throws UsageError for a pair without a
    // face, naming the devices with faces or the faces of the device.
    std::unique_ptr<DeviceFace> make(const DeviceModel& model, const std::string& variant) const;
    // The variants of `device`, in registration order (empty for a device without faces).
    std::vector<std::string> variants(const std::string& device) const;
    // The devices with at least one face, in registration order.
    std::vector<std::string> devices() const;
    // The devices with a face of `variant`, in registration order.
    std::vector<std::string> devices_with(const std::string& variant) const;
    const std::vector<FaceEntry>& entries() const { return entries_; }

private:
    std::vector<FaceEntry> entries_;
};

// Adds every built-in device's faces (circuits/faces/builtin_faces.cpp).
void register_builtin_faces(FaceRegistry& registry);

// The registry with every built-in device's faces.
const FaceRegistry& builtin_faces();

// The concrete model behind `model`, for a face file whose faces need the device's own type (its
// typed parameters, its state slots). The registry matched the model by name; this checks that the
// name was not registered for a model of another type.
template <typename Model>
const Model& concrete_model(const DeviceModel& model) {
    const auto* concrete = dynamic_cast<const Model*>(&model);
    if (!concrete) throw std::logic_error("the SPICE faces registered for device '" + model.name() + "' expect another model type");
    return *concrete;
}

}  // namespace cimkit::circuits
