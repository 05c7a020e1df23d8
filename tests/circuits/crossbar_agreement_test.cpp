// Each device's SPICE face against its compact model in a 16 x 8 crossbar read through ngspice
// (issue: crossbars), plus two circuit laws of the read: superposition and read energy.
#include <gtest/gtest.h>

#include <cmath>

#include "circuits/crossbar.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"
#include "tests/circuits/random_crossbar.hpp"

namespace cimkit::circuits {
namespace {

// The compact path with ideal wires: column j = sum_i I(V_i, state_ij); `scale_A` gets sum_i |I_ij|.
std::vector<double> compact_columns(const DeviceModel& model, const CrossbarGeometry& g, const RandomCrossbar& a,
                                    std::vector<double>* scale_A = nullptr) {
    std::vector<double> out(g.columns, 0.0);
    if (scale_A) scale_A->assign(g.columns, 0.0);
    for (int i = 0; i < g.rows; ++i) {
        for (int j = 0; j < g.columns; ++j) {
            const double contribution = model.current_A(a.inputs_V[i], a.states[i * g.columns + j]);
            out[j] += contribution;
            if (scale_A) (*scale_A)[j] += std::abs(contribution);
        }
    }
    return out;
}

CrossbarReadout spice_read(spice::Engine& engine, const Netlist& netlist, const CrossbarGeometry& g) {
    engine.load(spice::NetlistText::from_string(to_spice(netlist), "crossbar"));
    engine.run();
    const auto plots = engine.plots();
    return read_crossbar(plots.at(0), g);
}

}  // namespace

// Column current j = sum_i I(V_i, state_ij): the compact face's Kirchhoff sum with ideal wires.
TEST(CrossbarAgreement, SpiceAndCompactColumnCurrentsAgreeWithinOnePercentForEveryDevice) {
    spice::Engine engine;
    const CrossbarGeometry g{16, 8, 0.0, 0.0};
    for (const auto& entry : builtin_devices().entries()) {
        SCOPED_TRACE(entry.name);
        const auto model = entry.make({});
        const auto face = make_device_face(*model);
        const RandomCrossbar a = random_crossbar(*model, g, 11);
        const auto spice = spice_read(engine, build_crossbar_read(g, *face, a.states, a.inputs_V), g);
        std::vector<double> scale_A;
        const auto compact_A = compact_columns(*model, g, a, &scale_A);
        double worst = 0.0;
        for (int j = 0; j < g.columns; ++j) {
            worst = std::max(worst, std::abs(spice.column_current_A[j] - compact_A[j]) / scale_A[j]);
        }
        std::printf("%s (%s face): max relative column-current difference %.3g\n", entry.name.c_str(),
                    face->name().c_str(), worst);
        EXPECT_LT(worst, 0.01);
    }
}

// A linear (resistive) crossbar: I(Va + Vb) = I(Va) + I(Vb).
TEST(CrossbarAgreement, ResistiveCrossbarObeysSuperposition) {
    spice::Engine engine;
    const auto model = builtin_devices().find("pcm").make({});
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{12, 6, 0.0, 0.0};
    const RandomCrossbar a = random_crossbar(*model, g, 3), b = random_crossbar(*model, g, 4);
    std::vector<double> both(a.inputs_V);
    for (std::size_t i = 0; i < both.size(); ++i) both[i] += b.inputs_V[i];
    const auto ia = spice_read(engine, build_crossbar_read(g, *face, a.states, a.inputs_V), g);
    const auto ib = spice_read(engine, build_crossbar_read(g, *face, a.states, b.inputs_V), g);
    const auto iab = spice_read(engine, build_crossbar_read(g, *face, a.states, both), g);
    for (int j = 0; j < g.columns; ++j) {
        EXPECT_NEAR(iab.column_current_A[j], ia.column_current_A[j] + ib.column_current_A[j],
                    1e-9 * std::abs(iab.column_current_A[j]));
    }
}

// Energy of a purely resistive read: E = sum_i V_i^2 (sum_j G_ij) t_eff, with the trapezoidal pulse's
// t_eff = t_read + 2 t_edge / 3 (each linear edge contributes integral (t/t_edge)^2 dt = t_edge/3).
TEST(CrossbarAgreement, ResistiveReadEnergyIsSumOfVSquaredGTimesT) {
    spice::Engine engine;
    const auto model = builtin_devices().find("domain_wall").make({});
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{16, 8, 0.0, 0.0};
    const RandomCrossbar a = random_crossbar(*model, g, 5);
    const CrossbarCircuitOptions options;
    const ReadTiming& timing = options.timing;
    const auto readout = spice_read(engine, build_crossbar_read(g, *face, a.states, a.inputs_V, options), g);
    double expected_J = 0.0;
    for (int i = 0; i < g.rows; ++i) {
        for (int j = 0; j < g.columns; ++j) {
            expected_J += a.inputs_V[i] * a.inputs_V[i] * model->conductance_S(a.states[i * g.columns + j]);
        }
    }
    expected_J *= timing.read_s + 2.0 * timing.edge_s / 3.0;
    EXPECT_NEAR(readout.read_energy_J, expected_J, 0.01 * expected_J);
}

}  // namespace cimkit::circuits

