#include "circuits/crossbar_network.hpp"

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <chrono>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd random_conductances(Index rows, Index cols, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> g_S(1e-6, 1e-4);  // 10 kohm .. 1 Mohm devices
    MatrixXd g(rows, cols);
    for (Index k = 0; k < g.size(); ++k) g(k) = g_S(engine);
    return g;
}

VectorXd random_voltages(Index rows, double lo_V, double hi_V, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> v_V(lo_V, hi_V);
    VectorXd v(rows);
    for (Index i = 0; i < rows; ++i) v(i) = v_V(engine);
    return v;
}

// Measured errors and times go to the XML report (--gtest_output=xml) at full resolution.
std::string scientific(double value) {
    std::ostringstream text;
    text << std::scientific << std::setprecision(2) << value;
    return text.str();
}

// max |a - b| / max |b|: one scale per quantity, so entries near zero do not inflate the error.
double relative_error(const MatrixXd& a, const MatrixXd& b) {
    const double scale = b.cwiseAbs().maxCoeff();
    return (a - b).cwiseAbs().maxCoeff() / (scale > 0.0 ? scale : 1.0);
}

// Dense modified nodal analysis of the same network, written independently of the library: every
// node is an unknown (d(i) = i, s(j) = R + j, the ideal sources' own nodes e(i) and t(j) after them,
// then r(i,j) and c(i,j) interleaved, column-major), and the drivers, the virtual grounds and every
// 0-ohm wire or line end are voltage sources whose currents are extra unknowns. The driver's output
// resistance joins e(i) to d(i), the read-out's input resistance s(j) to t(j). Solved with a
// full-pivot LU.
class DenseMna {
public:
    DenseMna(const MatrixXd& g_S, const VectorXd& v_in_V, const CrossbarWires& w)
        : rows_(g_S.rows()), cols_(g_S.cols()) {
        for (Index i = 0; i < rows_; ++i) sources_.push_back({e(i), -1, v_in_V(i)});
        for (Index j = 0; j < cols_; ++j) sources_.push_back({t(j), -1, 0.0});
        for (Index i = 0; i < rows_; ++i) link(e(i), d(i), w.driver_ohm);
        for (Index j = 0; j < cols_; ++j) link(s(j), t(j), w.sense_ohm);
        for (Index i = 0; i < rows_; ++i) {
            for (Index j = 0; j < cols_; ++j) {
                if (g_S(i, j) > 0.0) resistors_.push_back({r(i, j), c(i, j), g_S(i, j)});
                link(j == 0 ? d(i) : r(i, j - 1), r(i, j), w.row_segment_ohm);
                link(c(i, j), i + 1 == rows_ ? s(j) : c(i + 1, j), w.column_segment_ohm);
            }
        }
    }

    CrossbarSolution solve() const {
        const Index n = t(cols_ - 1) + 1 + 2 * rows_ * cols_, m = static_cast<Index>(sources_.size());
        MatrixXd a = MatrixXd::Zero(n + m, n + m);
        VectorXd b = VectorXd::Zero(n + m);
        for (const Element& e : resistors_) {
            a(e.p, e.p) += e.value;
            a(e.q, e.q) += e.value;
            a(e.p, e.q) -= e.value;
            a(e.q, e.p) -= e.value;
        }
        for (Index k = 0; k < m; ++k) {  // source k: v(p) - v(q) = value; its current leaves p into the source
            const Element& e = sources_[static_cast<std::size_t>(k)];
            a(e.p, n + k) = a(n + k, e.p) = 1.0;
            if (e.q >= 0) a(e.q, n + k) = a(n + k, e.q) = -1.0;
            b(n + k) = e.value;
        }
        const VectorXd x = a.fullPivLu().solve(b);
        CrossbarSolution out;
        out.row_node_V.resize(rows_, cols_);
        out.column_node_V.resize(rows_, cols_);
        for (Index i = 0; i < rows_; ++i) {
            for (Index j = 0; j < cols_; ++j) {
                out.row_node_V(i, j) = x(r(i, j));
                out.column_node_V(i, j) = x(c(i, j));
            }
        }
        out.driver_current_A = -x.segment(n, rows_);  // into the driver source = out of the row
        out.column_current_A = x.segment(n + rows_, cols_);
        return out;
    }

private:
    struct Element {
        Index p, q;  // q = -1: ground
        double value;
    };
    Index d(Index i) const { return i; }
    Index s(Index j) const { return rows_ + j; }
    Index e(Index i) const { return rows_ + cols_ + i; }
    Index t(Index j) const { return 2 * rows_ + cols_ + j; }
    Index r(Index i, Index j) const { return 2 * (rows_ + cols_) + 2 * (j * rows_ + i); }
    Index c(Index i, Index j) const { return r(i, j) + 1; }
    void link(Index p, Index q, double r_ohm) {
        if (r_ohm > 0.0) resistors_.push_back({p, q, 1.0 / r_ohm});
        else sources_.push_back({p, q, 0.0});
    }

