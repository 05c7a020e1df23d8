// The SPICE faces of the gain cell (devices/gain_cell.hpp): the three-terminal cell with its read law
// as a behavioural read transistor (default), or the cell drawn as level-1 transistors and a storage
// capacitor (`transistor`) (docs/architecture.md#device-faces).
#include "circuits/faces/gain_cell_faces.hpp"

#include "circuits/faces/face_registry.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/gain_cell.hpp"

namespace cimkit::circuits {
namespace {

// The three-terminal cell (Leroux et al.'s 2T/3T gain cell, devices/gain_cell_read.hpp):
//   storage node s_<tag>: C_S, held at V_store by vhold_<tag> for the nanoseconds of a read (the
//     retention law is the compact model's), written through the write transistor (off here);
//   read transistor: B-sources from the read supply lines into the output line (column), together
//     carrying the published law I = read_scale_A f(v(row), v(s_<tag>) - dV_T - 0.45) from the
//     storage node's voltage, dV_T the cell's read-transistor threshold offset (devices/gain_cell.hpp).
//     The law is signed (f < 0 below V_store ~ 0.41 V), so a positive I is sourced from the line at
//     +v_dd_V (source_<tag>, max(I, 0)) and a negative one sunk into the line at
//     -v_dd_V (sink_<tag>, max(-I, 0)): the column gets I, each supply delivers v_dd_V |I|;
//   the input line (row) only sets V_in: it delivers no current.
// The read energy is the supplies', v_dd_V |I| over the read (circuits/crossbar.cpp counts every
// supply drawn by add_read_supply, circuits/device_face.hpp), as the compact array counts it
// (training/device_array/read_model.hpp). B-sources stand for the read transistor because the
// published law is a fitted polynomial, not a transistor model that ngspice has.
class GainCellFace final : public DeviceFace {
public:
    explicit GainCellFace(const GainCell& model) : model_(model) {}
    std::string name() const override { return "gain_cell_behavioural"; }
    void add_shared(Netlist& netlist) const override {
        add_gain_cell_transistor_shared(netlist);
        add_read_supply(netlist, "gain_cell_source", model_.typed_parameters().v_dd_V);
        add_read_supply(netlist, "gain_cell_sink", -model_.typed_parameters().v_dd_V);
    }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        using T = GainCellReadTransistor;
        const std::string store = "s_" + tag;
        netlist.add(Source{Source::Kind::voltage, "hold_" + tag, store, "0", Dc{state.x[GainCell::store_V]}});
        netlist.add(Capacitor{"store_" + tag, store, "0", model_.typed_parameters().c_store_F, state.x[GainCell::store_V]});
        netlist.add(Mosfet{"write_" + tag, "wbl", "wwl", store, "0", "ngc", T::width_m, T::length_m});
        const std::string current = expression(row, store, state.x[GainCell::read_vth_offset_V]);
        netlist.add(Behavioural{Behavioural::Kind::current, "source_" + tag, read_supply_node("gain_cell_source"), column, "max(" + current + ",0)"});
        netlist.add(Behavioural{Behavioural::Kind::current, "sink_" + tag, column, read_supply_node("gain_cell_sink"), "max(-" + current + ",0)"});
    }

private:
    // read_scale_A sum C (v(store) - dV_T - 0.45)^i v(row)^j, the terms of the model's read law.
    std::string expression(const std::string& row, const std::string& store, double vth_offset_V) const {
        const std::string w = "(v(" + store + ")-" + spice_number(gain_cell_weight_offset_V + vth_offset_V) + ")", x = "v(" + row + ")";
        std::string sum;
        for (const GainCellReadTerm& term : gain_cell_read_terms(static_cast<GainCellReadModel>(model_.typed_parameters().read_model))) {
            std::string monomial = "(" + spice_number(term.coefficient) + ")";  // negative coefficients stay grouped
            for (int k = 0; k < term.power_w; ++k) monomial += "*" + w;
            for (int k = 0; k < term.power_x; ++k) monomial += "*" + x;
            sum += (sum.empty() ? "" : "+") + monomial;
        }
        return "(" + spice_number(model_.read_scale_A()) + ")*(" + sum + ")";
    }

    const GainCell& model_;
};

class GainCellTransistorFace final : public DeviceFace {
public:
    explicit GainCellTransistorFace(const GainCell& model) : model_(model) {}
    std::string name() const override { return "gain_cell_transistor"; }
    bool needs_initial_conditions() const override { return true; }
    void add_shared(Netlist& netlist) const override {
        add_gain_cell_transistor_shared(netlist);
    }
    void add_device(Netlist& netlist, const std::string& tag, const std::string& row, const std::string& column,
                    const DeviceState& state) const override {
        using T = GainCellReadTransistor;
        const std::string store = "s_" + tag;
        netlist.add(Capacitor{"store_" + tag, store, "0", model_.typed_parameters().c_store_F, state.x[GainCell::store_V]});
        netlist.add(Mosfet{"write_" + tag, "wbl", "wwl", store, "0", "ngc", T::width_m, T::length_m});
        // The read transistor's threshold offset dV_T as a gate held dV_T below the storage node (exact
        // for level 1 without body effect; the gate draws no current, so the node is undisturbed).
        std::string gate = store;
        if (const double offset_V = state.x[GainCell::read_vth_offset_V]; offset_V != 0.0) {
            gate = "rg_" + tag;
            netlist.add(Source{Source::Kind::voltage, "vth_" + tag, store, gate, Dc{offset_V}});
        }
        netlist.add(Mosfet{"read_" + tag, row, gate, column, column, "ngc", T::width_m, T::length_m});
    }

private:
    const GainCell& model_;
};

}  // namespace

// Write word line low and write bit line at 0 V: every write transistor is off during a read.
void add_gain_cell_transistor_shared(Netlist& netlist) {
    using T = GainCellReadTransistor;
    netlist.add_model(ModelCard{"ngc", "nmos", {{"level", 1}, {"kp", T::kp_A_per_V2}, {"vto", T::vto_V}, {"gamma", 0.0}, {"is", 1e-30}}});
    netlist.add(Source{Source::Kind::voltage, "wwl", "wwl", "0", Dc{0.0}});
    netlist.add(Source{Source::Kind::voltage, "wbl", "wbl", "0", Dc{0.0}});
}

void register_gain_cell_faces(FaceRegistry& registry) {
    const std::string device = gain_cell_parameter_table().device;
    registry.add({device, "", [](const DeviceModel& model) {
                      return std::make_unique<GainCellFace>(concrete_model<GainCell>(model));
                  }});
    registry.add({device, "transistor", [](const DeviceModel& model) {
                      return std::make_unique<GainCellTransistorFace>(concrete_model<GainCell>(model));
                  }});
}

}  // namespace cimkit::circuits
