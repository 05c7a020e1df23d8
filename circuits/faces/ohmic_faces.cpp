// The SPICE faces of ohmic devices, whose read current is G(state) V (PCM): they need nothing of the
// model but conductance_S (docs/architecture.md#device-faces); their `osdi` face is cimkit's compiled
// OSDI element. And the faces of the domain wall, whose
// MTJ read is ohmic but for its bias-dependent TMR (devices/mtj.hpp): the same two faces with a
// B-source that follows I(V) = s V [x G_P + (1 - x) G_P / (1 + TMR0 / (1 + (V/V_h)^2))].
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "circuits/faces/face_registry.hpp"
#include "circuits/spice/osdi_table.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/domain_wall.hpp"

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

// The `osdi` faces: cimkit's compiled OSDI elements (circuits/osdi/shared_g.c) read each device's
// state from a process-global table that C++ writes: no EXTERNAL callback, no reload, and a load
// about as cheap as a resistor's (docs/performance-notes.md, "A compiled device element"). Each
// device tag of a face owns `width` consecutive slots; add_device writes the state there, and once
// bound, the table is refreshed from the live states before every analysis
// (Engine::set_before_analysis): states changed between solves reach the next solve, as with
// `cosim`, but are sampled once per analysis, not at every time point.
class TableFace : public DeviceFace {
public:
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        const std::uint32_t slot = slot_of(tag);
        write(spice::SharedConductanceTable::process(), slot, state);
        netlist.add(OsdiDevice{"dev_" + tag, {row, column}, model_card(), {{"slot", static_cast<double>(slot)}}});
    }
    // May come before or after add_device of the same tag: both find the tag's slots.
    void bind_device(spice::Engine& engine, const std::string& tag, const DeviceState* state) const override {
        bound_[slot_of(tag)] = state;
        // One refresh per face, keyed by its address: every bound device of this face, in slot order.
        engine.set_before_analysis("osdi_face_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)), [this] {
            auto& table = spice::SharedConductanceTable::process();
            for (const auto& [slot, live] : bound_) write(table, slot, *live);
        });
    }

protected:
    explicit TableFace(std::uint32_t width) : width_(width) {}
    virtual std::string model_card() const = 0;
    // Writes the `width` table entries of a device at `slot` from its state.
    virtual void write(spice::SharedConductanceTable& table, std::uint32_t slot, const DeviceState& state) const = 0;

private:
    std::uint32_t slot_of(const std::string& tag) const {
        auto [it, added] = slots_.try_emplace(tag, 0);
        if (added) it->second = spice::SharedConductanceTable::process().allocate(width_);
        return it->second;
    }
    std::uint32_t width_;
    mutable std::unordered_map<std::string, std::uint32_t> slots_;  // device tag -> first table slot
    mutable std::map<std::uint32_t, const DeviceState*> bound_;     // first slot -> live state
};

// Ohmic devices: cimkit_shared_g, I = G[slot] V with G = conductance_S(state).
class SharedConductanceFace final : public TableFace {
public:
    explicit SharedConductanceFace(const DeviceModel& model) : TableFace(1), model_(model) {}
    std::string name() const override { return "osdi"; }
    void add_shared(Netlist& netlist) const override { netlist.add_model(ModelCard{model_card(), spice::shared_g_device, {}}); }

private:
    std::string model_card() const override { return "cimkit_g"; }
    void write(spice::SharedConductanceTable& table, std::uint32_t slot, const DeviceState& state) const override {
        table.set(slot, model_.conductance_S(state));
    }
    const DeviceModel& model_;
};

// The MTJ current with the parallel part p_uS = 1e6 s x G_P and the zero-bias antiparallel part
// a_uS = 1e6 s (1 - x) G_P given as expressions (numbers or EXTERNAL state nodes).
std::string mtj_current(const DomainWallSynapse& model, const std::string& v, const std::string& p_uS, const std::string& a_uS) {
    const DomainWallParameters& t = model.typed_parameters();
    const std::string u = "(" + v + "/" + spice_number(t.tmr_half_bias_V) + ")";  // no '^': products only
    return v + "*(" + p_uS + "+" + a_uS + "/(1+" + spice_number(t.tmr) + "/(1+" + u + "*" + u + ")))*1e-06";
}

// The parts of mtj_current, in uS, for a device state.
std::pair<double, double> mtj_parts_uS(const DomainWallSynapse& model, const DeviceState& state) {
    const double x = model.level(state), s = state.x[DomainWallSynapse::conductance_scale];
    const double g_p_uS = 1e6 * model.mtj().g_p_S();
    return {s * x * g_p_uS, s * (1.0 - x) * g_p_uS};
}

