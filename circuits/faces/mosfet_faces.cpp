// The SPICE faces of the MOSFET synapse (devices/mosfet.hpp): ngspice's own level-1 transistor with
// a model card generated from the device's parameters, its gate held at the stored voltage
// (docs/architecture.md#device-faces).
#include <map>

#include "circuits/faces/face_registry.hpp"
#include "devices/mosfet.hpp"

namespace cimkit::circuits {
namespace {

// A threshold offset dV_T is the same as a gate lowered by dV_T for a level-1 device without body
// effect, so one model card serves every device.
double effective_gate_V(const DeviceState& state) {
    return state.x[MosfetSynapse::gate_V] - state.x[MosfetSynapse::vto_offset_V];
}

// The default face (`mosfet_native`) and `cosim` (`mosfet_cosim`). With cosim the gate is driven by
// an EXTERNAL source that reads the live state (bind_device) instead of holding the gate voltage
// written into the netlist. Like the ohmic cosim face it is a current into 1 Ohm (no branch
// equation: see ohmic_faces.cpp): with an EXTERNAL voltage source per gate, every op after the first
// on a 784x20 tile took 3.2 s against 0.35 s for the first. 1 Ohm x C_G is 0.1 ps.
class MosfetFace final : public DeviceFace {
public:
    MosfetFace(const MosfetSynapse& model, bool cosim) : model_(model), cosim_(cosim) {}
    std::string name() const override { return cosim_ ? "mosfet_cosim" : "mosfet_native"; }
    void add_shared(Netlist& netlist) const override {
        const MosfetParameters& p = model_.typed_parameters();
        // No body effect and negligible junctions, as the compact level-1 law assumes.
        netlist.add_model(ModelCard{"nsyn", "nmos",
                                    {{"level", 1}, {"kp", p.kp_A_per_V2}, {"vto", p.vto_V}, {"lambda", p.lambda_per_V},
                                     {"gamma", 0.0}, {"phi", 0.6}, {"is", 1e-30}}});
    }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        const MosfetParameters& p = model_.typed_parameters();
        const std::string gate = "g_" + tag;
        const double gate_V = effective_gate_V(state);
        if (cosim_) {
            // No dc value on an EXTERNAL source (a dc value crashed ngspice 39;
            // docs/ngspice-facts.md#external-sources).
            netlist.add(Source{Source::Kind::current, "gate_" + tag, "0", gate, External{}});
            netlist.add(Resistor{"gate_" + tag, gate, "0", 1.0});
        } else {
            netlist.add(Source{Source::Kind::voltage, "gate_" + tag, gate, "0", Dc{gate_V}});
        }
        netlist.add(Capacitor{"gate_" + tag, gate, "0", p.c_gate_F, gate_V});
        netlist.add(Mosfet{"dev_" + tag, row, gate, column, column, "nsyn", p.w_m, p.l_m});
    }
    void bind_device(spice::Engine& engine, const std::string& tag, const DeviceState* state) const override {
        // V_gate = I x 1 Ohm.
        if (cosim_) engine.set_external_current("igate_" + tag, [state](double) { return effective_gate_V(*state); });
    }

private:
    const MosfetSynapse& model_;
    bool cosim_;
};

// `shared_gate`: devices programmed to exactly the same effective gate voltage share one gate node and
// one source. A read draws no gate current, so this changes nothing in the solution, but it removes a
// source (and a branch equation) per device: a pulse-programmed array without variation holds only a
// few dozen distinct levels. The threshold offset is part of the effective gate, so with threshold
// mismatch (a_vt_V_m > 0, the default) every device has a gate of its own and nothing is shared; the
// saving needs a_vt_V_m = 0. For fixed reads (benchmarks, evaluation, the batched read strategy);
// states are written into the netlist as with mosfet_native, so a changed state needs a new netlist.
class SharedGateMosfetFace final : public DeviceFace {
public:
    explicit SharedGateMosfetFace(const MosfetSynapse& model) : model_(model), card_(model, false) {}
    std::string name() const override { return "mosfet_shared_gate"; }
    void add_shared(Netlist& netlist) const override {
        card_.add_shared(netlist);
        gate_node_of_.clear();  // a new netlist: no gate node exists in it yet
    }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        const MosfetParameters& p = model_.typed_parameters();
        const double gate_V = effective_gate_V(state);
        auto [it, added] = gate_node_of_.try_emplace(gate_V, "gs_" + std::to_string(gate_node_of_.size()));
        if (added) netlist.add(Source{Source::Kind::voltage, it->second, it->second, "0", Dc{gate_V}});
        netlist.add(Mosfet{"dev_" + tag, row, it->second, column, column, "nsyn", p.w_m, p.l_m});
    }

private:
    const MosfetSynapse& model_;
    MosfetFace card_;  // the shared model card
    mutable std::map<double, std::string> gate_node_of_;
};

}  // namespace

void register_mosfet_faces(FaceRegistry& registry) {
    const std::string device = mosfet_parameter_table().device;
    registry.add({device, "", [](const DeviceModel& model) {
                      return std::make_unique<MosfetFace>(concrete_model<MosfetSynapse>(model), false);
                  }});
    registry.add({device, "cosim", [](const DeviceModel& model) {
                      return std::make_unique<MosfetFace>(concrete_model<MosfetSynapse>(model), true);
                  }});
    registry.add({device, "shared_gate", [](const DeviceModel& model) {
                      return std::make_unique<SharedGateMosfetFace>(concrete_model<MosfetSynapse>(model));
                  }});
}

}  // namespace cimkit::circuits
