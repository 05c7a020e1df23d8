// The nonlinear wired crossbar solve (circuits/crossbar_newton.hpp): against the ohmic nodal solve,
// against shooting solutions of a single row and a single column, against Tellegen's theorem, and
// against ngspice for every device's default SPICE face.
#include "circuits/crossbar_newton.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>

#include "circuits/crossbar.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

struct Array {
    std::vector<DeviceState> states;
    VectorXd inputs_V;
};

Array random_array(const DeviceModel& model, int rows, int cols, std::uint64_t seed, double v_max_V) {
    Rng rng(seed);
    Array a;
    for (int k = 0; k < rows * cols; ++k) {
        DeviceState s = model.make_device(rng);
        model.set_level(s, rng.uniform(), rng);
        a.states.push_back(s);
    }
    a.inputs_V.resize(rows);
    for (int i = 0; i < rows; ++i) a.inputs_V(i) = v_max_V * (0.1 + 0.9 * rng.uniform());
    return a;
}

double relative(const MatrixXd& a, const MatrixXd& b) { return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff(); }

// The root of a monotone f on [lo, hi] by bisection to the last bit.
double bisect(const std::function<double(double)>& f, double lo, double hi) {
    const bool rising = f(hi) > f(lo);
    for (int k = 0; k < 200 && lo < hi; ++k) {
        const double mid = 0.5 * (lo + hi);
        if (mid == lo || mid == hi) break;
        ((f(mid) > 0.0) == rising ? hi : lo) = mid;
    }
    return 0.5 * (lo + hi);
}

}  // namespace

// Ohmic devices (PCM: I = G V): Newton starts at, and stays on, the ohmic solve's answer, for every
// combination of ideal and resistive wires and line ends.
TEST(CrossbarNewton, OhmicDevicesGiveTheResistiveSolve) {
    const auto model = builtin_devices().find("pcm").make({});
    const Array a = random_array(*model, 20, 12, 1, 0.2);
    MatrixXd g_S(20, 12);
    for (int i = 0; i < 20; ++i) {
        for (int j = 0; j < 12; ++j) g_S(i, j) = model->conductance_S(a.states[i * 12 + j]);
    }
    for (const CrossbarWires w : {CrossbarWires{2.5, 4.0}, CrossbarWires{0.0, 20.0}, CrossbarWires{20.0, 0.0}, CrossbarWires{},
                                  CrossbarWires{2.5, 4.0, 3e3, 100.0}, CrossbarWires{0.0, 0.0, 3e3, 0.0}, CrossbarWires{0.0, 0.0, 0.0, 100.0},
                                  CrossbarWires{0.0, 0.0, 3e3, 100.0}}) {
        SCOPED_TRACE(std::to_string(w.row_segment_ohm) + " / " + std::to_string(w.column_segment_ohm) + ", ends " +
                     std::to_string(w.driver_ohm) + " / " + std::to_string(w.sense_ohm));
        const CrossbarSolution ohmic = solve_resistive_crossbar(g_S, a.inputs_V, w);
        const NonlinearCrossbarSolution newton = solve_nonlinear_crossbar(*model, a.states, 12, a.inputs_V, w);
        EXPECT_LE(relative(newton.column_current_A, ohmic.column_current_A), 1e-9);
        EXPECT_LE(relative(newton.driver_current_A, ohmic.driver_current_A), 1e-9);
        EXPECT_LE(relative(newton.row_node_V, ohmic.row_node_V), 1e-9);
        EXPECT_LE(newton.newton_iterations, 1);
    }
}

// One row of N identical MTJs (strongly bias-dependent: V_h = 0.2 V at 0.5 V drive) with ideal columns:
// the far node's voltage u fixes the rest, v_{k-1} = v_k + r sum_{m>=k} I(v_m), so the driver voltage
// is a monotone function of u and bisection on it is an independent solution.
TEST(CrossbarNewton, SingleRowOfMtjsMatchesShooting) {
    const auto model = builtin_devices().find("domain_wall").make({{"tmr_half_bias_V", "0.2", "test"}});
    Rng rng(7);
    DeviceState s = model->make_device(rng);
    model->set_level(s, 0.3, rng);
    const int n = 32;
    const double r_ohm = 50.0, v_drive_V = 0.5;
    const std::vector<DeviceState> states(n, s);
    const auto march = [&](double u, std::vector<double>* nodes_V) {
        double v = u, line_A = 0.0;
        for (int k = n - 1; k >= 0; --k) {
            if (nodes_V) (*nodes_V)[k] = v;
            line_A += model->current_A(v, s);
            v += r_ohm * line_A;  // the segment between node k-1 (or the driver) and node k
        }
        return v - v_drive_V;
    };
    std::vector<double> nodes_V(n);
    march(bisect([&](double u) { return march(u, nullptr); }, 0.0, v_drive_V), &nodes_V);
    const NonlinearCrossbarSolution newton = solve_nonlinear_crossbar(*model, states, n, VectorXd::Constant(1, v_drive_V), {r_ohm, 0.0});
    double worst = 0.0;
    for (int k = 0; k < n; ++k) {
        const double expected_A = model->current_A(nodes_V[k], s);
        worst = std::max(worst, std::abs(newton.column_current_A(k) - expected_A) / std::abs(expected_A));
    }
    RecordProperty("relative_error", std::to_string(worst));
    EXPECT_LE(worst, 1e-9);
    EXPECT_LT(nodes_V[n - 1], 0.7 * v_drive_V);  // the wire matters: the far end sees 30 % less
    EXPECT_GT(newton.newton_iterations, 1);
}

