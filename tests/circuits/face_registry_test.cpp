// The face registry (circuits/faces/face_registry.hpp): every built-in device has its default face,
// every registered face draws a circuit ngspice solves, and a missing face is a UsageError that names
// what exists.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/subcircuit_twin.hpp"
#include "circuits/device_face.hpp"
#include "circuits/faces/face_registry.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

// The device a face is registered for: a built-in device, or for the faces of spice:FILE:SUBCKT
// devices (named "subcircuit", no built-in entry) the VTEAM example subcircuit.
const DeviceEntry& device_of(const FaceEntry& face) {
    if (face.device != "subcircuit") return builtin_devices().find(face.device);
    analysis::install_subcircuit_devices();
    return builtin_devices().find("spice:" CIMKIT_NETLIST_DIR "/devices/vteam_memristor.lib:vteam_memristor");
}

TEST(FaceRegistry, EveryBuiltinDeviceHasItsDefaultFaceAndEveryFaceADevice) {
    for (const DeviceEntry& device : builtin_devices().entries()) {
        const auto model = device.make({});
        EXPECT_NE(builtin_faces().find(device.name, ""), nullptr) << device.name;
        EXPECT_NE(make_device_face(*model), nullptr) << device.name;
    }
    for (const FaceEntry& face : builtin_faces().entries()) {
        EXPECT_NO_THROW(device_of(face)) << face.device << " '" << face.variant << "'";
    }
}

// One device at the top of its range between a driven row and a column held at 0 V by its sense
// source: whatever the face draws, ngspice must load and solve it, and a positive read voltage must
// drive a positive current into the column (every built-in device conducts forward at level 1).
TEST(FaceRegistry, EveryRegisteredFaceDrawsACircuitNgspiceSolves) {
    // The subcircuit's twin is characterised in an ngspice worker, which cannot start once this
    // process holds its engine: every device first.
    for (const FaceEntry& entry : builtin_faces().entries()) (void)device_of(entry);
    spice::Engine engine;
    for (const FaceEntry& entry : builtin_faces().entries()) {
        SCOPED_TRACE(entry.device + " '" + entry.variant + "'");
        const auto model = device_of(entry).make({});
        const auto face = builtin_faces().make(*model, entry.variant);
        Rng rng(3);
        DeviceState state = model->make_device(rng);
        model->set_level(state, 1.0, rng);
        Netlist netlist("face registry test, " + face->name());
        face->add_shared(netlist);
        netlist.add(Source{Source::Kind::voltage, "row", "r", "0", Dc{model->read_voltage_V()}});
        netlist.add(Source{Source::Kind::voltage, "sense", "c", "0", Dc{0.0}});
        face->add_device(netlist, "0_0", "r", "c", state);
        engine.clear_external_sources();
        face->bind_device(engine, "0_0", &state);
        engine.load(spice::NetlistText::from_string(to_spice(netlist), "<" + netlist.title() + ">"));
        const std::string analysis = face->needs_initial_conditions() ? "tran 1n 10n uic" : "op";
        const std::vector<double> current_A = engine.run_and_read(analysis, {"vsense#branch"}).at(0);
        ASSERT_FALSE(current_A.empty());
        EXPECT_TRUE(std::isfinite(current_A.back()));
        EXPECT_GT(current_A.back(), 0.0);
    }
}

TEST(FaceRegistry, AMissingFaceIsAUsageErrorNamingWhatExists) {
    const auto pcm = builtin_devices().find("pcm").make({});
    try {
        make_device_face(*pcm, "transistor");
        FAIL() << "pcm has no transistor face";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "device 'pcm' has no 'transistor' SPICE face (its faces: the default, 'cosim', 'osdi')");
    }
    // A device the registry has no face for: a registry holding only the MOSFET's faces.
    FaceRegistry mosfet_only;
    for (const FaceEntry& entry : builtin_faces().entries()) {
        if (entry.device == "mosfet") mosfet_only.add(entry);
    }
    try {
        mosfet_only.make(*pcm, "");
        FAIL() << "this registry has no pcm face";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "device 'pcm' has no SPICE face (devices with faces: mosfet)");
    }
    EXPECT_THROW(mosfet_only.add(builtin_faces().entries().front()), std::logic_error);  // registered twice
}

}  // namespace
}  // namespace cimkit::circuits
