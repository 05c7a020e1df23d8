#include "circuits/device_face.hpp"

#include "circuits/faces/face_registry.hpp"

namespace cimkit::circuits {

void DeviceFace::bind(spice::Engine& engine, const std::vector<DeviceState>& states, int rows, int columns) const {
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            const std::size_t k = static_cast<std::size_t>(i) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(j);
            bind_device(engine, std::to_string(i) + "_" + std::to_string(j), &states[k]);
        }
    }
}

std::unique_ptr<DeviceFace> make_device_face(const DeviceModel& model, const std::string& variant) {
    return builtin_faces().make(model, variant);
}

}  // namespace cimkit::circuits
