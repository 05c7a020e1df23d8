#include "circuits/crossbar_newton.hpp"

#include <Eigen/OrderingMethods>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <string>

#include "circuits/crossbar_nodes.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

using namespace crossbar_nodes;
using SparseMatrix = Eigen::SparseMatrix<double>;

// The network of crossbar_newton.hpp: its devices, numbering, and the wires' part of F and J.
struct Network {
    const DeviceModel& model;
    const std::vector<DeviceState>& states;
    Index rows, cols;
    NodeMap nodes;
    bool row_supplies;
    SparseMatrix y_wires;  // Y_w, both triangles
    Eigen::VectorXd b_wires;

    const DeviceState& state(Index i, Index j) const { return states[static_cast<std::size_t>(i * cols + j)]; }
    TerminalCurrent device(Index i, Index j, const Eigen::VectorXd& x) const {
        return model.current_between_A(voltage(nodes.row(i, j), x), voltage(nodes.column(i, j), x), state(i, j));
    }
};

// Y_w and b_w from the ohmic solve's wire stamps (lower triangle), made full for the sum with the devices.
void add_wires(Network& net, const CrossbarWires& wires) {
    NodalSystem s;
    s.rhs = Eigen::VectorXd::Zero(net.nodes.unknowns());
    stamp_wires(s, net.nodes, net.rows, net.cols, wires);
    SparseMatrix lower(s.rhs.size(), s.rhs.size());
    lower.setFromTriplets(s.lower.begin(), s.lower.end());
    net.y_wires = lower.selfadjointView<Eigen::Lower>();
    net.b_wires = std::move(s.rhs);
}

// F(x): the current leaving every free node.
Eigen::VectorXd residual(const Network& net, const Eigen::VectorXd& x) {
    Eigen::VectorXd f = net.y_wires * x - net.b_wires;
    for (Index i = 0; i < net.rows; ++i) {
        for (Index j = 0; j < net.cols; ++j) {
            const double i_A = net.device(i, j, x).i_A;
            const Terminal r = net.nodes.row(i, j), c = net.nodes.column(i, j);
            if (net.row_supplies && r.index >= 0) f(r.index) += i_A;
            if (c.index >= 0) f(c.index) -= i_A;
        }
    }
    return f;
}

// J(x); `symmetric` says whether every device term was symmetric (two-terminal).
SparseMatrix jacobian(const Network& net, const Eigen::VectorXd& x, bool& symmetric) {
    std::vector<Eigen::Triplet<double>> terms;
    terms.reserve(static_cast<std::size_t>(4 * net.rows * net.cols));
    const auto add = [&terms](Terminal equation, Terminal variable, double value) {
        if (equation.index >= 0 && variable.index >= 0) {
            terms.emplace_back(static_cast<int>(equation.index), static_cast<int>(variable.index), value);
        }
    };
    symmetric = net.row_supplies;
    for (Index i = 0; i < net.rows; ++i) {
        for (Index j = 0; j < net.cols; ++j) {
            const TerminalCurrent d = net.device(i, j, x);
            const Terminal r = net.nodes.row(i, j), c = net.nodes.column(i, j);
            symmetric = symmetric && d.di_dv_column_S == -d.di_dv_row_S;
            if (net.row_supplies) {
                add(r, r, d.di_dv_row_S);
                add(r, c, d.di_dv_column_S);
            }
            add(c, r, -d.di_dv_row_S);
            add(c, c, -d.di_dv_column_S);
        }
    }
    SparseMatrix devices(net.y_wires.rows(), net.y_wires.cols());
    devices.setFromTriplets(terms.begin(), terms.end());
    return net.y_wires + devices;
}

[[noreturn]] void not_converged(Index unknowns, const std::string& what) {
    throw ConvergenceError("crossbar: the nonlinear nodal solve with " + std::to_string(unknowns) + " unknowns " + what);
}

// dx = -J^-1 F: LDL^T when J is symmetric, LU otherwise. J's pattern is the same at every iteration
// (every device stamps its entries, zero or not), so each factorisation's ordering is computed once.
class NewtonStep {
public:
    Eigen::VectorXd operator()(const SparseMatrix& j, const Eigen::VectorXd& f, bool symmetric) {
        Eigen::VectorXd dx;
        if (symmetric) {
            if (!ldlt_analysed_) ldlt_.analyzePattern(j);
            ldlt_analysed_ = true;
            ldlt_.factorize(j);
            if (ldlt_.info() != Eigen::Success) not_converged(f.size(), "could not factorise its Jacobian (LDL^T)");
            dx = ldlt_.solve(-f);
        } else {
            if (!lu_analysed_) lu_.analyzePattern(j);
            lu_analysed_ = true;
            lu_.factorize(j);
            if (lu_.info() != Eigen::Success) not_converged(f.size(), "could not factorise its Jacobian (LU): " + lu_.lastErrorMessage());
            dx = lu_.solve(-f);
        }
        if (!dx.allFinite()) not_converged(f.size(), "gave a non-finite Newton step");
        return dx;
    }

private:
    Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower> ldlt_;
    Eigen::SparseLU<SparseMatrix, Eigen::COLAMDOrdering<int>> lu_;
    bool ldlt_analysed_ = false, lu_analysed_ = false;
};

