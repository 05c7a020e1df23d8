#include "circuits/crossbar_nodes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "devices/core/errors.hpp"

namespace cimkit::circuits::crossbar_nodes {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string at(Index i, Index j) { return "(" + std::to_string(i) + ", " + std::to_string(j) + ")"; }

void fail(const std::string& what) { throw ParameterError("crossbar: " + what); }

namespace {

void check_wire(double r_ohm, const std::string& field) {
    if (!(std::isfinite(r_ohm) && r_ohm >= 0.0)) {
        fail("wires." + field + " = " + number(r_ohm) + " ohm is outside [0, inf) ohm");
    }
    if (r_ohm > 0.0 && !std::isfinite(1.0 / r_ohm)) {
        fail("wires." + field + " = " + number(r_ohm) + " ohm is too small to invert; use 0 for an ideal wire");
    }
}

}  // namespace

void check_wires(const CrossbarWires& wires) {
    check_wire(wires.row_segment_ohm, "row_segment_ohm");
    check_wire(wires.column_segment_ohm, "column_segment_ohm");
    check_wire(wires.driver_ohm, "driver_ohm");
    check_wire(wires.sense_ohm, "sense_ohm");
}

void check_sizes(const std::string& array, Index rows, Index cols, const Eigen::VectorXd& v_in_V,
                 const CrossbarWires& wires) {
    if (rows == 0 || cols == 0) {
        fail(array + " is " + std::to_string(rows) + " x " + std::to_string(cols) +
             "; the array needs at least one row and one column");
    }
    if (v_in_V.size() != rows) {
        fail("v_in_V has " + std::to_string(v_in_V.size()) + " entries but " + array + " has " +
             std::to_string(rows) + " rows; one input voltage per row is needed");
    }
    // Merged lines add at most rows + cols unknowns; chains rows x cols each.
    const Index blocks = Index{row_nodes(wires) == LineNodes::chain} + Index{column_nodes(wires) == LineNodes::chain};
    if (blocks > 0 && rows > max_crossbar_unknowns / (blocks * cols)) {
        fail(std::to_string(rows) + " x " + std::to_string(cols) + " array with wires needs " +
             std::to_string(blocks) + " x " + std::to_string(rows) + " x " + std::to_string(cols) +
             " nodal unknowns, above the limit of " + std::to_string(max_crossbar_unknowns));
    }
}

void check_inputs(const Eigen::VectorXd& v_in_V) {
    for (Index i = 0; i < v_in_V.size(); ++i) {
        if (!std::isfinite(v_in_V(i))) {
            fail("v_in_V(" + std::to_string(i) + ") = " + number(v_in_V(i)) + " V is not finite");
        }
    }
}

void check_conductances(const Eigen::MatrixXd& g_S) {
    for (Index j = 0; j < g_S.cols(); ++j) {
        for (Index i = 0; i < g_S.rows(); ++i) {
            const double g = g_S(i, j);
            if (!(std::isfinite(g) && g >= 0.0)) fail("g_S" + at(i, j) + " = " + number(g) + " S is outside [0, inf) S");
        }
    }
}

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

void stamp_wires(NodalSystem& s, const NodeMap& nodes, Index rows, Index cols, const CrossbarWires& wires) {
    if (row_wires(wires)) {
        const double g_driver_S = 1.0 / driver_link_ohm(wires);
        for (Index i = 0; i < rows; ++i) stamp(s, nodes.driver(i), nodes.row(i, 0), g_driver_S);
    }
    if (row_nodes(wires) == LineNodes::chain) {
        const double g_row_S = 1.0 / wires.row_segment_ohm;
        for (Index i = 0; i < rows; ++i) {
            for (Index j = 0; j + 1 < cols; ++j) stamp(s, nodes.row(i, j), nodes.row(i, j + 1), g_row_S);
        }
    }
    if (column_nodes(wires) == LineNodes::chain) {
        const double g_column_S = 1.0 / wires.column_segment_ohm;
        for (Index j = 0; j < cols; ++j) {
            for (Index i = 0; i + 1 < rows; ++i) stamp(s, nodes.column(i, j), nodes.column(i + 1, j), g_column_S);
        }
    }
    if (column_wires(wires)) {
        const double g_sense_S = 1.0 / sense_link_ohm(wires);
        for (Index j = 0; j < cols; ++j) stamp(s, nodes.column(rows - 1, j), nodes.sense(), g_sense_S);
    }
}

void add_branch_currents(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires,
                         CrossbarSolution& out) {
    const Index rows = g_S.rows();
    if (column_wires(wires)) {
        out.column_current_A = out.column_node_V.row(rows - 1).transpose() / sense_link_ohm(wires);
    } else if (row_wires(wires)) {
        out.column_current_A = g_S.cwiseProduct(out.row_node_V).colwise().sum().transpose();
    } else {
        out.column_current_A = g_S.transpose() * v_in_V;  // no wires at all: I = G^T V
    }
    // KCL on row i, rather than (V_i - v(r(i,0))) / r_row: that difference of two nearly equal voltages
    // loses ~3 digits (5e-13 relative at 12 x 9 with 2-ohm segments, against 2e-15 this way).
    out.driver_current_A = g_S.cwiseProduct(out.row_node_V - out.column_node_V).rowwise().sum();
}

}  // namespace cimkit::circuits::crossbar_nodes
