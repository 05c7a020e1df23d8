// The settling latency of a one-shot crossbar read (circuits/crossbar_settling.hpp) against closed
// forms: a single RC pole, the latency's growth with R and C, and a distributed RC row solved
// independently by eigen-decomposition of its ladder (Eigen).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "circuits/crossbar.hpp"
#include "circuits/crossbar_settling.hpp"
#include "circuits/spice/engine.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"
#include "devices/registry.hpp"

namespace cimkit::circuits {
namespace {

std::string scientific(double value) {
    std::ostringstream text;
    text << std::scientific << std::setprecision(4) << value;
    return text.str();
}

// PCM cells: ohmic (face "resistive"), so each device is a resistor of 1/conductance_S.
struct OhmicArray {
    std::unique_ptr<DeviceModel> model = builtin_devices().find("pcm").make({});
    std::vector<DeviceState> states;
    std::vector<double> resistance_ohm;
};

OhmicArray ohmic_array(int devices, std::uint64_t seed) {
    OhmicArray a;
    Rng rng(seed);
    for (int k = 0; k < devices; ++k) {
        DeviceState s = a.model->make_device(rng);
        a.model->set_level(s, 0.3 + 0.7 * rng.uniform(), rng);
        a.states.push_back(s);
        a.resistance_ohm.push_back(1.0 / a.model->conductance_S(s));
    }
    return a;
}

CrossbarReadout spice_read(const CrossbarGeometry& g, const OhmicArray& a, const std::vector<double>& inputs_V,
                           const CrossbarCircuitOptions& options) {
    spice::Engine engine;
    const auto face = make_device_face(*a.model);
    engine.load(spice::NetlistText::from_string(to_spice(build_crossbar_read(g, *face, a.states, inputs_V, options)), "settling"));
    engine.run();
    return read_crossbar(engine.plots().at(0), g, options);
}

// A ramp of duration t_e into a single pole tau: after the ramp the deviation from the final value is
// (tau/t_e)(e^{t_e/tau} - 1) e^{-t/tau} of it; within 1/2 LSB = 2^-(bits+1) of full scale at
// t = tau ln(2^(bits+1) (tau/t_e)(e^{t_e/tau} - 1)) (-> tau ln(2^(bits+1)) for a step).
double single_pole_latency_s(double tau_s, double edge_s, int bits) {
    return tau_s * std::log(std::ldexp(1.0, bits + 1) * tau_s / edge_s * std::expm1(edge_s / tau_s));
}

// 1 x 1: the driver, row segment R, node capacitance C, the device R_d to the virtual-ground column:
// one pole, tau = C (R || R_d).
struct SinglePole {
    double wire_ohm, farad;
    double latency_s, expected_s;
};

SinglePole single_pole(double wire_ohm, double farad, int bits) {
    const OhmicArray a = ohmic_array(1, 3);
    const CrossbarGeometry g{1, 1, wire_ohm, 0.0, farad, 0.0};
    CrossbarCircuitOptions options;
    options.timing.edge_s = 10e-12;
    options.adc_bits = bits;
    const double r_d = a.resistance_ohm[0];
    const double tau_s = farad * wire_ohm * r_d / (wire_ohm + r_d);
    const CrossbarReadout readout = spice_read(g, a, {0.2}, options);
    // The plateau lasts at least twice the 1/2-LSB settling of the Elmore delay (>= tau), so what is
    // left at its end is below 2^-2(bits+1) of full scale, plus ngspice's own 1e-5 (its time steps).
    const double settled_A = 0.2 / (wire_ohm + r_d);
    EXPECT_NEAR(readout.column_current_A[0], settled_A, (std::ldexp(1.0, -2 * (bits + 1)) + 1e-5) * settled_A);
    return {wire_ohm, farad, readout.read_latency_s, single_pole_latency_s(tau_s, options.timing.edge_s, bits)};
}

}  // namespace

// The latency of a single RC pole is tau ln(2^(bits+1)) (ramp-corrected); 1 % covers the transient's
// time steps (ngspice's truncation-error control) and the linear interpolation of the crossing
// (0.05 % measured).
TEST(CrossbarSettling, SinglePoleSettlesToHalfAnLsbAtTheClosedForm) {
    for (int bits : {4, 8, 12}) {
        const SinglePole p = single_pole(1e3, 1e-12, bits);
        EXPECT_NEAR(p.latency_s, p.expected_s, 0.01 * p.expected_s) << bits << " bits";
        RecordProperty("latency_" + std::to_string(bits) + "_bits_s", scientific(p.latency_s));
        RecordProperty("closed_form_" + std::to_string(bits) + "_bits_s", scientific(p.expected_s));
    }
}

// Doubling C doubles tau; doubling R multiplies it by 2 (R_d + R)/(R_d + 2 R): the latency follows
// the closed form's ratio within 1 %.
TEST(CrossbarSettling, LatencyGrowsWithWireResistanceAndCapacitanceAsTheClosedFormSays) {
    const SinglePole base = single_pole(1e3, 1e-12, 8), more_c = single_pole(1e3, 2e-12, 8), more_r = single_pole(2e3, 1e-12, 8);
    EXPECT_GT(more_c.latency_s, 1.8 * base.latency_s);
    EXPECT_NEAR(more_c.latency_s / base.latency_s, more_c.expected_s / base.expected_s, 0.01 * more_c.expected_s / base.expected_s);
    EXPECT_GT(more_r.latency_s, 1.8 * base.latency_s);
    EXPECT_NEAR(more_r.latency_s / base.latency_s, more_r.expected_s / base.expected_s, 0.01 * more_r.expected_s / base.expected_s);
}

// One row of n cells on a distributed RC line (segment R, node C), each device R_dj to its own
// virtual-ground column: C dv/dt = -G v + e_0 V_in(t)/R with G tridiagonal (the ladder) plus
// diag(1/R_dj). G symmetric: G = Q diag(lambda) Q^T, and the response to a ramp of duration t_e is,
// after the ramp, v(t) = v_ss - Q diag(e^{-lambda t/C} (e^{lambda t_e/C} - 1)/(lambda t_e/C)) Q^T v_ss.
// Column current j = v_j/R_dj; the latency (slowest column within 1/2 LSB of max_j |I_j|) from that
// solution on a fine grid refined by bisection must match the transient's within 1 % (0.1 %
// measured), and the read
// window stretched from the Elmore delay must have held the array long enough to settle. With a
// driver output resistance R_drv the first link is R_drv + R (and the Elmore delay grows by R_drv n C).
void expect_distributed_row_matches_its_ladder(double driver_ohm) {
    SCOPED_TRACE("driver " + std::to_string(driver_ohm) + " ohm");
    const int n = 16, bits = 8;
    const double wire_ohm = 500.0, farad = 0.2e-12, edge_s = 10e-12, v_in = 0.2;
    const OhmicArray a = ohmic_array(n, 5);
    const CrossbarGeometry g{1, n, wire_ohm, 0.0, farad, 0.0, driver_ohm};
    CrossbarCircuitOptions options;
    options.timing.edge_s = edge_s;
    options.adc_bits = bits;
    const CrossbarReadout readout = spice_read(g, a, {v_in}, options);

    Eigen::MatrixXd conductance = Eigen::MatrixXd::Zero(n, n);
    for (int k = 0; k < n; ++k) {
        conductance(k, k) += 1.0 / (k == 0 ? driver_ohm + wire_ohm : wire_ohm) + 1.0 / a.resistance_ohm[k];  // segment k from its left, device
        if (k + 1 < n) {
            conductance(k, k) += 1.0 / wire_ohm;
            conductance(k + 1, k) = conductance(k, k + 1) = -1.0 / wire_ohm;
        }
    }
    Eigen::VectorXd drive = Eigen::VectorXd::Zero(n);
    drive(0) = v_in / (driver_ohm + wire_ohm);
    const Eigen::VectorXd v_ss = conductance.ldlt().solve(drive);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(conductance);
    const Eigen::VectorXd rate = eigen.eigenvalues() / farad;  // 1/s
    const Eigen::VectorXd modes_ss = eigen.eigenvectors().transpose() * v_ss;
    const auto deviation_V = [&](double t) {
        Eigen::VectorXd weights(n);
        for (int m = 0; m < n; ++m) weights(m) = modes_ss(m) * std::exp(-rate(m) * t) * std::expm1(rate(m) * edge_s) / (rate(m) * edge_s);
        return Eigen::VectorXd(eigen.eigenvectors() * weights);
    };
    double full_scale_A = 0.0;
    for (int j = 0; j < n; ++j) full_scale_A = std::max(full_scale_A, std::abs(v_ss(j) / a.resistance_ohm[j]));
    const double half_lsb_A = 0.5 * full_scale_A / std::ldexp(1.0, bits);
    const auto outside = [&](double t) {
        const Eigen::VectorXd d = deviation_V(t);
        for (int j = 0; j < n; ++j) {
            if (std::abs(d(j)) / a.resistance_ohm[j] > half_lsb_A) return true;
        }
        return false;
    };
    // The last time outside the band, on a grid of 10 ps, then bisected.
    const double grid_s = 10e-12;
    double last_outside = edge_s;
    for (double t = edge_s; t < readout.settled_time_s; t += grid_s) {
        if (outside(t)) last_outside = t;
    }
    double lo = last_outside, hi = last_outside + grid_s;
    for (int k = 0; k < 40; ++k) (outside(0.5 * (lo + hi)) ? lo : hi) = 0.5 * (lo + hi);
    EXPECT_NEAR(readout.read_latency_s, hi, 0.01 * hi);
    EXPECT_NEAR(readout.adc_full_scale_A, full_scale_A, 1e-4 * full_scale_A);
    for (int j = 0; j < n; ++j) EXPECT_NEAR(readout.column_current_A[j], v_ss(j) / a.resistance_ohm[j], half_lsb_A) << j;
    // The Elmore delay bounds the ladder's slowest time constant (1/min rate), and the window it
    // sets leaves the settled point well after the latency.
    EXPECT_GE(elmore_delay_s(g), 1.0 / rate.minCoeff());
    EXPECT_GT(readout.settled_time_s, 1.5 * readout.read_latency_s);
    ::testing::Test::RecordProperty("latency_" + std::to_string(driver_ohm) + "_ohm_s", scientific(readout.read_latency_s));
    ::testing::Test::RecordProperty("eigen_latency_" + std::to_string(driver_ohm) + "_ohm_s", scientific(hi));
}

TEST(CrossbarSettling, DistributedRowMatchesTheEigenDecompositionOfItsLadder) {
    expect_distributed_row_matches_its_ladder(0.0);
    expect_distributed_row_matches_its_ladder(2e3);
}

// Without capacitance the read keeps its timing: the plateau is the caller's and the latency is the
// rising edge (a resistive array follows its drivers instantly).
TEST(CrossbarSettling, ResistiveWiresKeepTheReadWindowAndSettleWithTheEdge) {
    const OhmicArray a = ohmic_array(6, 7);
    const CrossbarGeometry g{3, 2, 5.0, 5.0};
    const CrossbarCircuitOptions options;
    EXPECT_EQ(settled_read_timing(g, options).read_s, options.timing.read_s);
    const CrossbarReadout readout = spice_read(g, a, {0.1, 0.15, 0.2}, options);
    const double plateau_end_s = options.timing.edge_s + options.timing.read_s;
    EXPECT_LT(readout.settled_time_s, plateau_end_s);
    EXPECT_GE(readout.settled_time_s, plateau_end_s - options.timing.edge_s / 2.0);  // one step at most
    // The ramp reaches within 1/2 LSB of its top 2^-(bits+1) of the edge before it ends.
    const double expected_s = options.timing.edge_s * (1.0 - std::ldexp(1.0, -(options.adc_bits + 1)));
    EXPECT_NEAR(readout.read_latency_s, expected_s, 0.01 * options.timing.edge_s);
}

TEST(CrossbarSettling, CapacitanceWithoutResistanceAndBadBitsAreRefused) {
    EXPECT_THROW(validate_geometry(CrossbarGeometry{2, 2, 0.0, 0.0, 1e-15, 0.0}), ParameterError);
    EXPECT_THROW(validate_geometry(CrossbarGeometry{2, 2, 1.0, 0.0, 0.0, 1e-15}), ParameterError);
    EXPECT_THROW(validate_geometry(CrossbarGeometry{2, 2, 1.0, 1.0, -1e-15, 0.0}), ParameterError);
    EXPECT_NO_THROW(validate_geometry(CrossbarGeometry{2, 2, 1.0, 1.0, 1e-15, 1e-15}));
    EXPECT_THROW(validate_adc_bits(0), ParameterError);
    EXPECT_THROW(validate_adc_bits(25), ParameterError);
}

}  // namespace cimkit::circuits
