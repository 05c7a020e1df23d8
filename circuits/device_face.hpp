#pragma once
// The SPICE face of a device (DESIGN.md section 3): how one device of a compact model appears in a
// generated netlist, between a row node and a column node, with the same state.
//
//   face                 devices             what is generated
//   resistive            pcm, domain_wall    R = 1 / G(state): both are ohmic at read voltages
//   mosfet_native        mosfet              an ngspice level-1 NMOS whose card is generated from the
//                                            compact parameters (netlists/models/mosfet_synapse.lib is
//                                            the same card at the defaults), its gate held at the
//                                            stored V_G by a source, and the storage capacitor C_G
//   cosim (--face cosim)  pcm, domain_wall    an EXTERNAL voltage source vstate_<tag> carries G in uS,
//                                            supplied by C++ from the live device state at every time
//                                            point, and a B-source I = v(row, col) v(st_<tag>) 1e-6:
//                                            states change between runs without reloading the netlist
//   gain_cell_behavioural gain_cell          a B-source with the published cubic read law
//   gain_cell_transistor  gain_cell          write transistor (off) + storage capacitor C_S charged to
//                                            V_store + level-1 read transistor (gate = storage node,
//                                            drain = row, source = column); its I-V is the transistor's
//                                            (kp 120 uA/V^2, V_T 0.3 V, W/L 1), not the published cubic
//
// When to use which: the resistive and behavioural faces reproduce the compact I-V exactly and are
// the fast path for large arrays; mosfet_native runs ngspice's own transistor equations (and is
// checked against the compact law within 1 %).
#include <memory>
#include <string>

#include "circuits/netlist.hpp"
#include "circuits/spice/engine.hpp"
#include "devices/device_model.hpp"

namespace cimkit::circuits {

class DeviceFace {
public:
    virtual ~DeviceFace() = default;
    virtual std::string name() const = 0;
    // Model cards and other elements shared by every device; added once per netlist.
    virtual void add_shared(Netlist&) const {}
    // True when the face stores its state on capacitors that only their initial condition sets (the
    // transient must start from them: `uic`).
    virtual bool needs_initial_conditions() const { return false; }
    // Faces fed through EXTERNAL sources register their callbacks here. `states` is the crossbar's
    // row-major rows x columns array (tags "i_j"); it must outlive the runs, and changing it between
    // runs changes what the next run sees, with no reload.
    virtual void bind(spice::Engine&, const std::vector<DeviceState>& /*states*/, int /*rows*/, int /*columns*/) const {}
    // Adds device `tag` (e.g. "3_4") between `row` and `column` with the given state.
    virtual void add_device(Netlist& netlist, const std::string& tag, const std::string& row,
                            const std::string& column, const DeviceState& state) const = 0;
};

// The face for a model from the registry: `variant` "" picks the default, "transistor" the gain
// cell's transistor-level face, "cosim" the EXTERNAL-source face of ohmic devices. Throws UsageError for a model or variant without a face.
std::unique_ptr<DeviceFace> make_device_face(const DeviceModel& model, const std::string& variant = "");

// The read transistor of the transistor-level gain cell (level 1, no body effect).
struct GainCellReadTransistor {
    static constexpr double kp_A_per_V2 = 120e-6;
    static constexpr double vto_V = 0.3;
    static constexpr double width_m = 1e-6;
    static constexpr double length_m = 1e-6;
};

}  // namespace cimkit::circuits
