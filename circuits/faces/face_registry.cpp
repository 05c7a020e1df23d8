#include "circuits/faces/face_registry.hpp"

#include <algorithm>

#include "devices/core/errors.hpp"
#include "devices/core/text.hpp"

namespace cimkit::circuits {

void FaceRegistry::add(FaceEntry entry) {
    if (find(entry.device, entry.variant)) {
        throw std::logic_error("SPICE face '" + entry.variant + "' of device '" + entry.device + "' is registered twice");
    }
    entries_.push_back(std::move(entry));
}

const FaceEntry* FaceRegistry::find(const std::string& device, const std::string& variant) const {
    for (const FaceEntry& entry : entries_) {
        if (entry.device == device && entry.variant == variant) return &entry;
    }
    return nullptr;
}

std::unique_ptr<DeviceFace> FaceRegistry::make(const DeviceModel& model, const std::string& variant) const {
    if (const FaceEntry* entry = find(model.name(), variant)) return entry->make(model);
    const std::vector<std::string> known_variants = variants(model.name());
    if (known_variants.empty()) {
        throw UsageError("device '" + model.name() + "' has no SPICE face (devices with faces: " + text::join(devices(), ", ") + ")");
    }
    std::vector<std::string> known;
    for (const std::string& v : known_variants) known.push_back(v.empty() ? "the default" : "'" + v + "'");
    throw UsageError("device '" + model.name() + "' has no '" + variant + "' SPICE face (its faces: " + text::join(known, ", ") + ")");
}

std::vector<std::string> FaceRegistry::variants(const std::string& device) const {
    std::vector<std::string> out;
    for (const FaceEntry& entry : entries_) {
        if (entry.device == device) out.push_back(entry.variant);
    }
    return out;
}

std::vector<std::string> FaceRegistry::devices() const {
    std::vector<std::string> out;
    for (const FaceEntry& entry : entries_) {
        if (std::find(out.begin(), out.end(), entry.device) == out.end()) out.push_back(entry.device);
    }
    return out;
}

std::vector<std::string> FaceRegistry::devices_with(const std::string& variant) const {
    std::vector<std::string> out;
    for (const FaceEntry& entry : entries_) {
        if (entry.variant == variant) out.push_back(entry.device);
    }
    return out;
}

const FaceRegistry& builtin_faces() {
    static const FaceRegistry registry = [] {
        FaceRegistry r;
        register_builtin_faces(r);
        return r;
    }();
    return registry;
}

}  // namespace cimkit::circuits