// One column of MOSFETs (every row at the same V, ideal rows) on a resistive column: the column nodes
// rise above ground, so each transistor's V_GS = V_G - v(c) falls (the transconductance term of the
// Jacobian). From the top node's voltage u: v(c_{k+1}) = v(c_k) - r sum_{m<=k} I(V, v(c_m)), and the
// sense node must come out at 0 V.
TEST(CrossbarNewton, SingleColumnOfMosfetsMatchesShooting) {
    const auto model = builtin_devices().find("mosfet").make({{"a_vt_V_m", "0", "test"}, {"lambda_per_V", "0.05", "test"}});
    Rng rng(8);
    DeviceState s = model->make_device(rng);
    model->set_level(s, 0.8, rng);
    const int n = 32;
    const double r_ohm = 100.0, v_drive_V = 0.1;
    const std::vector<DeviceState> states(n, s);
    const auto march = [&](double u, std::vector<double>* nodes_V) {
        double v = u, line_A = 0.0;
        for (int k = 0; k < n; ++k) {
            if (nodes_V) (*nodes_V)[k] = v;
            line_A += model->current_between_A(v_drive_V, v, s).i_A;
            v -= r_ohm * line_A;
        }
        return v;
    };
    std::vector<double> nodes_V(n);
    march(bisect([&](double u) { return march(u, nullptr); }, 0.0, v_drive_V), &nodes_V);
    const NonlinearCrossbarSolution newton = solve_nonlinear_crossbar(*model, states, 1, VectorXd::Constant(n, v_drive_V), {0.0, r_ohm});
    for (int k = 0; k < n; ++k) EXPECT_NEAR(newton.column_node_V(k, 0), nodes_V[k], 1e-9 * nodes_V[0]);
    double total_A = 0.0;
    for (int k = 0; k < n; ++k) total_A += model->current_between_A(v_drive_V, nodes_V[k], s).i_A;
    EXPECT_NEAR(newton.column_current_A(0), total_A, 1e-9 * total_A);
    EXPECT_GT(nodes_V[0], 0.1 * v_drive_V);  // the top of the column sits well above ground
}

// Tellegen: the drivers' power sum_i V_i D_i equals the devices' sum I_ij (v(r) - v(c)) plus the wires'
// sum (dv)^2 / r, here for MOSFETs on 20-ohm segments.
TEST(CrossbarNewton, DriverPowerIsDevicePlusWireDissipation) {
    const auto model = builtin_devices().find("mosfet").make({});
    const int rows = 24, cols = 10;
    const Array a = random_array(*model, rows, cols, 3, model->read_voltage_V());
    const CrossbarWires w{20.0, 20.0};
    const NonlinearCrossbarSolution sol = solve_nonlinear_crossbar(*model, a.states, cols, a.inputs_V, w);
    const MatrixXd& rv = sol.row_node_V;
    const MatrixXd& cv = sol.column_node_V;
    double devices_W = 0.0, wires_W = 0.0;
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) {
            devices_W += model->current_between_A(rv(i, j), cv(i, j), a.states[i * cols + j]).i_A * (rv(i, j) - cv(i, j));
            const double row_drop_V = (j == 0 ? a.inputs_V(i) : rv(i, j - 1)) - rv(i, j);
            const double column_drop_V = cv(i, j) - (i + 1 == rows ? 0.0 : cv(i + 1, j));
            wires_W += (row_drop_V * row_drop_V + column_drop_V * column_drop_V) / 20.0;
        }
    }
    const double driver_W = driver_power_W(a.inputs_V, sol);
    EXPECT_NEAR(driver_W, devices_W + wires_W, 1e-9 * driver_W);
    EXPECT_GT(wires_W, 1e-3 * driver_W);  // the wires dissipate a visible part
    EXPECT_NEAR(sol.driver_current_A.sum(), sol.column_current_A.sum(), 1e-9 * sol.column_current_A.sum());
}