    Index rows_, cols_;
    std::vector<Element> resistors_, sources_;
};

std::string error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const ParameterError& e) {
        return e.what();
    }
    return "(no ParameterError)";
}

}  // namespace

// Ideal wires: every device sees V_i across it, so I_j = sum_i G_ij V_i, i.e. I = G^T V.
TEST(CrossbarNetwork, NoWireResistanceIsGTransposeV) {
    const MatrixXd g = random_conductances(16, 8, 1);
    const VectorXd v = random_voltages(16, -0.2, 0.2, 2);
    const CrossbarSolution sol = solve_resistive_crossbar(g, v, CrossbarWires{});
    const double error = relative_error(sol.column_current_A, g.transpose() * v);
    RecordProperty("relative_error", scientific(error));
    EXPECT_LE(error, 1e-12);
    EXPECT_LE(relative_error(sol.driver_current_A, v.cwiseProduct(g.rowwise().sum())), 1e-12);  // D_i = V_i sum_j G_ij
    EXPECT_EQ(sol.row_node_V, v.replicate(1, 8));
    EXPECT_TRUE(sol.column_node_V.isZero(0.0));
}

// KCL over the whole network: sum_i D_i = sum_j I_j. Tellegen: sum_i V_i D_i equals the power in the
// devices, sum G_ij (v(r) - v(c))^2, plus the wires, sum (dv)^2 / r_segment.
TEST(CrossbarNetwork, CurrentAndPowerAreConservedWithWires) {
    const MatrixXd g = random_conductances(20, 12, 3);
    const VectorXd v = random_voltages(20, -0.1, 0.3, 4);
    const CrossbarWires w{2.5, 4.0};
    const CrossbarSolution sol = solve_resistive_crossbar(g, v, w);
    const double kcl_error = std::abs(sol.driver_current_A.sum() - sol.column_current_A.sum()) /
                             sol.column_current_A.cwiseAbs().sum();
    EXPECT_LE(kcl_error, 1e-12);

    const MatrixXd& rv = sol.row_node_V;
    const MatrixXd& cv = sol.column_node_V;
    double dissipated_W = g.cwiseProduct((rv - cv).cwiseAbs2()).sum();
    dissipated_W += ((v - rv.col(0)).squaredNorm() + (rv.rightCols(11) - rv.leftCols(11)).squaredNorm()) /
                    w.row_segment_ohm;
    dissipated_W += ((cv.bottomRows(19) - cv.topRows(19)).squaredNorm() + cv.row(19).squaredNorm()) /
                    w.column_segment_ohm;
    const double power_error = std::abs(driver_power_W(v, sol) - dissipated_W) / dissipated_W;
    RecordProperty("kcl_error", scientific(kcl_error));
    RecordProperty("power_error", scientific(power_error));
    EXPECT_LE(power_error, 1e-10);
}

// One cell: driver - r_row - G - r_col - sense in series, I = V / (r_row + 1/G + r_col).
TEST(CrossbarNetwork, SingleCellIsASeriesCircuit) {
    const double g_S = 1e-4, v_V = 0.2;
    for (const CrossbarWires w : {CrossbarWires{1e3, 2.5e3}, CrossbarWires{0.0, 3e3}, CrossbarWires{500.0, 0.0},
                                  CrossbarWires{0.0, 0.0, 2e3, 0.0}, CrossbarWires{0.0, 0.0, 0.0, 700.0},
                                  CrossbarWires{0.0, 0.0, 2e3, 700.0}, CrossbarWires{1e3, 2.5e3, 2e3, 700.0}}) {
        const CrossbarSolution sol =
            solve_resistive_crossbar(MatrixXd::Constant(1, 1, g_S), VectorXd::Constant(1, v_V), w);
        const double i_A = v_V / (w.driver_ohm + w.row_segment_ohm + 1.0 / g_S + w.column_segment_ohm + w.sense_ohm);
        EXPECT_NEAR(sol.column_current_A(0), i_A, 1e-14 * i_A);
        EXPECT_NEAR(sol.driver_current_A(0), i_A, 1e-14 * i_A);
        EXPECT_NEAR(sol.row_node_V(0, 0), v_V - i_A * (w.driver_ohm + w.row_segment_ohm), 1e-15);
        EXPECT_NEAR(sol.column_node_V(0, 0), i_A * (w.column_segment_ohm + w.sense_ohm), 1e-15);
    }
}