// The domain wall's default face: the MTJ's I(V) as a B-source with the state written in.
class MtjFace final : public DeviceFace {
public:
    explicit MtjFace(const DomainWallSynapse& model) : model_(model) {}
    std::string name() const override { return "mtj"; }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        const auto [p_uS, a_uS] = mtj_parts_uS(model_, state);
        netlist.add(Behavioural{Behavioural::Kind::current, "dev_" + tag, row, column,
                                mtj_current(model_, "v(" + row + "," + column + ")", spice_number(p_uS), spice_number(a_uS))});
    }

private:
    const DomainWallSynapse& model_;
};

// The domain wall's `cosim` face: both parts arrive through EXTERNAL currents into 1 Ohm, as in CosimFace.
class MtjCosimFace final : public DeviceFace {
public:
    explicit MtjCosimFace(const DomainWallSynapse& model) : model_(model) {}
    std::string name() const override { return "mtj_cosim"; }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState&) const override {
        for (const std::string part : {"p", "a"}) {
            netlist.add(Source{Source::Kind::current, "state" + part + "_" + tag, "0", "st" + part + "_" + tag, External{}});
            netlist.add(Resistor{"state" + part + "_" + tag, "st" + part + "_" + tag, "0", 1.0});
        }
        netlist.add(Behavioural{Behavioural::Kind::current, "dev_" + tag, row, column,
                                mtj_current(model_, "v(" + row + "," + column + ")", "v(stp_" + tag + ")", "v(sta_" + tag + ")")});
    }
    void bind_device(spice::Engine& engine, const std::string& tag, const DeviceState* state) const override {
        engine.set_external_current("istatep_" + tag, [this, state](double) { return mtj_parts_uS(model_, *state).first; });
        engine.set_external_current("istatea_" + tag, [this, state](double) { return mtj_parts_uS(model_, *state).second; });
    }

private:
    const DomainWallSynapse& model_;
};

// The domain wall's `osdi` face: cimkit_shared_mtj, the MTJ law compiled (devices/mtj_law.h), with
// the parallel part s x G_P in the device's first slot and the zero-bias antiparallel part
// s (1 - x) G_P in the second, in S.
class MtjOsdiFace final : public TableFace {
public:
    explicit MtjOsdiFace(const DomainWallSynapse& model) : TableFace(2), model_(model) {}
    std::string name() const override { return "mtj_osdi"; }
    void add_shared(Netlist& netlist) const override {
        const DomainWallParameters& t = model_.typed_parameters();
        netlist.add_model(ModelCard{model_card(), spice::shared_mtj_device, {{"tmr", t.tmr}, {"v_half", t.tmr_half_bias_V}}});
    }

private:
    std::string model_card() const override { return "cimkit_mtj"; }
    void write(spice::SharedConductanceTable& table, std::uint32_t slot, const DeviceState& state) const override {
        const double x = model_.level(state), s = state.x[DomainWallSynapse::conductance_scale];
        const double g_p_S = model_.mtj().g_p_S();
        table.set(slot, s * x * g_p_S);
        table.set(slot + 1, s * (1.0 - x) * g_p_S);
    }
    const DomainWallSynapse& model_;
};

}  // namespace

void register_domain_wall_faces(FaceRegistry& registry) {
    const std::string device = domain_wall_parameter_table().device;
    registry.add({device, "", [](const DeviceModel& model) { return std::make_unique<MtjFace>(concrete_model<DomainWallSynapse>(model)); }});
    registry.add({device, "cosim", [](const DeviceModel& model) {
                      return std::make_unique<MtjCosimFace>(concrete_model<DomainWallSynapse>(model));
                  }});
    registry.add({device, "osdi", [](const DeviceModel& model) {
                      return std::make_unique<MtjOsdiFace>(concrete_model<DomainWallSynapse>(model));
                  }});
}

void register_ohmic_faces(FaceRegistry& registry, const std::string& device) {
    registry.add({device, "", [](const DeviceModel& model) { return std::make_unique<ResistiveFace>(model); }});
    registry.add({device, "cosim", [](const DeviceModel& model) { return std::make_unique<CosimFace>(model); }});
    registry.add({device, "osdi", [](const DeviceModel& model) { return std::make_unique<SharedConductanceFace>(model); }});
}

}  // namespace cimkit::circuits