// The gain cell's rows only gate its read transistors and its column current does not depend on the
// column's voltage: wires change nothing, I_j = sum_i I(V_i), and the row drivers deliver no current.
TEST(CrossbarNewton, GainCellRowsCarryNoCurrent) {
    const auto model = builtin_devices().find("gain_cell").make({});
    const int rows = 16, cols = 8;
    const Array a = random_array(*model, rows, cols, 4, model->read_voltage_V());
    const NonlinearCrossbarSolution sol = solve_nonlinear_crossbar(*model, a.states, cols, a.inputs_V, {20.0, 20.0});
    for (int j = 0; j < cols; ++j) {
        double expected_A = 0.0, scale_A = 0.0;
        for (int i = 0; i < rows; ++i) {
            expected_A += model->current_A(a.inputs_V(i), a.states[i * cols + j]);
            scale_A += std::abs(model->current_A(a.inputs_V(i), a.states[i * cols + j]));
        }
        EXPECT_NEAR(sol.column_current_A(j), expected_A, 1e-12 * scale_A);
    }
    EXPECT_TRUE(sol.driver_current_A.isZero(0.0));
    EXPECT_LE(relative(sol.row_node_V, a.inputs_V.replicate(1, cols)), 1e-12);
}

TEST(CrossbarNewton, FailuresAreNamed) {
    const auto model = builtin_devices().find("domain_wall").make({{"tmr_half_bias_V", "0.2", "test"}});
    const Array a = random_array(*model, 8, 4, 5, 0.5);
    NewtonSettings one_step;
    one_step.max_iterations = 1;
    try {
        solve_nonlinear_crossbar(*model, a.states, 4, a.inputs_V, {200.0, 200.0}, one_step);
        ADD_FAILURE() << "no ConvergenceError";
    } catch (const ConvergenceError& e) {
        EXPECT_NE(std::string(e.what()).find("did not converge in 1 Newton iterations"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("KCL residual"), std::string::npos) << e.what();
    }
    EXPECT_THROW(solve_nonlinear_crossbar(*model, a.states, 5, a.inputs_V, {1.0, 1.0}), ParameterError);
    EXPECT_THROW(solve_nonlinear_crossbar(*model, a.states, 4, a.inputs_V, {-1.0, 1.0}), ParameterError);
}

// ngspice's read of the generated netlist (each device's default face) against the Newton solve, on
// 32 x 16 with 1-ohm and 20-ohm segments: within 1 % of sum_i |I_ij| for every device.
TEST(CrossbarNewton, NgspiceAgreesWithinOnePercentForEveryDevice) {
    spice::Engine engine;
    for (const auto& entry : builtin_devices().entries()) {
        const auto model = entry.make({});
        const auto face = make_device_face(*model);
        for (const double r_ohm : {1.0, 20.0}) {
            SCOPED_TRACE(entry.name + " " + std::to_string(r_ohm));
            const CrossbarGeometry g{32, 16, r_ohm, r_ohm};
            const Array a = random_array(*model, g.rows, g.columns, 21, model->read_voltage_V());
            const std::vector<double> inputs(a.inputs_V.data(), a.inputs_V.data() + g.rows);
            engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, a.states, inputs)), "crossbar"));
            engine.run();
            const CrossbarReadout spice = read_crossbar(engine.plots().at(0), g);
            const auto newton = solve_nonlinear_crossbar(*model, a.states, g.columns, a.inputs_V, {r_ohm, r_ohm});
            double worst = 0.0, ideal_worst = 0.0;
            for (int j = 0; j < g.columns; ++j) {
                double scale_A = 0.0, ideal_A = 0.0;
                for (int i = 0; i < g.rows; ++i) {
                    const double c = model->current_A(a.inputs_V(i), a.states[i * g.columns + j]);
                    scale_A += std::abs(c);
                    ideal_A += c;
                }
                worst = std::max(worst, std::abs(spice.column_current_A[j] - newton.column_current_A(j)) / scale_A);
                ideal_worst = std::max(ideal_worst, std::abs(spice.column_current_A[j] - ideal_A) / scale_A);
            }
            std::printf("%s (%s face), %g-ohm segments: Newton %.3g, ideal wires %.3g (%d Newton steps)\n", entry.name.c_str(),
                        face->name().c_str(), r_ohm, worst, ideal_worst, newton.newton_iterations);
            EXPECT_LT(worst, 0.01);
            // Not vacuous: on 20-ohm segments ignoring the wires is off by far more (except for the gain
            // cell, whose rows carry no current and whose read does not depend on the column's voltage).
            if (r_ohm == 20.0 && model->row_supplies_read_current()) {
                EXPECT_GT(ideal_worst, 0.1);
            }
        }
    }
}

}  // namespace cimkit::circuits
