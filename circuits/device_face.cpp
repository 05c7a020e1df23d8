#include "circuits/device_face.hpp"

#include <cstdio>
#include <map>

#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/gain_cell.hpp"
#include "devices/mosfet.hpp"

namespace cimkit::circuits {
namespace {

class ResistiveFace final : public DeviceFace {
public:
    explicit ResistiveFace(const DeviceModel& model) : model_(model) {}
    std::string name() const override { return "resistive"; }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        // A fully RESET PCM cell can program to 0 S: an open circuit, so no element at all.
        const double g_S = model_.conductance_S(state);
        if (g_S > 0.0) netlist.add(Resistor{"dev_" + tag, row, column, 1.0 / g_S});
    }

private:
    const DeviceModel& model_;
};

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

// A threshold offset dV_T is the same as a gate lowered by dV_T for a level-1 device without body
// effect, so one model card serves every device.
double effective_gate_V(const DeviceState& state) {
    return state.x[MosfetSynapse::gate_V] - state.x[MosfetSynapse::vto_offset_V];
}

// `cosim`: the gate is driven by an EXTERNAL source that reads the live state (bind_device) instead
// of holding the gate voltage written into the netlist. Like the ohmic cosim face it is a current into
// 1 Ohm (no branch equation: see CosimFace): with an EXTERNAL voltage source per gate, every op after
// the first on a 784x20 tile took 3.2 s against 0.35 s for the first. 1 Ohm x C_G is 0.1 ps.
class MosfetFace final : public DeviceFace {
public:
    MosfetFace(const MosfetSynapse& model, bool cosim) : model_(model), cosim_(cosim) {}
    std::string name() const override { return cosim_ ? "mosfet_cosim" : "mosfet_native"; }
    void add_shared(Netlist& netlist) const override {
        const Parameters& p = model_.parameters();
        // No body effect and negligible junctions, as the compact level-1 law assumes.
        netlist.add_model(ModelCard{"nsyn", "nmos",
                                    {{"level", 1}, {"kp", p["kp_A_per_V2"]}, {"vto", p["vto_V"]}, {"lambda", p["lambda_per_V"]},
                                     {"gamma", 0.0}, {"phi", 0.6}, {"is", 1e-30}}});
    }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        const Parameters& p = model_.parameters();
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
        netlist.add(Capacitor{"gate_" + tag, gate, "0", p["c_gate_F"], gate_V});
        netlist.add(Mosfet{"dev_" + tag, row, gate, column, column, "nsyn", p["w_m"], p["l_m"]});
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
// few dozen distinct levels. For fixed reads (benchmarks, evaluation); states are written into the
// netlist as with mosfet_native, so a changed state needs a new netlist.
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
        const Parameters& p = model_.parameters();
        const double gate_V = effective_gate_V(state);
        auto [it, added] = gate_node_of_.try_emplace(gate_V, "gs_" + std::to_string(gate_node_of_.size()));
        if (added) netlist.add(Source{Source::Kind::voltage, it->second, it->second, "0", Dc{gate_V}});
        netlist.add(Mosfet{"dev_" + tag, row, it->second, column, column, "nsyn", p["w_m"], p["l_m"]});
    }

private:
    const MosfetSynapse& model_;
    MosfetFace card_;  // the shared model card
    mutable std::map<double, std::string> gate_node_of_;
};

class GainCellFace final : public DeviceFace {
public:
    explicit GainCellFace(const GainCell& model) : model_(model) {}
    std::string name() const override { return "gain_cell_behavioural"; }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        netlist.add(Behavioural{Behavioural::Kind::current, "dev_" + tag, row, column,
                                expression("v(" + row + "," + column + ")", state)});
    }

private:
    // I(x) = s x (a1 + x (a2 + x a3)), the compact read law with the state's coefficients.
    std::string expression(const std::string& x, const DeviceState& state) const {
        const GainCell::ReadPolynomial p = model_.read_polynomial(state);
        auto n = [](double v) { return "(" + spice_number(v) + ")"; };  // negative coefficients stay grouped
        return n(model_.read_scale_A()) + "*" + x + "*(" + n(p.a1) + "+" + x + "*(" + n(p.a2) + "+" + x + "*" + n(p.a3) + "))";
    }

    const GainCell& model_;
};

class GainCellTransistorFace final : public DeviceFace {
public:
    explicit GainCellTransistorFace(const GainCell& model) : model_(model) {}
    std::string name() const override { return "gain_cell_transistor"; }
    bool needs_initial_conditions() const override { return true; }
    void add_shared(Netlist& netlist) const override {
        using T = GainCellReadTransistor;
        netlist.add_model(ModelCard{"ngc", "nmos", {{"level", 1}, {"kp", T::kp_A_per_V2}, {"vto", T::vto_V},
                                                    {"gamma", 0.0}, {"is", 1e-30}}});
        // Write word line low and write bit line at 0 V: every write transistor is off during a read.
        netlist.add(Source{Source::Kind::voltage, "wwl", "wwl", "0", Dc{0.0}});
        netlist.add(Source{Source::Kind::voltage, "wbl", "wbl", "0", Dc{0.0}});
    }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        using T = GainCellReadTransistor;
        const std::string store = "s_" + tag;
        netlist.add(Capacitor{"store_" + tag, store, "0", model_.parameters()["c_store_F"], state.x[GainCell::store_V]});
        netlist.add(Mosfet{"write_" + tag, "wbl", "wwl", store, "0", "ngc", T::width_m, T::length_m});
        netlist.add(Mosfet{"read_" + tag, row, store, column, column, "ngc", T::width_m, T::length_m});
    }

private:
    const GainCell& model_;
};

}  // namespace

void DeviceFace::bind(spice::Engine& engine, const std::vector<DeviceState>& states, int rows, int columns) const {
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            const std::size_t k = static_cast<std::size_t>(i) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(j);
            bind_device(engine, std::to_string(i) + "_" + std::to_string(j), &states[k]);
        }
    }
}

std::unique_ptr<DeviceFace> make_device_face(const DeviceModel& model, const std::string& variant) {
    const auto* cell = dynamic_cast<const GainCell*>(&model);
    const bool ohmic = model.name() == "pcm" || model.name() == "domain_wall";
    if (variant == "transistor" && cell) return std::make_unique<GainCellTransistorFace>(*cell);
    const auto* mosfet = dynamic_cast<const MosfetSynapse*>(&model);
    if (variant == "cosim" && ohmic) return std::make_unique<CosimFace>(model);
    if (variant == "cosim" && mosfet) return std::make_unique<MosfetFace>(*mosfet, true);
    if (variant == "shared_gate" && mosfet) return std::make_unique<SharedGateMosfetFace>(*mosfet);
    if (!variant.empty()) throw UsageError("device '" + model.name() + "' has no '" + variant + "' SPICE face");
    if (mosfet) return std::make_unique<MosfetFace>(*mosfet, false);
    if (cell) return std::make_unique<GainCellFace>(*cell);
    if (ohmic) return std::make_unique<ResistiveFace>(model);
    throw UsageError("device '" + model.name() + "' has no SPICE face");
}

}  // namespace cimkit::circuits
