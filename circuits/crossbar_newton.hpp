#pragma once
// Nodal solve of a crossbar with wire resistance whose devices are not ohmic (the MTJ's bias-dependent
// TMR, the MOSFET synapse, the gain cell): the compact engine's path for such arrays, checked against
// ngspice (tests/circuits/crossbar_newton_test.cpp).
//
// Network, node numbering and unknowns: exactly those of circuits/crossbar_network.hpp (row i driven at
// V_i through row segments r_row, column j held at 0 V through column segments r_col; ideal wires merge
// nodes). Device (i,j) delivers I_ij = I(v(r(i,j)), v(c(i,j)), state_ij) into its column node, the
// compact model's DeviceModel::current_between_A; the row node supplies it unless the device draws from
// its own read supply (row_supplies_read_current() false: the gain cell, whose row only gates it).
//
// Equations: F(x) = 0, F the current leaving every free node,
//   F = Y_w x - b_w + sum_ij I_ij (s_ij e_r(i,j) - e_c(i,j)),      s_ij = 1 if the row supplies I_ij, else 0,
// with Y_w, b_w the wire segments' nodal matrix and injections (the ohmic solve's stamps) and e_n the
// unit vector of node n (no term for a fixed node). Newton: J dx = -F,
//   J = Y_w + sum_ij (s_ij e_r - e_c)(dI/dv_row e_r + dI/dv_column e_c)^T.
// J is symmetric when every device is two-terminal (dI/dv_column = -dI/dv_row, s = 1) and is then
// factored by a sparse LDL^T; otherwise (the MOSFET's transconductance, the gain cell) by SparseLU.
// Start: the ohmic solve (circuits/crossbar_network.hpp) with each device's read conductance
// G = I(V_read)/V_read, clipped at 0 (the gain cell's chord can be negative); the start is exact for
// ohmic devices. Each step is halved (up to max_step_halvings times) until ||F||_2 decreases, so a
// step that overshoots a MOSFET's saturation or cut-off corner cannot diverge. Converged when the
// largest voltage step is below voltage_tolerance times the largest |V_i| (and 1 fV).
//
// Outputs as in crossbar_network.hpp: I_j into the sense node; D_i = sum_j s_ij I_ij (zero for the gain
// cell, whose current comes from its supplies). Units: V, A, S.
#include <Eigen/Core>
#include <vector>

#include "circuits/crossbar_network.hpp"
#include "devices/device_model.hpp"

namespace cimkit::circuits {

struct NewtonSettings {
    int max_iterations = 50;
    int max_step_halvings = 20;
    double voltage_tolerance = 1e-12;  // relative to max_i |V_i|
};

struct NonlinearCrossbarSolution : CrossbarSolution {
    int newton_iterations = 0;   // Newton steps taken after the ohmic start
    double kcl_residual_A = 0.0;  // max |F| at the solution
};

// states: rows x cols devices of `model`, row-major (states[i * cols + j]); v_in_V: one voltage per row.
// Throws ParameterError for bad sizes, wires or inputs (as solve_resistive_crossbar), and
// ConvergenceError naming the iterations and the KCL residual when Newton does not converge.
NonlinearCrossbarSolution solve_nonlinear_crossbar(const DeviceModel& model, const std::vector<DeviceState>& states,
                                                   Eigen::Index cols, const Eigen::VectorXd& v_in_V,
                                                   const CrossbarWires& wires, const NewtonSettings& settings = {});

}  // namespace cimkit::circuits
