// The two faces of the MOSFET synapse agree: the compact level-1 law (devices/mosfet) against
// ngspice running the model card netlists/models/mosfet_synapse.lib
// (docs/physics-sources.md#mosfet-synapse: within 1 %).
#include <gtest/gtest.h>

#include <cmath>

#include "circuits/spice/engine.hpp"
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

}  // namespace cimkit
