#pragma once
// The SPICE face of a device (docs/architecture.md#device-faces): how one device of a compact model
// appears in a generated netlist, between a row node and a column node, with the same state.
// make_device_face finds a model's faces by its name in the face registry
// (circuits/faces/face_registry.hpp); each device's faces live in one file of circuits/faces/.
//
//   face                   device,                 what is generated
//    (variant)              file in circuits/faces/
//   resistive              pcm                     R = 1 / G(state): ohmic at read voltages
//    (default)              ohmic_faces.cpp
//   mtj                    domain_wall             a B-source with the MTJ's bias-dependent I(V)
//    (default)              ohmic_faces.cpp         (devices/mtj.hpp), the state's two parts written in
//   mtj_cosim              domain_wall             the same B-source, its two parts from EXTERNAL
//    ("cosim")              ohmic_faces.cpp         sources istatep_<tag>, istatea_<tag> as in cosim
//   cosim                  pcm                     an EXTERNAL current source istate_<tag> into a 1 Ohm
//    ("cosim")              ohmic_faces.cpp         resistor rstate_<tag> puts G in uS on node st_<tag>,
//                                                  supplied by C++ from the live device state at every
//                                                  time point, and a B-source I = v(row, col) v(st_<tag>)
//                                                  1e-6: states change between runs without reloading
//   osdi                   pcm, table              cimkit's compiled OSDI element (circuits/osdi/shared_g.c,
//    ("osdi")               ohmic_faces.cpp         loaded by the engine with ngspice's `osdi`): I = G[slot] V,
//                                                  G in a process-global table (spice/osdi_table.hpp) that
//                                                  the face refreshes from the live states before every
//                                                  analysis: no reload, no EXTERNAL callback, a load as cheap
//                                                  as a resistor's; in-process engines only (not the sandbox)
//   mosfet_native          mosfet                  an ngspice level-1 NMOS whose card is generated from
//    (default)              mosfet_faces.cpp        the typed compact parameters (netlists/models/
//                                                  mosfet_synapse.lib is the same card at the defaults),
//                                                  its gate held at the stored V_G by a source, and the
//                                                  storage capacitor C_G
//   mosfet_cosim           mosfet                  mosfet_native, but the gate is driven by an EXTERNAL
//    ("cosim")              mosfet_faces.cpp        current source igate_<tag> into a 1 Ohm resistor
//                                                  rgate_<tag>, carrying the live V_G - dV_T: gate
//                                                  voltages change between runs without reloading
//   mosfet_shared_gate     mosfet                  mosfet_native, but devices with exactly the same gate
//    ("shared_gate")        mosfet_faces.cpp        voltage share one gate node and source (a read draws
//                                                  no gate current): one source per level, not per device
//   gain_cell_behavioural  gain_cell               three-terminal cell: storage node (C_S held at
//    (default)              gain_cell_faces.cpp     V_store), write transistor (off), and a B-source read
//                                                  transistor with the published law of Leroux et al.
//                                                  drawing from its own read supply (add_read_supply)
//                                                  into the column; the row only sets V_in
//   gain_cell_transistor   gain_cell               write transistor (off) + storage capacitor C_S charged
//    ("transistor")         gain_cell_faces.cpp     to V_store + level-1 read transistor (gate = storage
//                                                  node, drain = row, source = column); its I-V is the
//                                                  transistor's (kp 120 uA/V^2, V_T 0.3 V, W/L 1), not
//                                                  the published law, and the row supplies it
//   subcircuit             spice:FILE:SUBCKT       the user's subcircuit itself with its state parameter
//    (default)              subcircuit_faces.cpp    x0 = x(G) of the compact twin (devices/subcircuit_device.hpp)
//
// When to use which: the resistive and behavioural faces reproduce the compact I-V exactly and are
// the fast path for large arrays; mosfet_native runs ngspice's own transistor equations (and is
// checked against the compact law within 1 %). The cosim faces are for a circuit read many times
// with changing states (training): the netlist stays loaded and bind_device feeds the states; the
// osdi face does the same for ohmic devices at a resistor's cost per load, sampling the states once
// per analysis (a cosim face reads them at every time point).
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
    // Faces fed through EXTERNAL sources register the callbacks of device `tag` (added by add_device
    // with the same tag) here, reading `*state` at every solve: `*state` must outlive the engine's
    // use, and changing it between solves changes what the next solve sees, with no reload. Faces
    // with no EXTERNAL source do nothing.
    virtual void bind_device(spice::Engine&, const std::string& /*tag*/, const DeviceState* /*state*/) const {}
    // bind_device for every device of a crossbar: `states` is its row-major rows x columns array,
    // tags "i_j" (as build_crossbar_read names them).
    void bind(spice::Engine& engine, const std::vector<DeviceState>& states, int rows, int columns) const;
    // True when the face draws each device as nothing but a resistor of conductance
    // model.conductance_S(state): a pair of such devices may then be drawn as its exact differential
    // equivalent (circuits/crossbar_tile.hpp, add_differential_equivalent_tile).
    virtual bool draws_linear_conductance() const { return false; }
    // The most devices the spice engine's batched read (training/reloaded_read.hpp) puts in one
    // transient; more are cut into tiles that run one netlist at a time. 0: no limit (every face but
    // the subcircuit's). Why a face would want it: a B-source is evaluated by walking its expression
    // trees, and once a netlist's trees outgrow the core's cache every walk waits on memory
    // (docs/performance-notes.md#subcircuit-devices-in-the-batched-read).
    virtual int devices_per_transient() const { return 0; }
    // Adds device `tag` (e.g. "3_4") between `row` and `column` with the given state.
    virtual void add_device(Netlist& netlist, const std::string& tag, const std::string& row,
                            const std::string& column, const DeviceState& state) const = 0;
};

// A supply line that a face's devices draw from (not the row drivers): source "supply_<what>" on
// node "supply_<what>" at `volts`. build_crossbar_read saves every such supply (save_read_supplies)
// and read_crossbar (circuits/crossbar.hpp) adds the energy it delivers to the read energy.
inline constexpr const char* read_supply_prefix = "supply_";
std::string read_supply_node(const std::string& what);
void add_read_supply(Netlist& netlist, const std::string& what, double volts);
void save_read_supplies(Netlist& netlist);

// The face of `model` registered under its name and `variant` (circuits/faces/face_registry.hpp):
// "" is the device's default face, "transistor" the gain cell's transistor-level face, "cosim" the
// EXTERNAL-source face of ohmic devices and of the MOSFET, "shared_gate" the MOSFET face with one gate
// source per distinct gate voltage, "osdi" the compiled-element face of ohmic devices. Throws
// UsageError for a model or variant without a face, naming the faces that exist.
std::unique_ptr<DeviceFace> make_device_face(const DeviceModel& model, const std::string& variant = "");

}  // namespace cimkit::circuits