// One row, ideal columns: a ladder driver - r - (G_0 to ground) - r - (G_1) ... Solved by hand from the
// far end: admittance looking right from node k, Y_k = G_k + 1 / (r + 1/Y_{k+1}), Y_{N-1} = G_{N-1};
// then forward, the segment into node k carries v_{k-1} / (r + 1/Y_k), v_k = v_{k-1} - r i_k, I_k = G_k v_k.
TEST(CrossbarNetwork, OneRowIsAHandSolvedLadder) {
    const Index n = 40;
    const double r_ohm = 50.0, v_V = 0.25;
    const MatrixXd g = random_conductances(1, n, 5);
    std::vector<double> y_S(static_cast<std::size_t>(n));
    y_S[n - 1] = g(0, n - 1);
    for (Index k = n - 2; k >= 0; --k) y_S[k] = g(0, k) + 1.0 / (r_ohm + 1.0 / y_S[k + 1]);
    VectorXd ladder_A(n);
    double v_previous_V = v_V;
    for (Index k = 0; k < n; ++k) {
        const double v_k_V = v_previous_V - r_ohm * v_previous_V / (r_ohm + 1.0 / y_S[k]);
        ladder_A(k) = g(0, k) * v_k_V;
        v_previous_V = v_k_V;
    }
    const CrossbarSolution sol = solve_resistive_crossbar(g, VectorXd::Constant(1, v_V), CrossbarWires{r_ohm, 0.0});
    const double error = relative_error(sol.column_current_A, ladder_A);
    RecordProperty("relative_error", scientific(error));
    EXPECT_LE(error, 1e-12);
}

// Line ends behind ideal wires, by hand: one row behind its driver's output resistance is one node,
// v = V / (1 + R_d sum_j G_j), each column taking G_j v; one column before its read-out's input
// resistance is one node, v = R_s sum_i G_i V_i / (1 + R_s sum_i G_i), the read-out taking v / R_s.
TEST(CrossbarNetwork, LineEndsDivideWithTheLinesConductance) {
    const Index n = 30;
    const double driver_ohm = 800.0, sense_ohm = 300.0, v_V = 0.2;
    const MatrixXd row_g = random_conductances(1, n, 8);
    const double row_V = v_V / (1.0 + driver_ohm * row_g.sum());
    const CrossbarSolution row = solve_resistive_crossbar(row_g, VectorXd::Constant(1, v_V), CrossbarWires{0.0, 0.0, driver_ohm, 0.0});
    EXPECT_LE(relative_error(row.column_current_A, (row_g * row_V).transpose()), 1e-13);
    EXPECT_NEAR(row.driver_current_A(0), (v_V - row_V) / driver_ohm, 1e-13 * row.driver_current_A(0));
    EXPECT_LT(row_V, 0.9 * v_V);  // the divider matters

    const MatrixXd column_g = random_conductances(n, 1, 9);
    const VectorXd v = random_voltages(n, 0.0, 0.2, 10);
    const double column_V = sense_ohm * column_g.col(0).dot(v) / (1.0 + sense_ohm * column_g.sum());
    const CrossbarSolution column = solve_resistive_crossbar(column_g, v, CrossbarWires{0.0, 0.0, 0.0, sense_ohm});
    EXPECT_NEAR(column.column_current_A(0), column_V / sense_ohm, 1e-13 * column_V / sense_ohm);
    EXPECT_NEAR(column.column_node_V(n - 1, 0), column_V, 1e-15);
    EXPECT_LE(relative_error(column.driver_current_A, (column_g.col(0).array() * (v.array() - column_V)).matrix()), 1e-12);
}