#include "circuits/crossbar_network.hpp"

namespace cimkit::circuits {

// With wire resistance (2 Ohm row and 3 Ohm column segments) ngspice's solution of the generated
// netlist equals the independent Eigen nodal solve of the same network within 0.1 %.
TEST(CrossbarAgreement, WithWiresNgspiceMatchesEigenNodalSolve) {
    spice::Engine engine;
    const auto model = builtin_devices().find("pcm").make({});
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{32, 16, 2.0, 3.0};
    const RandomCrossbar a = random_crossbar(*model, g, 21);
    const auto spice = spice_read(engine, build_crossbar_read(g, *face, a.states, a.inputs_V), g);
    Eigen::MatrixXd g_S(g.rows, g.columns);
    for (int i = 0; i < g.rows; ++i) {
        for (int j = 0; j < g.columns; ++j) g_S(i, j) = model->conductance_S(a.states[i * g.columns + j]);
    }
    const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(a.inputs_V.data(), g.rows);
    const auto eigen = solve_resistive_crossbar(g_S, v, {g.row_wire_ohm, g.column_wire_ohm});
    const auto ideal = solve_resistive_crossbar(g_S, v, {});
    for (int j = 0; j < g.columns; ++j) {
        EXPECT_NEAR(spice.column_current_A[j], eigen.column_current_A(j), 1e-3 * std::abs(eigen.column_current_A(j)));
        // The wires matter here (IR drop well above the tolerance), so the check is not vacuous.
        EXPECT_GT(std::abs(ideal.column_current_A(j) - eigen.column_current_A(j)), 1e-3 * std::abs(eigen.column_current_A(j)));
    }
}

}  // namespace cimkit::circuits

namespace cimkit::circuits {

// 1T1R: each select transistor adds R_on = 1/(kp W/L (V_wl - V_T)) = 1/(120e-6 * 50 * 2.1) = 79 Ohm in
// series, so every column current drops, by about R_on G ~ 0.1-0.4 % for 20-50 kOhm devices. The series
// formula is for ohmic devices: the domain wall's MTJ is made ohmic (V_h = 1e9 V, no bias-dependent TMR).
TEST(CrossbarAgreement, SelectTransistorsAddTheirOnResistance) {
    spice::Engine engine;
    const auto model = builtin_devices().find("domain_wall").make({{"tmr_half_bias_V", "1e9", "test"}});
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{8, 4, 0.0, 0.0};
    const RandomCrossbar a = random_crossbar(*model, g, 9);
    CrossbarCircuitOptions options;
    options.peripherals.stages = {"1t1r"};
    const auto with_select = spice_read(engine, build_crossbar_read(g, *face, a.states, a.inputs_V, options), g);
    const double r_on_ohm = 1.0 / (120e-6 * 50 * (2.5 - 0.4));
    for (int j = 0; j < g.columns; ++j) {
        double series_A = 0.0, ideal_A = 0.0;
        for (int i = 0; i < g.rows; ++i) {
            const double g_S = model->conductance_S(a.states[i * g.columns + j]);
            ideal_A += a.inputs_V[i] * g_S;
            series_A += a.inputs_V[i] / (1.0 / g_S + r_on_ohm);  // deep triode: the select transistor is ~ohmic
        }
        EXPECT_LT(with_select.column_current_A[j], ideal_A);
        EXPECT_NEAR(with_select.column_current_A[j], series_A, 2e-4 * series_A);
    }
}

}  // namespace cimkit::circuits

#include "circuits/faces/gain_cell_faces.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/gain_cell.hpp"

