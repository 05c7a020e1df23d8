// cimkit's compiled OSDI element (circuits/osdi/shared_g.c) and the `osdi` face of ohmic devices:
// the element reads its conductance from a process-global table that C++ writes between solves.
#include <gtest/gtest.h>

#include <cmath>

#include "circuits/crossbar.hpp"
#include "circuits/device_face.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice/osdi_table.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "tests/circuits/random_crossbar.hpp"

namespace cimkit::circuits {
namespace {

// The closed form of an ideal-wire read of ohmic devices: I_j = sum_i G_ij V_i.
std::vector<double> closed_form_A(const DeviceModel& model, const CrossbarGeometry& g, const RandomCrossbar& a) {
    std::vector<double> out(g.columns, 0.0);
    for (int i = 0; i < g.rows; ++i) {
        for (int j = 0; j < g.columns; ++j) out[j] += model.conductance_S(a.states[i * g.columns + j]) * a.inputs_V[i];
    }
    return out;
}

// The netlist's own read (its transient), as read_crossbar extracts it.
std::vector<double> spice_columns(spice::Engine& engine, const CrossbarGeometry& g) {
    engine.run();
    return read_crossbar(engine.plots().back(), g).column_current_A;
}

// One element between a source and ground: I(V1) = -G V for G written into its slot.
spice::NetlistText one_element(std::uint32_t slot) {
    return spice::NetlistText::from_string("one osdi element\n.model g cimkit_shared_g\nv1 a 0 0.5\nndev a 0 g slot=" +
                                               std::to_string(slot) + "\n.end\n",
                                           "one element");
}

}  // namespace

// The OSDI face's read equals the resistive face's (ngspice's own resistor) and the closed form
// sum_i G_ij V_i: the element's law, Jacobian and node mapping are those of a resistor.
TEST(OsdiFace, CrossbarReadEqualsTheResistiveFaceAndTheClosedForm) {
    spice::Engine engine;
    const auto model = builtin_devices().find("pcm").make({});
    const CrossbarGeometry g{24, 6, 0.0, 0.0};
    const RandomCrossbar a = random_crossbar(*model, g, 21);
    const auto expected_A = closed_form_A(*model, g, a);

    const auto resistive = make_device_face(*model);
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *resistive, a.states, a.inputs_V)), "resistive"));
    const auto resistive_A = spice_columns(engine, g);

    const auto osdi = make_device_face(*model, "osdi");
    EXPECT_EQ(osdi->name(), "osdi");
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *osdi, a.states, a.inputs_V)), "osdi"));
    const auto osdi_A = spice_columns(engine, g);
    for (int j = 0; j < g.columns; ++j) {
        ASSERT_GT(expected_A[j], 0.0);
        EXPECT_NEAR(osdi_A[j], resistive_A[j], 1e-9 * expected_A[j]) << "column " << j;
        EXPECT_NEAR(osdi_A[j], expected_A[j], 1e-9 * expected_A[j]) << "column " << j;
    }
}

// Bound to live states, the face refreshes the table before every analysis: new states reach the
// next op of the SAME loaded netlist (no reload, no EXTERNAL source) and match the closed form.
TEST(OsdiFace, NewStatesReachTheNextOpWithoutReloading) {
    spice::Engine engine;
    const auto model = builtin_devices().find("pcm").make({});
    const auto osdi = make_device_face(*model, "osdi");
    const CrossbarGeometry g{10, 4, 0.0, 0.0};
    RandomCrossbar a = random_crossbar(*model, g, 5);
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *osdi, a.states, a.inputs_V)), "osdi"));
    osdi->bind(engine, a.states, g.rows, g.columns);
    Rng rng(77);
    for (int pass = 0; pass < 3; ++pass) {
        const auto expected_A = closed_form_A(*model, g, a);
        const auto got_A = spice_columns(engine, g);
        for (int j = 0; j < g.columns; ++j) EXPECT_NEAR(got_A[j], expected_A[j], 1e-9 * expected_A[j]) << "pass " << pass;
        for (auto& s : a.states) model->set_level(s, rng.uniform(), rng);
    }
}

// The domain wall's osdi face compiles the MTJ's bias-dependent law (devices/mtj_law.h): its read
// equals the compact model's sum_i I(V_i, state_ij), before and after new states, with no reload.
TEST(OsdiFace, DomainWallReadFollowsTheCompactMtjLawAcrossNewStates) {
    spice::Engine engine;
    const auto model = builtin_devices().find("domain_wall").make({});
    const auto osdi = make_device_face(*model, "osdi");
    EXPECT_EQ(osdi->name(), "mtj_osdi");
    const CrossbarGeometry g{12, 5, 0.0, 0.0};
    RandomCrossbar a = random_crossbar(*model, g, 13);
    osdi->bind(engine, a.states, g.rows, g.columns);
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *osdi, a.states, a.inputs_V)), "mtj osdi"));
    Rng rng(99);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<double> expected_A(g.columns, 0.0);
        for (int i = 0; i < g.rows; ++i) {
            for (int j = 0; j < g.columns; ++j) expected_A[j] += model->current_A(a.inputs_V[i], a.states[i * g.columns + j]);
        }
        const auto got_A = spice_columns(engine, g);
        for (int j = 0; j < g.columns; ++j) EXPECT_NEAR(got_A[j], expected_A[j], 1e-9 * expected_A[j]) << "pass " << pass;
        for (auto& s : a.states) model->set_level(s, rng.uniform(), rng);
    }
}

// A table entry written between two ops changes the next op's current exactly as G changed:
// I = -G V through the source, for G doubled and then set to 0 S.
TEST(OsdiElement, ATableWriteChangesTheNextOpExactlyAsGChanged) {
    auto& table = spice::SharedConductanceTable::process();
    const std::uint32_t slot = table.allocate(1);
    table.set(slot, 2e-6);
    spice::Engine engine;
    engine.load(one_element(slot));
    const auto current_A = [&] { return engine.run_and_read("op", {"v1#branch"}).at(0).at(0); };
    EXPECT_NEAR(current_A(), -2e-6 * 0.5, 1e-12 * 1e-6);
    table.set(slot, 4e-6);
    EXPECT_NEAR(current_A(), -4e-6 * 0.5, 1e-12 * 1e-6);
    table.set(slot, 0.0);
    EXPECT_EQ(current_A(), 0.0);
}

// A slot outside the table is refused when the analysis sets the circuit up, with ngspice's
// message naming the parameter, instead of reading memory past the table.
TEST(OsdiElement, ASlotOutsideTheTableIsRefused) {
    auto& table = spice::SharedConductanceTable::process();
    const std::uint32_t outside = table.size() + 1000;
    spice::Engine engine;
    engine.load(one_element(outside));
    try {
        engine.run_analysis("op");
        FAIL() << "an op with slot " << outside << " ran";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("slot"), std::string::npos) << e.what();
    }
    EXPECT_THROW(table.set(outside, 1e-6), UsageError);
    EXPECT_THROW(table.set(0, -1e-6), UsageError);
}

}  // namespace cimkit::circuits