// The sparse LDL^T of the eliminated nodal system equals a dense MNA solve of the same KCL equations
// (all nodes unknown, sources as constraints) for every wire configuration.
TEST(CrossbarNetwork, MatchesAnIndependentDenseSolve) {
    const MatrixXd g = random_conductances(6, 5, 6);
    const VectorXd v = random_voltages(6, -0.2, 0.2, 7);
    double worst = 0.0;
    for (const CrossbarWires w : {CrossbarWires{3.0, 7.0}, CrossbarWires{1e3, 0.0}, CrossbarWires{0.0, 2e3},
                                  CrossbarWires{0.0, 0.0}, CrossbarWires{3.0, 7.0, 400.0, 90.0}, CrossbarWires{0.0, 0.0, 400.0, 0.0},
                                  CrossbarWires{0.0, 0.0, 0.0, 90.0}, CrossbarWires{0.0, 0.0, 400.0, 90.0},
                                  CrossbarWires{0.0, 7.0, 400.0, 0.0}, CrossbarWires{3.0, 0.0, 0.0, 90.0}}) {
        const CrossbarSolution sparse = solve_resistive_crossbar(g, v, w);
        const CrossbarSolution dense = DenseMna(g, v, w).solve();
        EXPECT_LE(relative_error(sparse.column_current_A, dense.column_current_A), 1e-10) << w.row_segment_ohm << " " << w.driver_ohm;
        EXPECT_LE(relative_error(sparse.driver_current_A, dense.driver_current_A), 1e-10) << w.row_segment_ohm << " " << w.driver_ohm;
        EXPECT_LE(relative_error(sparse.row_node_V, dense.row_node_V), 1e-10) << w.row_segment_ohm << " " << w.driver_ohm;
        // Column nodes sit near 0 V: compare them on the scale of the inputs.
        EXPECT_LE((sparse.column_node_V - dense.column_node_V).cwiseAbs().maxCoeff() / 0.2, 1e-10);
        worst = std::max({worst, relative_error(sparse.column_current_A, dense.column_current_A),
                          relative_error(sparse.driver_current_A, dense.driver_current_A),
                          relative_error(sparse.row_node_V, dense.row_node_V)});
    }
    RecordProperty("worst_relative_error", scientific(worst));
}

// The network is linear: x(V1 + V2) = x(V1) + x(V2) for every current and node voltage.
TEST(CrossbarNetwork, SuperpositionHoldsWithWires) {
    const MatrixXd g = random_conductances(12, 9, 8);
    const VectorXd v1 = random_voltages(12, -0.2, 0.2, 9), v2 = random_voltages(12, -0.2, 0.2, 10);
    const CrossbarWires w{2.0, 3.0};
    const CrossbarSolution a = solve_resistive_crossbar(g, v1, w), b = solve_resistive_crossbar(g, v2, w);
    const CrossbarSolution sum = solve_resistive_crossbar(g, v1 + v2, w);
    const double error = std::max({relative_error(a.column_current_A + b.column_current_A, sum.column_current_A),
                                   relative_error(a.driver_current_A + b.driver_current_A, sum.driver_current_A),
                                   relative_error(a.row_node_V + b.row_node_V, sum.row_node_V),
                                   relative_error(a.column_node_V + b.column_node_V, sum.column_node_V)});
    RecordProperty("relative_error", scientific(error));
    EXPECT_LE(error, 1e-12);
}

// IR drop: with positive inputs every column current is below sum_i G_ij V_i and falls as the
// segments' resistance grows, for row wires, column wires and both.
TEST(CrossbarNetwork, WireResistanceOnlyLowersColumnCurrents) {
    const MatrixXd g = random_conductances(32, 16, 11);
    const VectorXd v = random_voltages(32, 0.05, 0.2, 12);
    for (const auto& [row_scale, column_scale] : {std::pair{1.0, 0.0}, std::pair{0.0, 1.0}, std::pair{1.0, 1.0}}) {
        VectorXd previous_A = g.transpose() * v;
        for (double r_ohm : {0.5, 1.0, 2.0, 4.0, 8.0}) {
            const CrossbarWires w{row_scale * r_ohm, column_scale * r_ohm};
            const VectorXd i_A = solve_resistive_crossbar(g, v, w).column_current_A;
            for (Index j = 0; j < i_A.size(); ++j) {
                EXPECT_GT(i_A(j), 0.0);
                EXPECT_LT(i_A(j), previous_A(j)) << "column " << j << ", r_row = " << w.row_segment_ohm
                                                 << " ohm, r_col = " << w.column_segment_ohm << " ohm";
            }
            previous_A = i_A;
        }
    }
}

