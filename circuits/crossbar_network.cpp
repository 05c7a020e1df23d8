#include "circuits/crossbar_network.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <cmath>
#include <string>
#include <vector>

#include "circuits/crossbar_nodes.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

using namespace crossbar_nodes;

NodalSystem assemble(const Eigen::MatrixXd& g_S, const NodeMap& nodes, const CrossbarWires& wires) {
    const Index rows = g_S.rows(), cols = g_S.cols();
    NodalSystem s;
    s.rhs = Eigen::VectorXd::Zero(nodes.unknowns());
    s.lower.reserve(static_cast<std::size_t>(3 * rows * cols + rows + cols));
    for (Index i = 0; i < rows; ++i) {
        for (Index j = 0; j < cols; ++j) {
            if (g_S(i, j) > 0.0) stamp(s, nodes.row(i, j), nodes.column(i, j), g_S(i, j));
        }
    }
    stamp_wires(s, nodes, rows, cols, wires);
    return s;
}

[[noreturn]] void solve_failed(Index unknowns, const std::string& what) {
    throw ConvergenceError("crossbar: the nodal solve with " + std::to_string(unknowns) + " unknowns " + what +
                           "; the conductances span too wide a range");
}

// One step of iterative refinement follows the LDL^T solve: wire segments (~1 S) and devices (~1e-6 S)
// span six decades, and the step brings the KCL balance of a 256 x 100 array with 1-ohm segments from
// 5e-13 to 3e-14 for the price of one more pair of triangular solves.
Eigen::VectorXd solve_nodal(NodalSystem& s) {
    const Index n = s.rhs.size();
    if (n == 0) return {};
    Eigen::SparseMatrix<double> y(n, n);
    y.setFromTriplets(s.lower.begin(), s.lower.end());
    s.lower = {};  // release the triplets before the factor's fill is allocated
    const Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower> ldlt(y);
    if (ldlt.info() != Eigen::Success) solve_failed(n, "could not factorise the nodal matrix");
    Eigen::VectorXd x = ldlt.solve(s.rhs);
    const Eigen::VectorXd residual = s.rhs - y.selfadjointView<Eigen::Lower>() * x;
    x += ldlt.solve(residual);
    if (!x.allFinite()) solve_failed(n, "gave non-finite voltages");
    return x;
}

}  // namespace

CrossbarSolution solve_resistive_crossbar(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V,
                                          const CrossbarWires& wires) {
    check_wires(wires);
    check_sizes("g_S", g_S.rows(), g_S.cols(), v_in_V, wires);
    check_conductances(g_S);
    check_inputs(v_in_V);

    const NodeMap nodes(v_in_V, g_S.cols(), wires);
    NodalSystem system = assemble(g_S, nodes, wires);
    const Eigen::VectorXd x = solve_nodal(system);

    CrossbarSolution out;
    out.row_node_V.resize(g_S.rows(), g_S.cols());
    out.column_node_V.resize(g_S.rows(), g_S.cols());
    for (Index j = 0; j < g_S.cols(); ++j) {
        for (Index i = 0; i < g_S.rows(); ++i) {
            out.row_node_V(i, j) = voltage(nodes.row(i, j), x);
            out.column_node_V(i, j) = voltage(nodes.column(i, j), x);
        }
    }
    add_branch_currents(g_S, v_in_V, wires, out);
    return out;
}

double driver_power_W(const Eigen::VectorXd& v_in_V, const CrossbarSolution& solution) {
    if (v_in_V.size() != solution.driver_current_A.size()) {
        fail("driver_power_W: v_in_V has " + std::to_string(v_in_V.size()) + " entries but the solution has " +
             std::to_string(solution.driver_current_A.size()) + " row drivers");
    }
    return v_in_V.dot(solution.driver_current_A);
}

}  // namespace cimkit::circuits
