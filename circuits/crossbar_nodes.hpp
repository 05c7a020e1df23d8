#pragma once
// The crossbar's nodal system shared by the ohmic solve (circuits/crossbar_network.cpp), the
// nonlinear one (circuits/crossbar_newton.cpp) and the line relaxation
// (circuits/crossbar_relaxation.cpp): the input checks, the numbering of the unknowns, the wire stamps
// and the branch currents that circuits/crossbar_network.hpp documents. Internal to those files.
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <string>
#include <vector>

#include "circuits/crossbar_network.hpp"

namespace cimkit::circuits::crossbar_nodes {

using Eigen::Index;

std::string number(double value);
std::string at(Index i, Index j);
[[noreturn]] void fail(const std::string& what);  // ParameterError("crossbar: " + what)

// How a line's cell nodes enter the nodal system (circuits/crossbar_network.hpp): at the line's fixed
// end (ideal wire and ideal end), as one merged node (ideal wire behind an end resistance), or as a
// chain of one node per cell (wire segments).
enum class LineNodes { fixed, merged, chain };
inline LineNodes row_nodes(const CrossbarWires& w) {
    return w.row_segment_ohm > 0.0 ? LineNodes::chain : w.driver_ohm > 0.0 ? LineNodes::merged : LineNodes::fixed;
}
inline LineNodes column_nodes(const CrossbarWires& w) {
    return w.column_segment_ohm > 0.0 ? LineNodes::chain : w.sense_ohm > 0.0 ? LineNodes::merged : LineNodes::fixed;
}
// Whether the row (column) nodes are unknowns at all.
inline bool row_wires(const CrossbarWires& w) { return row_nodes(w) != LineNodes::fixed; }
inline bool column_wires(const CrossbarWires& w) { return column_nodes(w) != LineNodes::fixed; }
// The link from a row's driver to its first node, and from a column's last node to its virtual ground.
inline double driver_link_ohm(const CrossbarWires& w) { return w.row_segment_ohm + w.driver_ohm; }
inline double sense_link_ohm(const CrossbarWires& w) { return w.column_segment_ohm + w.sense_ohm; }

// Segments and line ends finite and >= 0 (and invertible when > 0).
void check_wires(const CrossbarWires& wires);
// Sizes first, so an absurd array is refused before its values are scanned or anything is allocated;
// `array` names the rows x cols argument in messages ("g_S", "states").
void check_sizes(const std::string& array, Index rows, Index cols, const Eigen::VectorXd& v_in_V,
                 const CrossbarWires& wires);
void check_inputs(const Eigen::VectorXd& v_in_V);  // every row voltage finite
void check_conductances(const Eigen::MatrixXd& g_S);  // every device conductance finite and >= 0

// Where a node's voltage comes from: unknown `index` of the nodal system, or `fixed_V` if index < 0.
struct Terminal {
    Index index;
    double fixed_V;
};

// The numbering documented in circuits/crossbar_network.hpp.
class NodeMap {
public:
    NodeMap(const Eigen::VectorXd& v_in_V, Index cols, const CrossbarWires& wires)
        : v_in_V_(v_in_V),
          rows_(v_in_V.size()),
          cols_(cols),
          row_(row_nodes(wires)),
          column_(column_nodes(wires)),
          column_offset_(block_size(row_, rows_)) {}

    Terminal driver(Index i) const { return {-1, v_in_V_(i)}; }
    Terminal sense() const { return {-1, 0.0}; }
    Terminal row(Index i, Index j) const {
        if (row_ == LineNodes::chain) return {i * cols_ + j, 0.0};
        return row_ == LineNodes::merged ? Terminal{i, 0.0} : driver(i);
    }
    Terminal column(Index i, Index j) const {
        if (column_ == LineNodes::chain) return {column_offset_ + i * cols_ + j, 0.0};
        return column_ == LineNodes::merged ? Terminal{column_offset_ + j, 0.0} : sense();
    }
    Index unknowns() const { return column_offset_ + block_size(column_, cols_); }

private:
    // A merged line is one node; `lines` lines of the other kind.
    Index block_size(LineNodes nodes, Index lines) const {
        return nodes == LineNodes::chain ? rows_ * cols_ : nodes == LineNodes::merged ? lines : 0;
    }

    const Eigen::VectorXd& v_in_V_;
    Index rows_, cols_;
    LineNodes row_, column_;
    Index column_offset_;
};

inline double voltage(Terminal t, const Eigen::VectorXd& x) { return t.index < 0 ? t.fixed_V : x(t.index); }

struct NodalSystem {
    std::vector<Eigen::Triplet<double>> lower;  // lower triangle of Y; duplicates are summed
    Eigen::VectorXd rhs;                        // b: currents injected by the fixed nodes
};

// Conductance g_S between a and b: KCL terms of the free ends; a fixed end moves to the right-hand side.
void stamp(NodalSystem& s, Terminal a, Terminal b, double g_S);
// Every row and column segment and line end (none for an ideal wire with an ideal end).
void stamp_wires(NodalSystem& s, const NodeMap& nodes, Index rows, Index cols, const CrossbarWires& wires);

// Column and driver currents of a solution whose node voltages are filled in, as
// circuits/crossbar_network.hpp defines them.
void add_branch_currents(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires,
                         CrossbarSolution& out);

}  // namespace cimkit::circuits::crossbar_nodes
