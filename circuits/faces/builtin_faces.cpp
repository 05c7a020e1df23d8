// Every built-in device's SPICE faces, in one explicit list (docs/architecture.md#device-faces).
// A new device's faces: one file in circuits/faces/ defining its register function, that function's
// line below, and the file in circuits/CMakeLists.txt. An ohmic device (I = G(state) V) needs no new
// file: one more register_ohmic_faces line gives it the resistive and cosim faces.
#include "circuits/faces/face_registry.hpp"

namespace cimkit::circuits {

void register_mosfet_faces(FaceRegistry& registry);                              // mosfet_faces.cpp
void register_ohmic_faces(FaceRegistry& registry, const std::string& device);  // ohmic_faces.cpp
void register_domain_wall_faces(FaceRegistry& registry);                         // ohmic_faces.cpp
void register_gain_cell_faces(FaceRegistry& registry);                           // gain_cell_faces.cpp
void register_subcircuit_faces(FaceRegistry& registry);                          // subcircuit_faces.cpp

void register_builtin_faces(FaceRegistry& registry) {
    register_mosfet_faces(registry);
    register_domain_wall_faces(registry);
    register_ohmic_faces(registry, "pcm");
    register_ohmic_faces(registry, "table");  // every table device (devices/table_device.hpp) is ohmic
    register_gain_cell_faces(registry);
    register_subcircuit_faces(registry);  // spice:FILE:SUBCKT devices (devices/subcircuit_device.hpp)
}

}  // namespace cimkit::circuits
