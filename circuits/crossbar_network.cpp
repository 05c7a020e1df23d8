#include "circuits/crossbar_network.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

using Eigen::Index;

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string at(Index i, Index j) { return "(" + std::to_string(i) + ", " + std::to_string(j) + ")"; }

[[noreturn]] void fail(const std::string& what) { throw ParameterError("crossbar: " + what); }

void check_wire(double r_ohm, const std::string& field) {
    if (!(std::isfinite(r_ohm) && r_ohm >= 0.0)) {
        fail("wires." + field + " = " + number(r_ohm) + " ohm is outside [0, inf) ohm");
    }
    if (r_ohm > 0.0 && !std::isfinite(1.0 / r_ohm)) {
        fail("wires." + field + " = " + number(r_ohm) + " ohm is too small to invert; use 0 for an ideal wire");
    }
}

bool row_wires(const CrossbarWires& w) { return w.row_segment_ohm > 0.0; }
bool column_wires(const CrossbarWires& w) { return w.column_segment_ohm > 0.0; }

// Sizes first, so an absurd array is refused before its values are scanned or anything is allocated.
void check_sizes(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires) {
    const Index rows = g_S.rows(), cols = g_S.cols();
    if (rows == 0 || cols == 0) {
        fail("g_S is " + std::to_string(rows) + " x " + std::to_string(cols) +
             "; the array needs at least one row and one column");
    }
    if (v_in_V.size() != rows) {
        fail("v_in_V has " + std::to_string(v_in_V.size()) + " entries but g_S has " + std::to_string(rows) +
             " rows; one input voltage per row is needed");
    }
    const Index blocks = Index{row_wires(wires)} + Index{column_wires(wires)};
    if (blocks > 0 && rows > max_crossbar_unknowns / (blocks * cols)) {
        fail(std::to_string(rows) + " x " + std::to_string(cols) + " array with wires needs " +
             std::to_string(blocks) + " x " + std::to_string(rows) + " x " + std::to_string(cols) +
             " nodal unknowns, above the limit of " + std::to_string(max_crossbar_unknowns));
    }
}

void check_values(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V) {
    for (Index j = 0; j < g_S.cols(); ++j) {
        for (Index i = 0; i < g_S.rows(); ++i) {
            const double g = g_S(i, j);
            if (!(std::isfinite(g) && g >= 0.0)) {
                fail("g_S" + at(i, j) + " = " + number(g) + " S is outside [0, inf) S");
            }
        }
    }
    for (Index i = 0; i < v_in_V.size(); ++i) {
        if (!std::isfinite(v_in_V(i))) {
            fail("v_in_V(" + std::to_string(i) + ") = " + number(v_in_V(i)) + " V is not finite");
        }
    }
}

// Where a node's voltage comes from: unknown `index` of the nodal system, or `fixed_V` if index < 0.
struct Terminal {
    Index index;
    double fixed_V;
};

// The numbering documented in the header.
class NodeMap {
public:
    NodeMap(const Eigen::VectorXd& v_in_V, Index cols, const CrossbarWires& wires)
        : v_in_V_(v_in_V),
          rows_(v_in_V.size()),
          cols_(cols),
          row_free_(row_wires(wires)),
          column_free_(column_wires(wires)),
          column_offset_(row_free_ ? rows_ * cols_ : 0) {}

    Terminal driver(Index i) const { return {-1, v_in_V_(i)}; }
    Terminal sense() const { return {-1, 0.0}; }
    Terminal row(Index i, Index j) const { return row_free_ ? Terminal{i * cols_ + j, 0.0} : driver(i); }
    Terminal column(Index i, Index j) const {
        return column_free_ ? Terminal{column_offset_ + i * cols_ + j, 0.0} : sense();
    }
    Index unknowns() const { return (Index{row_free_} + Index{column_free_}) * rows_ * cols_; }

private:
    const Eigen::VectorXd& v_in_V_;
    Index rows_, cols_;
    bool row_free_, column_free_;
    Index column_offset_;
};

struct NodalSystem {
    std::vector<Eigen::Triplet<double>> lower;  // lower triangle of Y; duplicates are summed
    Eigen::VectorXd rhs;                        // b: currents injected by the fixed nodes
};

// Conductance g_S between a and b: KCL terms of the free ends; a fixed end moves to the right-hand side.
void stamp(NodalSystem& s, Terminal a, Terminal b, double g_S) {
    const auto entry = [&s](Index r, Index c, double value) {
        s.lower.emplace_back(static_cast<int>(r), static_cast<int>(c), value);
    };
    if (a.index >= 0) entry(a.index, a.index, g_S);
    if (b.index >= 0) entry(b.index, b.index, g_S);
    if (a.index >= 0 && b.index >= 0) entry(std::max(a.index, b.index), std::min(a.index, b.index), -g_S);
    if (a.index >= 0 && b.index < 0) s.rhs(a.index) += g_S * b.fixed_V;
    if (b.index >= 0 && a.index < 0) s.rhs(b.index) += g_S * a.fixed_V;
}

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
    if (row_wires(wires)) {
        const double g_row_S = 1.0 / wires.row_segment_ohm;
        for (Index i = 0; i < rows; ++i) {
            stamp(s, nodes.driver(i), nodes.row(i, 0), g_row_S);
            for (Index j = 0; j + 1 < cols; ++j) stamp(s, nodes.row(i, j), nodes.row(i, j + 1), g_row_S);
        }
    }
    if (column_wires(wires)) {
        const double g_column_S = 1.0 / wires.column_segment_ohm;
        for (Index j = 0; j < cols; ++j) {
            for (Index i = 0; i + 1 < rows; ++i) stamp(s, nodes.column(i, j), nodes.column(i + 1, j), g_column_S);
            stamp(s, nodes.column(rows - 1, j), nodes.sense(), g_column_S);
        }
    }
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

double voltage(Terminal t, const Eigen::VectorXd& x) { return t.index < 0 ? t.fixed_V : x(t.index); }

// Branch currents as the header defines them.
void add_currents(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires,
                  CrossbarSolution& out) {
    const Index rows = g_S.rows();
    if (column_wires(wires)) {
        out.column_current_A = out.column_node_V.row(rows - 1).transpose() / wires.column_segment_ohm;
    } else if (row_wires(wires)) {
        out.column_current_A = g_S.cwiseProduct(out.row_node_V).colwise().sum().transpose();
    } else {
        out.column_current_A = g_S.transpose() * v_in_V;  // no wires at all: I = G^T V
    }
    // KCL on row i, rather than (V_i - v(r(i,0))) / r_row: that difference of two nearly equal voltages
    // loses ~3 digits (5e-13 relative at 12 x 9 with 2-ohm segments, against 2e-15 this way).
    out.driver_current_A = g_S.cwiseProduct(out.row_node_V - out.column_node_V).rowwise().sum();
}

}  // namespace

CrossbarSolution solve_resistive_crossbar(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V,
                                          const CrossbarWires& wires) {
    check_wire(wires.row_segment_ohm, "row_segment_ohm");
    check_wire(wires.column_segment_ohm, "column_segment_ohm");
    check_sizes(g_S, v_in_V, wires);
    check_values(g_S, v_in_V);

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
    add_currents(g_S, v_in_V, wires, out);
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
