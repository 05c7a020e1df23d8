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

inline bool row_wires(const CrossbarWires& w) { return w.row_segment_ohm > 0.0; }
inline bool column_wires(const CrossbarWires& w) { return w.column_segment_ohm > 0.0; }

// Both segments finite and >= 0 (and invertible when > 0).
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

inline double voltage(Terminal t, const Eigen::VectorXd& x) { return t.index < 0 ? t.fixed_V : x(t.index); }

struct NodalSystem {
    std::vector<Eigen::Triplet<double>> lower;  // lower triangle of Y; duplicates are summed
    Eigen::VectorXd rhs;                        // b: currents injected by the fixed nodes
};

// Conductance g_S between a and b: KCL terms of the free ends; a fixed end moves to the right-hand side.
void stamp(NodalSystem& s, Terminal a, Terminal b, double g_S);
// Every row and column segment (none for an ideal wire).
void stamp_wires(NodalSystem& s, const NodeMap& nodes, Index rows, Index cols, const CrossbarWires& wires);

// Column and driver currents of a solution whose node voltages are filled in, as
// circuits/crossbar_network.hpp defines them.
void add_branch_currents(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires,
                         CrossbarSolution& out);

}  // namespace cimkit::circuits::crossbar_nodes
