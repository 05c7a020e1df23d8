// The energy of one crossbar read part by part (circuits/crossbar_energy.hpp): the lines' C V^2 and
// the classic 1/2 C V^2 charging loss, the parts summing to what the sources deliver, and the cells'
// part (the remainder) against the devices' heat metered node by node.
#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <sstream>

#include "circuits/crossbar.hpp"
#include "circuits/crossbar/waveforms.hpp"
#include "circuits/crossbar_energy.hpp"
#include "circuits/crossbar_settling.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

std::string scientific(double value) {
    std::ostringstream text;
    text << std::scientific << std::setprecision(4) << value;
    return text.str();
}

const auto pcm = builtin_devices().find("pcm").make({});

std::vector<DeviceState> pcm_states(int devices, double lowest_level, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<DeviceState> states;
    for (int k = 0; k < devices; ++k) {
        DeviceState s = pcm->make_device(rng);
        pcm->set_level(s, lowest_level + (1.0 - lowest_level) * rng.uniform(), rng);
        states.push_back(s);
    }
    return states;
}

// Runs the read with the line nodes saved, as `cimkit crossbar` does.
spice::Plot run_read(const CrossbarGeometry& g, const std::vector<DeviceState>& states, const std::vector<double>& inputs_V,
                     const CrossbarCircuitOptions& options) {
    spice::Engine engine;
    const auto face = make_device_face(*pcm);
    Netlist netlist = build_crossbar_read(g, *face, states, inputs_V, options);
    save_line_nodes(netlist, g);
    engine.load(spice::NetlistText::from_string(to_spice(netlist), "energy"));
    engine.run();
    return engine.plots().at(0);
}

double parts_J(const CrossbarEnergy& e) {
    return e.devices_J + e.wire_resistance_J + e.driver_resistance_J + e.wire_capacitance_J + e.readout_J;
}

// integral over [0, until_s] of y(t), trapezoidal on the plot's own samples (the last one interpolated).
double integral_until(const std::vector<double>& t, const std::vector<double>& y, double until_s) {
    std::vector<double> tt, yy;
    for (std::size_t k = 0; k < t.size() && t[k] < until_s; ++k) tt.push_back(t[k]), yy.push_back(y[k]);
    tt.push_back(until_s);
    yy.push_back(sample(t, y, until_s));
    return integrate(tt, yy);
}

}  // namespace

// 1 x 1: driver -> row segment R -> node (C to ground) -> device R_d (10 MOhm: a RESET PCM cell) ->
// virtual ground. With R_d >> R and an edge of 1 % of RC (close to a step):
//   - by the end of the plateau the driver has delivered C V^2 to the line (half stored, half lost in
//     R), plus the tiny conduction V^2/(R + R_d) integral u^2 dt;
//   - the loss in R while charging, integral (V_in - V_r)^2/R dt up to the plateau's end, equals the
//     stored 1/2 C V^2;
//   - over the whole read the stored half is lost too (the falling edge is as fast), so the sources'
//     total is C V^2 plus conduction, and the cells' part is that conduction.
// 1 %: a ramp of t_e = 0.01 RC lowers the charging loss by about t_e/(3 RC) = 0.3 %, and the
// transient's time steps (truncation-error control) add about 0.1 %.
TEST(CrossbarEnergy, LineCapacitanceTakesCVSquaredAndLosesHalfOfItWhileCharging) {
    const double wire_ohm = 1e3, farad = 1e-12, v_in = 0.2;
    std::vector<DeviceState> states = pcm_states(1, 0.0, 11);
    Rng rng(1);
    pcm->set_level(states[0], 0.0, rng);  // RESET: g_min
    const double r_d = 1.0 / pcm->conductance_S(states[0]);
    ASSERT_GT(r_d, 1e3 * wire_ohm);
    const CrossbarGeometry g{1, 1, wire_ohm, 0.0, farad, 0.0};
    CrossbarCircuitOptions options;
    options.timing.edge_s = 0.01 * wire_ohm * farad;
    const spice::Plot plot = run_read(g, states, {v_in}, options);
    const CrossbarEnergy e = crossbar_energy(plot, g, options);
    const ReadTiming timing = settled_read_timing(g, options);
    const double t_plateau_end = timing.edge_s + timing.read_s;

    const double v_ss = v_in * r_d / (wire_ohm + r_d), cv2_J = farad * v_ss * v_ss;
    const double shape_s = timing.read_s + 2.0 * timing.edge_s / 3.0;  // integral u^2 of the trapezoid
    const double conduction_J = v_in * v_in / (wire_ohm + r_d) * shape_s;
    EXPECT_NEAR(e.wire_capacitance_J, cv2_J, 1e-4 * cv2_J);

    const auto& t = plot.vector("time").real;
    const auto& v = plot.vector("v(in_0)").real;
    const auto& i = plot.vector("i(vrow_0)").real;
    const auto& v_r = plot.vector("v(r_0_0)").real;
    std::vector<double> driver_W(t.size()), wire_W(t.size());
    for (std::size_t k = 0; k < t.size(); ++k) {
        driver_W[k] = -v[k] * i[k];
        wire_W[k] = (v[k] - v_r[k]) * (v[k] - v_r[k]) / wire_ohm;
    }
    const double plateau_conduction_J = v_in * v_in / (wire_ohm + r_d) * (timing.read_s + timing.edge_s / 3.0);
    EXPECT_NEAR(integral_until(t, driver_W, t_plateau_end) - plateau_conduction_J, cv2_J, 0.01 * cv2_J);
    EXPECT_NEAR(integral_until(t, wire_W, t_plateau_end), 0.5 * cv2_J, 0.01 * 0.5 * cv2_J);

    EXPECT_NEAR(e.total_J, cv2_J + conduction_J, 0.01 * cv2_J);
    EXPECT_NEAR(e.devices_J, conduction_J, 0.01 * cv2_J);
    EXPECT_NEAR(parts_J(e), e.total_J, 1e-9 * e.total_J);
    RecordProperty("charging_J", scientific(integral_until(t, driver_W, t_plateau_end) - plateau_conduction_J));
    RecordProperty("charging_loss_J", scientific(integral_until(t, wire_W, t_plateau_end)));
    RecordProperty("cv2_J", scientific(cv2_J));
}

