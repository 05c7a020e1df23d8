#pragma once
// Nodal solve of a resistive crossbar with wire resistance, independent of ngspice: the reference the
// SPICE crossbar must match (within 0.1 %), and the compact engine's path for arrays with wires.
// Devices that are not ohmic: circuits/crossbar_newton.hpp solves the same network by Newton.
//
// Network (the crossbar builder, circuits/crossbar/builder.hpp, with the segment_wires stage and the
// "ideal" read-out builds exactly this one, one-shot or as a tile):
//   R rows i = 0..R-1, C columns j = 0..C-1. Device conductance G_ij (S) between row node r(i,j) and
//   column node c(i,j); G_ij = 0 is an open (absent) device.
//   Row i:    ideal source V_i at driver node d(i) (left end), then d(i) - r(i,0) - r(i,1) - ... -
//             r(i,C-1), every link one row segment of r_row ohm.
//   Column j: c(0,j) - c(1,j) - ... - c(R-1,j) - s(j), every link one column segment of r_col ohm.
//             The sense node s(j) is held at 0 V (virtual ground of the read-out amplifier).
//   Column current I_j = current into s(j)            = v(c(R-1,j)) / r_col.
//   Driver current D_i = current out of d(i) into row = sum_j G_ij (v(r(i,j)) - v(c(i,j))), by KCL
//             on row i; the equal (V_i - v(r(i,0))) / r_row would cancel nearly equal voltages.
//
// Equations: KCL at every node whose voltage is not fixed, Y v = b. Y is the nodal conductance matrix,
// symmetric positive definite because every free node reaches a fixed node through positive
// conductances; it is factored by a sparse LDL^T (Eigen::SimplicialLDLT, AMD ordering).
//
// The line ends (the peripherals' own resistance, in series with the end segments):
//   r_drv:    each row driver's output resistance, between the ideal source and d(i): the first row
//             link is r_drv + r_row.
//   r_sense:  each column read-out's input resistance (a TIA's rf / (1 + a0)), between c(R-1,j) and the
//             virtual ground: the last column link is r_col + r_sense, I_j = v(c(R-1,j)) / (r_col + r_sense).
//
// Ideal wires (0 ohm) merge nodes instead of dividing by zero:
//   r_row = 0: r(i,0..C-1) merge with d(i), all at V_i; with r_drv > 0 they merge into one node r(i)
//              instead, joined to V_i by r_drv.
//   r_col = 0: c(0..R-1,j) merge with s(j), all at 0 V,   I_j = sum_i G_ij v(r(i,j)); with r_sense > 0
//              they merge into one node c(j) instead, joined to 0 V by r_sense.
//   all 0:     nothing is solved and I = G^T V.
//
// Unknowns of the nodal system, numbered row-major within each block (d(i) and s(j) are fixed):
//   r(i,j) -> i*C + j             if r_row > 0 (a row "chain")
//   r(i)   -> i                   if r_row = 0 and r_drv > 0 (one "merged" node per row)
//   c(i,j) -> offset + i*C + j    if r_col > 0; offset = the number of row unknowns
//   c(j)   -> offset + j          if r_col = 0 and r_sense > 0
// At most max_crossbar_unknowns (10^7) are accepted; the size is checked before anything is
// allocated. The factor holds ~25-50 entries per unknown (128 x 128 to 512 x 512 with wires), so
// memory and time, not this limit, bound practical sizes. Measured on one core: 256 x 100 with wires
// (51 200 unknowns) ~0.1 s; 784 x 100 ~0.4 s and 90 MB; 512 x 512 ~10 s and 0.4 GB.
//
// Units: S, V, A, ohm, W. Sign convention: currents are positive for positive V and G.
#include <Eigen/Core>

namespace cimkit::circuits {

inline constexpr Eigen::Index max_crossbar_unknowns = 10'000'000;

struct CrossbarWires {
    double row_segment_ohm = 0.0;     // each row link, driver to r(i,0) included; 0 = ideal
    double column_segment_ohm = 0.0;  // each column link, c(R-1,j) to the sense node included; 0 = ideal
    double driver_ohm = 0.0;          // each row driver's output resistance; 0 = an ideal source
    double sense_ohm = 0.0;           // each column read-out's input resistance; 0 = an ideal virtual ground
};

// Whether anything but the devices resists: without, I = G^T V and nothing needs solving.
inline bool has_resistance(const CrossbarWires& w) {
    return w.row_segment_ohm > 0.0 || w.column_segment_ohm > 0.0 || w.driver_ohm > 0.0 || w.sense_ohm > 0.0;
}

struct CrossbarSolution {
    Eigen::VectorXd column_current_A;  // C: I_j, into the sense node of column j
    Eigen::VectorXd driver_current_A;  // R: D_i, out of the driver of row i into the row
    Eigen::MatrixXd row_node_V;        // R x C: v(r(i,j))
    Eigen::MatrixXd column_node_V;     // R x C: v(c(i,j))
};

// g_S: R x C device conductances (finite, >= 0); v_in_V: R row voltages (finite); wire segments and
// line ends finite and >= 0. Throws ParameterError naming the offending field, index and value; throws
// ConvergenceError if the factorisation fails (only for values so extreme that Y overflows).
CrossbarSolution solve_resistive_crossbar(const Eigen::MatrixXd& g_S, const Eigen::VectorXd& v_in_V,
                                          const CrossbarWires& wires);

// Power drawn from the row drivers, P = sum_i V_i D_i (W). It equals the power dissipated in the
// devices and wires (Tellegen), so it is the read energy per second. Throws ParameterError if
// v_in_V and the solution disagree in size.
double driver_power_W(const Eigen::VectorXd& v_in_V, const CrossbarSolution& solution);

}  // namespace cimkit::circuits
