// Neuron circuits as activations (circuits/neuron_circuit.hpp, training/circuit_neuron.hpp): the DC
// transfer of sigmoid_mos against the square-law closed form its library states, the calibration
// against the closed-form centre and slope, the resident circuit in ngspice against its tabulated
// twin, the supply energy against vdd itail t, and the neuron energy through a checkpoint.
#include "training/circuit_neuron.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "training/network.hpp"

namespace cimkit::training {
namespace {

const std::filesystem::path netlist_dir = CIMKIT_NETLIST_DIR;

// sigmoid_mos.lib's defaults and its square-law equations (both transistors saturated, lambda = 0):
//   I1 - I2 = (beta/2) dV sqrt(4 itail/beta - dV^2) for |dV| <= sqrt(2 itail/beta), else itail sign(dV)
//   V_out   = vdd - rd itail/2 + rd (I1 - I2)/2,  dV = V_in - vmid
constexpr double vdd_V = 1.8, vmid_V = 0.9, itail_A = 20e-6, rd_ohm = 50e3, beta_A_per_V2 = 120e-6 * 10.0;

double square_law_output_V(double input_V) {
    const double dv = input_V - vmid_V, edge = std::sqrt(2.0 * itail_A / beta_A_per_V2);
    const double difference_A = std::abs(dv) <= edge ? 0.5 * beta_A_per_V2 * dv * std::sqrt(4.0 * itail_A / beta_A_per_V2 - dv * dv)
                                                     : std::copysign(itail_A, dv);
    return vdd_V - 0.5 * rd_ohm * itail_A + 0.5 * rd_ohm * difference_A;
}

const circuits::NeuronTransfer& transfer() {
    static const circuits::NeuronTransfer t =
        circuits::measure_transfer(circuits::neuron_circuit("sigmoid_mos"), netlist_dir, transfer_points);
    return t;
}

// relu_mos.lib's defaults and its source-follower square law:
//   V_out = V_ov - (sqrt(1 + 2 beta rl V_ov) - 1)/(beta rl), V_ov = V_in - vto > 0; else 0
constexpr double relu_vto_V = 0.4, relu_rl_ohm = 100e3;

double follower_output_V(double input_V) {
    const double overdrive_V = input_V - relu_vto_V, beta_rl = beta_A_per_V2 * relu_rl_ohm;
    return overdrive_V <= 0.0 ? 0.0 : overdrive_V - (std::sqrt(1.0 + 2.0 * beta_rl * overdrive_V) - 1.0) / beta_rl;
}

const circuits::NeuronTransfer& relu_transfer() {
    static const circuits::NeuronTransfer t = circuits::measure_transfer(circuits::neuron_circuit("relu_mos"), netlist_dir, transfer_points);
    return t;
}

// With reltol 1e-6 the sweep sits within 10 uV of the closed form over the whole window, and the
// supply delivers vdd itail at every point (the tail current is ideal).
TEST(NeuronCircuit, SigmoidMosTransferFollowsTheSquareLaw) {
    const circuits::NeuronTransfer& t = transfer();
    ASSERT_EQ(t.input_V.size(), static_cast<std::size_t>(transfer_points));
    EXPECT_NEAR(t.input_V.front(), 0.4, 1e-12);
    EXPECT_NEAR(t.input_V.back(), 1.4, 1e-9);
    for (std::size_t i = 0; i < t.input_V.size(); ++i) {
        EXPECT_NEAR(t.output_V[i], square_law_output_V(t.input_V[i]), 1e-5) << "at " << t.input_V[i] << " V";
        EXPECT_NEAR(t.supply_power_W[i], vdd_V * itail_A, 1e-9 * vdd_V * itail_A) << "at " << t.input_V[i] << " V";
    }
}

// Centre where the output crosses mid-swing: vmid by symmetry. Volts per unit of z that give the
// logistic's slope 1/4 there: swing / (4 slope) with swing rd itail and slope rd sqrt(beta itail)/2,
// so sqrt(itail/beta)/2 = 64.5 mV.
TEST(NeuronCircuit, CalibrationFindsTheCentreAndTheLogisticSlope) {
    const NeuronCalibration c = calibrate(transfer(), "sigmoid_mos", circuits::NeuronShape::sigmoid);
    EXPECT_NEAR(c.center_V, vmid_V, 1e-5);
    EXPECT_NEAR(c.low_V, vdd_V - rd_ohm * itail_A, 1e-5);
    EXPECT_NEAR(c.high_V, vdd_V, 1e-5);
    EXPECT_NEAR(c.volts_per_unit, 0.5 * std::sqrt(itail_A / beta_A_per_V2), 1e-3 * 0.5 * std::sqrt(itail_A / beta_A_per_V2));
    EXPECT_NEAR(c.input_V(1e6f), 1.4, 1e-9);  // clipped to the window
    EXPECT_NEAR(c.input_V(-1e6f), 0.4, 1e-9);
}

// The source follower's sweep within 10 uV of its square law from 0 to 1.4 V, its supply delivering
// vdd V_out / rl (nothing while off); the knee where the tangent at 1.4 V (slope 1 - 1/sqrt(1 + 2
// beta rl V_ov)) meets 0 V, and the top of the window 4 units of z above it.
TEST(NeuronCircuit, ReluMosTransferFollowsTheFollowerLawAndCalibratesAKnee) {
    const circuits::NeuronTransfer& t = relu_transfer();
    for (std::size_t i = 0; i < t.input_V.size(); ++i) {
        const double v_out = follower_output_V(t.input_V[i]);
        EXPECT_NEAR(t.output_V[i], v_out, 1e-5) << "at " << t.input_V[i] << " V";
        EXPECT_NEAR(t.supply_power_W[i], vdd_V * v_out / relu_rl_ohm, 1e-10) << "at " << t.input_V[i] << " V";
    }
    const NeuronCalibration c = calibrate(t, "relu_mos", circuits::NeuronShape::rectifier);
    const double top_V = 1.4, overdrive_V = top_V - relu_vto_V;
    const double slope = 1.0 - 1.0 / std::sqrt(1.0 + 2.0 * beta_A_per_V2 * relu_rl_ohm * overdrive_V);
    const double knee_V = top_V - follower_output_V(top_V) / slope;
    EXPECT_NEAR(c.center_V, knee_V, 1e-3);
    EXPECT_NEAR(c.volts_per_unit, (top_V - knee_V) / rectifier_span_units, 1e-3);
    EXPECT_NEAR(c.activation(follower_output_V(top_V)), rectifier_span_units, 1e-2);  // slope 1 per unit up to the top
    EXPECT_NEAR(c.activation(0.0), 0.0, 1e-6);
}

// Settling after a full-window step: the pair's output is its load rd against the node capacitance
// cnode (10 fF), one pole of 0.5 ns, settling to 1/2 LSB of 8 bits in rd cnode ln 2^9 = 3.12 ns; the
// follower has no capacitance and settles within the 1 ps edge.
TEST(NeuronCircuit, SettlingFollowsTheOutputPole) {
    const double pair_s = circuits::measure_settling_s(circuits::neuron_circuit("sigmoid_mos"), netlist_dir, 8);
    EXPECT_NEAR(pair_s, rd_ohm * 10e-15 * std::log(512.0), 0.05 * rd_ohm * 10e-15 * std::log(512.0));
    EXPECT_LE(circuits::measure_settling_s(circuits::neuron_circuit("relu_mos"), netlist_dir, 8), 1e-12 * (1.0 + 1e-9));
}

// A transfer that does not rise is not a neuron: refused with the circuit's name.
TEST(NeuronCircuit, FlatTransferIsRefused) {
    circuits::NeuronTransfer flat{{0.0, 0.5, 1.0}, {0.3, 0.3, 0.3}, {0.0, 0.0, 0.0}};
    try {
        (void)calibrate(flat, "flatline", circuits::NeuronShape::sigmoid);
        FAIL() << "a flat transfer was calibrated";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("flatline"), std::string::npos) << e.what();
    }
}

Eigen::VectorXf spread_z(int units) {
    Rng rng(7);
    Eigen::VectorXf z(units);
    for (int k = 0; k < units; ++k) z[k] = static_cast<float>(8.0 * rng.uniform() - 4.0);
    return z;
}

// The neurons solved in ngspice (one op of 12 neurons and their derivative circuits) and the twin
// interpolating the same circuit's DC sweep agree within 1e-4 in a and f' (and in energy), for both
// circuits; the twin's f' is the closed form's central difference at the same offset (the derivative
// circuit's own law) within 1e-3.
TEST(NeuronCircuit, SpiceNeuronsAgreeWithTheirTabulatedTwin) {
    constexpr int units = 12;
    constexpr double neuron_time_s = 10e-9;
    struct Case {
        Activation activation;
        const circuits::NeuronTransfer& transfer;
        circuits::NeuronShape shape;
        double (*closed_form_V)(double);
    };
    for (const Case& circuit : {Case{Activation::sigmoid_mos, transfer(), circuits::NeuronShape::sigmoid, square_law_output_V},
                                Case{Activation::relu_mos, relu_transfer(), circuits::NeuronShape::rectifier, follower_output_V}}) {
        const std::string name = to_string(circuit.activation);
        const auto spice = make_circuit_neuron_factory(NeuronEvaluation::spice, netlist_dir, neuron_time_s)(circuit.activation, units);
        const auto twin = make_circuit_neuron_factory(NeuronEvaluation::tabulated, netlist_dir, neuron_time_s)(circuit.activation, units);
        const Eigen::VectorXf z = spread_z(units);
        const Eigen::VectorXf a_spice = spice->activate(z), a_twin = twin->activate(z);
        const Eigen::VectorXf d_spice = spice->derivative(z, a_spice), d_twin = twin->derivative(z, a_twin);
        const NeuronCalibration c = calibrate(circuit.transfer, name, circuit.shape);
        const double step_V = c.slope_step_V();
        for (int k = 0; k < units; ++k) {
            EXPECT_NEAR(a_spice[k], a_twin[k], 1e-4) << name << " z = " << z[k];
            EXPECT_NEAR(d_spice[k], d_twin[k], 1e-4) << name << " z = " << z[k];
            const double v = c.input_V(z[k]);
            const double closed_form = (circuit.closed_form_V(v + step_V) - circuit.closed_form_V(v - step_V)) /
                                       (2.0 * slope_step_units * c.output_per_unit_V);
            EXPECT_NEAR(d_twin[k], closed_form, 1e-3) << name << " z = " << z[k];
            // Within the range, up to the saturated pair's gmin leakage (1e-7 V of 1 V).
            EXPECT_GE(a_twin[k], -1e-6f) << name;
            EXPECT_LE(a_twin[k], (circuit.shape == circuits::NeuronShape::sigmoid ? 1.0f : 4.1f) + 1e-6f) << name;
        }
        EXPECT_NEAR(spice->energy_J(), twin->energy_J(), 1e-4 * twin->energy_J()) << name;
        if (circuit.shape == circuits::NeuronShape::sigmoid) {
            // The pair draws vdd itail whatever its input: the forward pass powers the neurons, the
            // backward pass the derivative circuits' two copies each.
            const double expected_J = 3.0 * units * vdd_V * itail_A * neuron_time_s;
            EXPECT_NEAR(spice->energy_J(), expected_J, 1e-6 * expected_J);
        }
    }
}

// A network on circuit neurons keeps their energy in its checkpoint and restores it; a formula's
// layer adds no block.
TEST(NeuronCircuit, NeuronEnergyTravelsThroughTheCheckpoint) {
    NetworkConfig config;
    config.layer_sizes = {4, 6, 3};
    config.hidden_activations = {Activation::sigmoid_mos};
    const NeuronFactory neurons = make_circuit_neuron_factory(NeuronEvaluation::tabulated, netlist_dir, 10e-9);
    Network network(config, make_ideal_array, neurons);
    (void)forward(network, Eigen::VectorXf::Constant(4, 0.5f));
    const double spent_J = network.activity().neuron_energy_J;
    EXPECT_NEAR(spent_J, 6 * vdd_V * itail_A * 10e-9, 1e-6 * spent_J);
    const NetworkCheckpoint c = take_checkpoint(network);
    ASSERT_EQ(c.arrays[0].count("neuron_energy_J"), 1u);
    EXPECT_EQ(c.arrays[1].count("neuron_energy_J"), 0u);

    Network fresh(config, make_ideal_array, neurons);
    EXPECT_EQ(fresh.activity().neuron_energy_J, 0.0);
    restore_checkpoint(fresh, c);
    EXPECT_EQ(fresh.activity().neuron_energy_J, spent_J);
}

// Without a circuit factory a circuit activation is refused, naming it.
TEST(NeuronCircuit, FormulaFactoryRefusesACircuitActivation) {
    NetworkConfig config;
    config.layer_sizes = {4, 6, 3};
    config.hidden_activations = {Activation::sigmoid_mos};
    try {
        Network network(config);
        FAIL() << "a formula network accepted sigmoid_mos";
    } catch (const ParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("sigmoid_mos"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace cimkit::training