// 1 x N row of PCM cells (ohmic) behind a driver resistance R_d, no wires: the row node sits at
// v_row = V / (1 + R_d sum_j G_j), so the driver's resistor dissipates (V - v_row)^2 / R_d and the
// cells G v_row^2 for integral u^2 dt = read_s + 2 edge_s / 3 (the trapezoid). 1 %: the transient's
// time steps; the parts sum to the sources' total within 1e-9.
TEST(CrossbarEnergy, DriverResistanceLosesItsClosedFormShare) {
    const int n = 8;
    const double driver_ohm = 5e3, v_in = 0.2;
    const CrossbarGeometry g{1, n, 0.0, 0.0, 0.0, 0.0, driver_ohm};
    const std::vector<DeviceState> states = pcm_states(n, 0.3, 19);
    double g_sum_S = 0.0;
    for (const auto& s : states) g_sum_S += pcm->conductance_S(s);
    const CrossbarCircuitOptions options;
    const spice::Plot plot = run_read(g, states, {v_in}, options);
    const CrossbarEnergy e = crossbar_energy(plot, g, options);
    const ReadTiming timing = settled_read_timing(g, options);
    const double shape_s = timing.read_s + 2.0 * timing.edge_s / 3.0;
    const double v_row = v_in / (1.0 + driver_ohm * g_sum_S);
    ASSERT_LT(v_row, 0.9 * v_in);  // the resistor matters: over 10 % of the drive drops across it
    const double driver_J = (v_in - v_row) * (v_in - v_row) / driver_ohm * shape_s;
    const double cells_J = g_sum_S * v_row * v_row * shape_s;
    EXPECT_NEAR(e.driver_resistance_J, driver_J, 0.01 * driver_J);
    EXPECT_NEAR(e.devices_J, cells_J, 0.01 * cells_J);
    EXPECT_EQ(e.wire_resistance_J, 0.0);
    EXPECT_EQ(e.wire_capacitance_J, 0.0);
    EXPECT_NEAR(parts_J(e), e.total_J, 1e-9 * e.total_J);
    RecordProperty("driver_resistance_J", scientific(e.driver_resistance_J));
    RecordProperty("closed_form_J", scientific(driver_J));
}