// The ohmic solve with each device's read conductance, clipped at 0, as the unknown vector x.
Eigen::VectorXd ohmic_start(const Network& net, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires) {
    Eigen::MatrixXd g_S(net.rows, net.cols);
    for (Index i = 0; i < net.rows; ++i) {
        for (Index j = 0; j < net.cols; ++j) g_S(i, j) = std::max(net.model.conductance_S(net.state(i, j)), 0.0);
    }
    const CrossbarSolution start = solve_resistive_crossbar(g_S, v_in_V, wires);
    Eigen::VectorXd x(net.nodes.unknowns());
    for (Index i = 0; i < net.rows; ++i) {
        for (Index j = 0; j < net.cols; ++j) {
            if (const Terminal r = net.nodes.row(i, j); r.index >= 0) x(r.index) = start.row_node_V(i, j);
            if (const Terminal c = net.nodes.column(i, j); c.index >= 0) x(c.index) = start.column_node_V(i, j);
        }
    }
    return x;
}

// Newton from x, each step halved until ||F||_2 decreases; returns the steps taken and leaves F(x) in f.
int newton(const Network& net, Eigen::VectorXd& x, Eigen::VectorXd& f, const NewtonSettings& settings, double tolerance_V) {
    f = residual(net, x);
    NewtonStep newton_step;
    for (int iteration = 1;; ++iteration) {
        bool symmetric = false;
        const Eigen::VectorXd dx = newton_step(jacobian(net, x, symmetric), f, symmetric);
        const double step_V = dx.cwiseAbs().maxCoeff();
        if (step_V <= tolerance_V) {
            x += dx;
            f = residual(net, x);
            return iteration;
        }
        const double f_norm = f.norm();
        double fraction = 1.0;
        Eigen::VectorXd trial = x + dx, f_trial = residual(net, trial);
        for (int halving = 0; halving < settings.max_step_halvings && !(f_trial.norm() < f_norm); ++halving) {
            fraction *= 0.5;
            trial = x + fraction * dx;
            f_trial = residual(net, trial);
        }
        x = std::move(trial);
        f = std::move(f_trial);
        if (iteration >= settings.max_iterations) {
            not_converged(x.size(), "did not converge in " + std::to_string(iteration) + " Newton iterations: last step " +
                                        number(fraction * step_V) + " V, KCL residual " + number(f.cwiseAbs().maxCoeff()) +
                                        " A (tolerance " + number(tolerance_V) + " V)");
        }
    }
}

}  // namespace

NonlinearCrossbarSolution solve_nonlinear_crossbar(const DeviceModel& model, const std::vector<DeviceState>& states,
                                                   Index cols, const Eigen::VectorXd& v_in_V, const CrossbarWires& wires,
                                                   const NewtonSettings& settings) {
    check_wires(wires);
    const Index rows = v_in_V.size();
    if (cols <= 0 || static_cast<Index>(states.size()) != rows * cols) {
        fail("states has " + std::to_string(states.size()) + " devices; " + std::to_string(rows) + " rows (v_in_V) x " +
             std::to_string(cols) + " columns are needed");
    }
    check_sizes("states", rows, cols, v_in_V, wires);
    check_inputs(v_in_V);

    Network net{model, states, rows, cols, NodeMap(v_in_V, cols, wires), model.row_supplies_read_current(), {}, {}};
    NonlinearCrossbarSolution out;
    Eigen::VectorXd x, f;
    if (net.nodes.unknowns() > 0) {
        add_wires(net, wires);
        x = ohmic_start(net, v_in_V, wires);
        const double tolerance_V = std::max(settings.voltage_tolerance * v_in_V.cwiseAbs().maxCoeff(), 1e-15);
        out.newton_iterations = newton(net, x, f, settings, tolerance_V);
        out.kcl_residual_A = f.cwiseAbs().maxCoeff();
    }

    out.row_node_V.resize(rows, cols);
    out.column_node_V.resize(rows, cols);
    Eigen::MatrixXd device_A(rows, cols);
    for (Index j = 0; j < cols; ++j) {
        for (Index i = 0; i < rows; ++i) {
            out.row_node_V(i, j) = voltage(net.nodes.row(i, j), x);
            out.column_node_V(i, j) = voltage(net.nodes.column(i, j), x);
            device_A(i, j) = net.device(i, j, x).i_A;
        }
    }
    out.column_current_A = column_wires(wires) ? Eigen::VectorXd(out.column_node_V.row(rows - 1).transpose() / sense_link_ohm(wires))
                                               : Eigen::VectorXd(device_A.colwise().sum().transpose());
    out.driver_current_A = net.row_supplies ? Eigen::VectorXd(device_A.rowwise().sum()) : Eigen::VectorXd::Zero(rows);
    return out;
}

}  // namespace cimkit::circuits
