// The gain cell's default SPICE face, the three-terminal cell (circuits/faces/gain_cell_faces.cpp):
// its read transistor draws the published law from its own read supply, not from the row drivers.
#include <gtest/gtest.h>

#include "circuits/crossbar.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/gain_cell.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {

// Reference: column j = sum_i read_scale_A f(V_i, V_store,ij - 0.45) (the compact law, exact for the
// B-source read transistor); the rows (gates) deliver no current; the read energy is the supplies',
// v_dd sum_ij integral |I_ij(t)| dt. The cells here are above V_store = 0.5 V, where f > 0 at every
// V_in in [0, 0.9] V (so |I| = I), and on the trapezoidal pulse (edge t_e, plateau t_r) a linear
// edge from 0 to V gives integral f dt = t_e (1/V) integral_0^V f dv = t_e (c0 + c1 V/2 + c2 V^2/3 +
// c3 V^3/4): E = v_dd s sum_ij [f(V_i) t_r + 2 t_e (c0 + c1 V_i/2 + c2 V_i^2/3 + c3 V_i^3/4)]. A cell
// below 0.41 V sinks its current into the -v_dd line, which then delivers v_dd |I|.
TEST(GainCellFace, ThreeTerminalCellDrawsThePublishedLawFromItsReadSupply) {
    spice::Engine engine;
    const auto model = builtin_devices().find("gain_cell").make({});
    const auto& cell = dynamic_cast<const GainCell&>(*model);
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{6, 3, 0.0, 0.0};
    Rng rng(21);
    std::vector<DeviceState> states;
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = model->make_device(rng);
        model->set_level(s, 0.56 + 0.44 * rng.uniform(), rng);  // V_store 0.5 .. 0.9 V
        states.push_back(s);
    }
    std::vector<double> inputs_V;
    for (int i = 0; i < g.rows; ++i) inputs_V.push_back(i % 2 == 0 ? 0.9 : 0.9 * rng.uniform());
    const CrossbarCircuitOptions options;
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, states, inputs_V, options)), "gain_cell"));
    engine.run();
    const auto plots = engine.plots();
    const spice::Plot& plot = plots.at(0);
    const CrossbarReadout readout = read_crossbar(plot, g, options);
    const double t_edge = options.timing.edge_s, t_read = options.timing.read_s;
    double expected_J = 0.0;
    for (int j = 0; j < g.columns; ++j) {
        double expected_A = 0.0, scale_A = 0.0;
        for (int i = 0; i < g.rows; ++i) {
            const DeviceState& s = states[i * g.columns + j];
            const double v = inputs_V[i], current_A = model->current_A(v, s);
            expected_A += current_A;
            scale_A += std::abs(current_A);
            const GainCellReadPolynomial p = cell.read_polynomial(s);
            const double edge_mean = p.c0 + p.c1 * v / 2 + p.c2 * v * v / 3 + p.c3 * v * v * v / 4;
            expected_J += 0.9 * (current_A * t_read + 2.0 * t_edge * cell.read_scale_A() * edge_mean);
        }
        EXPECT_NEAR(readout.column_current_A[j], expected_A, 1e-6 * scale_A) << j;
    }
    for (int i = 0; i < g.rows; ++i) {
        for (const double row_A : plot.vector("i(vrow_" + std::to_string(i) + ")").real) EXPECT_LT(std::abs(row_A), 1e-12);
    }
    EXPECT_NEAR(readout.read_energy_J, expected_J, 0.01 * expected_J);
    RecordProperty("read_energy_J", std::to_string(readout.read_energy_J));
    // A negative weight: its current comes from the sink line, and the energy stays v_dd |I| t.
    std::vector<DeviceState> negative(states.size(), states[0]);
    for (auto& s : negative) s.x[GainCell::store_V] = 0.1;
    const std::vector<double> full_V(g.rows, 0.9);
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, negative, full_V, options)), "gain_cell"));
    engine.run();
    const CrossbarReadout sunk = read_crossbar(engine.plots().at(0), g, options);
    const double cell_A = model->current_A(0.9, negative[0]);
    ASSERT_LT(cell_A, 0.0);
    EXPECT_NEAR(sunk.column_current_A[0], g.rows * cell_A, 1e-6 * g.rows * std::abs(cell_A));
    const GainCellReadPolynomial p = cell.read_polynomial(negative[0]);  // f < 0 over 0 .. 0.9 V here
    const double edge_mean = p.c0 + p.c1 * 0.9 / 2 + p.c2 * 0.81 / 3 + p.c3 * 0.729 / 4;
    const double sunk_J = 0.9 * g.rows * g.columns * std::abs(cell_A * t_read + 2.0 * t_edge * cell.read_scale_A() * edge_mean);
    EXPECT_NEAR(sunk.read_energy_J, sunk_J, 0.01 * sunk_J);
}

// The read transistor's threshold offset dV_T (set by hand, 10 .. 40 mV, up to about 4 sigma of the
// default spread, positive in even columns and negative in odd ones) enters the behavioural face as
// the compact read does, f(V_in, v(s) - dV_T - 0.45):
// column currents match the compact sum cell by cell, and differ from it without the offsets.
TEST(GainCellFace, ReadTransistorOffsetShiftsTheStorageVoltageItSees) {
    spice::Engine engine;
    const auto model = builtin_devices().find("gain_cell").make({});
    const auto face = make_device_face(*model);
    const CrossbarGeometry g{4, 3, 0.0, 0.0};
    Rng rng(22);
    std::vector<DeviceState> states, without_offsets;
    for (int k = 0; k < g.rows * g.columns; ++k) {
        DeviceState s = model->make_device(rng);
        model->set_level(s, 0.6 + 0.4 * rng.uniform(), rng);  // f > 0 at every V_in: the source line only
        s.x[GainCell::read_vth_offset_V] = (k % g.columns % 2 == 0 ? 1.0 : -1.0) * (0.01 + 0.03 * k / (g.rows * g.columns - 1));  // one sign per column
        states.push_back(s);
        s.x[GainCell::read_vth_offset_V] = 0.0;
        without_offsets.push_back(s);
    }
    std::vector<double> inputs_V;
    for (int i = 0; i < g.rows; ++i) inputs_V.push_back(0.9 * (0.3 + 0.7 * rng.uniform()));
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, states, inputs_V, CrossbarCircuitOptions{})), "gain_cell"));
    engine.run();
    const CrossbarReadout readout = read_crossbar(engine.plots().at(0), g, CrossbarCircuitOptions{});
    for (int j = 0; j < g.columns; ++j) {
        double expected_A = 0.0, unshifted_A = 0.0;
        for (int i = 0; i < g.rows; ++i) {
            expected_A += model->current_A(inputs_V[i], states[i * g.columns + j]);
            unshifted_A += model->current_A(inputs_V[i], without_offsets[i * g.columns + j]);
        }
        EXPECT_NEAR(readout.column_current_A[j], expected_A, 1e-6 * std::abs(expected_A)) << j;
        EXPECT_GT(std::abs(unshifted_A - expected_A), 1e-2 * std::abs(expected_A)) << "the offsets must be visible";
    }
}

}  // namespace cimkit::circuits