// Resistive wires, no capacitance, ideal and TIA read-outs, with and without the drivers' output
// resistance: the cells' part (total minus the metered parts) equals the devices' heat metered node
// by node, sum_ij integral (v_r - v_c)^2 G_ij dt, the wires' and the drivers' parts their heat metered
// the same way, within the transient's tolerance, and the parts sum to the sources' total within
// 1e-9. The TIA's op-amp delivers part of the energy (its output sinks the column current below ground).
TEST(CrossbarEnergy, PartsSumToTheSourcesAndTheCellsGetTheirMeteredHeat) {
    for (const double driver_ohm : {0.0, 1e3}) {
        const CrossbarGeometry g{4, 3, 200.0, 300.0, 0.0, 0.0, driver_ohm};
        const std::vector<DeviceState> states = pcm_states(g.rows * g.columns, 0.3, 13);
        const std::vector<double> inputs_V{0.2, 0.05, 0.15, 0.1};
        for (const std::string readout : {"ideal", "tia"}) {
            SCOPED_TRACE(readout + ", driver " + std::to_string(driver_ohm) + " ohm");
            CrossbarCircuitOptions options;
            options.peripherals.stages = {readout};
            options.peripherals.settings.netlist_dir = CIMKIT_NETLIST_DIR;
            const spice::Plot plot = run_read(g, states, inputs_V, options);
            const CrossbarEnergy e = crossbar_energy(plot, g, options);
            const auto& t = plot.vector("time").real;
            double devices_J = 0.0, wires_J = 0.0, drivers_J = 0.0;
            const auto node = [&](const std::string& name) -> const std::vector<double>& { return plot.vector("v(" + name + ")").real; };
            // Where row i starts: the driver's output, behind its resistance if there is one.
            const auto row_start = [&](int i) -> const std::vector<double>& {
                return node((driver_ohm > 0.0 ? "drv_" : "in_") + std::to_string(i));
            };
            for (int i = 0; i < g.rows && driver_ohm > 0.0; ++i) {
                const auto& v_in = node("in_" + std::to_string(i));
                const auto& v_drv = row_start(i);
                std::vector<double> driver_W(t.size());
                for (std::size_t k = 0; k < t.size(); ++k) driver_W[k] = (v_in[k] - v_drv[k]) * (v_in[k] - v_drv[k]) / driver_ohm;
                drivers_J += integrate(t, driver_W);
            }
            for (int i = 0; i < g.rows; ++i) {
                for (int j = 0; j < g.columns; ++j) {
                    const auto& v_r = node("r_" + std::to_string(i) + "_" + std::to_string(j));
                    const auto& v_c = node("c_" + std::to_string(i) + "_" + std::to_string(j));
                    const auto& v_left = j == 0 ? row_start(i) : node("r_" + std::to_string(i) + "_" + std::to_string(j - 1));
                    const auto& v_below = i + 1 == g.rows ? node("col_" + std::to_string(j)) : node("c_" + std::to_string(i + 1) + "_" + std::to_string(j));
                    const double g_S = pcm->conductance_S(states[static_cast<std::size_t>(i * g.columns + j)]);
                    std::vector<double> device_W(t.size()), wire_W(t.size());
                    for (std::size_t k = 0; k < t.size(); ++k) {
                        device_W[k] = (v_r[k] - v_c[k]) * (v_r[k] - v_c[k]) * g_S;
                        wire_W[k] = (v_left[k] - v_r[k]) * (v_left[k] - v_r[k]) / g.row_wire_ohm +
                                    (v_c[k] - v_below[k]) * (v_c[k] - v_below[k]) / g.column_wire_ohm;
                    }
                    devices_J += integrate(t, device_W);
                    wires_J += integrate(t, wire_W);
                }
            }
            EXPECT_NEAR(e.devices_J, devices_J, 1e-4 * devices_J) << readout;
            EXPECT_NEAR(e.wire_resistance_J, wires_J, 1e-4 * wires_J) << readout;
            EXPECT_NEAR(e.driver_resistance_J, drivers_J, 1e-4 * drivers_J) << readout;
            if (driver_ohm > 0.0) {
                EXPECT_GT(drivers_J, 0.01 * wires_J);  // the check above can fail
            }
            EXPECT_EQ(e.wire_capacitance_J, 0.0);
            EXPECT_NEAR(parts_J(e), e.total_J, 1e-9 * e.total_J) << readout;
            EXPECT_EQ(e.total_J, e.row_drivers_J + e.read_supplies_J + e.readout_amplifiers_J);
            if (readout == "ideal") {
                EXPECT_EQ(e.readout_J, 0.0);
                EXPECT_EQ(e.readout_amplifiers_J, 0.0);
            } else {
                EXPECT_GT(e.readout_amplifiers_J, 0.0);
                EXPECT_GT(e.readout_J, e.readout_amplifiers_J);  // the column also delivers into the input
            }
        }
    }
}

// With capacitance on both line kinds and a finite edge, the parts still sum to the total.
TEST(CrossbarEnergy, PartsSumToTheTotalWithCapacitance) {
    const CrossbarGeometry g{5, 4, 50.0, 50.0, 20e-15, 20e-15};
    const std::vector<DeviceState> states = pcm_states(g.rows * g.columns, 0.3, 17);
    const CrossbarCircuitOptions options;
    const spice::Plot plot = run_read(g, states, {0.2, 0.1, 0.15, 0.05, 0.2}, options);
    const CrossbarEnergy e = crossbar_energy(plot, g, options);
    EXPECT_GT(e.wire_capacitance_J, 0.0);
    EXPECT_GT(e.wire_resistance_J, 0.0);
    EXPECT_GT(e.devices_J, 0.0);
    EXPECT_NEAR(parts_J(e), e.total_J, 1e-9 * e.total_J);
}

}  // namespace cimkit::circuits
