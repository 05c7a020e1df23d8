// The SPICE faces of ohmic devices, whose read current is G(state) V (PCM, domain wall): they need
// nothing of the model but conductance_S (docs/architecture.md#device-faces).
#include "circuits/faces/face_registry.hpp"

namespace cimkit::circuits {
namespace {

// The default face: R = 1 / G(state).
class ResistiveFace final : public DeviceFace {
public:
    explicit ResistiveFace(const DeviceModel& model) : model_(model) {}
    std::string name() const override { return "resistive"; }
    bool draws_linear_conductance() const override { return true; }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        // A fully RESET PCM cell can program to 0 S: an open circuit, so no element at all.
        const double g_S = model_.conductance_S(state);
        if (g_S > 0.0) netlist.add(Resistor{"dev_" + tag, row, column, 1.0 / g_S});
    }

private:
    const DeviceModel& model_;
};

// `cosim`: G(state) arrives through an EXTERNAL source at every solve, so states change with no reload.
class CosimFace final : public DeviceFace {
public:
    explicit CosimFace(const DeviceModel& model) : model_(model) {}
    std::string name() const override { return "cosim"; }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState&) const override {
        // G in uS enters as an EXTERNAL current into 1 Ohm, not as an EXTERNAL voltage source: ngspice
        // redoes its circuit set-up for every analysis, and tearing down a voltage source's branch
        // equation walks the whole node list. With one voltage source per device every op after the
        // first was ~12x slower on a 784x20 tile (3 s against 0.25 s); a current source has no branch.
        // No dc value on an EXTERNAL source (a dc value crashed ngspice 39;
        // docs/ngspice-facts.md#external-sources).
        netlist.add(Source{Source::Kind::current, "state_" + tag, "0", "st_" + tag, External{}});
        netlist.add(Resistor{"state_" + tag, "st_" + tag, "0", 1.0});
        netlist.add(Behavioural{Behavioural::Kind::current, "dev_" + tag, row, column,
                                "v(" + row + "," + column + ")*v(st_" + tag + ")*1e-06"});
    }
    void bind_device(spice::Engine& engine, const std::string& tag, const DeviceState* state) const override {
        engine.set_external_current("istate_" + tag, [this, state](double) { return 1e6 * model_.conductance_S(*state); });
    }

private:
    const DeviceModel& model_;
};

}  // namespace

void register_ohmic_faces(FaceRegistry& registry, const std::string& device) {
    registry.add({device, "", [](const DeviceModel& model) { return std::make_unique<ResistiveFace>(model); }});
    registry.add({device, "cosim", [](const DeviceModel& model) { return std::make_unique<CosimFace>(model); }});
}

}  // namespace cimkit::circuits
