#include "circuits/crossbar_relaxation.hpp"

#include <algorithm>
#include <string>

#include "circuits/crossbar_nodes.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {

using namespace crossbar_nodes;

void LineBlock::factor(const Eigen::MatrixXd& g_S, double wire_S, Index open_end, Index fixed_end, double end_link_S) {
    inverse_pivot_ = g_S.array() + 2.0 * wire_S;  // the diagonal a_k, inverted in place below
    inverse_pivot_.col(open_end) -= wire_S;
    inverse_pivot_.col(fixed_end) += end_link_S - wire_S;  // exactly 0 when the end is one more segment
    multiplier_.resize(g_S.rows(), g_S.cols());
    multiplier_.col(0).setZero();
    inverse_pivot_.col(0) = inverse_pivot_.col(0).inverse();
    for (Index k = 1; k < g_S.cols(); ++k) {
        // l_k = -g / d_(k-1), d_k = a_k - l_k (-g)
        multiplier_.col(k) = -wire_S * inverse_pivot_.col(k - 1);
        inverse_pivot_.col(k) = (inverse_pivot_.col(k) + wire_S * multiplier_.col(k)).inverse();
    }
}

void LineBlock::solve(Eigen::MatrixXd& x) const {
    const Index length = x.cols();
    for (Index k = 1; k < length; ++k) x.col(k).array() -= multiplier_.col(k) * x.col(k - 1).array();
    x.array() *= inverse_pivot_;
    for (Index k = length - 2; k >= 0; --k) x.col(k).array() -= multiplier_.col(k + 1) * x.col(k + 1).array();
}

// Row line i, node j: segments towards node j - 1 (node 0: the driver link) and to node j + 1, except
// the last node. Column line j, node i (row i of the C x R transpose): segments towards node i + 1 (the
// last node: the sense link) and to node i - 1, except the first node.
const RelaxedCrossbarSolution& CrossbarRelaxation::solve(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V,
                                                         const CrossbarWires& wires) {
    check_wires(wires);
    check_sizes("g_S", g_S.rows(), g_S.cols(), v_in_V, wires);
    check_conductances(g_S);
    check_inputs(v_in_V);
    const Index rows = g_S.rows(), cols = g_S.cols();
    const bool row_free = row_wires(wires), column_free = column_wires(wires);
    const bool row_chain = row_nodes(wires) == LineNodes::chain, column_chain = column_nodes(wires) == LineNodes::chain;

    out_.sweeps = 0;
    out_.row_node_V = v_in_V.replicate(1, cols);  // stays so with ideal row wires
    column_V_.setZero(cols, rows);                // stays so with ideal column wires
    if (row_free || column_free) {
        g_transposed_S_ = g_S.transpose();
        const double driver_link_S = 1.0 / driver_link_ohm(wires), sense_link_S = 1.0 / sense_link_ohm(wires);
        if (row_chain) row_block_.factor(g_S, 1.0 / wires.row_segment_ohm, cols - 1, 0, driver_link_S);
        if (column_chain) column_block_.factor(g_transposed_S_, 1.0 / wires.column_segment_ohm, 0, rows - 1, sense_link_S);
        if (row_free && !row_chain) merged_row_S_ = g_S.rowwise().sum().array() + driver_link_S;
        if (column_free && !column_chain) merged_column_S_ = g_transposed_S_.rowwise().sum().array() + sense_link_S;
        const double tolerance_V = std::max(settings_.voltage_tolerance * v_in_V.cwiseAbs().maxCoeff(), 1e-15);
        for (out_.sweeps = 1;; ++out_.sweeps) {
            if (row_chain) {
                out_.row_node_V = g_S.cwiseProduct(column_V_.transpose());
                out_.row_node_V.col(0) += v_in_V / driver_link_ohm(wires);
                row_block_.solve(out_.row_node_V);
            } else if (row_free) {
                const Eigen::VectorXd row_V =
                    ((g_S.cwiseProduct(column_V_.transpose()).rowwise().sum() + v_in_V * driver_link_S).array() / merged_row_S_.array()).matrix();
                out_.row_node_V = row_V.replicate(1, cols);
            }
            // With one block fixed, the other's line solves are the exact solution: one sweep.
            if (!column_free) break;
            next_column_V_ = g_transposed_S_.cwiseProduct(out_.row_node_V.transpose());
            if (column_chain) {
                column_block_.solve(next_column_V_);
            } else {
                const Eigen::VectorXd column_V = (next_column_V_.rowwise().sum().array() / merged_column_S_.array()).matrix();
                next_column_V_ = column_V.replicate(1, rows);
            }
            const double change_V = (next_column_V_ - column_V_).cwiseAbs().maxCoeff();
            column_V_.swap(next_column_V_);
            if (!row_free || change_V <= tolerance_V) break;
            if (out_.sweeps >= settings_.max_sweeps) {
                throw ConvergenceError("crossbar: the line relaxation of a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                       " array did not converge in " + std::to_string(out_.sweeps) + " sweeps: the last moved a node by " +
                                       number(change_V) + " V (tolerance " + number(tolerance_V) + " V)");
            }
        }
        if (!out_.row_node_V.allFinite() || !column_V_.allFinite()) {
            throw ConvergenceError("crossbar: the line relaxation gave non-finite voltages; the conductances span too wide a range");
        }
    }
    out_.column_node_V = column_V_.transpose();
    add_branch_currents(g_S, v_in_V, wires, out_);
    return out_;
}

RelaxedCrossbarSolution relax_resistive_crossbar(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V,
                                                 const CrossbarWires& wires, const RelaxationSettings& settings) {
    CrossbarRelaxation relaxation(settings);
    return relaxation.solve(g_S, v_in_V, wires);
}

}  // namespace cimkit::circuits
