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

std::string read_supply_node(const std::string& what) { return read_supply_prefix + what; }

void add_read_supply(Netlist& netlist, const std::string& what, double volts) {
    const std::string node = read_supply_node(what);
    netlist.add(Source{Source::Kind::voltage, node, node, "0", Dc{volts}});
}

void save_read_supplies(Netlist& netlist) {
    std::vector<std::string> nodes;
    for (const Element& element : netlist.elements()) {
        const Source* source = std::get_if<Source>(&element);
        if (source && source->name.rfind(read_supply_prefix, 0) == 0) nodes.push_back(source->name);
    }
    for (const std::string& node : nodes) {
        netlist.save("v(" + node + ")");
        netlist.save("i(v" + node + ")");
    }
}

std::unique_ptr<DeviceFace> make_device_face(const DeviceModel& model, const std::string& variant) {
    return builtin_faces().make(model, variant);
}

}  // namespace cimkit::circuits
