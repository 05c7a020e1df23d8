// The SPICE face of a subcircuit device (devices/subcircuit_device.hpp): the user's subcircuit
// itself, `X<tag> row column SUBCKT x0=<x>` with x = x(G) of the compact twin's conductance G (any
// programming terminal grounded: a read leaves it idle), its file included once per netlist. The state is an instance parameter, fixed when the netlist is
// parsed: there is no cosim face (the spice engine reads such devices with spice.read_strategy =
// batched, which reloads its netlists after every update).
#include <string>

#include "circuits/faces/face_registry.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/subcircuit_device.hpp"

namespace cimkit::circuits {
namespace {

class SubcircuitFace final : public DeviceFace {
public:
    explicit SubcircuitFace(const SubcircuitDevice& model) : model_(model) {}
    std::string name() const override { return "subcircuit"; }
    void add_shared(Netlist& netlist) const override { netlist.include(model_.twin().file); }
    int devices_per_transient() const override { return subcircuit_instances_per_transient; }  // why: at its definition
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        const double x = model_.twin().state_of_conductance(model_.conductance_S(state));
        const SubcircuitTwin& twin = model_.twin();
        netlist.add(Instance{"dev_" + tag, twin.terminals.nodes(row, column), twin.subcircuit, {{twin.state_parameter, x}}});
    }

private:
    const SubcircuitDevice& model_;
};

}  // namespace

void register_subcircuit_faces(FaceRegistry& registry) {
    registry.add({"subcircuit", "", [](const DeviceModel& model) {
                      return std::make_unique<SubcircuitFace>(concrete_model<SubcircuitDevice>(model));
                  }});
}

}  // namespace cimkit::circuits
