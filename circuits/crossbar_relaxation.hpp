#pragma once
// Reads of an ohmic crossbar with wire resistance by block Gauss-Seidel over its lines: the compact
// engine's wired read of ohmic devices (PCM, table devices). The sparse LDL^T of
// circuits/crossbar_network.hpp solves the same network; at MNIST size (784 inputs x 200 lines, 313 600
// unknowns) its factor has 11 million entries and one read costs ~1.3 s to factor plus ~50 ms per
// solve, where this costs ~10 ms, with no factor to keep between reads (docs/performance-notes.md).
//
// Network, sign conventions and outputs: exactly those of circuits/crossbar_network.hpp.
//
// Why it works: split the unknowns into the row lines' nodes r and the column lines' nodes c. Every
// device joins one row node to one column node, so
//     A_r r = b + G o c        (one tridiagonal system per row line: its segments, each device's G on
//     A_c c = G o r             the diagonal; b = V_i / r_row at each row's first node)
// with A_r, A_c block diagonal (one independent tridiagonal block per line) and o the element-wise
// product. A sweep solves every row line with the column voltages of the last sweep, then every column
// line with the new row voltages. The nodal matrix is symmetric positive definite, so the sweeps
// converge for any positive wires and conductances (block Gauss-Seidel, Ostrowski-Reich); each sweep
// shrinks the error by the lines' coupling factor, which grows with G r N^2 of the longer lines: at
// 784 x 200 with 1-ohm segments, 7 sweeps for devices up to 5 uS and 14 up to 25 uS.
// Each line's LDL^T is computed once per read (it costs about one sweep), so nothing is cached and a
// read always sees the conductances it is given. The lines of a block are solved together, the
// recurrence along the line vectorised across lines.
//
// A line behind an end resistance with ideal wire (circuits/crossbar_network.hpp: a "merged" line) is
// one node, solved in closed form: its end link plus its devices' sum on the diagonal.
//
// Converged when no column node moved by more than voltage_tolerance times max_i |V_i| (and 1 fV) in
// the last sweep (the row nodes follow from the column nodes); ConvergenceError after max_sweeps.
#include <Eigen/Core>

#include "circuits/crossbar_network.hpp"

namespace cimkit::circuits {

struct RelaxationSettings {
    int max_sweeps = 1000;
    double voltage_tolerance = 1e-12;  // relative to max_i |V_i|
};

struct RelaxedCrossbarSolution : CrossbarSolution {
    int sweeps = 0;  // sweeps taken (0 without wires: nothing to solve)
};

// N independent lines of L nodes (symmetric tridiagonal systems sharing one wire conductance) as an
// N x L matrix, column k = node k of every line: their LDL^T factors, the recurrence along k
// vectorised across the lines. Internal to the relaxation; here so that it can keep its buffers.
class LineBlock {
public:
    // g_S: N x L device conductances; every node has segments to both neighbours except node
    // `open_end`, which has one (the line's open end), and node `fixed_end`, whose link to the line's
    // fixed node (driver or virtual ground) has conductance end_link_S.
    void factor(const Eigen::MatrixXd& g_S, double wire_S, Eigen::Index open_end, Eigen::Index fixed_end, double end_link_S);
    void solve(Eigen::MatrixXd& x) const;  // x: N x L right-hand sides in, solutions out

private:
    Eigen::ArrayXXd inverse_pivot_, multiplier_;
};

// Repeated relaxations (one per read) reuse one set of buffers: at MNIST size each is megabytes, and
// allocating them per read cost more than the sweeps (the kernel's page faults).
class CrossbarRelaxation {
public:
    explicit CrossbarRelaxation(const RelaxationSettings& settings = {}) : settings_(settings) {}
    // Arguments, checks and outputs as solve_resistive_crossbar (ParameterError for bad sizes, values
    // or wires); ConvergenceError naming the sweeps and the last change when the sweeps do not
    // converge. The result stays valid until the next solve.
    const RelaxedCrossbarSolution& solve(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires);

private:
    RelaxationSettings settings_;
    RelaxedCrossbarSolution out_;
    LineBlock row_block_, column_block_;
    Eigen::MatrixXd g_transposed_S_, column_V_, next_column_V_;  // cols x rows: column_V_(j, i) = v(c(i, j))
    Eigen::VectorXd merged_row_S_, merged_column_S_;  // a merged line's diagonal: its end link and devices
};

// One relaxation with its own buffers.
RelaxedCrossbarSolution relax_resistive_crossbar(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V,
                                                 const CrossbarWires& wires, const RelaxationSettings& settings = {});

}  // namespace cimkit::circuits