TEST(CrossbarNetwork, BadInputIsRefusedByName) {
    const MatrixXd g = MatrixXd::Constant(4, 3, 1e-5);
    const VectorXd v = VectorXd::Constant(4, 0.1);
    const CrossbarWires w{1.0, 1.0};
    const auto refused = [&](const MatrixXd& gg, const VectorXd& vv, const CrossbarWires& ww) {
        return error_of([&] { solve_resistive_crossbar(gg, vv, ww); });
    };
    EXPECT_NE(refused(g, VectorXd::Constant(3, 0.1), w).find("v_in_V has 3 entries but g_S has 4 rows"),
              std::string::npos);
    MatrixXd bad = g;
    bad(1, 2) = -1e-6;
    EXPECT_NE(refused(bad, v, w).find("g_S(1, 2) = -1e-06 S is outside [0, inf) S"), std::string::npos);
    bad(1, 2) = std::numeric_limits<double>::quiet_NaN();
    EXPECT_NE(refused(bad, v, w).find("g_S(1, 2) = nan S"), std::string::npos);
    VectorXd bad_v = v;
    bad_v(2) = std::numeric_limits<double>::infinity();
    EXPECT_NE(refused(g, bad_v, w).find("v_in_V(2) = inf V is not finite"), std::string::npos);
    EXPECT_NE(refused(g, v, {-1.0, 1.0}).find("wires.row_segment_ohm = -1 ohm"), std::string::npos);
    EXPECT_NE(refused(g, v, {1.0, std::nan("")}).find("wires.column_segment_ohm = nan ohm"), std::string::npos);
    EXPECT_NE(refused(g, v, {1e-320, 1.0}).find("too small to invert"), std::string::npos);
    EXPECT_NE(refused(MatrixXd(0, 3), VectorXd(0), w).find("at least one row"), std::string::npos);
    EXPECT_NE(error_of([&] { driver_power_W(VectorXd::Zero(2), solve_resistive_crossbar(g, v, w)); })
                  .find("v_in_V has 2 entries but the solution has 4 row drivers"),
              std::string::npos);
    // Values that pass the checks but overflow the nodal system (1e308 S x 10 V) fail loudly, not as NaN.
    EXPECT_THROW(solve_resistive_crossbar(g, VectorXd::Constant(4, 10.0), {1e-308, 1.0}), ConvergenceError);
    // 2 x 2500 x 2001 = 10 005 000 unknowns: refused before the nodal system is built.
    const MatrixXd huge = MatrixXd::Constant(2500, 2001, 1e-5);
    EXPECT_NE(refused(huge, VectorXd::Zero(2500), w).find("above the limit of 10000000"), std::string::npos);
}

// Scale check at the size measured in docs/ngspice-facts.md#measured-timings (51 200 unknowns).
// The time is logged, not asserted.
TEST(CrossbarNetwork, Solves256By100WithOneOhmWires) {
    const MatrixXd g = random_conductances(256, 100, 13);
    const VectorXd v = random_voltages(256, 0.0, 0.2, 14);
    const auto start = std::chrono::steady_clock::now();
    const CrossbarSolution sol = solve_resistive_crossbar(g, v, CrossbarWires{1.0, 1.0});
    const std::chrono::duration<double, std::milli> elapsed_ms = std::chrono::steady_clock::now() - start;
    std::cout << "[   info   ] 256 x 100 crossbar, 1 ohm segments, 51200 unknowns: " << elapsed_ms.count() << " ms\n";
    RecordProperty("solve_ms", scientific(elapsed_ms.count()));
    const VectorXd ideal_A = g.transpose() * v;
    EXPECT_TRUE(((sol.column_current_A.array() > 0.0) && (sol.column_current_A.array() < ideal_A.array())).all());
    const double kcl_error = std::abs(sol.driver_current_A.sum() / sol.column_current_A.sum() - 1.0);
    RecordProperty("kcl_error", scientific(kcl_error));
    EXPECT_LE(kcl_error, 1e-12);  // sum_i D_i = sum_j I_j
}

}  // namespace cimkit::circuits
