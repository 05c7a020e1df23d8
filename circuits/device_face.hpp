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
//   gain_cell_behavioural gain_cell          a B-source with the published cubic read law
//
// When to use which: the resistive and behavioural faces reproduce the compact I-V exactly and are
// the fast path for large arrays; mosfet_native runs ngspice's own transistor equations (and is
// checked against the compact law within 1 %).
#include <memory>
#include <string>

#include "circuits/netlist.hpp"
#include "devices/device_model.hpp"

namespace cimkit::circuits {

class DeviceFace {
public:
    virtual ~DeviceFace() = default;
    virtual std::string name() const = 0;
    // Model cards and other elements shared by every device; added once per netlist.
    virtual void add_shared(Netlist&) const {}
    // Adds device `tag` (e.g. "3_4") between `row` and `column` with the given state.
    virtual void add_device(Netlist& netlist, const std::string& tag, const std::string& row,
                            const std::string& column, const DeviceState& state) const = 0;
};

// The face for a model from the registry. Throws UsageError for a model without one.
std::unique_ptr<DeviceFace> make_device_face(const DeviceModel& model);

}  // namespace cimkit::circuits