namespace cimkit::circuits {

// Transistor-level gain cell: the read transistor's level-1 triode law with V_GS = V_store - dV_T
// (the cell's threshold offset, a gate held dV_T below the storage node) and V_DS = V_in:
// I = kp (W/L) (V_store - dV_T - V_T - V_in/2) V_in, summed down each column; the storage node holds
// its voltage over the 12 ns read (write transistor off).
TEST(CrossbarAgreement, TransistorLevelGainCellFollowsItsReadTransistor) {
    spice::Engine engine;
    const auto model = builtin_devices().find("gain_cell").make({});
    const auto face = make_device_face(*model, "transistor");
    const CrossbarGeometry g{8, 4, 0.0, 0.0};
    Rng rng(2);
    RandomCrossbar a;
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = model->make_device(rng);
        model->set_level(s, 0.5 + 0.5 * rng.uniform(), rng);  // V_store 0.45 .. 0.9 V: above V_T
        a.states.push_back(s);
    }
    for (int i = 0; i < g.rows; ++i) a.inputs_V.push_back(0.05 + 0.1 * rng.uniform());  // triode: V_in < V_store - V_T
    const auto spice = spice_read(engine, build_crossbar_read(g, *face, a.states, a.inputs_V), g);
    using T = GainCellReadTransistor;
    for (int j = 0; j < g.columns; ++j) {
        double expected_A = 0.0;
        for (int i = 0; i < g.rows; ++i) {
            const DeviceState& s = a.states[i * g.columns + j];
            ASSERT_NE(s.x[GainCell::read_vth_offset_V], 0.0) << "the default cell has a threshold offset";
            const double v_gate = s.x[GainCell::store_V] - s.x[GainCell::read_vth_offset_V], v = a.inputs_V[i];
            expected_A += T::kp_A_per_V2 * (v_gate - T::vto_V - 0.5 * v) * v;
        }
        EXPECT_NEAR(spice.column_current_A[j], expected_A, 1e-3 * expected_A);
    }
    EXPECT_THROW(make_device_face(*builtin_devices().find("pcm").make({}), "transistor"), UsageError);
}

}  // namespace cimkit::circuits

namespace cimkit::circuits {

// The co-simulated face: EXTERNAL sources carry each device's conductance from C++. It gives the
// resistive face's currents, and a change of the device states between two runs of the SAME loaded
// netlist (no reload) reaches the circuit: the second run matches the compact model of the new states.
TEST(CrossbarAgreement, CosimFaceFeedsLiveStatesWithoutReloading) {
    spice::Engine engine;
    const auto model = builtin_devices().find("domain_wall").make({});
    const auto cosim = make_device_face(*model, "cosim");
    const CrossbarGeometry g{12, 5, 0.0, 0.0};
    RandomCrossbar a = random_crossbar(*model, g, 13);
    cosim->bind(engine, a.states, g.rows, g.columns);
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *cosim, a.states, a.inputs_V)), "cosim"));
    for (int pass = 0; pass < 2; ++pass) {
        engine.run();
        const auto plots = engine.plots();
        const auto readout = read_crossbar(plots.back(), g);
        const auto expected = compact_columns(*model, g, a);
        for (int j = 0; j < g.columns; ++j) EXPECT_NEAR(readout.column_current_A[j], expected[j], 1e-9 * expected[j]) << "pass " << pass;
        Rng rng(99);
        for (auto& s : a.states) model->set_level(s, rng.uniform(), rng);  // new weights, same netlist
    }
}

}  // namespace cimkit::circuits

namespace cimkit::circuits {

// TIA read-out (netlists/peripherals/tia.lib per column): V_out = -I rf a0/(1 + a0); the column node
// sits at I rf/(1 + a0) instead of 0 V, which lowers each device's voltage by that much. With
// rf = 10 kOhm and a0 = 1e4 that is ~1e-4 V against 0.01-0.1 V inputs: agreement within 1 %.
TEST(CrossbarAgreement, TiaReadoutGivesTheColumnCurrentsAsVoltages) {
    spice::Engine engine;
    const auto model = builtin_devices().find("pcm").make({});
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{16, 4, 0.0, 0.0};
    const RandomCrossbar a = random_crossbar(*model, g, 17);
    CrossbarCircuitOptions options;
    options.peripherals.stages = {"tia"};
    options.peripherals.settings.netlist_dir = CIMKIT_NETLIST_DIR;
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, a.states, a.inputs_V, options)), "tia"));
    engine.run();
    const auto readout = read_crossbar(engine.plots().at(0), g, options);
    const auto compact_A = compact_columns(*model, g, a);
    for (int j = 0; j < g.columns; ++j) {
        EXPECT_NEAR(readout.column_current_A[j], compact_A[j], 0.01 * compact_A[j]);
        EXPECT_LT(readout.column_current_A[j], compact_A[j]) << "the non-ideal virtual ground lowers the current";
        EXPECT_NEAR(readout.column_output_V[j], -readout.column_current_A[j] * 10e3 * 1e4 / (1 + 1e4), 1e-12);
    }
}

}  // namespace cimkit::circuits
