// The two faces of the MOSFET synapse agree: the compact level-1 law (devices/mosfet) against
// ngspice running the model card netlists/models/mosfet_synapse.lib
// (docs/physics-sources.md#mosfet-synapse: within 1 %).
#include <gtest/gtest.h>

#include <cmath>

#include "circuits/crossbar.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/mosfet.hpp"

namespace cimkit {

TEST(MosfetSpiceAgreement, DrainCurrentMatchesNgspiceWithinOnePercent) {
    const MosfetSynapse model;
    const auto& table = mosfet_parameter_table();
    spice::Engine engine;
    Rng rng(1);
    DeviceState state = model.make_device(rng);
    state.x[MosfetSynapse::vto_offset_V] = 0.0;
    for (double fraction : {0.0, 0.5, 1.0}) {
        model.set_level(state, fraction, rng);
        const double v_gate = state.x[MosfetSynapse::gate_V];
        const std::string netlist =
            "mosfet synapse I-V\n"
            ".include " CIMKIT_NETLIST_DIR "/models/mosfet_synapse.lib\n"
            "vg g 0 dc " + std::to_string(v_gate) + "\n"
            "vd d 0 dc 0\n"
            "m1 d g 0 0 nsyn w=" + std::to_string(table.find("w_m")->default_value) +
            " l=" + std::to_string(table.find("l_m")->default_value) + "\n"
            ".options klu\n.dc vd -0.3 1 0.01\n.end\n";
        engine.load(spice::NetlistText::from_string(netlist, "mosfet_iv"));
        engine.run();
        const auto plots = engine.plots();
        const auto& v = plots.at(0).vector("v-sweep").real;
        const auto& i_source = plots.at(0).vector("i(vd)").real;
        int compared = 0;
        for (std::size_t k = 0; k < v.size(); ++k) {
            const double spice_A = -i_source[k];  // current into the drain
            const double compact_A = model.current_A(v[k], state);
            if (std::abs(compact_A) < 1e-9) continue;
            EXPECT_NEAR(compact_A, spice_A, 0.01 * std::abs(spice_A)) << "V_G = " << v_gate << " V, V_DS = " << v[k];
            ++compared;
        }
        EXPECT_GT(compared, 100);
    }
}

// Threshold mismatch through the SPICE faces: each device's dV_T (set by hand, 10 .. 40 mV, up to
// about 4 sigma of the default spread, positive in even columns and negative in odd ones) reaches
// ngspice as a gate lowered by dV_T, which for level 1 without body effect is the same transistor. The native and shared-gate faces' column currents
// match the compact sum of I(V_i, state_ij) device by device, and differ from it without the offsets.
TEST(MosfetSpiceAgreement, FacesCarryEachDevicesThresholdOffset) {
    const MosfetSynapse model;
    spice::Engine engine;
    const circuits::CrossbarGeometry g{4, 3, 0.0, 0.0};
    Rng rng(5);
    std::vector<DeviceState> states, without_offsets;
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = model.make_device(rng);
        model.set_level(s, rng.uniform(), rng);
        s.x[MosfetSynapse::vto_offset_V] = (k % g.columns % 2 == 0 ? 1.0 : -1.0) * (0.01 + 0.03 * k / (g.rows * g.columns - 1));  // one sign per column
        states.push_back(s);
        s.x[MosfetSynapse::vto_offset_V] = 0.0;
        without_offsets.push_back(s);
    }
    std::vector<double> inputs_V;
    for (int i = 0; i < g.rows; ++i) inputs_V.push_back(0.05 * (0.2 + 0.8 * rng.uniform()));
    auto compact = [&](const std::vector<DeviceState>& array, int j) {
        double sum_A = 0.0;
        for (int i = 0; i < g.rows; ++i) sum_A += model.current_A(inputs_V[i], array[i * g.columns + j]);
        return sum_A;
    };
    for (const std::string variant : {"", "shared_gate"}) {
        const auto face = circuits::make_device_face(model, variant);
        engine.load(spice::NetlistText::from_string(circuits::to_spice(circuits::build_crossbar_read(g, *face, states, inputs_V)), "mosfet"));
        engine.run();
        const auto readout = circuits::read_crossbar(engine.plots().at(0), g);
        for (int j = 0; j < g.columns; ++j) {
            const double expected_A = compact(states, j);
            EXPECT_NEAR(readout.column_current_A[j], expected_A, 1e-4 * expected_A) << face->name() << " column " << j;
            EXPECT_GT(std::abs(compact(without_offsets, j) - expected_A), 1e-2 * expected_A) << "the offsets must be visible";
        }
    }
}

}  // namespace cimkit
