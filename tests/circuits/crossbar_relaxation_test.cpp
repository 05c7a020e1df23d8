// The line relaxation (circuits/crossbar_relaxation.hpp) against the sparse LDL^T solve of the same
// network (circuits/crossbar_network.hpp, itself checked against a dense MNA in
// crossbar_network_test.cpp), and against KCL: what the drivers deliver leaves through the columns.
#include "circuits/crossbar_relaxation.hpp"

#include <gtest/gtest.h>

#include <random>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd conductances(Index rows, Index cols, double g_max_S, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> g_S(0.0, g_max_S);
    MatrixXd g(rows, cols);
    for (Index k = 0; k < g.size(); ++k) g(k) = g_S(engine);
    return g;
}

// MNIST-like inputs: most lines at 0 V, the rest spread over [0, 0.2] V.
VectorXd sparse_inputs(Index rows, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    VectorXd v(rows);
    for (Index i = 0; i < rows; ++i) v(i) = unit(engine) < 0.2 ? 0.2 * unit(engine) : 0.0;
    return v;
}

double relative_error(const MatrixXd& a, const MatrixXd& b) {
    const double scale = b.cwiseAbs().maxCoeff();
    return (a - b).cwiseAbs().maxCoeff() / (scale > 0.0 ? scale : 1.0);
}

struct Case {
    Index rows, cols;
    CrossbarWires wires;
    double g_max_S;
};

// Every shape and wire combination, including one-node lines and one-sided wires (one sweep, exact).
TEST(CrossbarRelaxation, EqualsTheSparseNodalSolve) {
    const Case cases[] = {
        {1, 1, {1.0, 1.0}, 1e-4},          {1, 7, {2.0, 0.5}, 1e-4},     {9, 1, {0.5, 2.0}, 1e-4},
        {12, 9, {2.0, 2.0}, 1e-4},         {40, 30, {1.0, 0.0}, 1e-4},   {40, 30, {0.0, 1.0}, 1e-4},
        {40, 30, {0.0, 0.0}, 1e-4},        {256, 200, {1.0, 1.0}, 25e-6}, {100, 20, {10.0, 10.0}, 25e-6},
        // Line ends: behind chains, and as merged one-node lines on one side or both.
        {12, 9, {2.0, 2.0, 300.0, 20.0}, 1e-4}, {40, 30, {0.0, 0.0, 300.0, 0.0}, 1e-4}, {40, 30, {0.0, 0.0, 0.0, 20.0}, 1e-4},
        {40, 30, {0.0, 0.0, 300.0, 20.0}, 1e-4}, {40, 30, {1.0, 0.0, 0.0, 20.0}, 1e-4}, {40, 30, {0.0, 1.0, 300.0, 0.0}, 1e-4},
        {1, 1, {0.0, 0.0, 300.0, 20.0}, 1e-4},
    };
    std::uint64_t seed = 1;
    for (const Case& c : cases) {
        SCOPED_TRACE(std::to_string(c.rows) + " x " + std::to_string(c.cols) + ", wires " + std::to_string(c.wires.row_segment_ohm) +
                     " / " + std::to_string(c.wires.column_segment_ohm) + " ohm, ends " + std::to_string(c.wires.driver_ohm) + " / " +
                     std::to_string(c.wires.sense_ohm) + " ohm");
        const MatrixXd g = conductances(c.rows, c.cols, c.g_max_S, ++seed);
        const VectorXd v = sparse_inputs(c.rows, ++seed) + VectorXd::Constant(c.rows, 0.01);
        const CrossbarSolution direct = solve_resistive_crossbar(g, v, c.wires);
        const RelaxedCrossbarSolution relaxed = relax_resistive_crossbar(g, v, c.wires);
        EXPECT_LT(relative_error(relaxed.column_current_A, direct.column_current_A), 1e-10);
        EXPECT_LT(relative_error(relaxed.driver_current_A, direct.driver_current_A), 1e-10);
        EXPECT_LT(relative_error(relaxed.row_node_V, direct.row_node_V), 1e-10);
        EXPECT_LT(relative_error(relaxed.column_node_V, direct.column_node_V), 1e-10);
        // The wires must matter where there are any, or the agreement above proves little.
        if (c.wires.row_segment_ohm + c.wires.column_segment_ohm + c.wires.driver_ohm + c.wires.sense_ohm > 0.0) {
            const VectorXd ideal_A = g.transpose() * v;
            EXPECT_GT(relative_error(relaxed.column_current_A, ideal_A), 1e-7);
        }
    }
}

// KCL over the whole array: every ampere a driver delivers leaves through a sense node.
TEST(CrossbarRelaxation, DriverCurrentLeavesThroughTheColumns) {
    const MatrixXd g = conductances(300, 120, 25e-6, 11);
    const VectorXd v = sparse_inputs(300, 12);
    const RelaxedCrossbarSolution s = relax_resistive_crossbar(g, v, {1.0, 1.0});
    EXPECT_NEAR(s.driver_current_A.sum(), s.column_current_A.sum(), 1e-10 * s.column_current_A.sum());
    EXPECT_GT(s.sweeps, 2);  // coupled blocks: more than the one sweep of a one-sided network
}

// The MNIST layer of the compact engine's wired read (784 inputs x 100 pairs) with saturated PCM
// conductances, the slowest case: the sweeps stay few (the header's figure) and the result is the
// sparse solve's.
TEST(CrossbarRelaxation, MnistLayerConvergesInFewSweeps) {
    const MatrixXd g = conductances(784, 200, 25e-6, 21);
    const VectorXd v = sparse_inputs(784, 22);
    const RelaxedCrossbarSolution relaxed = relax_resistive_crossbar(g, v, {1.0, 1.0});
    EXPECT_LE(relaxed.sweeps, 20);
    const CrossbarSolution direct = solve_resistive_crossbar(g, v, {1.0, 1.0});
    EXPECT_LT(relative_error(relaxed.column_current_A, direct.column_current_A), 1e-10);
}

TEST(CrossbarRelaxation, TooFewSweepsIsAConvergenceError) {
    const MatrixXd g = conductances(200, 100, 25e-6, 31);
    const VectorXd v = VectorXd::Constant(200, 0.2);
    RelaxationSettings settings;
    settings.max_sweeps = 2;
    EXPECT_THROW(relax_resistive_crossbar(g, v, {1.0, 1.0}, settings), ConvergenceError);
}

TEST(CrossbarRelaxation, BadValuesAreParameterErrors) {
    MatrixXd g = conductances(4, 3, 1e-4, 41);
    const VectorXd v = VectorXd::Constant(4, 0.1);
    g(2, 1) = -1e-6;
    EXPECT_THROW(relax_resistive_crossbar(g, v, {1.0, 1.0}), ParameterError);
    g(2, 1) = 1e-6;
    EXPECT_THROW(relax_resistive_crossbar(g, VectorXd::Constant(3, 0.1), {1.0, 1.0}), ParameterError);
    EXPECT_THROW(relax_resistive_crossbar(g, v, {-1.0, 1.0}), ParameterError);
    VectorXd nan_input = v;
    nan_input(0) = std::nan("");
    EXPECT_THROW(relax_resistive_crossbar(g, nan_input, {1.0, 1.0}), ParameterError);
}

}  // namespace
}  // namespace cimkit::circuits
