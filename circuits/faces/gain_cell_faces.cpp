// The SPICE faces of the gain cell (devices/gain_cell.hpp): its published read law as a B-source
// (default), or the cell drawn as transistors and a storage capacitor (`transistor`)
// (docs/architecture.md#device-faces).
#include "circuits/faces/gain_cell_faces.hpp"

#include "circuits/faces/face_registry.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/gain_cell.hpp"

namespace cimkit::circuits {
namespace {

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
        netlist.add(Capacitor{"store_" + tag, store, "0", model_.typed_parameters().c_store_F, state.x[GainCell::store_V]});
        netlist.add(Mosfet{"write_" + tag, "wbl", "wwl", store, "0", "ngc", T::width_m, T::length_m});
        netlist.add(Mosfet{"read_" + tag, row, store, column, column, "ngc", T::width_m, T::length_m});
    }

private:
    const GainCell& model_;
};

}  // namespace

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
